"""The plans app's daily pass, and the background task that runs it every night.

`plans_daily(today=...)` is the whole pass, in this order:

1. lights: `lights_refresh` over every assignment of every issued plan (progress rolls up, the
   deadline that passed on `today` turns red);
2. reminders: for each unit and plan, the assignments whose deadline is within the plan's
   warning window (due soon) or has passed (overdue), grouped so that a unit hears once a
   month per plan and kind, however many assignments it holds (`Reminder.key`), sent to
   the unit's people through the notification centre;
3. escalation: `notices_escalate` (see `plans.supervision`).

`plans_daily_job` is the django-tasks task: it runs the pass for the local day, then queues
itself for 01:00 the next night. `plans_daily_schedule()` (`bqw plans_schedule`, which
`make demo` runs before the worker starts) queues it when nothing is waiting, so running it
again never doubles the nightly run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.services import notifications_send_to_unit
from baiqianwan.plans.choices import Light, PlanStatus
from baiqianwan.plans.lights import lights_refresh
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.supervision import EscalationResult, notices_escalate
from baiqianwan.units.models import Unit

# The local time of the nightly run: after midnight, so "today" is the day just begun.
RUN_AT = time(1, 0)
# 我的任务 (the reports area's `plans:mine`): where a reminder takes its reader.
MINE_URL = "/plans/mine/"
# The longest warning window a plan may set (services.PLAN_SETTINGS): what is read at most.
MAX_WARNING_DAYS = 365


class ReminderKind:
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Reminder:
    """What one unit is reminded of for one plan: how many assignments, the nearest deadline.

    `key` names the reminder for the notification centre, which sends one per key: the
    month's, so a unit behind is told once a month, not every night.
    """

    kind: str
    unit_id: int
    plan_id: int
    plan_title: str
    count: int
    first_deadline: date
    key: str


@dataclass(frozen=True, slots=True)
class DailyResult:
    today: date
    lights_changed: int
    reminders: tuple[Reminder, ...]
    notified: int
    escalation: EscalationResult

    def summary(self) -> dict[str, Any]:
        """Counts, for the worker's record and the command's output."""
        kinds: dict[str, int] = defaultdict(int)
        for reminder in self.reminders:
            kinds[reminder.kind] += 1
        return {
            "today": self.today.isoformat(),
            "lights_changed": self.lights_changed,
            "due_soon": kinds[ReminderKind.DUE_SOON],
            "overdue": kinds[ReminderKind.OVERDUE],
            "notified": self.notified,
            "escalated": len(self.escalation.escalated),
            "interviews": len(self.escalation.interviews),
        }


def _issued() -> Any:
    return Assignment.objects.filter(task__plan__status=PlanStatus.ISSUED)


def reminders_due(*, today: date) -> list[Reminder]:
    """The reminders of `today`, one per unit, plan and kind, in one query of values."""
    rows = (
        _issued()
        .filter(done_on__isnull=True)
        .exclude(light=Light.DONE)
        .annotate(due=Coalesce("deadline", "task__deadline"))
        .filter(due__lte=today + timedelta(days=MAX_WARNING_DAYS))
        .values(
            "unit_id",
            "due",
            plan_id=F("task__plan_id"),
            plan_title=F("task__plan__title"),
            warning_days=F("task__plan__warning_days"),
        )
        .order_by()
    )
    groups: dict[tuple[str, int, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["due"] < today:
            kind = ReminderKind.OVERDUE
        elif (row["due"] - today).days <= row["warning_days"]:
            kind = ReminderKind.DUE_SOON
        else:
            continue
        groups[(kind, row["unit_id"], row["plan_id"])].append(row)
    return [
        Reminder(
            kind=kind,
            unit_id=unit_id,
            plan_id=plan_id,
            plan_title=found[0]["plan_title"],
            count=len(found),
            first_deadline=min(row["due"] for row in found),
            key=f"{kind}:{unit_id}:{plan_id}:{today:%Y-%m}",
        )
        for (kind, unit_id, plan_id), found in sorted(groups.items())
    ]


def reminders_send(reminders: Sequence[Reminder]) -> int:
    """Send each reminder to its unit's people; returns how many notifications were made (a
    key already sent makes none)."""
    units = Unit.objects.in_bulk([reminder.unit_id for reminder in reminders])
    sent = 0
    for reminder in reminders:
        values = {
            "plan": reminder.plan_title,
            "count": reminder.count,
            "day": reminder.first_deadline.isoformat(),
        }
        if reminder.kind == ReminderKind.OVERDUE:
            kind = NotificationKind.OVERDUE
            title = _("%(plan)s: %(count)d tasks past their deadline (the first %(day)s)") % values
        else:
            kind = NotificationKind.DUE_SOON
            title = _("%(plan)s: %(count)d tasks due soon (the first by %(day)s)") % values
        sent += notifications_send_to_unit(
            unit=units[reminder.unit_id],
            kind=kind,
            title=title[:300],
            url=MINE_URL,
            key=reminder.key,
        )
    return sent


def plans_daily(*, today: date) -> DailyResult:
    """The daily pass for `today` (see the module docstring); running it twice the same day
    changes nothing the second time."""
    changed = lights_refresh(assignments=_issued(), today=today)
    reminders = reminders_due(today=today)
    sent = reminders_send(reminders)
    escalation = notices_escalate(today=today)
    return DailyResult(
        today=today,
        lights_changed=changed,
        reminders=tuple(reminders),
        notified=sent,
        escalation=escalation,
    )


def next_run(now: datetime) -> datetime:
    """The first `RUN_AT` in local time after `now`."""
    local = timezone.localtime(now)
    run = timezone.make_aware(datetime.combine(local.date(), RUN_AT))
    return (
        run
        if run > now
        else timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), RUN_AT))
    )


@task()
def plans_daily_job(day: str = "") -> dict[str, Any]:
    """Run the daily pass for `day` (ISO date; the local date when empty), then queue the
    next night's run unless one is queued already."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    result = plans_daily(today=today)
    plans_daily_schedule()
    return result.summary()


def plans_daily_schedule(*, now: datetime | None = None) -> bool:
    """Queue the nightly pass for the next 01:00 when none is waiting; True when it did."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=plans_daily_job.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    plans_daily_job.using(run_after=next_run(now or timezone.now())).enqueue()
    return True
