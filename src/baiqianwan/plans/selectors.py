"""Reading plans, tasks and assignments within the user's area.

Who sees what: an assignment belongs to its unit, so an operator sees the assignments of the
units of their subtree. A plan is seen by the area of its issuing unit, and, once issued, by
every area that holds one of its assignments; a task likewise. Anything else is answered 404
(`OutOfScope` when it exists elsewhere, recorded as a security event).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import OutOfScope, scope_prefix
from baiqianwan.plans.choices import PlanStatus
from baiqianwan.plans.models import Assignment, Plan, Task

T = TypeVar("T")


def assignments_visible(*, user: Any, action: str = "plans.read") -> QuerySet[Assignment]:
    """The assignments of the units in the user's area."""
    prefix = scope_prefix(user, action)
    return Assignment.objects.filter(unit__code__startswith=prefix)


def plans_visible(*, user: Any) -> QuerySet[Plan]:
    """Plans issued in the user's area, and issued plans with assignments in it."""
    prefix = scope_prefix(user, "plans.read")
    held = Assignment.objects.filter(task__plan=OuterRef("pk"), unit__code__startswith=prefix)
    return Plan.objects.filter(
        Q(issuer__code__startswith=prefix) | (~Q(status=PlanStatus.DRAFT) & Exists(held))
    )


def tasks_visible(*, user: Any, plan: Plan | None = None) -> QuerySet[Task]:
    """Tasks of the user's plans: all of a plan issued in the area, else those assigned in it."""
    prefix = scope_prefix(user, "plans.read")
    held = Assignment.objects.filter(task=OuterRef("pk"), unit__code__startswith=prefix)
    tasks = Task.objects.filter(
        Q(plan__issuer__code__startswith=prefix)
        | (~Q(plan__status=PlanStatus.DRAFT) & Exists(held))
    )
    return tasks.filter(plan=plan) if plan is not None else tasks


def in_area_or_refused(
    found: T | None, *, user: Any, action: str, codes_elsewhere: QuerySet[Any], message: str
) -> T:
    """`found` (the object looked up within the user's area), or the refusal: `OutOfScope`
    (404, a security event) when it exists elsewhere, a plain 404 when it does not exist.

    `codes_elsewhere` is a values_list query of the unit code the object belongs to, by pk
    alone, read only when the object was not found in the area.
    """
    if found is not None:
        return found
    code = codes_elsewhere.first()
    if code is None:
        raise Http404(message)
    raise OutOfScope(user=user, action=action, code=code, message=message)


def plan_get(*, user: Any, pk: int) -> Plan:
    """A plan the user may see; 404 otherwise (an existing one elsewhere is a security
    event)."""
    return in_area_or_refused(
        plans_visible(user=user).select_related("issuer", "created_by").filter(pk=pk).first(),
        user=user,
        action="plans.read",
        codes_elsewhere=Plan.objects.filter(pk=pk).values_list("issuer__code", flat=True),
        message=_("No such plan."),
    )


def task_get(*, user: Any, pk: int) -> Task:
    return in_area_or_refused(
        tasks_visible(user=user).select_related("plan", "plan__issuer").filter(pk=pk).first(),
        user=user,
        action="plans.read",
        codes_elsewhere=Task.objects.filter(pk=pk).values_list("plan__issuer__code", flat=True),
        message=_("No such task."),
    )


def assignment_get(*, user: Any, pk: int, action: str = "plans.read") -> Assignment:
    """An assignment of a unit in the user's area, for `action`; 404 otherwise."""
    found = (
        assignments_visible(user=user, action=action)
        .select_related("task", "task__plan", "task__plan__issuer", "unit", "parent", "department")
        .filter(pk=pk)
        .first()
    )
    return in_area_or_refused(
        found,
        user=user,
        action=action,
        codes_elsewhere=Assignment.objects.filter(pk=pk).values_list("unit__code", flat=True),
        message=_("No such assignment."),
    )
