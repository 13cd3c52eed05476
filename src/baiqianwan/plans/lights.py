"""The status light of an assignment, and the pass that recomputes lights and rolls progress up.

The rule (docs/plans.md states it for users), for an assignment on day `today`:

1. **done**: its work is accepted as complete (a split assignment: all its children are done);
2. **red**: its deadline has passed, or its reports were returned `red_returns` times in a row;
3. **yellow**: the report of the latest cycle whose due day has passed is missing (a split
   assignment's children report, not it), or the deadline is at most `warning_days` away and
   progress is behind the expected line: a straight line from 0 % on the day of assignment
   to 100 % on the deadline;
4. **green** otherwise.

A split assignment's progress is its children's weighted mean, and its light is the worse of
its own rule and its worst child's, so a red village shows red at its town and county.
Deadlines that recur (monthly, long-term) have no expected line: only reporting and returns
colour them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from baiqianwan.core.freshness import data_changed
from baiqianwan.plans.choices import LIGHT_SEVERITY, Light, ReportCycle


@dataclass(frozen=True, slots=True)
class LightRule:
    """A plan's parameters of the rule."""

    cycle: str = ReportCycle.MONTHLY
    due_day: int = 25
    warning_days: int = 15
    red_returns: int = 2

    @classmethod
    def of(cls, plan: Any) -> LightRule:
        return cls(plan.report_cycle, plan.report_due_day, plan.warning_days, plan.red_returns)


@dataclass(frozen=True, slots=True)
class LightState:
    """What the rule reads of one assignment."""

    start: date
    deadline: date | None
    progress: float
    done: bool
    returns: int
    last_cycle: str


def cycle_of(day: date, cycle: str) -> str:
    """The reporting cycle a day falls in: ``2025-03`` (monthly) or ``2025-Q1`` (quarterly)."""
    if cycle == ReportCycle.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def cycle_due(day: date, cycle: str, due_day: int) -> date:
    """The day by which the report of `day`'s cycle is due: `due_day` of the cycle's last
    month."""
    month = day.month
    if cycle == ReportCycle.QUARTERLY:
        month = ((month - 1) // 3 + 1) * 3
    return date(day.year, month, due_day)


def _previous_cycle_day(day: date, cycle: str) -> date:
    """A day in the cycle before `day`'s."""
    first = date(day.year, day.month, 1)
    if cycle == ReportCycle.QUARTERLY:
        first = date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    return first - timedelta(days=1)


def cycle_required(today: date, rule: LightRule) -> tuple[str, date]:
    """The latest cycle whose report was due by `today`, and its due day."""
    due = cycle_due(today, rule.cycle, rule.due_day)
    day = today if today >= due else _previous_cycle_day(today, rule.cycle)
    return cycle_of(day, rule.cycle), cycle_due(day, rule.cycle, rule.due_day)


def expected_progress(start: date, deadline: date, today: date) -> float:
    """Percent complete expected on `today` on the straight line from `start` to `deadline`."""
    if today <= start:
        return 0.0
    if today >= deadline or deadline <= start:
        return 100.0
    return 100.0 * (today - start).days / (deadline - start).days


# The reason code of a light red for a passed deadline: ``overdue:<days>``.
OVERDUE = "overdue"


def overdue_days(code: str) -> int:
    """The days past the deadline in an ``overdue:<days>`` reason code; 0 for another."""
    kind, _sep, days = code.partition(":")
    return int(days) if kind == OVERDUE and days.isdigit() else 0


def light_for(
    state: LightState, *, rule: LightRule, today: date, reports: bool = True
) -> tuple[Light, str]:
    """The light of one assignment and why, by the rule of the module docstring.

    `reports` is False for a split assignment, whose children report instead of it.
    """
    if state.done:
        return Light.DONE, ""
    if state.deadline is not None and today > state.deadline:
        days = (today - state.deadline).days
        return Light.RED, f"{OVERDUE}:{days}"
    if state.returns >= rule.red_returns:
        return Light.RED, f"returned:{state.returns}"
    if reports:
        cycle, due = cycle_required(today, rule)
        if due >= state.start and state.last_cycle < cycle:
            return Light.YELLOW, f"missing:{cycle}"
    if state.deadline is not None and (state.deadline - today).days <= rule.warning_days:
        expected = expected_progress(state.start, state.deadline, today)
        if state.progress < expected:
            return Light.YELLOW, f"behind:{state.progress:.0f}:{expected:.0f}"
    return Light.GREEN, ""


def reason_text(code: str) -> str:
    """The reason code `light_for` stores (``overdue:6``, ``returned:2``, ``missing:2025-03``,
    ``behind:30:92``, ``below``), as a sentence in the active language."""
    kind, _sep, rest = code.partition(":")
    values = rest.split(":")
    try:
        if kind == OVERDUE:
            return _("Overdue by %(days)d days") % {"days": int(values[0])}
        if kind == "returned":
            return _("Returned %(count)d times") % {"count": int(values[0])}
        if kind == "missing":
            return _("No report for %(cycle)s") % {"cycle": values[0]}
        if kind == "behind":
            return _("Behind: %(progress).0f%% of an expected %(expected).0f%%") % {
                "progress": float(values[0]),
                "expected": float(values[1]),
            }
    except (IndexError, ValueError):
        return code
    if kind == "below":
        return _("A unit below is behind")
    return code


def worst(lights: Iterable[str]) -> str:
    """The most severe light among `lights` (done when there are none)."""
    return max(lights, key=lambda light: LIGHT_SEVERITY[Light(light)], default=Light.DONE)


_FIELDS = (
    "id",
    "parent_id",
    "weight",
    "deadline",
    "progress",
    "returns",
    "last_cycle",
    "done_on",
    "created_at",
    "light",
    "light_reason",
    "task__deadline",
    "task__plan__issued_on",
    "task__plan__report_cycle",
    "task__plan__report_due_day",
    "task__plan__warning_days",
    "task__plan__red_returns",
)


def _order_children_first(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows ordered so that every child comes before its parent (the tree is 4 levels deep)."""
    by_id = {row["id"]: row for row in rows}

    def depth(row: dict[str, Any]) -> int:
        level = 0
        while row["parent_id"] in by_id:
            row = by_id[row["parent_id"]]
            level += 1
        return level

    return sorted(rows, key=depth, reverse=True)


def lights_refresh(*, assignments: QuerySet[Any], today: date) -> int:
    """Recompute progress roll-up and lights of `assignments` (whole trees: pass every
    assignment of the tasks concerned) as of `today`; returns how many rows changed.

    Reads one query of values and writes only the rows whose light, reason or rolled-up
    progress changed, grouped by the values written.
    """
    from baiqianwan.plans.models import Assignment

    rows = list(assignments.values(*_FIELDS))
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row)
    # The rows to write, grouped by what they are set to: one UPDATE per distinct light and
    # reason, and one per distinct rolled-up progress, each a batch of ids. (Django's
    # bulk_update builds a CASE of every row in Python: 50,000 rows took ~45 s.)
    lit: dict[tuple[str, str], list[int]] = defaultdict(list)
    moved: dict[Decimal, list[int]] = defaultdict(list)
    for row in _order_children_first(rows):
        kids = children.get(row["id"], [])
        progress = float(row["progress"])
        done = row["done_on"] is not None
        if kids:
            total = sum(float(kid["weight"]) for kid in kids)
            progress = round(
                sum(float(kid["weight"]) * float(kid["_progress"]) for kid in kids) / total, 1
            )
            done = all(kid["_light"] == Light.DONE for kid in kids)
        rule = LightRule(
            row["task__plan__report_cycle"],
            row["task__plan__report_due_day"],
            row["task__plan__warning_days"],
            row["task__plan__red_returns"],
        )
        issued = row["task__plan__issued_on"]
        created = row["created_at"].date()
        state = LightState(
            start=max(issued, created) if issued else created,
            deadline=row["deadline"] or row["task__deadline"],
            progress=progress,
            done=done,
            returns=row["returns"],
            last_cycle=row["last_cycle"],
        )
        light, reason = light_for(state, rule=rule, today=today, reports=not kids)
        if kids:
            child_worst = worst(kid["_light"] for kid in kids)
            if LIGHT_SEVERITY[Light(child_worst)] > LIGHT_SEVERITY[light]:
                light, reason = Light(child_worst), "below"
        row["_progress"], row["_light"] = progress, light
        new_progress, reason = Decimal(str(progress)), reason[:200]
        if light != row["light"] or reason != row["light_reason"]:
            lit[(light, reason)].append(row["id"])
        if new_progress != row["progress"]:
            moved[new_progress].append(row["id"])
    changed: set[int] = set().union(*lit.values(), *moved.values())
    with transaction.atomic():
        # Lights are recomputed after every report, review, assignment and issue, and daily:
        # the cockpit's supervision figures are read again once this commits.
        data_changed("plans")
        for (shown, why), ids in lit.items():
            for chunk in _chunks(ids):
                Assignment.objects.filter(pk__in=chunk).update(
                    light=shown, light_reason=why, light_on=today
                )
        for value, ids in moved.items():
            for chunk in _chunks(ids):
                Assignment.objects.filter(pk__in=chunk).update(progress=value, light_on=today)
    return len(changed)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def task_trees(*, task_ids: Iterable[int]) -> QuerySet[Any]:
    """Every assignment of the given tasks: the whole trees `lights_refresh` needs."""
    from baiqianwan.plans.models import Assignment

    return Assignment.objects.filter(task_id__in=list(task_ids))
