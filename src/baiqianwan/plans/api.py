"""Plans in the JSON API: plans, their tasks and assignments, within the caller's area."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from ninja import Query, Router

from baiqianwan.core.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.core.schemas import READ_ERRORS
from baiqianwan.plans.choices import Light, PlanStatus
from baiqianwan.plans.models import Assignment, Plan, Task, TaskParty
from baiqianwan.plans.schemas import (
    AssignmentOut,
    PlanDetailOut,
    PlanPageOut,
    TaskPageOut,
)
from baiqianwan.plans.selectors import (
    assignment_get,
    assignments_visible,
    plan_get,
    plans_visible,
    task_get,
    tasks_visible,
)

router = Router()


def _light_counts(*, request: HttpRequest, plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per plan, the caller's assignments by light: one query for the whole page."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {light: 0 for light in Light})
    rows = (
        assignments_visible(user=request.user)
        .filter(task__plan_id__in=plan_ids)
        .values("task__plan_id", "light")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["task__plan_id"]][row["light"]] = row["n"]
    return counts


def _plan_out(plan: Plan, lights: dict[str, int]) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "issuer_code": plan.issuer.code,
        "issuer_name": plan.issuer_name or plan.issuer.name,
        "document_number": plan.document_number,
        "year_start": plan.year_start,
        "year_end": plan.year_end,
        "status": plan.status,
        "issued_on": plan.issued_on,
        "closed_on": plan.closed_on,
        "is_demo": plan.is_demo,
        "milestones": plan.milestones,
        "lights": lights,
    }


@router.get("", response={200: PlanPageOut, **READ_ERRORS}, summary="List plans")
def plans_list(
    request: HttpRequest,
    status: str = "",
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Plans issued in your area, and issued plans with assignments in it. `status`: draft,
    issued or closed. `lights` counts the assignments of your area only."""
    plans = plans_visible(user=request.user).select_related("issuer")
    if status:
        if status not in PlanStatus.values:
            raise InputError(
                f"status must be one of {', '.join(PlanStatus.values)}", field="status"
            )
        plans = plans.filter(status=status)
    result = list_paginate(plans, page=page, page_size=page_size)
    counts = _light_counts(request=request, plan_ids=[plan.pk for plan in result.items])
    return {
        "count": result.count,
        "page": result.number,
        "pages": result.num_pages,
        "items": [_plan_out(plan, counts[plan.pk]) for plan in result.items],
    }


@router.get("/{pk}", response={200: PlanDetailOut, **READ_ERRORS}, summary="One plan")
def plan_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = plan_get(user=request.user, pk=pk)
    counts = _light_counts(request=request, plan_ids=[plan.pk])
    settings = {
        name: getattr(plan, name)
        for name in (
            "report_cycle",
            "report_due_day",
            "warning_days",
            "red_returns",
            "notice_reply_days",
            "escalation_days",
            "interview_days",
            "version",
        )
    }
    return {**_plan_out(plan, counts[plan.pk]), **settings}


def _task_out(task: Task) -> dict[str, Any]:
    return {
        **{
            name: getattr(task, name)
            for name in (
                "category",
                "number",
                "text",
                "deadline_kind",
                "deadline",
                "deadline_text",
                "deadline_flagged",
                "target_value",
                "target_unit",
                "target_text",
                "indicator_code",
            )
        },
        "id": task.pk,
        "plan_id": task.plan_id,
        "parties": [
            {
                "role": party.role,
                "name": party.name,
                "unit_code": party.unit.code if party.unit else None,
                "department": party.department.name if party.department else None,
            }
            for party in task.parties.all()
        ],
    }


@router.get("/{pk}/tasks", response={200: TaskPageOut, **READ_ERRORS}, summary="A plan's tasks")
def plan_tasks(
    request: HttpRequest,
    pk: int,
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The plan's tasks you may see, in the plan's order, with their lead and partner units."""
    plan = plan_get(user=request.user, pk=pk)
    parties = TaskParty.objects.select_related("unit", "department")
    tasks = (
        tasks_visible(user=request.user, plan=plan)
        .order_by("order", "id")
        .prefetch_related(Prefetch("parties", queryset=parties))
    )
    result = list_paginate(tasks, page=page, page_size=page_size)
    return {
        "count": result.count,
        "page": result.number,
        "pages": result.num_pages,
        "items": [_task_out(task) for task in result.items],
    }


def _assignment_out(assignment: Assignment) -> dict[str, Any]:
    return {
        **{
            name: getattr(assignment, name)
            for name in (
                "task_id",
                "parent_id",
                "weight",
                "deadline",
                "progress",
                "light",
                "returns",
                "last_cycle",
                "last_report_on",
                "done_on",
                "version",
            )
        },
        "id": assignment.pk,
        "light_reason": assignment.light_why,
        "unit_code": assignment.unit.code,
        "unit_name": assignment.unit.name,
        "department": assignment.department.name if assignment.department else None,
    }


@router.get(
    "/tasks/{pk}/assignments",
    response={200: list[AssignmentOut], **READ_ERRORS},
    summary="A task's assignments in your area",
)
def task_assignments(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    task = task_get(user=request.user, pk=pk)
    assignments = (
        assignments_visible(user=request.user)
        .filter(task=task)
        .select_related("unit", "department")
        .order_by("unit__code")
    )
    return [_assignment_out(assignment) for assignment in assignments]


@router.get(
    "/assignments/{pk}",
    response={200: AssignmentOut, **READ_ERRORS},
    summary="One assignment",
)
def assignment_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _assignment_out(assignment_get(user=request.user, pk=pk))
