"""A draft plan from a ledger: matching, deadlines, targets, what is listed and what refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import InputError
from baiqianwan.intake.ledger import LedgerGoal, LedgerPlan, LedgerRow, ledger_from_document
from baiqianwan.plans.choices import DeadlineKind, PlanStatus
from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read
from baiqianwan.plans.ledger import plan_from_ledger
from baiqianwan.plans.models import Department, Plan, Task, TaskParty
from baiqianwan.plans.services import plan_problems
from baiqianwan.textclean.report import Span
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import unit

TODAY = date(2025, 3, 1)
PLAN = LedgerPlan(
    title="肇庆市2025年百千万工程重点任务清单",
    issuer="肇庆市百千万工程指挥部办公室",
    goals=(LedgerGoal(2025, "三年初见成效"), LedgerGoal(2027, "五年取得显著变化")),
)


def row(number: str, task: str = "", **fields):  # type: ignore[no-untyped-def]
    values = dict(
        category="一、突出县域经济",
        number=number,
        task=task or f"第{number}项任务",
        lead=("市农业农村局",),
        partners=(),
        deadline="2025年底前",
        progress="",
        targets=(),
        places=(),
        source=Span(0, 0),
    )
    values.update(fields)
    return LedgerRow(**values)  # type: ignore[arg-type]


@pytest.fixture
def departments(db):  # type: ignore[no-untyped-def]
    departments_load(rows=departments_read(ZHAOQING_DEPARTMENTS.read_bytes()), actor="tests")


def test_a_ledger_becomes_a_draft_plan_with_matched_parties(hq_admin, departments):  # type: ignore[no-untyped-def]
    rows = [
        row(
            "1",
            lead=("市农业农村局",),
            partners=("各县（市、区）人民政府", "市财政局"),
            targets=("10个", "95%"),
        ),
        row("2", lead=("怀集县",), partners=("怀城街道",), deadline="每季度"),
        row(
            "3",
            lead=("市发展改革局",),
            partners=("有关部门",),
            deadline="尽快",
            targets=("1.5万亩",),
        ),
        row("4", lead=(), deadline="长期坚持"),
    ]
    made = plan_from_ledger(
        actor=hq_admin, plan=PLAN, rows=rows, issuer=unit(ZHAOQING), today=TODAY
    )
    plan = made.plan
    assert plan.status == PlanStatus.DRAFT
    assert (plan.title, plan.year_start, plan.year_end) == (PLAN.title, 2025, 2025)
    assert plan.issuer_name == "肇庆市百千万工程指挥部办公室"
    assert plan.milestones == [
        {"year": 2025, "text": "三年初见成效"},
        {"year": 2027, "text": "五年取得显著变化"},
    ]
    tasks = list(plan.tasks.order_by("order"))
    assert [t.number for t in tasks] == ["1", "2", "3", "4"]
    first, second, third, fourth = tasks
    assert (first.deadline_kind, first.deadline, first.deadline_flagged) == (
        DeadlineKind.DATE,
        date(2025, 12, 31),
        False,
    )
    assert (first.target_text, first.target_value, first.target_unit) == ("10个", Decimal(10), "个")
    assert (second.deadline_kind, second.deadline) == (DeadlineKind.QUARTERLY, None)
    assert (third.deadline_kind, third.deadline_text, third.deadline_flagged) == (
        DeadlineKind.TEXT,
        "尽快",
        True,
    )
    assert (third.target_value, third.target_unit) == (Decimal("1.5"), "万亩")
    assert fourth.deadline_kind == DeadlineKind.LONG_TERM
    assert [t.source_row for t in tasks] == [1, 2, 3, 4]

    lead = first.parties.get(role="lead")
    assert lead.department == Department.objects.get(name="市农业农村局")
    counties = first.parties.filter(role="partner", name="各县（市、区）人民政府")
    assert counties.count() == 8 and all(p.unit.level == "county" for p in counties)
    assert first.parties.get(name="市财政局").department.name == "市财政局"
    assert second.parties.get(role="lead").unit.code == HUAIJI
    assert second.parties.get(role="partner").unit.name == "怀城街道"

    assert [(u.name, u.rows) for u in made.unmatched] == [("有关部门", (3,))]
    assert made.leadless == (4,)
    assert [(f.row, f.text) for f in made.flagged] == [(3, "尽快")]
    problems = plan_problems(plan=plan)
    assert "Task 4 has no lead unit." in problems
    assert any("有关部门" in p for p in problems)
    event = AuditEvent.objects.filter(object_id=str(plan.pk), action="create").order_by("id").last()
    assert event.changes["tasks"] == 4 and event.changes["unmatched names"] == 1


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        ([], ["The ledger has no rows."]),
        ([row("1"), row("2"), row("1")], ["Row 3: number 1 is used already by Row 1."]),
        ([row("1"), replace(row("2"), task="")], ["Row 2: the task (工作任务) is empty."]),
        ([row("1"), row("")], ["Row 2: the number (序号) is empty."]),
        ([row("1", deadline="二" * 101)], ["Row 1: 完成时限 is longer than 100 characters."]),
        ([row("1", lead=("单" * 101,))], ["Row 1: the unit name"]),
    ],
)
def test_bad_rows_are_refused_naming_the_row_and_nothing_is_written(  # type: ignore[no-untyped-def]
    hq_admin, departments, rows, messages
):
    with pytest.raises(InputError) as refused:
        plan_from_ledger(actor=hq_admin, plan=PLAN, rows=rows, issuer=unit(ZHAOQING), today=TODAY)
    for message in messages:
        assert message in refused.value.message
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_an_error_on_row_1999_leaves_no_plan(hq_admin, departments):  # type: ignore[no-untyped-def]
    rows = [row(str(n)) for n in range(1, 2001)]
    rows[1998] = row("5")
    with pytest.raises(InputError) as refused:
        plan_from_ledger(actor=hq_admin, plan=PLAN, rows=rows, issuer=unit(ZHAOQING), today=TODAY)
    assert refused.value.message == "Row 1999: number 5 is used already by Row 5."
    assert Plan.objects.count() == 0 and TaskParty.objects.count() == 0


def test_every_error_is_listed_up_to_twenty(hq_admin, departments):  # type: ignore[no-untyped-def]
    rows = [row("1")] * 30
    with pytest.raises(InputError) as refused:
        plan_from_ledger(actor=hq_admin, plan=PLAN, rows=rows, issuer=unit(ZHAOQING), today=TODAY)
    assert "Row 21: number 1 is used already by Row 1." in refused.value.message
    assert "Row 22" not in refused.value.message
    assert refused.value.message.endswith("and 9 more errors.")


def test_sheet_rows_name_the_sheet(hq_admin, departments):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as refused:
        plan_from_ledger(
            actor=hq_admin,
            plan=PLAN,
            rows=[row("1"), row("1")],
            issuer=unit(ZHAOQING),
            today=TODAY,
            row_numbers=[4, 5],
            sheet="任务台账",
        )
    assert refused.value.message == "任务台账 row 5: number 1 is used already by 任务台账 row 4."


def test_a_county_cannot_import_for_another(huaiji_operator, departments):  # type: ignore[no-untyped-def]
    from django.http import Http404

    with pytest.raises(Http404):
        plan_from_ledger(
            actor=huaiji_operator, plan=PLAN, rows=[row("1")], issuer=unit(DEQING), today=TODAY
        )
    made = plan_from_ledger(
        actor=huaiji_operator,
        plan=PLAN,
        rows=[row("1", lead=("各镇（街道）",))],
        issuer=unit(HUAIJI),
        today=TODAY,
        year_start=2025,
        year_end=2027,
    )
    assert made.plan.tasks.get().parties.count() == 19
    assert (made.plan.year_start, made.plan.year_end) == (2025, 2027)


def test_the_samples_ledger_imports_with_every_row_listed_for_its_lead(  # type: ignore[no-untyped-def]
    hq_admin, departments, sample_document
):
    plan, rows = ledger_from_document(sample_document.ledger)
    made = plan_from_ledger(
        actor=hq_admin,
        plan=plan,
        rows=rows,
        issuer=unit(ZHAOQING),
        today=TODAY,
        source_document=sample_document,
    )
    assert made.tasks == len(rows) == sample_document.task_count > 5
    assert made.plan.source_document_id == sample_document.pk
    assert made.plan.title == plan.title and "示范突破年" in made.plan.title
    assert made.plan.year_start == 2025
    # The commentary names no lead units nor deadlines: every row is listed and flagged.
    assert made.leadless == tuple(range(1, len(rows) + 1))
    assert len(made.flagged) == len(rows)
    texts = list(made.plan.tasks.order_by("order").values_list("text", flat=True))
    assert texts == [r.task for r in rows]


def test_one_party_is_set_and_only_in_a_draft_of_the_issuers_city(hq_admin, departments):  # type: ignore[no-untyped-def]
    from baiqianwan.plans.ledger import parties_match_name, task_party_set
    from tests.factories import another_city

    made = plan_from_ledger(
        actor=hq_admin,
        plan=PLAN,
        rows=[row("1", partners=("有关部门",))],
        issuer=unit(ZHAOQING),
        today=TODAY,
    )
    party = TaskParty.objects.get(name="有关部门")
    water = Department.objects.get(name="市水利局")
    task_party_set(actor=hq_admin, party=party, department=water)
    party.refresh_from_db()
    assert (party.department_id, party.unit_id) == (water.pk, None)
    task_party_set(actor=hq_admin, party=party, unit=unit(DEQING))
    party.refresh_from_db()
    assert (party.department_id, party.unit.code) == (None, DEQING)
    with pytest.raises(InputError, match="Choose a unit or a department"):
        task_party_set(actor=hq_admin, party=party, unit=unit(DEQING), department=water)
    huizhou = another_city()
    with pytest.raises(InputError, match="惠州市 is not a current unit of the issuer's city"):
        task_party_set(actor=hq_admin, party=party, unit=huizhou)
    water.is_active = False
    water.save()
    with pytest.raises(InputError, match="市水利局 is not an active department"):
        parties_match_name(actor=hq_admin, plan=made.plan, name="有关部门", department=water)
    Plan.objects.filter(pk=made.plan.pk).update(status=PlanStatus.ISSUED)
    party.task.plan.refresh_from_db()
    with pytest.raises(InputError, match="Only a draft plan's units can be matched"):
        task_party_set(actor=hq_admin, party=party, unit=unit(HUAIJI))
