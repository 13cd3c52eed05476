"""Plans, their tasks, the assignments of tasks down the tree, reports and supervision notices.

A plan (方案) holds tasks (工作任务) grouped by category (大类). A task names its lead and partner
units as the plan wrote them (`TaskParty`), matched to the register or to a department. The
work itself is an `Assignment`: the task for one unit. Headquarters assigns a task to counties;
a county splits its assignment into its towns', a town into its villages' (`parent`), and
progress and lights roll up that tree. Reports, evidence and notices hang on an assignment.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from baiqianwan.core.models import TimestampedModel
from baiqianwan.core.storage import private_storage_get
from baiqianwan.plans.choices import (
    DeadlineKind,
    Light,
    NoticeState,
    NoticeStepKind,
    PartyRole,
    PlanStatus,
    ProgressStatus,
    ReportCycle,
    ReviewState,
)


class Department(TimestampedModel):
    """A department of a unit's government (市农业农村局 under 肇庆市): the 牵头单位 of many tasks.

    The register holds only NBS units; departments are this small register beside it, kept by
    headquarters. `aliases` are the other names plans use for it (农业农村局, 市农业农村部门).
    """

    unit: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["unit__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="department_unit_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TimestampedModel):
    """A work plan: issued by a unit, valid for a year or a span of years.

    The light rule's parameters are the plan's own (see docs/plans.md): how often units report,
    by which day of the cycle's last month, how many days before a deadline a unit behind the
    expected line turns yellow, after how many returns it turns red, and the grace periods of
    its supervision notices. `version` rises with every change, so two editors cannot overwrite
    each other unnoticed.
    """

    title = models.CharField(_("title"), max_length=300)
    issuer: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_name = models.CharField(_("issued by"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    year_start = models.PositiveSmallIntegerField(_("first year"))
    year_end = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    source_document: Any = models.ForeignKey(
        "intake.IntakeDocument",
        verbose_name=_("intake document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"year": 2025, "text": "三年初见成效"}, ...] in year order.
    milestones = models.JSONField(_("milestones"), default=list, blank=True)
    report_cycle = models.CharField(
        _("reporting cycle"),
        max_length=16,
        choices=ReportCycle.choices,
        default=ReportCycle.MONTHLY,
    )
    report_due_day = models.PositiveSmallIntegerField(_("report due by day"), default=25)
    warning_days = models.PositiveSmallIntegerField(_("warning window (days)"), default=15)
    red_returns = models.PositiveSmallIntegerField(_("returns that turn red"), default=2)
    notice_reply_days = models.PositiveSmallIntegerField(_("notice reply time (days)"), default=5)
    escalation_days = models.PositiveSmallIntegerField(
        _("grace before escalation (days)"), default=3
    )
    interview_days = models.PositiveSmallIntegerField(_("grace before interview (days)"), default=5)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year_start", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=F("year_start")), name="plan_years_ordered"
            ),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=28),
                name="plan_report_due_day_in_month",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self) -> Any:
        """The unit the plan belongs to, for the access policy."""
        return self.issuer

    @property
    def years(self) -> str:
        if self.year_start == self.year_end:
            return str(self.year_start)
        return f"{self.year_start}–{self.year_end}"


class Task(TimestampedModel):
    """A task of a plan: its category (大类), number and text, deadline and optional target.

    `indicator_code` names the indicator a quantitative target is measured by, by its code in
    the indicator system; the indicators app resolves it, so linking needs no change here.
    """

    plan: Any = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    category = models.CharField(_("category"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20)
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("task"))
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=16, choices=DeadlineKind.choices, default=DeadlineKind.TEXT
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=100, blank=True)
    deadline_flagged = models.BooleanField(_("deadline to check"), default=False)
    target_value = models.DecimalField(
        _("target"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    target_text = models.CharField(_("target as written"), max_length=200, blank=True)
    indicator_code = models.CharField(_("indicator code"), max_length=32, blank=True)
    source_row = models.PositiveIntegerField(_("ledger row"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_plan_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:60]}"

    @property
    def unit(self) -> Any:
        return self.plan.issuer


class TaskParty(models.Model):
    """A lead or partner unit of a task, as the plan names it and as it was matched: to a unit
    of the register, to a department, or to nothing yet (`name` only, for the reviewer)."""

    task: Any = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=8, choices=PartyRole.choices)
    name = models.CharField(_("name as written"), max_length=100)
    unit: Any = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department: Any = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parties",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task party")
        verbose_name_plural = _("task parties")
        ordering = ["task", "role", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(department__isnull=True),
                name="task_party_unit_or_department",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def matched(self) -> bool:
        return self.unit_id is not None or self.department_id is not None


class Assignment(TimestampedModel):
    """A task for one unit: what that unit must do and report on.

    `parent` is the assignment it was split from (a county's, for its towns'). `progress` is
    the percent complete: the last accepted report's, or for a split assignment its children's
    weighted mean. `light` and `light_reason` are recomputed by `plans.lights` every day and
    after every report; `returns` counts reports sent back since the last accepted one.
    """

    task: Any = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    department: Any = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    parent: Any = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, default=1)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.DecimalField(_("progress (%)"), max_digits=5, decimal_places=1, default=0)
    light = models.CharField(
        _("light"), max_length=8, choices=Light.choices, default=Light.GREEN, db_index=True
    )
    light_reason = models.CharField(_("why"), max_length=200, blank=True)
    light_on = models.DateField(_("light computed on"), null=True, blank=True)
    returns = models.PositiveSmallIntegerField(_("returns"), default=0)
    last_cycle = models.CharField(_("last cycle reported"), max_length=8, blank=True)
    last_report_on = models.DateField(_("last reported on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_task_unit_unique"),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="assignment_progress_0_100"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="assignment_weight_positive"),
        ]
        indexes = [models.Index(fields=["task", "light"], name="assignment_task_light")]

    def __str__(self) -> str:
        return f"{self.task.number} → {self.unit.name}"

    @property
    def light_why(self) -> str:
        """Why the light shows, in the reader's language."""
        from baiqianwan.plans.lights import reason_text

        return reason_text(self.light_reason)


# The migrations name this callable; the storage itself is core's.
_private_storage = private_storage_get


class Report(TimestampedModel):
    """A progress report of an assignment for one reporting cycle (`cycle`: 2025-03 or 2025-Q1).

    Reports are never edited or deleted: a returned report stays with its comment and the unit
    reports again. `version` guards the review, so two reviewers cannot both decide.
    """

    assignment: Any = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reports"
    )
    cycle = models.CharField(_("reporting cycle"), max_length=8)
    text = models.TextField(_("progress"))
    percent = models.DecimalField(_("percent complete"), max_digits=5, decimal_places=1)
    status = models.CharField(_("status"), max_length=16, choices=ProgressStatus.choices)
    state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    comment = models.TextField(_("review comment"), blank=True)
    submitted_on = models.DateField(_("submitted on"))
    submitted_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="report_percent_0_100"
            ),
        ]
        indexes = [models.Index(fields=["assignment", "state"], name="report_assignment_state")]

    def __str__(self) -> str:
        return f"{self.assignment} {self.cycle}"

    @property
    def unit(self) -> Any:
        return self.assignment.unit


class Evidence(TimestampedModel):
    """A file attached to a report, checked by its content and kept out of the static root."""

    report: Any = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), storage=_private_storage, upload_to="evidence/%Y/%m/")
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> Any:
        return self.report.assignment.unit


def notice_number(year: int, sequence: int) -> str:
    """督办〔2025〕3号: a notice's number, its issuer's own sequence within the year."""
    return f"督办〔{year}〕{sequence}号"


class Notice(TimestampedModel):
    """A supervision notice (督办单): a numbered demand that a unit act on an assignment and reply
    by a date. Unanswered, it escalates to the unit's parent level, then is marked for 约谈."""

    issuer: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    assignment: Any = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="notices"
    )
    addressee: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    escalated_to: Any = models.ForeignKey(
        "units.Unit",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("requirement"))
    reply_by = models.DateField(_("reply by"))
    state = models.CharField(
        _("state"), max_length=16, choices=NoticeState.choices, default=NoticeState.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    interview_on = models.DateField(_("marked for interview on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    issued_by: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"], name="notice_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return notice_number(self.year, self.sequence)

    @property
    def unit(self) -> Any:
        return self.addressee


class NoticeStep(models.Model):
    """One step in a notice's life: issued, replied, escalated, marked for interview, closed."""

    notice: Any = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=16, choices=NoticeStepKind.choices)
    unit: Any = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor: Any = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("notice step")
        verbose_name_plural = _("notice steps")
        ordering = ["notice", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notice} {self.get_kind_display()}"


__all__ = [
    "Assignment",
    "Department",
    "Evidence",
    "Notice",
    "NoticeStep",
    "Plan",
    "Report",
    "Task",
    "TaskParty",
]
