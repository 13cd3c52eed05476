"""Builders for plans tests: a plan with tasks assigned to counties, split into towns."""

from __future__ import annotations

from datetime import date
from typing import Any

from baiqianwan.plans.models import Plan, Task, TaskParty
from baiqianwan.plans.services import plan_create, tasks_assign
from baiqianwan.units.models import Unit
from tests.factories import ZHAOQING


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)


def plan_with_tasks(
    *,
    actor: Any,
    count: int = 2,
    deadline: date | None = date(2025, 12, 31),
    title: str = "测试方案",
) -> Plan:
    """A draft plan of `count` tasks, each led by 肇庆市 itself."""
    plan = plan_create(
        actor=actor, title=title, issuer=unit(ZHAOQING), year_start=2025, year_end=2027
    )
    city = unit(ZHAOQING)
    for number in range(1, count + 1):
        task = Task.objects.create(
            plan=plan,
            category="一、测试大类",
            number=str(number),
            order=number,
            text=f"第{number}项任务",
            deadline_kind="date" if deadline else "long_term",
            deadline=deadline,
            deadline_text=f"{deadline:%Y年%m月%d日}前" if deadline else "长期坚持",
        )
        TaskParty.objects.create(task=task, role="lead", name=city.name, unit=city)
    return plan


def assigned(*, actor: Any, plan: Plan, codes: list[str], today: date) -> None:
    tasks_assign(
        actor=actor,
        tasks=list(plan.tasks.select_related("plan__issuer")),
        units=[unit(code) for code in codes],
        today=today,
    )
