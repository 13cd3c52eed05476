"""Evaluation schemes, their runs and the results they store.

A `Scheme` says what is judged and how: the level (county / town / village), the indicators
(with their directions from the indicator system and, for coupling, their subsystem), the
weighting, the TOPSIS variant, the missing-value rule, whether groups (the county tracks
创先/进位/消薄) are ranked separately and whether balance is measured by county. A `Run`
applies a scheme to periods of approved values (or an uploaded sheet) in the background
worker; it keeps a snapshot of its inputs (`inputs`, an .npz file), its parameters and the
software version, so it can be reproduced exactly, and stores one `RunScore` per unit and
period, all in one transaction. See docs/evaluation.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel
from baiqianwan.core.storage import private_storage_get
from baiqianwan.evaluation.choices import (
    AhpOver,
    Cost,
    MissingRule,
    Normalization,
    RunState,
    Source,
    Track,
    Weighting,
)
from baiqianwan.units.choices import Level


class UnitTrack(models.Model):
    """The track a unit is assessed in for a year (创先 / 进位 / 消薄), set by headquarters."""

    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    set_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("assessment track")
        verbose_name_plural = _("assessment tracks")
        ordering = ["year", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unittrack_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.track}"


class Scheme(TimestampedModel):
    """What an evaluation judges and how. `unit` is the area it ranks (the city, or a county
    for its own towns and villages) and decides who sees it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit: Any = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    level = models.CharField(_("units ranked"), max_length=16, choices=Level.choices)
    weighting = models.CharField(
        _("weighting"), max_length=16, choices=Weighting.choices, default=Weighting.ENTROPY
    )
    ahp_over = models.CharField(
        _("pairwise judgements over"),
        max_length=16,
        choices=AhpOver.choices,
        default=AhpOver.DIMENSIONS,
    )
    # Saaty's 1–9 judgements, row i over column j; [] when the weighting needs none.
    ahp_matrix = models.JSONField(_("pairwise matrix"), default=list, blank=True)
    ahp_accept_inconsistent = models.BooleanField(
        _("accept an inconsistent matrix (CR ≥ 0.1)"), default=False
    )
    # Combined weighting: w = α·subjective + (1 − α)·objective, or multiplicative.
    combine_alpha = models.FloatField(_("share of the subjective weights"), default=0.5)
    normalization = models.CharField(
        _("normalisation"),
        max_length=16,
        choices=Normalization.choices,
        default=Normalization.MINMAX,
    )
    cost = models.CharField(
        _("negative indicators"), max_length=16, choices=Cost.choices, default=Cost.INVERT
    )
    missing = models.CharField(
        _("missing values"), max_length=16, choices=MissingRule.choices, default=MissingRule.RAISE
    )
    top_k = models.PositiveSmallIntegerField(_("weak points per unit"), default=3)
    by_track = models.BooleanField(_("rank each track separately"), default=False)
    coupling = models.BooleanField(_("coupling coordination of the subsystems"), default=False)
    balance_by_county = models.BooleanField(_("Theil and Gini by county"), default=True)
    # Farms, forest farms, development zones and prisons at town level (乡级类似单位) and the
    # committees under them are not ranked with the towns and villages unless asked for.
    include_like_units = models.BooleanField(
        _("include town-like units (farms, zones, prisons)"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Rises with every save; an edit made on an older version is refused as a conflict.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["unit__code", "code"]

    def __str__(self) -> str:
        return self.name


class SchemeIndicator(models.Model):
    """One indicator of a scheme. `weight` is the given weight (Weighting.GIVEN); `subsystem`
    names its coupling subsystem (default: its dimension's name)."""

    scheme: Any = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="members")
    indicator: Any = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    weight = models.FloatField(_("given weight"), null=True, blank=True)
    subsystem = models.CharField(_("subsystem"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="schemeindicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}: {self.indicator_id}"


class Run(models.Model):
    """One application of a scheme to periods of data, computed by the background worker.

    `parameters` is the scheme as it was when the run was asked for (so editing the scheme
    later does not change what the run means); `inputs` the matrix it read (units ×
    indicators × periods, with the codes), `software` the platform's version; `summary` what
    is not per unit (weights by period, Theil and Gini by county, σ/β convergence, target
    achievement by indicator and milestone); `notes` what the page must say (units left out,
    values filled, constant indicators, provisional data).
    """

    scheme: Any = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    periods = models.JSONField(_("periods"), default=list)
    source = models.CharField(_("data"), max_length=16, choices=Source.choices)
    upload = models.FileField(
        _("uploaded sheet"),
        storage=private_storage_get,
        upload_to="evaluation/uploads/%Y/%m/",
        blank=True,
    )
    upload_name = models.CharField(_("file name"), max_length=255, blank=True)
    # Periods whose data is not all approved: refused, unless the user accepted a run marked
    # provisional.
    provisional = models.BooleanField(_("provisional"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=RunState.choices, default=RunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    software = models.CharField(_("software version"), max_length=64, blank=True)
    inputs = models.FileField(
        _("input snapshot"),
        storage=private_storage_get,
        upload_to="evaluation/inputs/%Y/%m/",
        blank=True,
    )
    inputs_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    rerun_of: Any = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["scheme", "state"], name="run_scheme_state")]

    def __str__(self) -> str:
        return f"{self.scheme_id} {','.join(self.periods)} #{self.pk}"

    @property
    def last_period(self) -> str:
        return self.periods[-1] if self.periods else ""


class RunScore(models.Model):
    """One unit's result in one period of a run.

    `change` is the rank in the period before minus the rank now (> 0 = 进位), None in the
    run's first period; `track_rank` the rank among the units of the same track. `weak` lists
    the top weak points as [indicator code, obstacle degree]; `weak_dimensions` the same by
    dimension. `coupling` holds C, T, D and `grade` / `lag` name the coupling grade and the
    lagging subsystem. `lights` counts the unit's targets by status (green, yellow, red) for
    the period's next milestone.
    """

    run: Any = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    change = models.IntegerField(_("rank change"), null=True, blank=True)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices, blank=True)
    track_rank = models.PositiveIntegerField(_("rank in track"), null=True, blank=True)
    weak = models.JSONField(_("weak points"), default=list, blank=True)
    weak_dimensions = models.JSONField(_("weak dimensions"), default=list, blank=True)
    coupling = models.FloatField(_("coupling C"), null=True, blank=True)
    development = models.FloatField(_("development T"), null=True, blank=True)
    coordination = models.FloatField(_("coordination D"), null=True, blank=True)
    grade = models.CharField(_("coupling grade"), max_length=16, blank=True)
    lag = models.CharField(_("lag type"), max_length=32, blank=True)
    lights = models.JSONField(_("target lights"), default=list, blank=True)
    filled = models.BooleanField(_("values filled in"), default=False)

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["run", "period", "rank", "unit__code"]
        indexes = [
            models.Index(fields=["run", "period", "rank"], name="runscore_run_period_rank"),
            models.Index(fields=["run", "unit"], name="runscore_run_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.unit_id} {self.period}: {self.rank}"
