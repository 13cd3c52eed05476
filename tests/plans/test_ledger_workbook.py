"""Ledger workbooks: a plan written out with its progress, read back to the same tasks; bad
files refused naming sheet, row and column."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from baiqianwan.core.problems import InputError
from baiqianwan.intake.ledger import LedgerPlan, LedgerRow, ledger_workbook
from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read
from baiqianwan.plans.ledger import (
    MAX_LEDGER_BYTES,
    ledger_read,
    plan_from_ledger,
    plan_ledger_workbook,
)
from baiqianwan.plans.models import Assignment, Report
from baiqianwan.textclean.report import Span
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import unit

TODAY = date(2025, 3, 1)


def row(number, task, lead, partners=(), deadline="2025年底前", targets=()):  # type: ignore[no-untyped-def]
    return LedgerRow(
        category="一、突出县域经济",
        number=number,
        task=task,
        lead=lead,
        partners=partners,
        deadline=deadline,
        progress="",
        targets=targets,
        places=(),
        source=Span(0, 0),
    )


ROWS = [
    row(
        "1",
        "培育典型镇村",
        ("市农业农村局",),
        ("各县（市、区）人民政府", "市财政局"),
        targets=("10个",),
    ),
    row("2", "推进县城扩容提质", ("怀集县",), ("有关部门",), deadline="尽快"),
    row("3", "=1+1 不是公式", ("市发展改革局",), (), deadline="长期坚持", targets=("95%",)),
]


@pytest.fixture
def plan(hq_admin):  # type: ignore[no-untyped-def]
    departments_load(rows=departments_read(ZHAOQING_DEPARTMENTS.read_bytes()), actor="tests")
    ledger = LedgerPlan(title="肇庆市2025年重点任务", issuer="市百千万工程指挥部办公室")
    return plan_from_ledger(
        actor=hq_admin, plan=ledger, rows=ROWS, issuer=unit(ZHAOQING), today=TODAY
    ).plan


def cells(data: bytes) -> list[list[str]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [[str(c) for c in r] for r in book.get_sheet_by_name("任务台账").to_python()]


def report(assignment, text, percent, on, state="accepted", user=None):  # type: ignore[no-untyped-def]
    return Report.objects.create(
        assignment=assignment,
        cycle=f"{on:%Y-%m}",
        text=text,
        percent=percent,
        status="on_track",
        state=state,
        submitted_on=on,
        submitted_by=user,
    )


def test_the_export_fills_progress_from_the_latest_reports(plan, hq_admin):  # type: ignore[no-untyped-def]
    task = plan.tasks.get(number="1")
    huaiji = Assignment.objects.create(task=task, unit=unit(HUAIJI))
    deqing = Assignment.objects.create(task=task, unit=unit(DEQING))
    report(huaiji, "完成3个", 30, date(2025, 4, 20), user=hq_admin)
    report(huaiji, "完成6个，\n余下在建", 60, date(2025, 5, 20), user=hq_admin)
    report(huaiji, "退回的不算", 90, date(2025, 6, 20), state="returned", user=hq_admin)
    report(deqing, "启动", 12.5, date(2025, 5, 21), state="submitted", user=hq_admin)
    town = Assignment.objects.create(task=task, unit=unit("441224001000"), parent=huaiji)
    report(town, "镇的报告不列", 10, date(2025, 6, 1), user=hq_admin)

    sheet = cells(plan_ledger_workbook(plan=plan, today=date(2025, 6, 30)))
    assert sheet[0][0] == "《肇庆市2025年重点任务》任务台账"
    assert "印发单位：市百千万工程指挥部办公室" in sheet[1][0] and "2025-06-30" in sheet[1][0]
    assert sheet[2][:7] == [
        "大类",
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "落实进展",
    ]
    first = sheet[3]
    assert first[:6] == [
        "一、突出县域经济",
        "1",
        "培育典型镇村",
        "市农业农村局",
        "各县（市、区）人民政府、市财政局",
        "2025年底前",
    ]
    assert first[6] == "怀集县：完成6个， 余下在建（60%）\n德庆县：启动（12.5%）"
    assert first[7] == "10个"
    assert sheet[5][2] == "=1+1 不是公式"  # text, never a formula


def test_importing_the_export_gives_the_same_tasks(plan, hq_admin):  # type: ignore[no-untyped-def]
    data = plan_ledger_workbook(plan=plan, today=TODAY)
    read = ledger_read(data=data, name="台账.xlsx")
    assert read.sheet == "任务台账" and read.row_numbers == (4, 5, 6)
    assert read.plan.title == "肇庆市2025年重点任务"
    again = plan_from_ledger(
        actor=hq_admin,
        plan=read.plan,
        rows=read.rows,
        issuer=unit(ZHAOQING),
        today=TODAY,
        row_numbers=read.row_numbers,
        sheet=read.sheet,
    ).plan
    fields = (
        "category",
        "number",
        "text",
        "deadline_kind",
        "deadline",
        "deadline_text",
        "deadline_flagged",
        "target_text",
        "target_value",
        "target_unit",
    )
    assert list(again.tasks.order_by("order").values_list(*fields)) == list(
        plan.tasks.order_by("order").values_list(*fields)
    )
    party = ("task__number", "role", "name", "unit_id", "department_id", "order")
    assert list(
        again.tasks.values_list(*[f"parties__{p}" for p in party[1:]]).order_by(
            "order", "parties__role", "parties__order"
        )
    ) == list(
        plan.tasks.values_list(*[f"parties__{p}" for p in party[1:]]).order_by(
            "order", "parties__role", "parties__order"
        )
    )
    assert again.title == plan.title and again.issuer_name == plan.issuer_name


def workbook(rows, *, sheet="Sheet1", top=()):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, line in enumerate([*top, *rows]):
        for c, value in enumerate(line):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_an_office_ledger_with_its_own_title_rows_and_column_order_reads():
    data = workbook(
        [
            ["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "备注"],
            [1, "任务一", "市农业农村局、各县（市、区）", None, date(2025, 6, 30), "x"],
            [None, None, None, None, None, None],
            [2.0, "任务二", "怀集县", "市财政局；市水利局", "长期坚持", None],
        ],
        top=[["某某工作台账"], []],
    )
    read = ledger_read(data=data, name="office.xlsx")
    assert read.row_numbers == (4, 6)
    first, second = read.rows
    assert (first.number, first.task, first.lead) == (
        "1",
        "任务一",
        ("市农业农村局", "各县（市、区）"),
    )
    assert first.deadline == "2025年6月30日" and first.category == ""
    assert (second.number, second.partners) == ("2", ("市财政局", "市水利局"))


def test_a_sheet_without_the_header_names_the_sheet():
    data = workbook([["名称", "数值"], ["a", 1]], sheet="数据")
    with pytest.raises(InputError) as refused:
        ledger_read(data=data, name="x.xlsx")
    assert (
        refused.value.message
        == "数据: no header row with 序号, 工作任务, 牵头单位 in the first 20 rows"
    )


def test_a_column_twice_names_the_row_and_columns():
    data = workbook([["序号", "工作任务", "牵头单位", "工作任务"]])
    with pytest.raises(InputError) as refused:
        ledger_read(data=data, name="x.xlsx")
    assert (
        refused.value.message == "Sheet1 row 1: the column 工作任务 appears twice (columns B and D)"
    )


def test_not_a_workbook_too_large_or_the_wrong_kind_is_refused():
    with pytest.raises(InputError, match=r"x\.xlsx cannot be read as a workbook: it is damaged"):
        ledger_read(data=b"PK\x03\x04 not really", name="x.xlsx")
    with pytest.raises(InputError, match="at most 10485760 bytes"):
        ledger_read(data=b"0" * (MAX_LEDGER_BYTES + 1), name="x.xlsx")
    with pytest.raises(InputError, match=r"Upload the ledger as an \.xlsx"):
        ledger_read(data=b"a,b", name="x.csv")


def test_errors_of_an_uploaded_sheet_name_its_rows(hq_admin):  # type: ignore[no-untyped-def]
    data = ledger_workbook(
        plan=LedgerPlan(title="t", issuer=None),
        rows=[row("1", "a", ("怀集县",)), row("1", "b", ("怀集县",))],
    )
    read = ledger_read(data=data, name="t.xlsx")
    with pytest.raises(InputError) as refused:
        plan_from_ledger(
            actor=hq_admin,
            plan=read.plan,
            rows=read.rows,
            issuer=unit(ZHAOQING),
            today=TODAY,
            row_numbers=read.row_numbers,
            sheet=read.sheet,
        )
    assert refused.value.message == "任务台账 row 5: number 1 is used already by 任务台账 row 4."
