"""The task ledger: rows from the draft, and the xlsx, JSON and Markdown contracts."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from baiqianwan.intake.draft import PlanDraft, draft_plan
from baiqianwan.intake.ledger import (
    COLUMNS,
    LEDGER_SCHEMA,
    UNSORTED,
    ledger_data,
    ledger_document,
    ledger_from_document,
    ledger_json,
    ledger_markdown,
    ledger_rows,
    ledger_xlsx,
)

OFFICE_HEADERS = ["大类", "序号", "工作任务", "牵头单位", "配合单位", "完成时限", "落实进展"]
PLAN = """某市工作方案
一、突出典型镇村培育
（一）加快推进典型镇村建设。到2025年底，培育典型镇10个。（市农业农村局牵头，各县（市、区）政府配合）
（二）持续深化人居环境整治。完成四会市污水治理率达到60%，2025年12月底前完成。
二、突出产业突围
要抓住产业这个根本，加快培育新质生产力。
"""


@pytest.fixture(scope="module")
def draft() -> PlanDraft:
    return draft_plan(PLAN, unit_names={"四会市": "441284000000"})


def test_columns_contract() -> None:
    assert [c.header for c in COLUMNS][:7] == OFFICE_HEADERS
    assert [c.header for c in COLUMNS][7:] == ["量化目标", "涉及地区", "来源"]
    assert all(c.drafted for c in COLUMNS[7:]) and not any(c.drafted for c in COLUMNS[:7])


def test_rows_are_the_tasks_in_order(draft: PlanDraft) -> None:
    rows = ledger_rows(draft=draft)
    assert [(r.category, r.number) for r in rows] == [
        ("一、突出典型镇村培育", "1"),
        ("一、突出典型镇村培育", "2"),
        ("二、突出产业突围", "3"),
    ]
    first, second, third = rows
    assert first.task == "加快推进典型镇村建设。到2025年底，培育典型镇10个。"
    assert (first.lead, first.partners, first.deadline) == (
        ("市农业农村局",),
        ("各县（市、区）政府",),
        "2025年底",
    )
    assert first.source.slice(PLAN).startswith("加快推进典型镇村建设")
    assert second.task == "持续深化人居环境整治。完成四会市污水治理率达到60%，2025年12月底前完成。"
    assert second.deadline == "2025年12月底前"
    assert second.places == ("四会市",) and second.targets == ("60%", "2025年")
    assert third.task == "加快培育新质生产力"
    assert all(row.progress == "" for row in rows)


def test_root_measures_are_unsorted() -> None:
    rows = ledger_rows(draft=draft_plan("要加快推进典型镇村建设。"))
    assert [r.category for r in rows] == [UNSORTED]


def test_json_schema(draft: PlanDraft) -> None:
    data = json.loads(ledger_json(draft=draft))
    assert data["schema"] == LEDGER_SCHEMA
    assert data["plan"] == {
        "title": "某市工作方案",
        "issuer": None,
        "goals": [{"year": 2025, "text": "培育典型镇10个", "inferred": False}],  # 到2025年底，…
    }
    assert [c["header"] for c in data["columns"]][:7] == OFFICE_HEADERS
    row = data["rows"][0]
    assert set(row) == {c["key"] for c in data["columns"]}
    assert row["lead"] == ["市农业农村局"]
    assert row["source"]["start"] < row["source"]["end"]
    assert "\\u" not in ledger_json(draft=draft).decode("utf-8")


def test_markdown_table(draft: PlanDraft) -> None:
    text = ledger_markdown(draft=draft).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# 《某市工作方案》任务台账"
    header = next(line for line in lines if line.startswith("| 大类"))
    assert header == "| " + " | ".join(c.header for c in COLUMNS) + " |"
    assert sum(1 for line in lines if line.startswith("| ")) == 1 + 3


def test_markdown_escapes_pipes() -> None:
    text = ledger_markdown(draft=draft_plan("要完善A|B机制。")).decode("utf-8")
    assert "完善A\\|B机制" in text


def test_xlsx_is_an_office_template(draft: PlanDraft) -> None:
    data = ledger_xlsx(draft=draft, generated=date(2025, 3, 1))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["任务台账", "填表说明"]
    rows = book.get_sheet_by_name("任务台账").to_python()
    assert rows[0][0] == "《某市工作方案》任务台账"
    assert "2025-03-01" in rows[1][0]
    assert rows[2] == [c.header for c in COLUMNS]
    assert [row[1] for row in rows[3:6]] == ["1", "2", "3"]
    assert rows[3][3] == "市农业农村局"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        names = archive.namelist()
    assert '<pane ySplit="3"' in sheet and 'state="frozen"' in sheet
    assert "<autoFilter" in sheet
    assert "<dataValidation " in sheet and 'promptTitle="落实进展"' in sheet
    assert 'orientation="landscape"' in sheet
    assert any(name.startswith("xl/comments") for name in names)
    guide = book.get_sheet_by_name("填表说明").to_python()
    assert guide[0][0] == "填表说明"


def test_xlsx_without_rows_still_opens() -> None:
    data = ledger_xlsx(draft=draft_plan("千钧将一羽，轻重在平衡。"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("任务台账")
    assert rows.to_python()[2][:7] == OFFICE_HEADERS


def test_numbered_paragraph_is_one_task_and_its_parent_a_category() -> None:
    plan = "一、突出产业\n1.打造产业集群。\n（1）支持四会建设产业园，完善配套。\n2.完善商业体系。\n"
    rows = ledger_rows(draft=draft_plan(plan))
    assert [(r.category, r.task) for r in rows] == [
        ("一、突出产业", "支持四会建设产业园，完善配套"),
        ("一、突出产业", "完善商业体系"),
    ]


def test_lever_categories_on_the_sample_text() -> None:
    text = (
        "要抓住风貌这个基础，加快推进典型镇村培育建设，打造宜居宜业人居环境。"
        "要加快推进以县城为重要载体的新型城镇化建设，完善基础设施。"
    )
    rows = ledger_rows(draft=draft_plan(text))
    assert [(r.category, r.task) for r in rows] == [
        ("风貌（基础）", "加快推进典型镇村培育建设"),
        ("风貌（基础）", "打造宜居宜业人居环境"),
        ("县城（重要载体）", "加快推进以县城为重要载体的新型城镇化建设"),
        ("县城（重要载体）", "完善基础设施"),
    ]


def test_a_ledger_document_reads_back_to_the_same_rows() -> None:
    from baiqianwan.intake.ledger import (
        ledger_document,
        ledger_from_document,
        ledger_plan,
        ledger_rows,
    )

    draft = draft_plan("一、加快推进典型镇村培育。（市农业农村局牵头，各县配合）\n")
    plan, rows = ledger_from_document(json.loads(json.dumps(ledger_data(draft=draft))))
    assert plan == ledger_plan(draft=draft)
    assert rows == ledger_rows(draft=draft)
    assert ledger_document(plan=plan, rows=rows) == ledger_data(draft=draft)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(schema="other"), "schema"),
        (lambda d: d["rows"][0].update(task="  "), "row 1, task"),
        (lambda d: d["rows"][0].update(lead="市农业农村局"), "row 1, lead: must be a list"),
        (lambda d: d["rows"][0].update(deadline=2025), "row 1, deadline: must be a string"),
        (lambda d: d["rows"][0].update(source={"start": "x"}), "row 1, source"),
        (lambda d: d["plan"]["goals"].append({"year": "2025", "text": "x"}), "goal"),
    ],
)
def test_a_bad_ledger_document_names_row_and_field(change, message) -> None:
    from baiqianwan.intake.ledger import LedgerDataError, ledger_from_document

    data = ledger_data(
        draft=draft_plan("一、加快推进典型镇村培育。\n在2025年实现“三年初见成效”。\n")
    )
    change(data)
    with pytest.raises(LedgerDataError, match=message):
        ledger_from_document(data)


@pytest.mark.parametrize(
    ("text", "tasks"),
    [
        ("肇庆市工作方案\n一、\n二、加快推进怀集县建设。\n", ["加快推进怀集县建设"]),
        ("8.", []),
        ("一、\n（一）\n", []),
        ("一、 \n（一）：加快推进怀集县建设。\n", ["加快推进怀集县建设。"]),
    ],
)
def test_an_empty_heading_is_no_task(text: str, tasks: list[str]) -> None:
    draft = draft_plan(text)
    rows = ledger_rows(draft=draft)
    assert [row.task for row in rows] == tasks
    assert [row.number for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert ledger_from_document(ledger_data(draft=draft))[1] == rows


# Pieces of plans, bare and damaged headings among them, and the blanks around them.
PLAN_PIECES = st.sampled_from(
    [
        "一、",
        "二、",
        " 九、",
        "（一）",
        "(二)",
        "1.",
        "8.",
        "2、",
        "（1）",
        "\n",
        "\n\n",
        " ",
        "\u3000",
        "\t",
        "。",
        "：",
        "，",
        "；",
        "要",
        "加快推进",
        "持续深化",
        "完善",
        "怀集县",
        "四会",
        "建设",
        "典型镇村培育",
        "到2025年底，培育典型镇10个。",
        "（市农业农村局牵头，各县（市、区）政府配合）",
        "（牵头单位： ；配合单位：市财政局）",
        "责任单位：市商务局、 市财政局",
        "2025年12月底前完成",
        "抓住风貌这个基础",
        "以县城为重要载体",
        "在2025年实现“三年初见成效”",
        "印发《工作方案》",
    ]
)
PLAN_TEXTS = st.one_of(st.lists(PLAN_PIECES, max_size=30).map("".join), st.text(max_size=60))


@settings(max_examples=300, deadline=None)
@given(PLAN_TEXTS)
def test_every_drafted_ledger_reads_back(text: str) -> None:
    draft = draft_plan(text, unit_names={"怀集县": "441224000000", "四会市": "441284000000"})
    data = ledger_data(draft=draft)
    plan, rows = ledger_from_document(json.loads(json.dumps(data)))
    assert rows == ledger_rows(draft=draft)
    assert all(row.task for row in rows)
    assert ledger_document(plan=plan, rows=rows) == data
