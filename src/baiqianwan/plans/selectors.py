"""Reading plans, tasks and assignments within the user's area.

Who sees what: an assignment belongs to its unit, so an operator sees the assignments of the
units of their subtree. A plan is seen by the area of its issuing unit, and, once issued, by
every area that holds one of its assignments; a task likewise. Anything else is answered 404
(`OutOfScope` when it exists elsewhere, recorded as a security event).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import OutOfScope, scope_prefix
from baiqianwan.plans.choices import PlanStatus
from baiqianwan.plans.models import Assignment, Plan, Task


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


def _refuse(*, user: Any, action: str, code: str, what: str) -> Http404:
    return OutOfScope(
        user=user, action=action, code=code, message=_("No such %(what)s.") % {"what": what}
    )


def plan_get(*, user: Any, pk: int) -> Plan:
    """A plan the user may see; 404 otherwise (an existing one elsewhere is a security
    event)."""
    plan = plans_visible(user=user).select_related("issuer", "created_by").filter(pk=pk).first()
    if plan is not None:
        return plan
    other = Plan.objects.select_related("issuer").filter(pk=pk).first()
    if other is None:
        raise Http404(_("No such plan."))
    raise _refuse(user=user, action="plans.read", code=other.issuer.code, what=_("plan"))


def task_get(*, user: Any, pk: int) -> Task:
    task = tasks_visible(user=user).select_related("plan", "plan__issuer").filter(pk=pk).first()
    if task is not None:
        return task
    other = Task.objects.select_related("plan__issuer").filter(pk=pk).first()
    if other is None:
        raise Http404(_("No such task."))
    raise _refuse(user=user, action="plans.read", code=other.plan.issuer.code, what=_("task"))


def assignment_get(*, user: Any, pk: int, action: str = "plans.read") -> Assignment:
    """An assignment of a unit in the user's area, for `action`; 404 otherwise."""
    found = (
        assignments_visible(user=user, action=action)
        .select_related("task", "task__plan", "task__plan__issuer", "unit", "parent", "department")
        .filter(pk=pk)
        .first()
    )
    if found is not None:
        return found
    other = Assignment.objects.select_related("unit").filter(pk=pk).first()
    if other is None:
        raise Http404(_("No such assignment."))
    raise _refuse(user=user, action=action, code=other.unit.code, what=_("assignment"))
