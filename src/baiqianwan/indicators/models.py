"""The indicator system, data sets and periods, the values units report, their approval up the
tree, and the totals derived from them.

An `Indicator` is defined once (code, names, unit of measure, type, direction, how it
aggregates, the levels that report it, its dimension); a `DataSet` (报表) groups indicators that
one level reports for one period type, for the units below the units it is assigned to. A
`DataValue` is one number for an indicator, unit and period, stored only through
`baiqianwan.indicators.values`, which keeps every change (`DataValueChange`). An `Submission`
carries one data set's values of one unit and period through draft → submitted → approved →
locked. At each approval the totals of the units above (`DerivedValue`) are recomputed, with
the computed indicators (a formula over others) at every level. See docs/indicators.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel
from baiqianwan.core.storage import private_storage_get
from baiqianwan.indicators.choices import (
    Aggregation,
    Binding,
    DerivedKind,
    Direction,
    Operator,
    PeriodType,
    Severity,
    SubmissionState,
    ValueSource,
    ValueType,
)
from baiqianwan.units.choices import Level


class IndicatorSystem(TimestampedModel):
    """An indicator system as loaded from its file (`bqw indicators load FILE`)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=32)
    source_file = models.CharField(_("loaded from"), max_length=300, blank=True)
    sha256 = models.CharField(_("file checksum"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Dimension(models.Model):
    """A node of a system's dimension tree (富、净、绿、美、强、治 for villages; 经济发展 …)."""

    system: Any = models.ForeignKey(
        IndicatorSystem, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent: Any = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["system", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="dimension_system_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One indicator: entered by units, or computed by `formula` from others (never entered).

    `levels` lists the unit levels that report it (county / town / village); the levels above
    get it by `aggregation` (a weighted average by `weight_indicator`, e.g. per-capita income
    weighted by population). Values are stored as numbers: a percentage as its number of
    percent (35.2), yes/no as 1/0.
    """

    system: Any = models.ForeignKey(
        IndicatorSystem, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=16, choices=ValueType.choices, default=ValueType.NUMBER
    )
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.POSITIVE
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=24, choices=Aggregation.choices, default=Aggregation.SUM
    )
    weight_indicator: Any = models.ForeignKey(
        "self",
        verbose_name=_("weighted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    levels = models.JSONField(_("reported at"), default=list, blank=True)
    period_type = models.CharField(
        _("period type"), max_length=16, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    dimension: Any = models.ForeignKey(
        Dimension,
        verbose_name=_("dimension"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    binding = models.CharField(
        _("binding or indicative"),
        max_length=16,
        choices=Binding.choices,
        default=Binding.INDICATIVE,
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    minimum = models.FloatField(_("smallest valid value"), null=True, blank=True)
    maximum = models.FloatField(_("largest valid value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    citation = models.TextField(_("where it comes from"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_computed(self) -> bool:
        return bool(self.formula)


class Target(models.Model):
    """An indicator's target for a milestone year: for every unit of a level, or for one unit
    (which then overrides its level's)."""

    indicator: Any = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    unit: Any = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.FloatField(_("target"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "level"],
                condition=Q(unit__isnull=True),
                name="target_level_default_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="target_unit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class Period(models.Model):
    """A reporting period, coded the way DHIS2 codes them: 2024, 2024S1, 2024Q3, 202405."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    type = models.CharField(_("period type"), max_length=16, choices=PeriodType.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-start", "type"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_ordered")
        ]

    def __str__(self) -> str:
        return self.code


class DataSet(TimestampedModel):
    """A report (报表): indicators one level reports for one period type.

    The units expected to report are the current units of `level` in the subtrees of
    `assigned_to` (肇庆市 for every village of the city).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    period_type = models.CharField(
        _("period type"), max_length=16, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    owner: Any = models.ForeignKey(
        "units.Unit",
        verbose_name=_("owned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to: Any = models.ManyToManyField(
        "units.Unit", verbose_name=_("assigned to"), related_name="+", blank=True
    )
    indicators: Any = models.ManyToManyField(
        Indicator, through="DataSetMember", related_name="datasets"
    )
    # Days after a period ends that its window stays open by default.
    due_days = models.PositiveSmallIntegerField(_("days to report after the period"), default=30)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> Any:
        """The unit the data set belongs to, for the access policy."""
        return self.owner


class DataSetMember(models.Model):
    dataset: Any = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    indicator: Any = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dataset", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "indicator"], name="dataset_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}/{self.indicator_id}"


class CollectionWindow(models.Model):
    """When a data set's period is open for entry; after `closes_on` entry locks, except for
    the units granted a `LockException`."""

    dataset: Any = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="windows")
    period: Any = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        verbose_name = _("collection window")
        verbose_name_plural = _("collection windows")
        ordering = ["dataset", "-period__start"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period"], name="window_unique"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.period_id}: {self.opens_on}–{self.closes_on}"


class LockException(models.Model):
    """Headquarters lets one unit keep entering a closed period, until a date."""

    dataset: Any = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+")
    period: Any = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    granted_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lock exception")
        verbose_name_plural = _("lock exceptions")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.period_id} {self.unit_id} until {self.until}"


class Submission(models.Model):
    """One data set's values of one unit and period on their way up: draft → submitted →
    approved by the level above → locked (or returned with a comment, or waived).

    `version` rises with every change to the unit's values or state, so an upload previewed
    before someone else's change is refused instead of overwriting it.
    """

    dataset: Any = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="submissions")
    period: Any = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["dataset", "period", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period", "unit"], name="submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.period_id} {self.unit_id}: {self.state}"


class SubmissionStep(models.Model):
    """One move of a submission, kept for the history."""

    submission: Any = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    state_from = models.CharField(_("from"), max_length=16, choices=SubmissionState.choices)
    state_to = models.CharField(_("to"), max_length=16, choices=SubmissionState.choices)
    actor: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.state_from} → {self.state_to}"


class DataValue(models.Model):
    """One reported number. Missing is no row: never zero.

    The indicator and period keys have no index of their own: the unique (indicator, unit,
    period) and the (period, unit) indexes lead with them, and every index a million-value
    upload must update costs seconds.
    """

    indicator: Any = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period: Any = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    value = models.FloatField(_("value"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ValueSource.choices)
    stored_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stored_at = models.DateTimeField(_("stored at"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="datavalue_unique")
        ]
        indexes = [models.Index(fields=["period", "unit"], name="datavalue_period_unit")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.period_id} = {self.value}"


class DataValueChange(models.Model):
    """Every change of a value: old and new (None for missing), who, when, from where.

    Read by value (indicator, unit, period); the keys have no single indexes beside that one
    (an upload writes a million rows here).
    """

    indicator: Any = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit: Any = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period: Any = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    old = models.FloatField(_("old value"), null=True, blank=True)
    new = models.FloatField(_("new value"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=ValueSource.choices)
    actor: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    upload: Any = models.ForeignKey(
        "Upload",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["indicator", "unit", "period"], name="valuechange_key"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.period_id}: {self.old} → {self.new}"


class DerivedValue(models.Model):
    """A value no one entered: a unit's total of its children's approved values, or a
    computed indicator's value. `reported` of `expected` children made it."""

    indicator: Any = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    period: Any = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(_("value"))
    kind = models.CharField(_("kind"), max_length=16, choices=DerivedKind.choices)
    reported = models.PositiveIntegerField(_("units reported"), default=0)
    expected = models.PositiveIntegerField(_("units expected"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("derived value")
        verbose_name_plural = _("derived values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period"], name="derivedvalue_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "unit"], name="derivedvalue_period_unit")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.unit_id} {self.period_id} = {self.value}"


class ValidationRule(models.Model):
    """`left operator right` over the indicators of one unit and period, e.g.
    `RURAL_INCOME <= URBAN_INCOME`. A blocking rule stops a submission; a warning is shown."""

    system: Any = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    left = models.CharField(_("left side"), max_length=300)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.BLOCKING
    )
    levels = models.JSONField(_("applies at"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="rule_system_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class UploadState(models.TextChoices):
    # A large workbook waits for the background worker to read it.
    CHECKING = "checking", _("Being checked")
    # Read, with problems: nothing can be stored.
    REFUSED = "refused", _("Refused: has problems")
    PREVIEWED = "previewed", _("Previewed")
    # Confirmed; a large upload waits for the worker to store it.
    STORING = "storing", _("Being stored")
    FAILED = "failed", _("Failed")
    STORED = "stored", _("Stored")
    CONFLICT = "conflict", _("Refused: changed since the preview")
    DISCARDED = "discarded", _("Discarded")


class Upload(models.Model):
    """An Excel workbook uploaded for a data set, period and scope: previewed first, stored
    all-or-nothing on confirmation if nothing in its scope changed in between (`versions`)."""

    dataset: Any = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="uploads")
    period: Any = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    scope: Any = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    uploaded_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("checksum"), max_length=64)
    file = models.FileField(
        _("file"), storage=private_storage_get, upload_to="indicator-uploads/%Y/%m/", blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=UploadState.choices, default=UploadState.PREVIEWED
    )
    # {"new": n, "changed": n, "unchanged": n, "cleared": n}
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # {unit_id: submission version at the preview}
    versions = models.JSONField(default=dict, blank=True)
    stored_at = models.DateTimeField(_("stored at"), null=True, blank=True)
    # The workbook's problems by sheet!cell (the first ones; `problem_count` counts them all).
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # The changed cells of the preview (the first ones): unit, indicator, old, new.
    changes = models.JSONField(default=list, blank=True)
    # The values read from the workbook (NumPy arrays), stored on confirmation.
    cells = models.FileField(
        storage=private_storage_get, upload_to="indicator-uploads/%Y/%m/", blank=True
    )
    # Why the background work stopped; the job's id while it runs.
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def unit(self) -> Any:
        return self.scope
