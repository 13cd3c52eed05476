"""Reading what the assignment page and 我的任务 show: an assignment with its reports,
evidence, units above and below, notices and history; and the signed-in unit's work list.

Every read here costs a fixed number of queries, however many reports, files, children or
assignments there are (the tests assert it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import can, scope_prefix
from baiqianwan.audit.models import AuditEvent
from baiqianwan.plans.choices import NoticeState, PlanStatus, ReportCycle, ReviewState
from baiqianwan.plans.lights import cycle_of
from baiqianwan.plans.models import Assignment, Notice, Report
from baiqianwan.plans.selectors import in_area_or_refused
from baiqianwan.plans.services import CHILD_LEVEL
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# History rows shown on the assignment page (the audit trail keeps all of them).
HISTORY_LIMIT = 100
# Rows of each 我的任务 list shown on the page; the export has all of them.
MINE_LIMIT = 50


def report_get(*, user: Any, pk: int, action: str = "plans.read") -> Report:
    """A report on an assignment in the user's area, for `action`; 404 otherwise (one elsewhere
    is a security event)."""
    prefix = scope_prefix(user, action)
    found = (
        Report.objects.filter(pk=pk, assignment__unit__code__startswith=prefix)
        .select_related(
            "assignment",
            "assignment__unit",
            "assignment__parent",
            "assignment__parent__unit",
            "assignment__task",
            "assignment__task__plan",
            "assignment__task__plan__issuer",
        )
        .first()
    )
    return in_area_or_refused(
        found,
        user=user,
        action=action,
        codes_elsewhere=Report.objects.filter(pk=pk).values_list(
            "assignment__unit__code", flat=True
        ),
        message=_("No such report."),
    )


@dataclass
class ReportRow:
    report: Report
    # An older report left awaiting review when a newer one came: it is not reviewed.
    superseded: bool


@dataclass
class AssignmentPage:
    """What the assignment page shows, and what the user may do there."""

    assignment: Assignment
    parent: Assignment | None
    parent_visible: bool
    children: list[Assignment]
    reports: list[ReportRow]
    to_review: Report | None
    notices: list[Notice]
    history: list[AuditEvent]
    can_report: bool
    can_review: bool
    can_split: bool
    can_notice: bool
    # The user works for the assignment's own unit (the one that reports); a level above
    # may report on its behalf, but that form is folded away.
    own_unit: bool
    split_units: list[Unit] = field(default_factory=list)
    split_taken: set[int] = field(default_factory=set)

    @property
    def deadline(self) -> date | None:
        return self.assignment.deadline or self.assignment.task.deadline


def _split_units(assignment: Assignment) -> tuple[list[Unit], set[int]]:
    """The current units directly below the assignment's, and those that hold the task."""
    level = CHILD_LEVEL.get(Level(assignment.unit.level))
    if level is None:
        return [], set()
    units = list(
        Unit.objects.current().filter(parent_id=assignment.unit_id, level=level).order_by("code")
    )
    taken = set(
        Assignment.objects.filter(task_id=assignment.task_id, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    return units, taken


def assignment_page(*, user: Any, assignment: Assignment) -> AssignmentPage:
    """Everything the assignment page shows, in a fixed number of queries."""
    plan = assignment.task.plan
    children = list(assignment.children.select_related("unit").order_by("unit__code"))
    reports = list(
        assignment.reports.select_related("submitted_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-id")
    )
    latest = reports[0] if reports else None
    rows = [
        ReportRow(report, superseded=report.state == ReviewState.SUBMITTED and report is not latest)
        for report in reports
    ]
    notices = list(
        Notice.objects.filter(assignment=assignment)
        .select_related("issuer", "addressee", "escalated_to")
        .order_by("-issued_on", "-id")
    )
    history = list(
        AuditEvent.objects.filter(
            Q(object_type="plans.assignment", object_id=str(assignment.pk))
            | Q(object_type="plans.report", object_id__in=[str(r.pk) for r in reports])
            | Q(object_type="plans.notice", object_id__in=[str(n.pk) for n in notices])
        ).order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    issued = plan.status == PlanStatus.ISSUED
    open_plan = plan.status != PlanStatus.CLOSED
    parent = assignment.parent
    if parent is not None:
        parent = Assignment.objects.select_related("unit").get(pk=parent.pk)
    to_review = latest if latest is not None and latest.state == ReviewState.SUBMITTED else None
    can_split = (
        open_plan
        and can(user, "plans.assign", assignment.unit)
        and CHILD_LEVEL.get(Level(assignment.unit.level)) is not None
    )
    units, taken = _split_units(assignment) if can_split else ([], set())
    return AssignmentPage(
        assignment=assignment,
        parent=parent,
        parent_visible=parent is not None and can(user, "plans.read", parent.unit),
        children=children,
        reports=rows,
        to_review=to_review,
        notices=notices,
        history=history,
        can_report=issued and not children and can(user, "plans.report", assignment),
        can_review=(
            issued
            and to_review is not None
            and can(user, "plans.review", assignment)
            and user.home_unit_id != assignment.unit_id
        ),
        can_split=can_split,
        can_notice=issued and can(user, "plans.notice", assignment),
        own_unit=user.home_unit_id == assignment.unit_id,
        split_units=units,
        split_taken=taken,
    )


def _latest(field_name: str) -> Subquery:
    return Subquery(
        Report.objects.filter(assignment=OuterRef("pk")).order_by("-id").values(field_name)[:1]
    )


@dataclass
class Mine:
    """The signed-in unit's work: each list (at most `MINE_LIMIT` rows) and its full count."""

    unit: Unit
    # The cycles `today` falls in: this month's (2025-03) and this quarter's (2025-Q1).
    cycles: list[str]
    to_report: list[Assignment]
    to_report_count: int
    returned: list[Assignment]
    returned_count: int
    to_review: list[Report]
    to_review_count: int
    notices: list[Notice]
    notices_count: int


def mine_querysets(*, user: Any, today: date) -> dict[str, QuerySet[Any]]:
    """The four lists of 我的任务 for the user's home unit, unsliced.

    - ``to_report``: the unit's own assignments on issued plans, not split, not done, with no
      report yet for the cycle `today` falls in;
    - ``returned``: the unit's assignments whose latest report was returned;
    - ``to_review``: reports awaiting review that are meant for this unit (`flows.review_unit`),
      the latest of their assignment only, when the user's role reviews;
    - ``notices``: supervision notices to this unit, or escalated to it, awaiting a reply.
    """
    prefix = scope_prefix(user, "plans.read")
    unit = user.home_unit
    issued = Q(task__plan__status=PlanStatus.ISSUED)
    split = Assignment.objects.filter(parent=OuterRef("pk"))
    due = Q(
        task__plan__report_cycle=ReportCycle.MONTHLY,
        last_cycle__lt=cycle_of(today, ReportCycle.MONTHLY),
    ) | Q(
        task__plan__report_cycle=ReportCycle.QUARTERLY,
        last_cycle__lt=cycle_of(today, ReportCycle.QUARTERLY),
    )
    own = Assignment.objects.filter(issued, unit=unit).select_related("task", "task__plan", "unit")
    to_report = (
        own.filter(due, done_on__isnull=True)
        .exclude(Exists(split))
        .order_by("task__plan_id", "task__order", "task_id")
    )
    returned = (
        own.annotate(
            latest_state=_latest("state"),
            latest_comment=_latest("comment"),
            latest_cycle=_latest("cycle"),
        )
        .filter(latest_state=ReviewState.RETURNED)
        .order_by("task__plan_id", "task__order", "task_id")
    )
    if can(user, "plans.review"):
        newer = Report.objects.filter(assignment=OuterRef("assignment"), pk__gt=OuterRef("pk"))
        to_review = (
            Report.objects.filter(
                Q(assignment__parent__unit=unit)
                | Q(assignment__parent__isnull=True, assignment__task__plan__issuer=unit),
                state=ReviewState.SUBMITTED,
                assignment__task__plan__status=PlanStatus.ISSUED,
                assignment__unit__code__startswith=prefix,
            )
            .exclude(assignment__unit=unit)
            .exclude(Exists(newer))
            .select_related("assignment", "assignment__unit", "assignment__task__plan")
            .order_by("submitted_on", "id")
        )
    else:
        to_review = Report.objects.none()
    notices = (
        Notice.objects.filter(
            Q(addressee=unit) | Q(escalated_to=unit),
            state__in=[NoticeState.OPEN, NoticeState.ESCALATED],
        )
        .select_related(
            "assignment",
            "assignment__unit",
            "assignment__task",
            "assignment__task__plan",
            "addressee",
        )
        .order_by("reply_by", "id")
    )
    return {
        "to_report": to_report,
        "returned": returned,
        "to_review": to_review,
        "notices": notices,
    }


def mine_get(*, user: Any, today: date, limit: int = MINE_LIMIT) -> Mine:
    """我的任务: each list's first `limit` rows and its count (eight queries in all)."""
    lists = mine_querysets(user=user, today=today)
    return Mine(
        unit=user.home_unit,
        cycles=[cycle_of(today, cycle) for cycle in ReportCycle],
        to_report=list(lists["to_report"][:limit]),
        to_report_count=lists["to_report"].count(),
        returned=list(lists["returned"][:limit]),
        returned_count=lists["returned"].count(),
        to_review=list(lists["to_review"][:limit]),
        to_review_count=lists["to_review"].count(),
        notices=list(lists["notices"][:limit]),
        notices_count=lists["notices"].count(),
    )
