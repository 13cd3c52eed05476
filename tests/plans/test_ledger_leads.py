"""A draft's tasks without a lead unit get one on the parties page, and the plan can be issued."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.plans.models import TaskParty
from baiqianwan.plans.services import plan_problems
from tests.factories import HUAIJI
from tests.plans.factories import assigned, plan_with_tasks, unit


@pytest.mark.django_db
def test_leadless_tasks_get_a_lead_on_the_parties_page(client, hq_admin):
    plan = plan_with_tasks(actor=hq_admin, count=3)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI], today=date(2025, 1, 2))
    TaskParty.objects.filter(task__plan=plan).exclude(task__number="3").delete()
    assert any("no lead unit" in problem for problem in plan_problems(plan=plan))
    client.force_login(hq_admin)
    page = client.get(f"/plans/{plan.pk}/parties/")
    assert page.status_code == 200 and b'data-testid="lead-form"' in page.content
    first, second = plan.tasks.filter(number__in=["1", "2"]).order_by("number")
    huaiji = unit(HUAIJI)
    refused = client.post(
        f"/plans/{plan.pk}/parties/", {"action": "lead", "choice": f"unit:{huaiji.pk}"}
    )
    assert refused.status_code == 400 and "请勾选要设定该牵头单位的任务" in refused.content.decode()
    done = client.post(
        f"/plans/{plan.pk}/parties/",
        {"action": "lead", "choice": f"unit:{huaiji.pk}", "task": [first.pk, second.pk]},
    )
    assert done.status_code == 302
    leads = TaskParty.objects.filter(task__plan=plan, role="lead")
    assert sorted(leads.values_list("task__number", "unit__code")) == [
        ("1", HUAIJI),
        ("2", HUAIJI),
        ("3", "441200000000"),
    ]
    assert plan_problems(plan=plan) == []


@pytest.mark.django_db
def test_a_plan_from_a_ledger_runs_until_its_latest_deadline(hq_admin):
    from baiqianwan.intake.ledger import LedgerPlan, LedgerRow
    from baiqianwan.plans.ledger import plan_from_ledger
    from baiqianwan.textclean.report import Span

    def row(number: str, deadline: str) -> LedgerRow:
        return LedgerRow(
            category="一、测试",
            number=number,
            task=f"任务{number}",
            lead=("市农业农村局",),
            partners=(),
            deadline=deadline,
            progress="",
            targets=(),
            places=(),
            source=Span(0, 0),
        )

    made = plan_from_ledger(
        actor=hq_admin,
        plan=LedgerPlan(title="肇庆市2025年重点任务", issuer=None),
        rows=[row("1", "2025年底前"), row("2", "2027年6月底前"), row("3", "长期坚持")],
        issuer=unit("441200000000"),
        today=date(2025, 3, 1),
    )
    assert (made.plan.year_start, made.plan.year_end) == (2025, 2027)
