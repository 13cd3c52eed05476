"""The task ledger (任务台账): rows drafted from a plan, written as xlsx, JSON or Markdown.

The layout is the one headquarters use, 大类 | 序号 | 工作任务 | 牵头单位 | 配合单位 |
完成时限 | 落实进展, followed by three columns the draft fills for checking (量化目标,
涉及地区, 来源). docs/intake.md documents it as a stable contract: columns are only ever
added at the right, never renamed or reordered.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import xlsxwriter

from baiqianwan.core.excel import GUARDED_TEXT, formula_like
from baiqianwan.intake.draft import DraftItem, ItemKind, PlanDraft, category_wraps
from baiqianwan.textclean.report import Span

LEDGER_SCHEMA = "baiqianwan.ledger/1"
UNSORTED = "未归类"
_JOIN = "、"


@dataclass(frozen=True, slots=True)
class Column:
    """One ledger column: JSON key, header, width in characters and the note on its header."""

    key: str
    header: str
    width: int
    note: str
    drafted: bool = False  # filled by the draft for checking, not part of the office layout


COLUMNS: tuple[Column, ...] = (
    Column("category", "大类", 16, "工作任务所属的大类：方案的一级标题或抓手。"),
    Column("number", "序号", 6, "台账内的顺序号。"),
    Column("task", "工作任务", 52, "方案原文中的工作任务，核对后可改写。"),
    Column("lead", "牵头单位", 18, "负责牵头的单位；多个单位用顿号分隔。"),
    Column("partners", "配合单位", 22, "配合完成的单位；多个单位用顿号分隔。"),
    Column("deadline", "完成时限", 14, "如：2025年12月底前、长期坚持。"),
    Column("progress", "落实进展", 40, "由责任单位填写截至报告期的落实情况。"),
    Column("targets", "量化目标", 16, "从原文识别的数字与单位，供核对。", drafted=True),
    Column("places", "涉及地区", 16, "与单位名录匹配的地名，供核对。", drafted=True),
    Column("source", "来源", 12, "该任务在清洗后原文中的字符位置（起–止）。", drafted=True),
)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One task of the ledger, drafted from an item of the plan."""

    category: str
    number: str
    task: str
    lead: tuple[str, ...]
    partners: tuple[str, ...]
    deadline: str
    progress: str
    targets: tuple[str, ...]
    places: tuple[str, ...]
    source: Span


@dataclass(frozen=True, slots=True)
class LedgerGoal:
    year: int | None
    text: str
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class LedgerPlan:
    """What the ledger says about its plan: title, issuer and goals."""

    title: str | None
    issuer: str | None
    goals: tuple[LedgerGoal, ...] = ()


class LedgerDataError(ValueError):
    """A ledger document (JSON) that does not follow `baiqianwan.ledger/1`; the message
    names the row and field."""


def ledger_plan(*, draft: PlanDraft) -> LedgerPlan:
    return LedgerPlan(
        title=draft.title.text if draft.title else None,
        issuer=draft.issuer.text if draft.issuer else None,
        goals=tuple(LedgerGoal(g.year, g.text, g.inferred) for g in draft.goals),
    )


def _category_name(item: DraftItem) -> str:
    if item.kind is ItemKind.LEVER:
        return f"{item.text}（{item.role}）"
    return f"{item.number}{item.text}"


def _category(headings: Sequence[DraftItem]) -> str:
    """The 大类 of a task under `headings` (its ancestors that are no tasks, outermost first).

    The category is the document's outermost heading level: 一、突出典型镇村培育 for the
    tasks of its 1. and （1） alike, never a task's own title. A heading that only wraps the
    categories (二、重点任务) passes the category on to the heading below it. A task under no
    heading is 未归类.
    """
    if not headings:
        return UNSORTED
    chosen = 0
    while chosen + 1 < len(headings) and category_wraps(headings[chosen].text):
        chosen += 1
    return _category_name(headings[chosen])


def _task_text(item: DraftItem) -> str:
    """The row's 工作任务, stripped; empty for a bare heading such as ``一、``."""
    heading = item.text.strip().rstrip("。")
    if item.kind is ItemKind.SECTION and item.detail is not None:
        return f"{heading}。{item.detail.text}" if heading else item.detail.text
    return item.text.strip()


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(text for value in values if (text := value.strip()))


def _row(item: DraftItem, category: str, number: int) -> LedgerRow:
    # Stripped as `ledger_from_document` strips, so a ledger reads back to the same rows.
    return LedgerRow(
        category=category.strip(),
        number=str(number),
        task=_task_text(item),
        lead=_texts(item.lead),
        partners=_texts(item.partners),
        deadline=item.deadline.strip(),
        progress="",
        targets=_texts(target.text for target in item.targets),
        places=_texts(dict.fromkeys(place.unit for place in item.places)),
        source=item.span
        if item.detail is None or item.kind is not ItemKind.SECTION
        else Span(item.span.start, item.detail.span.end),
    )


def _tasks(
    item: DraftItem, headings: tuple[DraftItem, ...]
) -> Iterator[tuple[DraftItem, tuple[DraftItem, ...]]]:
    """The items of `item`'s subtree that are rows of the ledger, in document order, each with
    the headings above it.

    A numbered paragraph with no numbered items below it is one task, as in the office
    ledgers: its heading and its text, with the measures inside that paragraph folded in.
    Measures elsewhere and table rows are tasks of their own; headings are categories; the
    document's frame (附件, 指导思想) is neither.
    """
    if item.task:
        yield item, headings
        own_end = item.detail.span.end if item.detail is not None else item.span.end
        for child in item.children:
            if child.span.start >= own_end:
                yield from _tasks(child, headings)
        return
    for child in item.children:
        yield from _tasks(child, (*headings, item))


def ledger_rows(*, draft: PlanDraft) -> tuple[LedgerRow, ...]:
    """The ledger's rows, in the order of the plan, numbered from 1.

    An item with no text (a bare ``一、``) is no task: it may head a category, but never
    makes a row, since a row without its 工作任务 could not be read back.
    """
    rows: list[LedgerRow] = []
    for root in draft.items:
        for item, headings in _tasks(root, ()):
            if _task_text(item):
                rows.append(_row(item, _category(headings), len(rows) + 1))
    return tuple(rows)


def _cell(row: LedgerRow, key: str) -> str:
    value = getattr(row, key)
    if isinstance(value, Span):
        return f"{value.start}–{value.end}"
    if isinstance(value, tuple):
        return _JOIN.join(value)
    return str(value)


def ledger_data(*, draft: PlanDraft) -> dict[str, Any]:
    """The ledger as JSON-ready data (schema ``baiqianwan.ledger/1``, see docs/intake.md)."""
    return ledger_document(plan=ledger_plan(draft=draft), rows=ledger_rows(draft=draft))


def ledger_document(*, plan: LedgerPlan, rows: Sequence[LedgerRow]) -> dict[str, Any]:
    """Plan and rows as JSON-ready data (schema ``baiqianwan.ledger/1``)."""
    return {
        "schema": LEDGER_SCHEMA,
        "plan": {
            "title": plan.title,
            "issuer": plan.issuer,
            "goals": [
                {"year": goal.year, "text": goal.text, "inferred": goal.inferred}
                for goal in plan.goals
            ],
        },
        "columns": [
            {"key": column.key, "header": column.header, "drafted": column.drafted}
            for column in COLUMNS
        ],
        "rows": [_row_data(row) for row in rows],
    }


def _row_data(row: LedgerRow) -> dict[str, Any]:
    return {
        **{key: value for key, value in asdict(row).items() if key != "source"},
        "lead": list(row.lead),
        "partners": list(row.partners),
        "targets": list(row.targets),
        "places": list(row.places),
        "source": {"start": row.source.start, "end": row.source.end},
    }


_TEXT_FIELDS = ("category", "number", "task", "deadline", "progress")
_LIST_FIELDS = ("lead", "partners", "targets", "places")


def ledger_from_document(data: Any) -> tuple[LedgerPlan, tuple[LedgerRow, ...]]:
    """Read a ``baiqianwan.ledger/1`` document back, checking every row and field.

    Raises
    ------
    LedgerDataError
        Naming the row (1-based) and field that is wrong.
    """
    if not isinstance(data, dict) or data.get("schema") != LEDGER_SCHEMA:
        raise LedgerDataError(f"not a ledger document: 'schema' must be {LEDGER_SCHEMA!r}")
    plan_data = data.get("plan") or {}
    if not isinstance(plan_data, dict):
        raise LedgerDataError("'plan' must be an object")
    goals = []
    for index, goal in enumerate(plan_data.get("goals") or [], start=1):
        if not isinstance(goal, dict) or not isinstance(goal.get("text"), str):
            raise LedgerDataError(f"plan goal {index}: 'text' must be a string")
        year = goal.get("year")
        if year is not None and not isinstance(year, int):
            raise LedgerDataError(f"plan goal {index}: 'year' must be a whole number or null")
        goals.append(LedgerGoal(year, goal["text"], bool(goal.get("inferred", False))))
    plan = LedgerPlan(
        title=_optional_text(plan_data.get("title"), "plan title"),
        issuer=_optional_text(plan_data.get("issuer"), "plan issuer"),
        goals=tuple(goals),
    )
    raw_rows = data.get("rows")
    if not isinstance(raw_rows, list):
        raise LedgerDataError("'rows' must be a list")
    return plan, tuple(_row_from_data(raw, index) for index, raw in enumerate(raw_rows, start=1))


def _optional_text(value: Any, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise LedgerDataError(f"{what} must be a string or null")
    return value


def _row_from_data(raw: Any, index: int) -> LedgerRow:
    if not isinstance(raw, dict):
        raise LedgerDataError(f"row {index}: must be an object")
    values: dict[str, Any] = {}
    for key in _TEXT_FIELDS:
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise LedgerDataError(f"row {index}, {key}: must be a string")
        values[key] = value.strip()
    for key in _LIST_FIELDS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LedgerDataError(f"row {index}, {key}: must be a list of strings")
        values[key] = tuple(v.strip() for v in value if v.strip())
    if not values["task"]:
        raise LedgerDataError(f"row {index}, task: 工作任务 is empty")
    source = raw.get("source") or {"start": 0, "end": 0}
    try:
        span = Span(int(source["start"]), int(source["end"]))
    except (KeyError, TypeError, ValueError):
        raise LedgerDataError(f"row {index}, source: must be {{'start': n, 'end': n}}") from None
    return LedgerRow(source=span, **values)


def ledger_json(*, draft: PlanDraft) -> bytes:
    """The ledger as UTF-8 JSON, Chinese unescaped."""
    return json.dumps(ledger_data(draft=draft), ensure_ascii=False, indent=2).encode("utf-8")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def ledger_markdown(*, draft: PlanDraft) -> bytes:
    """The ledger as a Markdown table under the plan's title, UTF-8."""
    title = draft.title.text if draft.title else "工作方案"
    lines = [f"# 《{title}》任务台账", ""]
    if draft.issuer:
        lines += [f"印发单位：{draft.issuer.text}", ""]
    lines.append("| " + " | ".join(column.header for column in COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in ledger_rows(draft=draft):
        cells = (_md_escape(_cell(row, column.key)) for column in COLUMNS)
        lines.append("| " + " | ".join(cells) + " |")
    return ("\n".join(lines) + "\n").encode("utf-8")


# Room below the drafted rows for tasks a reviewer adds, still under validation.
_SPARE_ROWS = 200
_FONT = "宋体"
_HEADER_FONT = "黑体"


def ledger_xlsx(*, draft: PlanDraft, generated: date | None = None) -> bytes:
    """The drafted ledger as an .xlsx workbook ready to fill in (see `ledger_workbook`)."""
    return ledger_workbook(
        plan=ledger_plan(draft=draft), rows=ledger_rows(draft=draft), generated=generated
    )


def ledger_workbook(
    *, plan: LedgerPlan, rows: Sequence[LedgerRow], generated: date | None = None
) -> bytes:
    """The ledger as an .xlsx workbook ready to fill in.

    A merged title row, a note row, then the header (bold, shaded, notes on each cell),
    frozen with an autofilter; wrapped bordered cells; input prompts and length limits on
    the columns responsible units fill; landscape A4, one page wide, header repeated on
    every printed page. A second sheet explains how to fill it in.

    Parameters
    ----------
    plan : LedgerPlan
    rows : sequence of LedgerRow
        As drafted (`ledger_rows`) or as a reviewer edited them (`ledger_from_document`).
    generated : date, optional
        The date printed in the note row; today if omitted.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title_text = plan.title or "工作方案"
    book.set_properties({"title": f"《{title_text}》任务台账", "subject": "任务台账"})
    formats = _formats(book)
    sheet = book.add_worksheet("任务台账")
    last = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last, f"《{title_text}》任务台账", formats["title"])
    sheet.set_row(0, 32)
    day = (generated or date.today()).isoformat()
    issuer = plan.issuer or "（未识别）"
    sheet.merge_range(
        1,
        0,
        1,
        last,
        f"印发单位：{issuer}　　生成日期：{day}　　本表由系统从方案原文起草，请逐条核对。",
        formats["note"],
    )
    header_row = 2
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
        style = formats["drafted_header"] if column.drafted else formats["header"]
        sheet.write(header_row, index, column.header, style)
        sheet.write_comment(header_row, index, column.note, {"x_scale": 1.6})
    sheet.set_row(header_row, 24)
    for offset, row in enumerate(rows, start=header_row + 1):
        for index, column in enumerate(COLUMNS):
            name = "centre" if column.key in ("number", "deadline") else "cell"
            if column.drafted:
                name = "drafted"
            text = _cell(row, column.key)
            if formula_like(text):  # stays text when a reviewer edits it (see core.excel)
                name += "_guarded"
            sheet.write_string(offset, index, text, formats[name])
    first_data = header_row + 1
    last_data = header_row + len(rows) + _SPARE_ROWS
    for key, title, message in (
        ("lead", "牵头单位", "填写一个牵头单位的全称，如：市农业农村局。"),
        ("partners", "配合单位", "多个单位用顿号“、”分隔。"),
        ("deadline", "完成时限", "如：2025年12月底前；长期任务填“长期坚持”。"),
        ("progress", "落实进展", "写明截至报告期的进展、存在问题和下一步打算，500字以内。"),
    ):
        index = next(i for i, column in enumerate(COLUMNS) if column.key == key)
        sheet.data_validation(
            first_data,
            index,
            last_data,
            index,
            {
                "validate": "length",
                "criteria": "<=",
                "value": 500 if key == "progress" else 100,
                "input_title": title,
                "input_message": message,
                "error_title": title,
                "error_message": "内容过长，请精简。",
            },
        )
    sheet.freeze_panes(first_data, 0)
    sheet.autofilter(header_row, 0, header_row + max(len(rows), 1), last)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    _guide_write(book, formats, plan)
    book.close()
    return buffer.getvalue()


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    base = {"font_name": _FONT, "font_size": 11, "valign": "top", "text_wrap": True}
    bordered = {**base, "border": 1}
    return {
        "title": book.add_format(
            {
                "font_name": _HEADER_FONT,
                "font_size": 16,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "note": book.add_format({**base, "font_size": 10, "font_color": "#595959"}),
        "header": book.add_format(
            {
                **bordered,
                "font_name": _HEADER_FONT,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#D9E1F2",
            }
        ),
        "drafted_header": book.add_format(
            {
                **bordered,
                "font_name": _HEADER_FONT,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": "#EDEDED",
                "font_color": "#595959",
            }
        ),
        "cell": book.add_format(bordered),
        "centre": book.add_format({**bordered, "align": "center"}),
        "drafted": book.add_format({**bordered, "font_color": "#595959"}),
        "cell_guarded": book.add_format({**bordered, **GUARDED_TEXT}),
        "centre_guarded": book.add_format({**bordered, "align": "center", **GUARDED_TEXT}),
        "drafted_guarded": book.add_format({**bordered, "font_color": "#595959", **GUARDED_TEXT}),
        "guide": book.add_format(base),
        "guide_head": book.add_format({**base, "bold": True, "font_name": _HEADER_FONT}),
    }


def _guide_write(book: xlsxwriter.Workbook, formats: dict[str, Any], plan: LedgerPlan) -> None:
    sheet = book.add_worksheet("填表说明")
    sheet.set_column(0, 0, 100)
    lines = [
        ("填表说明", "guide_head"),
        ("1. 本台账由系统从方案原文起草，“大类”“工作任务”须对照原文逐条核对。", "guide"),
        ("2. 牵头单位、配合单位、完成时限未在原文写明的，由指挥部办公室补充。", "guide"),
        ("3. 落实进展由责任单位按报告期填写，写明进展、问题和下一步打算。", "guide"),
        ("4. 灰色表头的三列为系统识别结果，仅供核对，可不填写。", "guide"),
        ("", "guide"),
        ("方案目标", "guide_head"),
    ]
    for goal in plan.goals:
        year = f"{goal.year}年" if goal.year else "年份未识别"
        basis = "（按工程时间节点推定）" if goal.inferred else ""
        lines.append((f"{year}：{goal.text}{basis}", "guide"))
    for row, (text, style) in enumerate(lines):
        sheet.write_string(row, 0, text, formats[style])
