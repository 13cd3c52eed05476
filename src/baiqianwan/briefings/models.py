"""Generated documents, the office's own templates and the schedules that write documents.

A `Document` is one generation: the .docx from a template (the office's uploaded one, else
the one shipped in `shipped/`), the PDF typeset by Typst from the same content, and a PNG of
its first page. Writing the same kind, area and period again makes the next `version`; the
old files stay. See docs/briefings.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from baiqianwan.briefings.choices import Cadence, DocumentState, Kind
from baiqianwan.core.models import TimestampedModel
from baiqianwan.core.storage import private_storage_get


class Template(TimestampedModel):
    """An office's own .docx template of a kind, for its area; the newest active one is used
    instead of the shipped template. Accepted only after it rendered against sample data."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit: Any = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    file = models.FileField(
        _("file"), storage=private_storage_get, upload_to="briefings/templates/%Y/%m/"
    )
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Schedule(TimestampedModel):
    """Write a document of `kind` for `unit`'s area on `day` of each month (or of each
    quarter's first month), for the period just ended, as `created_by`."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit: Any = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    cadence = models.CharField(
        _("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.MONTH
    )
    day = models.PositiveSmallIntegerField(_("day of the month"), default=5)
    is_active = models.BooleanField(_("active"), default=True)
    last_period = models.CharField(_("last period written"), max_length=8, blank=True)
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("document schedule")
        verbose_name_plural = _("document schedules")
        ordering = ["unit__code", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day__gte=1, day__lte=28), name="schedule_day_1_28"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.day}"


class Document(models.Model):
    """One generated document: its kind, area (`unit`), period, number and files."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit: Any = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    period = models.CharField(_("period"), max_length=8)
    # The nth document of this kind, area and period (a new generation keeps the old one).
    version = models.PositiveIntegerField(_("version"), default=1)
    year = models.PositiveSmallIntegerField(_("year"))
    # 〔2025〕12号: the sequence of the issuing area's documents of this kind in the year.
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("document number"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    # A supervision notice is about one assignment (a task for one unit).
    assignment: Any = models.ForeignKey(
        "plans.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    template: Any = models.ForeignKey(
        Template, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    schedule: Any = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    docx = models.FileField(
        storage=private_storage_get, upload_to="briefings/documents/%Y/%m/", blank=True
    )
    pdf = models.FileField(
        storage=private_storage_get, upload_to="briefings/documents/%Y/%m/", blank=True
    )
    preview = models.FileField(
        storage=private_storage_get, upload_to="briefings/previews/%Y/%m/", blank=True
    )
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    # What the document says it lacks (a period with no data): shown on the list too.
    gaps = models.JSONField(_("missing data"), default=list, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "period"], name="document_scope")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def period_label(self) -> str:
        """2025年11月, 2025年第三季度, as the list shows the period."""
        from baiqianwan.briefings.content import period_label

        return period_label(self.period)
