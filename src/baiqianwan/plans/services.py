"""Writing plans, their tasks and assignments. Every function owns its transaction and leaves
an audit event naming the unit it concerns.

Reports and reviews are in `flows` (submit → accept / return), notices and escalation too;
the daily pass is in `jobs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.audit.choices import Action
from baiqianwan.audit.services import audit_event, audit_record, audit_record_many
from baiqianwan.core.freshness import data_changed
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.plans.choices import PartyRole, PlanStatus
from baiqianwan.plans.lights import lights_refresh, task_trees
from baiqianwan.plans.models import Assignment, Department, Plan, Task
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# The level each level's assignments are split into.
CHILD_LEVEL = {Level.CITY: Level.COUNTY, Level.COUNTY: Level.TOWN, Level.TOWN: Level.VILLAGE}

# The settings of a plan a manager may change, with their bounds (the light rule's parameters).
PLAN_SETTINGS: dict[str, tuple[int, int]] = {
    "report_due_day": (1, 28),
    "warning_days": (0, 365),
    "red_returns": (1, 20),
    "notice_reply_days": (1, 90),
    "escalation_days": (1, 90),
    "interview_days": (1, 90),
}


def _years(year_start: int, year_end: int) -> None:
    for field, year in (("year_start", year_start), ("year_end", year_end)):
        if not 2000 <= year <= 2100:
            raise InputError(
                _("%(year)s is not a year between 2000 and 2100.") % {"year": year}, field=field
            )
    if year_end < year_start:
        raise InputError(_("The last year comes before the first."), field="year_end")


def _milestones(milestones: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for index, milestone in enumerate(milestones, start=1):
        text = str(milestone.get("text") or "").strip()
        year = milestone.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InputError(
                _("Milestone %(n)d: the year must be a year between 2000 and 2100.") % {"n": index},
                field="milestones",
            )
        result.append({"year": year, "text": text[:200]})
    return sorted(result, key=lambda m: m["year"])


def plan_create(
    *,
    actor: Any,
    title: str,
    issuer: Unit,
    year_start: int,
    year_end: int,
    issuer_name: str = "",
    document_number: str = "",
    milestones: Iterable[dict[str, Any]] = (),
    source_document: Any = None,
    is_demo: bool = False,
) -> Plan:
    """A draft plan issued by `issuer` (a unit in the actor's area)."""
    require(actor, "plans.manage", issuer)
    title = title.strip()
    if not title:
        raise InputError(_("The plan needs a title."), field="title")
    _years(year_start, year_end)
    with transaction.atomic():
        plan = Plan.objects.create(
            title=title[:300],
            issuer=issuer,
            issuer_name=issuer_name.strip()[:200],
            document_number=document_number.strip()[:100],
            year_start=year_start,
            year_end=year_end,
            milestones=_milestones(milestones),
            source_document=source_document,
            is_demo=is_demo,
            created_by=actor,
        )
        audit_record(actor=actor, action=Action.CREATE, obj=plan, changes={"title": title})
    return plan


def plan_update(*, actor: Any, plan: Plan, version: int, **fields: Any) -> Plan:
    """Change a plan's title, number, years, milestones or rule settings.

    Raises
    ------
    Conflict
        When the plan changed since `version` was read.
    """
    require(actor, "plans.manage", plan)
    allowed = {"title", "issuer_name", "document_number", "year_start", "year_end", "milestones"}
    allowed |= set(PLAN_SETTINGS) | {"report_cycle"}
    unknown = set(fields) - allowed
    if unknown:
        raise InputError(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if plan.status == PlanStatus.CLOSED:
        raise InputError(_("A closed plan cannot be changed."))
    for name, (low, high) in PLAN_SETTINGS.items():
        if name in fields and not (isinstance(fields[name], int) and low <= fields[name] <= high):
            raise InputError(
                _("%(field)s must be a whole number from %(low)d to %(high)d.")
                % {
                    "field": getattr(Plan._meta.get_field(name), "verbose_name", name),
                    "low": low,
                    "high": high,
                },
                field=name,
            )
    _years(fields.get("year_start", plan.year_start), fields.get("year_end", plan.year_end))
    if "milestones" in fields:
        fields["milestones"] = _milestones(fields["milestones"])
    with transaction.atomic():
        changes = {
            name: [getattr(plan, name), value]
            for name, value in fields.items()
            if getattr(plan, name) != value
        }
        updated = Plan.objects.filter(pk=plan.pk, version=version).update(
            version=F("version") + 1, **fields
        )
        if not updated:
            raise Conflict(_("Someone else changed this plan meanwhile; reload it and try again."))
        plan.refresh_from_db()
        if changes:
            audit_record(actor=actor, action=Action.UPDATE, obj=plan, changes=changes)
        if changes.keys() & (set(PLAN_SETTINGS) | {"report_cycle"}) and plan.issued_on:
            lights_refresh(
                assignments=Assignment.objects.filter(task__plan=plan), today=date.today()
            )
    return plan


def plan_problems(*, plan: Plan) -> list[str]:
    """What keeps a draft plan from being issued: tasks without a lead, unmatched lead names,
    tasks assigned to no one."""
    problems = []
    tasks = list(plan.tasks.order_by("order", "id").prefetch_related("parties"))
    assigned = set(
        Assignment.objects.filter(task__plan=plan).values_list("task_id", flat=True).distinct()
    )
    if not tasks:
        problems.append(_("The plan has no tasks."))
    for task in tasks:
        leads = [party for party in task.parties.all() if party.role == PartyRole.LEAD]
        if not leads:
            problems.append(_("Task %(n)s has no lead unit.") % {"n": task.number})
        for party in task.parties.all():
            if not party.matched:
                problems.append(
                    _("Task %(n)s: %(name)s is neither a unit nor a department of the register.")
                    % {"n": task.number, "name": party.name}
                )
        if task.pk not in assigned:
            problems.append(_("Task %(n)s is assigned to no unit.") % {"n": task.number})
    return problems


def plan_issue(*, actor: Any, plan: Plan, version: int, today: date) -> Plan:
    """Issue a draft plan: its assignments start, lights and reminders begin.

    Raises
    ------
    InputError
        Listing every problem (`plan_problems`) when there is any.
    Conflict
        When the plan changed since `version` was read.
    """
    require(actor, "plans.manage", plan)
    if plan.status != PlanStatus.DRAFT:
        raise InputError(_("Only a draft plan can be issued."))
    problems = plan_problems(plan=plan)
    if problems:
        raise InputError(" ".join(problems[:20]) + (" …" if len(problems) > 20 else ""))
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, version=version, status=PlanStatus.DRAFT).update(
            status=PlanStatus.ISSUED, issued_on=today, version=F("version") + 1
        )
        if not updated:
            raise Conflict(_("Someone else changed this plan meanwhile; reload it and try again."))
        plan.refresh_from_db()
        audit_record(actor=actor, action=Action.ISSUE, obj=plan, changes={"issued_on": today})
        lights_refresh(assignments=Assignment.objects.filter(task__plan=plan), today=today)
        _issued_notify(plan=plan)
    return plan


def _issued_notify(*, plan: Plan) -> int:
    """Tell each unit the plan assigns work to that it has new tasks, once per unit."""
    from baiqianwan.notifications.choices import NotificationKind
    from baiqianwan.notifications.services import notifications_send_to_unit

    counts = dict(
        Assignment.objects.filter(task__plan=plan)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    units = Unit.objects.in_bulk(list(counts))
    sent = 0
    for unit_id, count in counts.items():
        sent += notifications_send_to_unit(
            unit=units[unit_id],
            kind=NotificationKind.GENERAL,
            title=_("New plan issued: %(title)s") % {"title": plan.title},
            body=_("%(count)d tasks are assigned to %(unit)s.")
            % {"count": count, "unit": units[unit_id].name},
            url="/plans/mine/",
            key=f"plan-issued:{plan.pk}",
        )
    return sent


def plan_close(*, actor: Any, plan: Plan, version: int, today: date) -> Plan:
    """Close an issued plan: it is kept and read, no longer reported on."""
    require(actor, "plans.manage", plan)
    if plan.status != PlanStatus.ISSUED:
        raise InputError(_("Only an issued plan can be closed."))
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, version=version).update(
            status=PlanStatus.CLOSED, closed_on=today, version=F("version") + 1
        )
        if not updated:
            raise Conflict(_("Someone else changed this plan meanwhile; reload it and try again."))
        plan.refresh_from_db()
        data_changed("plans")
        audit_record(actor=actor, action=Action.CLOSE, obj=plan, changes={"closed_on": today})
    return plan


def _weights(weights: Sequence[Any] | None, count: int) -> list[Decimal]:
    if weights is None:
        return [Decimal(1)] * count
    if len(weights) != count:
        raise InputError(_("Give one weight for each unit."), field="weights")
    result = []
    for index, weight in enumerate(weights, start=1):
        try:
            value = Decimal(str(weight))
        except InvalidOperation:
            value = Decimal(0)
        if not value.is_finite() or value <= 0 or value >= 10_000:
            raise InputError(
                _("Weight %(n)d must be a number above 0 and below 10000.") % {"n": index},
                field="weights",
            )
        result.append(value)
    return result


def tasks_assign(
    *,
    actor: Any,
    tasks: Sequence[Task],
    units: Sequence[Unit],
    deadline: date | None = None,
    today: date,
) -> int:
    """Assign each task to each unit (headquarters to its counties, say); a task already
    assigned to a unit keeps that assignment. Returns how many were created."""
    for unit in units:
        require(actor, "plans.manage", unit)
    if not units:
        raise InputError(_("Choose at least one unit."), field="units")
    plans = {task.plan_id: task.plan for task in tasks}
    for task in tasks:
        require(actor, "plans.manage", task.plan)
        if task.plan.status == PlanStatus.CLOSED:
            raise InputError(_("The plan is closed."))
    existing = set(
        Assignment.objects.filter(task__in=tasks, unit__in=units).values_list("task_id", "unit_id")
    )
    new = [
        Assignment(task=task, unit=unit, deadline=deadline, created_by=actor)
        for task in tasks
        for unit in units
        if (task.pk, unit.pk) not in existing
    ]
    with transaction.atomic():
        Assignment.objects.bulk_create(new, batch_size=2000)
        audit_record_many(
            audit_event(
                actor=actor,
                action=Action.ASSIGN,
                object_type="plans.plan",
                object_id=str(plan.pk),
                object_repr=str(plan)[:200],
                unit_code=plan.issuer.code,
                changes={
                    "tasks": sum(task.plan_id == plan.pk for task in tasks),
                    "units": [unit.code for unit in units],
                },
            )
            for plan in plans.values()
        )
        if any(task.plan.status == PlanStatus.ISSUED for task in tasks):
            lights_refresh(assignments=task_trees(task_ids=[t.pk for t in tasks]), today=today)
    return len(new)


def assignment_split(
    *,
    actor: Any,
    assignment: Assignment,
    units: Sequence[Unit],
    weights: Sequence[Any] | None = None,
    deadline: date | None = None,
    today: date,
) -> list[Assignment]:
    """Split a county's assignment into its towns' (a town's into its villages').

    Each unit must be a current unit directly below the assignment's; one already given the
    task keeps its assignment. The children's progress rolls up into this one's, weighted
    equally unless `weights` are given; their deadline defaults to this one's.
    """
    require(actor, "plans.assign", assignment.unit)
    plan = assignment.task.plan
    if plan.status == PlanStatus.CLOSED:
        raise InputError(_("The plan is closed."))
    child_level = CHILD_LEVEL.get(Level(assignment.unit.level))
    if child_level is None:
        raise InputError(_("A village's assignment cannot be split further."))
    if not units:
        raise InputError(_("Choose at least one unit."), field="units")
    values = _weights(weights, len(units))
    for unit in units:
        if unit.parent_id != assignment.unit_id or unit.level != child_level or unit.valid_to:
            raise InputError(
                _("%(unit)s is not a current unit directly below %(parent)s.")
                % {"unit": unit.name, "parent": assignment.unit.name},
                field="units",
            )
    limit = deadline or assignment.deadline or assignment.task.deadline
    if deadline and assignment.task.deadline and deadline > assignment.task.deadline:
        raise InputError(_("The deadline falls after the task's own."), field="deadline")
    taken = set(
        Assignment.objects.filter(task=assignment.task, unit__in=units).values_list(
            "unit_id", flat=True
        )
    )
    new = [
        Assignment(
            task=assignment.task,
            unit=unit,
            parent=assignment,
            weight=weight,
            deadline=limit,
            created_by=actor,
        )
        for unit, weight in zip(units, values, strict=True)
        if unit.pk not in taken
    ]
    with transaction.atomic():
        created = Assignment.objects.bulk_create(new)
        audit_record(
            actor=actor,
            action=Action.ASSIGN,
            obj=assignment,
            changes={"split into": [unit.code for unit in units if unit.pk not in taken]},
        )
        if plan.status == PlanStatus.ISSUED:
            lights_refresh(assignments=task_trees(task_ids=[assignment.task_id]), today=today)
    return created


def department_create(
    *, actor: Any, unit: Unit, name: str, aliases: Iterable[str] = ()
) -> Department:
    """A department of `unit`'s government, with the other names plans use for it."""
    require(actor, "plans.manage", unit)
    name = name.strip()
    if not name:
        raise InputError(_("The department needs a name."), field="name")
    if Department.objects.filter(unit=unit, name=name).exists():
        raise InputError(
            _("%(unit)s already has a department named %(name)s.")
            % {"unit": unit.name, "name": name},
            field="name",
        )
    clean = sorted({alias.strip() for alias in aliases if alias.strip() and alias.strip() != name})
    with transaction.atomic():
        department = Department.objects.create(unit=unit, name=name[:100], aliases=clean)
        audit_record(actor=actor, action=Action.CREATE, obj=department, changes={"name": name})
    return department
