"""Reporting progress and reviewing it: a unit reports on its assignment, the level above
accepts the report or returns it with a comment.

- **Who reports**: an account whose area covers the assignment's unit (`plans.report`); an
  operator asking for a unit elsewhere is answered 404, as if it did not exist. A split
  assignment is not reported on: the units it was split into report, and it rolls up.
- **Who reviews**: an account with `plans.review` whose home unit is a strict ancestor of the
  report's unit, the level above (a county cannot accept its own report). The reviewer the
  report is *meant for* (whom 我的任务 lists it for) is `review_unit`: the unit of the
  assignment it was split from, or for an assignment made by the plan itself, the issuer.
- **Several reports waiting**: every report is kept, none replaces another. A unit may report
  again while its last report awaits review (a correction, the next cycle); the newer one is
  the one to review, and reviewing an older one is refused ("a newer report was submitted").
  The older one stays "awaiting review" in the history, marked as superseded on the pages.
- **Two reviewers at once**: the review carries the report's `version`; the second reviewer
  gets `Conflict` (409) and nothing of the first decision is lost.

Every step is an audit event with the unit concerned, and refreshes the lights of the task's
tree (`lights.lights_refresh`). A report notifies the reviewers of `review_unit` (awaiting
review); a return notifies the reporting unit, with the comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import ACTIONS, require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_record
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.services import notifications_send_to_unit
from baiqianwan.plans.choices import PlanStatus, ProgressStatus, ReportCycle, ReviewState
from baiqianwan.plans.evidence_store import EvidenceWriter, evidence_check_all
from baiqianwan.plans.lights import cycle_of, lights_refresh, task_trees
from baiqianwan.plans.models import Assignment, Report

TEXT_LIMIT = 5000
COMMENT_LIMIT = 2000
_CYCLE = {
    ReportCycle.MONTHLY: re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    ReportCycle.QUARTERLY: re.compile(r"^\d{4}-Q[1-4]$"),
}


def review_unit(assignment: Assignment) -> Any:
    """The unit whose reviewers a report on `assignment` is for: the unit of the assignment it
    was split from, else the plan's issuer (headquarters, for the counties' assignments)."""
    if assignment.parent_id is not None:
        return assignment.parent.unit
    return assignment.task.plan.issuer


def _open_plan(assignment: Assignment) -> None:
    status = assignment.task.plan.status
    if status == PlanStatus.CLOSED:
        raise InputError(_("The plan is closed: it takes no more reports or reviews."))
    if status != PlanStatus.ISSUED:
        raise InputError(_("The plan is not issued yet: there is nothing to report on."))


def percent_parse(value: Any) -> Decimal:
    """A percent complete from 0 to 100, to one decimal.

    Raises
    ------
    InputError
        On the field "percent", for anything else.
    """
    problem = _("The percent complete must be a number from 0 to 100.")
    if isinstance(value, bool):
        raise InputError(problem, field="percent")
    try:
        percent = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        raise InputError(problem, field="percent") from None
    if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
        raise InputError(problem, field="percent")
    return percent.quantize(Decimal("0.1"))


def _cycle(cycle: str | None, *, plan: Any, today: date) -> str:
    current = cycle_of(today, plan.report_cycle)
    if not cycle:
        return current
    cycle = cycle.strip()
    if not _CYCLE[ReportCycle(plan.report_cycle)].match(cycle):
        example = cycle_of(today, plan.report_cycle)
        raise InputError(
            _("The reporting cycle must read like %(example)s.") % {"example": example},
            field="cycle",
        )
    if cycle > current:
        raise InputError(
            _("%(cycle)s has not begun: report on %(current)s or an earlier cycle.")
            % {"cycle": cycle, "current": current},
            field="cycle",
        )
    return cycle


def report_submit(
    *,
    actor: Any,
    assignment: Assignment,
    text: str,
    percent: Any,
    status: str,
    cycle: str | None = None,
    files: Sequence[Any] = (),
    today: date,
) -> Report:
    """A progress report on `assignment` by its unit, with evidence files.

    All or nothing: a refused file (by its content, its size or the number of files) leaves no
    report and no file behind.

    Raises
    ------
    OutOfScope
        The assignment's unit lies outside the actor's area (answered 404).
    InputError
        The plan is not open, the assignment is split, or a field is wrong (named).
    """
    require(actor, "plans.report", assignment)
    _open_plan(assignment)
    if assignment.children.exists():
        raise InputError(
            _("This assignment is split: the units it was split into report, and it rolls up.")
        )
    text = (text or "").strip()
    if not text:
        raise InputError(_("Say what was done: the progress text is required."), field="text")
    if len(text) > TEXT_LIMIT:
        raise InputError(
            _("The progress text is %(length)d characters long; at most %(limit)d are taken.")
            % {"length": len(text), "limit": TEXT_LIMIT},
            field="text",
        )
    value = percent_parse(percent)
    if status not in ProgressStatus.values:
        raise InputError(_("Choose how the work stands."), field="status")
    plan = assignment.task.plan
    reported_cycle = _cycle(cycle, plan=plan, today=today)
    checked = evidence_check_all(uploads=files)
    writer = EvidenceWriter(today=today, written=[])
    try:
        with transaction.atomic():
            report = Report.objects.create(
                assignment=assignment,
                cycle=reported_cycle,
                text=text,
                percent=value,
                status=status,
                submitted_on=today,
                submitted_by=actor,
            )
            for upload, found in zip(files, checked, strict=True):
                writer.save(report=report, upload=upload, checked=found)
            locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
            locked.last_cycle = max(locked.last_cycle, reported_cycle)
            locked.last_report_on = today
            locked.version = F("version") + 1
            locked.save(update_fields=["last_cycle", "last_report_on", "version", "updated_at"])
            audit_record(
                actor=actor,
                action=Action.REPORT,
                obj=report,
                changes={
                    "cycle": reported_cycle,
                    "percent": value,
                    "status": status,
                    "files": [found.safe_name for found in checked],
                },
            )
            lights_refresh(assignments=task_trees(task_ids=[assignment.task_id]), today=today)
            _notify_reviewers(report, assignment)
    except BaseException:
        writer.discard()
        raise
    assignment.refresh_from_db()
    return report


def _assignment_url(assignment: Assignment) -> str:
    return reverse("plans:assignment", args=[assignment.pk])


def _notify_reviewers(report: Report, assignment: Assignment) -> int:
    """Tell the reviewers of the level above (`review_unit`) that a report awaits them."""
    return notifications_send_to_unit(
        unit=review_unit(assignment),
        kind=NotificationKind.REVIEW,
        title=_("%(unit)s reported on task %(number)s: %(percent)s%%")
        % {
            "unit": assignment.unit.name,
            "number": assignment.task.number,
            "percent": report.percent,
        },
        body=report.text[:500],
        url=_assignment_url(assignment),
        key=f"plans.report:{report.pk}:review",
        roles=sorted(ACTIONS["plans.review"]),
    )


def _notify_returned(report: Report, assignment: Assignment) -> int:
    """Tell the reporting unit its report came back, with the reviewer's comment."""
    return notifications_send_to_unit(
        unit=assignment.unit,
        kind=NotificationKind.RETURNED,
        title=_("Your report on task %(number)s (%(cycle)s) was returned")
        % {"number": assignment.task.number, "cycle": report.cycle},
        body=report.comment[:500],
        url=_assignment_url(assignment),
        key=f"plans.report:{report.pk}:returned",
    )


def _reviewer(actor: Any, report: Report) -> None:
    require(actor, "plans.review", report.assignment)
    if actor.home_unit_id == report.assignment.unit_id:
        raise PermissionDenied(
            _("A unit does not review its own report: the level above accepts or returns it.")
        )


def report_review(
    *,
    actor: Any,
    report: Report,
    accept: bool,
    comment: str,
    version: int,
    today: date,
) -> Report:
    """Accept a report (its percent becomes the assignment's progress) or return it with a
    comment (a return counts towards red).

    Raises
    ------
    Conflict
        Someone reviewed or changed the report since `version` was read.
    InputError
        A return without a comment, a report already reviewed, or one a newer report replaced.
    """
    _reviewer(actor, report)
    assignment = report.assignment
    _open_plan(assignment)
    comment = (comment or "").strip()
    if not accept and not comment:
        raise InputError(
            _("Say why the report is returned: a comment is required."), field="comment"
        )
    if len(comment) > COMMENT_LIMIT:
        raise InputError(
            _("The comment is %(length)d characters long; at most %(limit)d are taken.")
            % {"length": len(comment), "limit": COMMENT_LIMIT},
            field="comment",
        )
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.version != version:
            raise Conflict(
                _(
                    "Someone else reviewed this report meanwhile (%(state)s); reload the page to "
                    "see their decision."
                )
                % {"state": current.get_state_display()}
            )
        if current.state != ReviewState.SUBMITTED:
            raise InputError(_("This report was reviewed already."))
        if Report.objects.filter(assignment_id=assignment.pk, pk__gt=report.pk).exists():
            raise InputError(_("A newer report was submitted: review that one instead."))
        current.state = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
        current.comment = comment
        current.reviewed_by = actor
        current.reviewed_at = timezone.now()
        current.version = version + 1
        current.save(
            update_fields=[
                "state",
                "comment",
                "reviewed_by",
                "reviewed_at",
                "version",
                "updated_at",
            ]
        )
        if accept:
            done = current.percent == 100 or current.status == ProgressStatus.DONE
            Assignment.objects.filter(pk=assignment.pk).update(
                progress=current.percent,
                returns=0,
                done_on=today if done else None,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
        else:
            Assignment.objects.filter(pk=assignment.pk).update(
                returns=F("returns") + 1, version=F("version") + 1, updated_at=timezone.now()
            )
        audit_record(
            actor=actor,
            action=Action.ACCEPT if accept else Action.RETURN,
            obj=current,
            changes={"comment": comment, "percent": current.percent},
        )
        lights_refresh(assignments=task_trees(task_ids=[assignment.task_id]), today=today)
        if not accept:
            _notify_returned(current, assignment)
    report.refresh_from_db()
    assignment.refresh_from_db()
    return report
