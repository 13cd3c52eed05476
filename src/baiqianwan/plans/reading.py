"""What the plan pages read: the plan list with light counts, a plan's task tree with filters,
the 挂图作战 board and the county comparison.

Everything is read within the user's area. Of the assignments in the area, the *top* ones are
those whose parent lies outside it (or that have none): headquarters' counties, or a county
operator's own county. A top assignment's light and progress already hold its subtree's (the
light pass rolls them up), so counting top assignments counts each piece of work once.

Every reader here runs a fixed number of queries whatever the number of tasks or assignments:
counts and means are aggregates in the database, never Python loops over the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.core.listing import Page, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.plans.choices import LIGHT_SEVERITY, Light, PartyRole
from baiqianwan.plans.models import Assignment, Plan, Task, TaskParty
from baiqianwan.plans.selectors import plans_visible, tasks_visible
from baiqianwan.units.models import Unit

# Tasks on one page of a plan's tree.
TASKS_PER_PAGE = 50
# Rows on one page of the board.
BOARD_ROWS_PER_PAGE = 100
# Lights, worst first, as the pages list them.
LIGHTS = sorted(Light, key=lambda light: -LIGHT_SEVERITY[light])
# A task no one holds in the area yet has no light.
UNASSIGNED = "none"


@dataclass(frozen=True, slots=True)
class LightCounts:
    """How many (top) assignments show each light."""

    red: int = 0
    yellow: int = 0
    green: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        return self.red + self.yellow + self.green + self.done

    @property
    def worst(self) -> str:
        for light in LIGHTS:
            if getattr(self, light.value):
                return light.value
        return UNASSIGNED

    def items(self) -> list[tuple[str, str, int]]:
        """(light, label, count), worst first, for the badges."""
        return [(light.value, str(light.label), getattr(self, light.value)) for light in LIGHTS]


def _light_counts() -> dict[str, Count]:
    """Aggregates n_red, n_yellow, n_green, n_done over assignments."""
    return {f"n_{light.value}": Count("pk", filter=Q(light=light.value)) for light in Light}


def _counts_of(row: Any) -> LightCounts:
    get = row.get if isinstance(row, dict) else lambda name, default=0: getattr(row, name, default)
    return LightCounts(**{light.value: get(f"n_{light.value}", 0) or 0 for light in Light})


def top_assignments(*, user: Any) -> QuerySet[Assignment]:
    """Assignments in the user's area whose parent is not: the first level the user holds.

    A split assignment's unit lies directly below its parent's (`assignment_split` refuses
    anything else), so the only split assignments whose parent lies outside the area are
    those of the area's own unit: no join to the parent is needed.
    """
    prefix = scope_prefix(user, "plans.read")
    return Assignment.objects.filter(unit__code__startswith=prefix).filter(
        Q(parent__isnull=True) | Q(unit_id=user.home_unit_id)
    )


# --- The plan list ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanRow:
    plan: Plan
    tasks: int
    counts: LightCounts


def plans_listed(*, user: Any, status: str = "", text: str = "") -> QuerySet[Plan]:
    """The user's plans, newest first, with filters (status, words of the title or 文号)."""
    plans = plans_visible(user=user).select_related("issuer")
    if status:
        plans = plans.filter(status=status)
    text = text.strip()
    if text:
        plans = plans.filter(Q(title__icontains=text) | Q(document_number__icontains=text))
    return plans


def plan_rows(*, user: Any, plans: Sequence[Plan]) -> list[PlanRow]:
    """Each plan with its count of tasks seen and its top assignments' lights: two queries."""
    ids = [plan.pk for plan in plans]
    counts = {
        row["task__plan_id"]: _counts_of(row)
        for row in top_assignments(user=user)
        .filter(task__plan_id__in=ids)
        .values("task__plan_id")
        .annotate(**_light_counts())
        .order_by()
    }
    tasks = {
        row["plan_id"]: row["n"]
        for row in tasks_visible(user=user)
        .filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        PlanRow(plan=plan, tasks=tasks.get(plan.pk, 0), counts=counts.get(plan.pk, LightCounts()))
        for plan in plans
    ]


def plan_counts(*, user: Any, plan: Plan) -> LightCounts:
    """The lights of the plan's top assignments in the user's area."""
    row = top_assignments(user=user).filter(task__plan=plan).aggregate(**_light_counts())
    return _counts_of(row)


# --- A plan's task tree ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """The filters of a plan's task list, as the page's form sends them."""

    unit: str = ""
    category: str = ""
    light: str = ""
    lead: str = ""
    text: str = ""

    @classmethod
    def of(cls, data: Any) -> TaskFilters:
        values = {name: str(data.get(name, "") or "").strip()[:200] for name in cls.__slots__}
        if values["light"] and values["light"] not in {*Light.values, UNASSIGNED}:
            raise InputError(
                _("“%(value)s” is not a light.") % {"value": values["light"]}, field="light"
            )
        if values["unit"] and not (values["unit"].isdigit() and len(values["unit"]) == 12):
            raise InputError(
                _("“%(value)s” is not a 12-digit unit code.") % {"value": values["unit"]},
                field="unit",
            )
        return cls(**values)

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__slots__)

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({n: getattr(self, n) for n in self.__slots__ if getattr(self, n)})


def _light_case(top: QuerySet[Assignment]) -> Case:
    """The worst light of a task's top assignments, in SQL."""
    whens = [
        When(Exists(top.filter(task=OuterRef("pk"), light=light.value)), then=Value(light.value))
        for light in LIGHTS
    ]
    return Case(*whens, default=Value(UNASSIGNED), output_field=CharField())


def tasks_filtered(*, user: Any, plan: Plan, filters: TaskFilters) -> QuerySet[Task]:
    """The plan's tasks the user sees, filtered, in the plan's order, annotated `worst`.

    `unit` keeps tasks with an assignment in that unit's subtree (within the area); `lead`
    matches a lead party's name as written or the unit or department it was matched to.
    """
    prefix = scope_prefix(user, "plans.read")
    top = top_assignments(user=user)
    tasks = tasks_visible(user=user, plan=plan).annotate(worst=_light_case(top))
    if filters.unit:
        unit = Unit.objects.current().filter(code=filters.unit).first()
        if unit is None:
            raise InputError(
                _("No current unit has the code %(code)s.") % {"code": filters.unit},
                field="unit",
            )
        within = Assignment.objects.filter(
            task=OuterRef("pk"), unit__code__startswith=unit.prefix
        ).filter(unit__code__startswith=prefix)
        tasks = tasks.filter(Exists(within))
    if filters.category:
        tasks = tasks.filter(category=filters.category)
    if filters.light:
        tasks = tasks.filter(worst=filters.light)
    if filters.lead:
        leads = TaskParty.objects.filter(task=OuterRef("pk"), role=PartyRole.LEAD).filter(
            Q(name__icontains=filters.lead)
            | Q(unit__name__icontains=filters.lead)
            | Q(department__name__icontains=filters.lead)
        )
        tasks = tasks.filter(Exists(leads))
    if filters.text:
        tasks = tasks.filter(Q(text__icontains=filters.text) | Q(number=filters.text))
    return tasks.order_by("order", "id")


@dataclass(slots=True)
class TaskRow:
    """A task as the tree and the board show it."""

    task: Task
    light: str
    progress: float
    counts: LightCounts
    leads: list[str] = field(default_factory=list)
    deadline: date | None = None


@dataclass(slots=True)
class CategoryGroup:
    category: str
    rows: list[TaskRow]


def _task_rows(*, user: Any, tasks: Sequence[Task]) -> list[TaskRow]:
    """Rows for the given tasks (with `parties` prefetched): one aggregate query over their
    top assignments."""
    ids = [task.pk for task in tasks]
    stats: dict[int, dict[str, Any]] = {
        row["task_id"]: dict(row)
        for row in top_assignments(user=user)
        .filter(task_id__in=ids)
        .values("task_id")
        .annotate(
            mean=Avg("progress"),
            last=Max(Coalesce("deadline", "task__deadline")),
            **_light_counts(),
        )
        .order_by()
    }
    rows = []
    for task in tasks:
        stat = stats.get(task.pk, {})
        counts = _counts_of(stat) if stat else LightCounts()
        mean = stat.get("mean")
        rows.append(
            TaskRow(
                task=task,
                light=counts.worst,
                progress=round(float(mean), 1) if mean is not None else 0.0,
                counts=counts,
                leads=[_party_name(p) for p in task.parties.all() if p.role == PartyRole.LEAD],
                deadline=task.deadline or stat.get("last"),
            )
        )
    return rows


def _party_name(party: TaskParty) -> str:
    """A lead as the reader needs it: what it was matched to, the plan's words beside it when
    they differ (市预制菜产业推进专班 matched to 市农业农村局)."""
    matched = party.department or party.unit
    if matched is None or matched.name == party.name:
        return party.name
    return f"{matched.name}（{party.name}）"


def _with_parties(tasks: QuerySet[Task]) -> QuerySet[Task]:
    parties = TaskParty.objects.select_related("unit", "department").order_by("role", "order", "id")
    return tasks.prefetch_related(Prefetch("parties", queryset=parties))


def task_tree(
    *, user: Any, plan: Plan, filters: TaskFilters, page: Any = None
) -> tuple[Page, list[CategoryGroup]]:
    """One page of the plan's filtered tasks, grouped by category in the plan's order."""
    listed = list_paginate(
        _with_parties(tasks_filtered(user=user, plan=plan, filters=filters)),
        page=page,
        page_size=TASKS_PER_PAGE,
    )
    groups: list[CategoryGroup] = []
    for row in _task_rows(user=user, tasks=list(listed.items)):
        if not groups or groups[-1].category != row.task.category:
            groups.append(CategoryGroup(category=row.task.category, rows=[]))
        groups[-1].rows.append(row)
    return listed, groups


def task_rows_all(*, user: Any, plan: Plan, filters: TaskFilters) -> list[TaskRow]:
    """Every filtered task's row, for the export (three queries)."""
    tasks = list(_with_parties(tasks_filtered(user=user, plan=plan, filters=filters)))
    return _task_rows(user=user, tasks=tasks)


def plan_categories(*, user: Any, plan: Plan) -> list[str]:
    """The categories of the plan's tasks, in the plan's order, for the filter."""
    seen: dict[str, None] = {}
    for category in (
        tasks_visible(user=user, plan=plan)
        .order_by("order", "id")
        .values_list("category", flat=True)
    ):
        seen.setdefault(category, None)
    return [category for category in seen if category]


def plan_units(*, user: Any, plan: Plan) -> list[Unit]:
    """The units for the plan page's unit filter: the current units one and two levels below
    the plan's issuer (counties and their towns, for headquarters' plan) in the user's area.

    Read from the register, not from the assignments, so it costs the same on a plan of
    50,000 assignments; a unit holding none of the plan's work filters to no task.
    """
    prefix = scope_prefix(user, "plans.read")
    return list(
        Unit.objects.current()
        .filter(Q(parent=plan.issuer) | Q(parent__parent=plan.issuer))
        .filter(code__startswith=prefix)
        .exclude(level="village")
        .order_by("code")
        .only("code", "name", "level")
    )


# --- The task page ----------------------------------------------------------------------------


@dataclass(slots=True)
class AssignmentNode:
    assignment: Assignment
    depth: int
    children: list[AssignmentNode] = field(default_factory=list)


def assignment_tree(*, user: Any, task: Task) -> list[AssignmentNode]:
    """The task's assignments in the area as a tree (county → towns → villages), flattened in
    display order with each node's depth: one query."""
    prefix = scope_prefix(user, "plans.read")
    found = list(
        Assignment.objects.filter(task=task, unit__code__startswith=prefix)
        .select_related("unit", "department")
        .order_by("unit__code")
    )
    by_id = {a.pk: AssignmentNode(assignment=a, depth=0) for a in found}
    roots: list[AssignmentNode] = []
    for node in by_id.values():
        parent = by_id.get(node.assignment.parent_id or 0)
        (parent.children if parent else roots).append(node)
    flat: list[AssignmentNode] = []

    def walk(node: AssignmentNode, depth: int) -> None:
        node.depth = depth
        flat.append(node)
        for child in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return flat


# --- The board (挂图作战) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timeline:
    """The board's time axis: the months of the plan's years."""

    start: date
    end: date
    months: list[date]
    milestones: list[dict[str, Any]]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def at(self, day: date) -> float:
        """Where `day` falls across the axis, in percent (clamped to the axis)."""
        offset = (min(max(day, self.start), self.end) - self.start).days
        return round(100.0 * offset / self.days, 2)


def timeline_of(plan: Plan) -> Timeline:
    months = [
        date(year, month, 1)
        for year in range(plan.year_start, plan.year_end + 1)
        for month in range(1, 13)
    ]
    start, end = date(plan.year_start, 1, 1), date(plan.year_end, 12, 31)
    axis = Timeline(start=start, end=end, months=months, milestones=[])
    milestones = [
        {
            "year": m["year"],
            "text": m.get("text", ""),
            "inside": plan.year_start <= m["year"] <= plan.year_end,
            "at": axis.at(date(m["year"], 12, 31)),
        }
        for m in plan.milestones
        if isinstance(m, dict) and isinstance(m.get("year"), int)
    ]
    return Timeline(start=start, end=end, months=months, milestones=milestones)


@dataclass(slots=True)
class BoardRow:
    """One row of the board: a task or a county, its bar from the plan's start to its
    deadline coloured by its light."""

    label: str
    sublabel: str
    light: str
    progress: float
    counts: LightCounts
    deadline: date | None
    deadline_text: str
    bar_left: float
    bar_width: float
    task: Task | None = None
    unit_code: str = ""


def _bar(axis: Timeline, start: date, deadline: date | None) -> tuple[float, float]:
    left = axis.at(start)
    right = axis.at(deadline) if deadline else 100.0
    return left, max(round(right - left, 2), 0.5)


def board_by_task(
    *, user: Any, plan: Plan, filters: TaskFilters, page: Any = None
) -> tuple[Page, list[BoardRow]]:
    axis = timeline_of(plan)
    start = plan.issued_on or axis.start
    listed = list_paginate(
        _with_parties(tasks_filtered(user=user, plan=plan, filters=filters)),
        page=page,
        page_size=BOARD_ROWS_PER_PAGE,
    )
    rows = []
    for row in _task_rows(user=user, tasks=list(listed.items)):
        left, width = _bar(axis, start, row.deadline)
        rows.append(
            BoardRow(
                label=f"{row.task.number} {row.task.text}",
                sublabel="、".join(row.leads),
                light=row.light,
                progress=row.progress,
                counts=row.counts,
                deadline=row.deadline,
                deadline_text=row.task.deadline_text,
                bar_left=left,
                bar_width=width,
                task=row.task,
            )
        )
    return listed, rows


def board_by_unit(*, user: Any, plan: Plan) -> list[BoardRow]:
    """One row per unit holding the plan's top assignments in the area (the counties for
    headquarters): its work's lights, mean progress and last deadline. One query."""
    axis = timeline_of(plan)
    start = plan.issued_on or axis.start
    stats = (
        top_assignments(user=user)
        .filter(task__plan=plan)
        .values("unit__code", "unit__name")
        .annotate(
            mean=Avg("progress"),
            last=Max(Coalesce("deadline", "task__deadline")),
            tasks=Count("task_id", distinct=True),
            **_light_counts(),
        )
        .order_by("unit__code")
    )
    rows = []
    for stat in stats:
        counts = _counts_of(stat)
        left, width = _bar(axis, start, stat["last"])
        rows.append(
            BoardRow(
                label=stat["unit__name"],
                sublabel=_("%(n)d tasks") % {"n": stat["tasks"]},
                light=counts.worst,
                progress=round(float(stat["mean"] or 0), 1),
                counts=counts,
                deadline=stat["last"],
                deadline_text="",
                bar_left=left,
                bar_width=width,
                unit_code=stat["unit__code"],
            )
        )
    return rows


# --- The county comparison --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompareRow:
    rank: int
    code: str
    name: str
    level: str
    assignments: int
    done: int
    on_time: int
    completion: float
    on_time_rate: float
    progress: float
    red: int
    yellow: int
    can_drill: bool


def comparison(*, user: Any, plan: Plan, parent: Unit | None = None) -> list[CompareRow]:
    """The units directly below `parent` (the plan's issuer by default, or the user's own
    unit's parent when the issuer lies outside the area) that hold the plan's assignments in
    the user's area, ranked: by completion rate, then on-time rate, then mean
    progress, fewest red first. One aggregate query.

    Completion rate = done / assignments; on-time rate = done on or before the deadline /
    done (an assignment without a date deadline is on time when done).
    """
    prefix = scope_prefix(user, "plans.read")
    above = parent or plan.issuer
    if parent is None and not plan.issuer.code.startswith(prefix):
        # A town reading headquarters' plan starts at its own row, among its county's towns.
        above = user.home_unit.parent
    due = Coalesce(F("deadline"), F("task__deadline"))
    done_q = Q(light=Light.DONE)
    stats = (
        Assignment.objects.filter(
            task__plan=plan, unit__parent=above, unit__code__startswith=prefix
        )
        .values("unit__code", "unit__name", "unit__level")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done_q),
            on_time=Count(
                "pk",
                filter=done_q
                & (Q(deadline__isnull=True, task__deadline__isnull=True) | Q(done_on__lte=due)),
            ),
            mean=Avg("progress"),
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        )
        .order_by()
    )
    rows = []
    for stat in stats:
        total = stat["total"]
        rows.append(
            {
                "code": stat["unit__code"],
                "name": stat["unit__name"],
                "level": stat["unit__level"],
                "assignments": total,
                "done": stat["done"],
                "on_time": stat["on_time"],
                "completion": round(100.0 * stat["done"] / total, 1) if total else 0.0,
                "on_time_rate": round(100.0 * stat["on_time"] / stat["done"], 1)
                if stat["done"]
                else 0.0,
                "progress": round(float(stat["mean"] or 0), 1),
                "red": stat["red"],
                "yellow": stat["yellow"],
                "can_drill": stat["unit__level"] in ("county", "town"),
            }
        )
    rows.sort(
        key=lambda r: (-r["completion"], -r["on_time_rate"], -r["progress"], r["red"], r["code"])
    )
    return [CompareRow(rank=index, **row) for index, row in enumerate(rows, start=1)]


def compare_parent(*, user: Any, code: str) -> Unit | None:
    """The county or town to drill into, or None for the plan's own level (`code` empty).

    Refused (naming the code) when it is not a current county or town in the user's area.
    """
    if not code:
        return None
    prefix = scope_prefix(user, "plans.read")
    unit = (
        Unit.objects.current()
        .filter(code=code, level__in=("county", "town"), code__startswith=prefix)
        .first()
    )
    if unit is None:
        raise InputError(
            _("%(code)s is not a county or town in your area.") % {"code": code}, field="unit"
        )
    return unit


__all__ = [
    "LIGHTS",
    "UNASSIGNED",
    "AssignmentNode",
    "BoardRow",
    "CategoryGroup",
    "CompareRow",
    "LightCounts",
    "PlanRow",
    "TaskFilters",
    "TaskRow",
    "Timeline",
    "assignment_tree",
    "board_by_task",
    "board_by_unit",
    "compare_parent",
    "comparison",
    "plan_categories",
    "plan_counts",
    "plan_rows",
    "plan_units",
    "plans_listed",
    "task_rows_all",
    "task_tree",
    "tasks_filtered",
    "timeline_of",
]
