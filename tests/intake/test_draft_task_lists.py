"""Drafting real task lists (任务清单, 分工方案): one text a layout, each with its ledger.

The texts are written for these tests after the conventions of published Guangdong task
lists (numbered items with an attribute note, notes on the next line, tables flattened to
text, deep numbering); none is copied from a real document.
"""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.intake.draft import (
    ItemKind,
    PlanDraft,
    deadline_due,
    draft_plan,
    duties_parse,
    rhetoric,
)
from baiqianwan.intake.ledger import UNSORTED, ledger_rows
from baiqianwan.plans.deadlines import deadline_parse
from baiqianwan.textclean import clean_text
from tests.factories import shared_path

# 1. Numbered items, the attribute note in brackets at the end: labelled fields separated by
# ；，or blanks, one missing; 〔〕 and 【】; an item whose text starts with digits.
BRACKETS = """肇庆市2025年“百县千镇万村高质量发展工程”重点任务清单
为推动“百千万工程”在2025年实现“三年初见成效”，结合我市实际，特制定本清单。
一、突出典型镇村培育
1．培育省级典型镇2个、典型村20个。（牵头单位：市农业农村局；配合单位：各县〔市、区〕人民政府；完成时限：2025年12月底前）
2．农村生活污水治理行政村覆盖率达到70%。（牵头单位：市生态环境局，配合单位：市住房城乡建设局、市农业农村局，完成时限：2025年6月）
3．推进美丽圩镇建设攻坚行动提质增效。（牵头单位：市住房城乡建设局 完成时限：持续推进）
二、突出人才支撑
4.121人才梯队项目扩面提质，新增入选人才300人。【牵头单位：市委组织部；配合单位：市人力资源社会保障局；完成时限：2025年底前】
5．新招募“三支一扶”人员50名。（配合单位：各县〔市、区〕人民政府；完成时限：2025年8月）
附件：2025年重点任务进度表
"""
BRACKETS_LEDGER = [
    ("一、突出典型镇村培育", "1", "培育省级典型镇2个、典型村20个", ("市农业农村局",),
     ("各县〔市、区〕人民政府",), "2025年12月底前"),
    ("一、突出典型镇村培育", "2", "农村生活污水治理行政村覆盖率达到70%", ("市生态环境局",),
     ("市住房城乡建设局", "市农业农村局"), "2025年6月"),
    ("一、突出典型镇村培育", "3", "推进美丽圩镇建设攻坚行动提质增效", ("市住房城乡建设局",),
     (), "持续推进"),
    ("二、突出人才支撑", "4", "121人才梯队项目扩面提质，新增入选人才300人", ("市委组织部",),
     ("市人力资源社会保障局",), "2025年底前"),
    ("二、突出人才支撑", "5", "新招募“三支一扶”人员50名", (), ("各县〔市、区〕人民政府",),
     "2025年8月"),
]  # fmt: skip

# 2. The note on the line after the item, free forms: 由A牵头，B配合 / A负责 / 由A会同B负责 /
# A、B按职责分工负责 / 有关部门按职责分工负责; 时间：….
NEXT_LINE = """怀集县推进“百千万工程”2025年工作要点
一、做强县域经济
（一）加快建设怀集县产业转移工业园，全年新增落地项目10个。
由县工业和信息化局牵头，县发展改革局、县自然资源局配合
时间：2025年12月底前
（二）培育壮大农产品加工企业。县农业农村局负责。
（三）完善县域商业体系，建设县级物流配送中心1个。
由县商务局会同县交通运输局、县供销社负责
时间：2025年6月
二、建设宜居宜业和美乡村
（四）开展农村人居环境整治提升行动。
县农业农村局、县住房城乡建设局、县生态环境局按职责分工负责
时间：长期坚持
（五）健全农村低收入人口常态化帮扶机制。
有关部门按职责分工负责
"""
NEXT_LINE_LEDGER = [
    ("一、做强县域经济", "1", "加快建设怀集县产业转移工业园，全年新增落地项目10个",
     ("县工业和信息化局",), ("县发展改革局", "县自然资源局"), "2025年12月底前"),
    ("一、做强县域经济", "2", "培育壮大农产品加工企业", ("县农业农村局",), (), ""),
    ("一、做强县域经济", "3", "完善县域商业体系，建设县级物流配送中心1个", ("县商务局",),
     ("县交通运输局", "县供销社"), "2025年6月"),
    ("二、建设宜居宜业和美乡村", "4", "开展农村人居环境整治提升行动", ("县农业农村局",),
     ("县住房城乡建设局", "县生态环境局"), "长期坚持"),
    ("二、建设宜居宜业和美乡村", "5", "健全农村低收入人口常态化帮扶机制", ("有关部门",), (), ""),
]  # fmt: skip

# 3. A table flattened one row a line, cells by tabs (an empty cell stays empty).
ROWS = """广宁县2025年“百千万工程”重点任务分工表
序号\t工作任务\t牵头单位\t配合单位\t完成时限
1\t新建高标准农田2万亩\t县农业农村局\t县财政局、县自然资源局\t2025年12月底前
2\t完成南街镇圩镇人居环境整治\t县住房城乡建设局\t南街镇人民政府\t2025年6月
3\t推进竹产业精深加工项目建设\t县工业和信息化局\t\t持续推进
4\t培育“粤字号”农业品牌5个\t县农业农村局\t县市场监管局\t2025年底前
"""
ROWS_LEDGER = [
    (UNSORTED, "1", "新建高标准农田2万亩", ("县农业农村局",), ("县财政局", "县自然资源局"),
     "2025年12月底前"),
    (UNSORTED, "2", "完成南街镇圩镇人居环境整治", ("县住房城乡建设局",), ("南街镇人民政府",),
     "2025年6月"),
    (UNSORTED, "3", "推进竹产业精深加工项目建设", ("县工业和信息化局",), (), "持续推进"),
    (UNSORTED, "4", "培育“粤字号”农业品牌5个", ("县农业农村局",), ("县市场监管局",),
     "2025年底前"),
]  # fmt: skip

# 3b. The same layout with blanks between cells (as a cleaned text has them), a cell missing
# and a task with blanks of its own.
ROWS_BLANKS = """四会市“百千万工程”重点任务表
序号 工作任务 牵头单位 配合单位 完成时限
1 建设玉器产业数字化平台 市工业和信息化局 市商务局 2025年底前
2 完成城区老旧小区改造12个 市住房城乡建设局 2025年10月
3 打造 “四会柑橘” 区域公用品牌 市农业农村局 市市场监管局、各镇（街道） 长期坚持
"""
ROWS_BLANKS_LEDGER = [
    (UNSORTED, "1", "建设玉器产业数字化平台", ("市工业和信息化局",), ("市商务局",), "2025年底前"),
    (UNSORTED, "2", "完成城区老旧小区改造12个", ("市住房城乡建设局",), (), "2025年10月"),
    (UNSORTED, "3", "打造 “四会柑橘” 区域公用品牌", ("市农业农村局",),
     ("市市场监管局", "各镇（街道）"), "长期坚持"),
]  # fmt: skip

# 3c. Columns aligned with runs of blanks, as text copied from a PDF or a fixed-width page
# has them; the empty 配合单位 cell of row 2 is only a wider gap.
ROWS_WIDE = """鼎湖区2025年“百千万工程”重点项目任务表
序号   工作任务                          牵头单位            配合单位          完成时限
1      推进鼎湖山泉水产业园扩能          区工业和信息化局    区发展改革局      2025年9月
2      建设凤凰镇生态宜居美丽乡村示范带  区农业农村局                          2025年12月底前
3      实施莲花镇农村供水保障工程        区水务局            莲花镇人民政府    持续推进
"""
ROWS_WIDE_LEDGER = [
    (UNSORTED, "1", "推进鼎湖山泉水产业园扩能", ("区工业和信息化局",), ("区发展改革局",),
     "2025年9月"),
    (UNSORTED, "2", "建设凤凰镇生态宜居美丽乡村示范带", ("区农业农村局",), (),
     "2025年12月底前"),
    (UNSORTED, "3", "实施莲花镇农村供水保障工程", ("区水务局",), ("莲花镇人民政府",),
     "持续推进"),
]  # fmt: skip

# 4. A table flattened one cell a line, with a merged category cell written once.
CELLS = """德庆县2025年典型镇村培育任务清单
大类
序号
工作任务
牵头单位
配合单位
完成时限
典型镇培育
1
推进官圩镇省级典型镇创建
县农业农村局
官圩镇人民政府
2025年11月
2
实施悦城镇圩镇风貌提升工程
县住房城乡建设局
悦城镇人民政府
2025年12月底前
典型村培育
3
开展金林村乡村振兴示范带建设
县农业农村局
县文化广电旅游体育局
持续推进

德庆县“百千万工程”指挥部办公室
2025年2月20日
"""
CELLS_LEDGER = [
    ("典型镇培育", "1", "推进官圩镇省级典型镇创建", ("县农业农村局",), ("官圩镇人民政府",),
     "2025年11月"),
    ("典型镇培育", "2", "实施悦城镇圩镇风貌提升工程", ("县住房城乡建设局",),
     ("悦城镇人民政府",), "2025年12月底前"),
    ("典型村培育", "3", "开展金林村乡村振兴示范带建设", ("县农业农村局",),
     ("县文化广电旅游体育局",), "持续推进"),
]  # fmt: skip

# 5. Deep numbering 一、（一）1.（1） and （二十四）, a frame (总体要求, 附件) and a heading
# that only wraps the categories (二、重点任务).
DEEP = """高要区落实“百千万工程”2025年实施方案
为深入贯彻落实全省“百千万工程”推进会精神，特制定本方案。
一、总体要求
（一）指导思想。坚持以习近平新时代中国特色社会主义思想为指导，全面推进乡村振兴。
（二）工作目标。到2025年底，全区培育典型镇2个、典型村15个。
二、重点任务
（一）突出产业发展
1.打造金属加工产业集群，新增规上工业企业20家。（区工业和信息化局牵头，区科技局配合）
（1）建设金利镇五金产业园，2025年6月底前完成一期工程。
（2）引进金属制品项目5个。
2.发展壮大村级集体经济。（区农业农村局负责）
（二十四）强化要素保障
1.盘活闲置农村宅基地500宗。（区自然资源局牵头，各镇〔街道〕配合；完成时限：2025年12月底前）
三、保障措施
（一）加强组织领导。各镇（街道）要落实主体责任，建立工作台账。（各镇〔街道〕负责）
附件
高要区重点任务清单
"""
DEEP_LEDGER = [
    ("（一）突出产业发展", "1", "建设金利镇五金产业园，2025年6月底前完成一期工程",
     ("区工业和信息化局",), ("区科技局",), "2025年6月底前"),
    ("（一）突出产业发展", "2", "引进金属制品项目5个", ("区工业和信息化局",), ("区科技局",), ""),
    ("（一）突出产业发展", "3", "发展壮大村级集体经济", ("区农业农村局",), (), ""),
    ("（二十四）强化要素保障", "4", "盘活闲置农村宅基地500宗", ("区自然资源局",),
     ("各镇〔街道〕",), "2025年12月底前"),
    ("三、保障措施", "5", "加强组织领导。各镇（街道）要落实主体责任，建立工作台账。",
     ("各镇〔街道〕",), (), ""),
]  # fmt: skip

LAYOUTS = {
    "brackets": (BRACKETS, BRACKETS_LEDGER),
    "next-line": (NEXT_LINE, NEXT_LINE_LEDGER),
    "rows": (ROWS, ROWS_LEDGER),
    "rows-blanks": (ROWS_BLANKS, ROWS_BLANKS_LEDGER),
    "rows-wide": (ROWS_WIDE, ROWS_WIDE_LEDGER),
    "cells": (CELLS, CELLS_LEDGER),
    "deep": (DEEP, DEEP_LEDGER),
}
LABELS = ("牵头单位", "配合单位", "责任单位", "完成时限", "时间", "牵头", "配合")


def _ledger(draft: PlanDraft) -> list[tuple[object, ...]]:
    return [
        (row.category, row.number, row.task, row.lead, row.partners, row.deadline)
        for row in ledger_rows(draft=draft)
    ]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_drafts_its_ledger(layout: str) -> None:
    text, expected = LAYOUTS[layout]
    assert _ledger(draft_plan(text)) == expected


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_cleaned_text_drafts_the_same_ledger(layout: str) -> None:
    """Cleaning keeps a table's columns: wide gaps become tabs, a table parted by single
    blanks keeps them (``1 新建`` stays, not ``1新建``), so the rows are the same."""
    text, expected = LAYOUTS[layout]
    assert _ledger(draft_plan(clean_text(text).text)) == expected


def test_a_cleaned_table_shows_its_columns() -> None:
    assert clean_text(ROWS_WIDE).text.splitlines()[1:4] == [
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限",
        "1\t推进鼎湖山泉水产业园扩能\t区工业和信息化局\t区发展改革局\t2025年9月",
        "2\t建设凤凰镇生态宜居美丽乡村示范带\t区农业农村局\t2025年12月底前",
    ]
    assert clean_text(ROWS_BLANKS).text.splitlines()[2] == (
        "1 建设玉器产业数字化平台 市工业和信息化局 市商务局 2025年底前"
    )


@pytest.mark.parametrize(
    ("layout", "title"),
    [
        ("rows", "广宁县2025年“百千万工程”重点任务分工表"),
        ("rows-wide", "鼎湖区2025年“百千万工程”重点项目任务表"),
        ("cells", "德庆县2025年典型镇村培育任务清单"),
    ],
)
def test_a_task_table_titles_its_plan(layout: str, title: str) -> None:
    draft = draft_plan(LAYOUTS[layout][0])
    assert draft.title is not None and draft.title.text == title


def test_glued_cells_are_parted_again() -> None:
    """A table cleaned by an older release (or typed so) with ``1新建`` and ``…局2025年``."""
    glued = ROWS_BLANKS.replace("1 建设", "1建设").replace("市商务局 2025", "市商务局2025")
    assert _ledger(draft_plan(glued)) == ROWS_BLANKS_LEDGER


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_spans_hold_and_labels_never_land_in_a_unit_column(layout: str) -> None:
    text, _expected = LAYOUTS[layout]
    draft = draft_plan(text)
    for item in draft.walk():
        assert item.span.slice(text) == item.text
    for row in ledger_rows(draft=draft):
        assert row.source.slice(text).startswith(row.task.split("。")[0])
        for name in (*row.lead, *row.partners):
            assert "：" not in name and ":" not in name
            assert not name.startswith(LABELS) and not name.endswith(("牵头", "配合", "负责"))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_deadlines_are_dated_as_plans_dates_them(layout: str) -> None:
    text, _expected = LAYOUTS[layout]
    items = [item for item in draft_plan(text).walk() if item.deadline]
    assert items
    for item in items:
        assert item.due == deadline_parse(item.deadline).due, item.deadline


def test_table_rows_are_rows_with_their_numbers() -> None:
    rows = [item for item in draft_plan(ROWS).walk() if item.kind is ItemKind.ROW]
    assert [(row.number, row.due) for row in rows] == [
        ("1", date(2025, 12, 31)),
        ("2", date(2025, 6, 30)),
        ("3", None),
        ("4", date(2025, 12, 31)),
    ]


def test_a_table_with_bars_and_a_category_row() -> None:
    text = (
        "| 序号 | 重点任务 | 责任单位 | 完成时间 |\n"
        "一、产业发展\n"
        "| 1 | 建设肇庆高新区新能源汽车零部件产业园 "
        "| 肇庆高新区管委会、市发展改革局 | 2026年6月 |\n"
    )
    assert _ledger(draft_plan(text)) == [
        ("一、产业发展", "1", "建设肇庆高新区新能源汽车零部件产业园", ("肇庆高新区管委会",),
         ("市发展改革局",), "2026年6月"),
    ]  # fmt: skip


def test_a_bracketed_note_inside_the_line_and_a_deadline_tail_both_count() -> None:
    """1.…。（X牵头，Y配合）完成时限：…: the units come from the bracket, the deadline from the
    tail (the plans browser test's task list, which the first draft of task lists broke)."""
    text = (
        "一、突出典型镇村培育\n"
        "1.加快推进典型镇村建设，完成典型村创建10个。（市农业农村局牵头，市财政局配合）"
        "完成时限：2026年12月底前。\n"
    )
    assert _ledger(draft_plan(text)) == [
        ("一、突出典型镇村培育", "1", "加快推进典型镇村建设，完成典型村创建10个",
         ("市农业农村局",), ("市财政局",), "2026年12月底前"),
    ]  # fmt: skip


def test_the_frame_is_no_task() -> None:
    draft = draft_plan(BRACKETS)
    texts = [item.text for item in draft.walk()]
    assert not any("制定本清单" in text or text.startswith("附件") for text in texts)
    assert draft.title is not None and draft.title.text.endswith("重点任务清单")
    bare = draft_plan("一、总体要求\n二、保障措施\n三、突出典型镇村培育\n附件1\n")
    assert ledger_rows(draft=bare) == ()


def test_digits_after_the_number_are_the_item_only_where_an_item_is_due() -> None:
    text = "一、夯实农业基础\n1. 121人才梯队项目\n2.3万亩撂荒地复耕复种。（市农业农村局负责）\n"
    rows = ledger_rows(draft=draft_plan(text))
    assert [(row.task, row.lead) for row in rows] == [
        ("121人才梯队项目", ()),
        ("3万亩撂荒地复耕复种", ("市农业农村局",)),
    ]
    # A number where no item 3 is due is a number: 3.5万亩 is no item.
    rows = ledger_rows(draft=draft_plan("一、农业基础\n3.5万亩高标准农田2025年建成。\n"))
    assert rows == ()


@pytest.mark.parametrize(
    ("note", "lead", "partners", "deadline"),
    [
        ("牵头单位：市农业农村局；配合单位：各县〔市、区〕人民政府；完成时限：2025年12月底前",
         ("市农业农村局",), ("各县〔市、区〕人民政府",), "2025年12月底前"),
        ("完成时限：2025年6月，牵头单位：市商务局 配合单位：市财政局 市供销社",
         ("市商务局",), ("市财政局", "市供销社"), "2025年6月"),
        ("牵头单位：；配合单位：市财政局", (), ("市财政局",), ""),
        ("由市住房城乡建设局牵头，市自然资源局配合", ("市住房城乡建设局",), ("市自然资源局",), ""),
        ("市发展改革局负责", ("市发展改革局",), (), ""),
        ("由市农业农村局会同市财政局、市自然资源局负责", ("市农业农村局",),
         ("市财政局", "市自然资源局"), ""),
        ("市教育局、市卫生健康局按职责分工负责", ("市教育局",), ("市卫生健康局",), ""),
        ("市委组织部牵头，市人力资源社会保障局等按职责分工负责", ("市委组织部",),
         ("市人力资源社会保障局",), ""),
        ("有关部门按职责分工负责", ("有关部门",), (), ""),
        ("责任单位：各县（市、区）人民政府、市农业农村局", ("各县（市、区）人民政府",),
         ("市农业农村局",), ""),
        ("时间：持续推进", (), (), "持续推进"),
        ("责任单位：市财政局、市农业农村局（牵头）；时限：2025年第三季度", ("市农业农村局",),
         ("市财政局",), "2025年第三季度"),
        ("【市文化广电旅游体育局牵头，2025年底前完成】", ("市文化广电旅游体育局",), (),
         "2025年底前"),
    ],
)  # fmt: skip
def test_duties_parse(
    note: str, lead: tuple[str, ...], partners: tuple[str, ...], deadline: str
) -> None:
    duties = duties_parse(note)
    assert duties is not None
    assert (duties.lead, duties.partners, duties.deadline) == (lead, partners, deadline)


@pytest.mark.parametrize(
    "text",
    [
        "下称《方案》",
        "市、区",
        "加快推进典型镇村建设",
        "各地要压实责任，主要负责同志亲自抓",
        "2025年",  # a year alone is no note (it could be a deadline only with 前, 底…)
        "一",
    ],
)
def test_what_is_no_note(text: str) -> None:
    duties = duties_parse(text)
    assert duties is None or not (duties.lead or duties.partners), duties


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2025年12月底前", date(2025, 12, 31)),
        ("2025年6月", date(2025, 6, 30)),
        ("2025年底前", date(2025, 12, 31)),
        ("2026年上半年", date(2026, 6, 30)),
        ("2025年第三季度", date(2025, 9, 30)),
        ("2025年2月28日前", date(2025, 2, 28)),
        ("2025—2027年", date(2027, 12, 31)),
        ("长期坚持", None),
        ("持续推进", None),
        ("每季度", None),
        ("2025年2月30日", None),
    ],
)
def test_deadline_due(text: str, due: date | None) -> None:
    assert deadline_due(text) == due
    assert deadline_parse(text).due == due


@pytest.mark.parametrize(
    "clause",
    [
        "力争取得更多突破性进展和标志性成果",
        "深化认识实施“百千万工程”的实践要求",
        "因地制宜开展工作",
        "更好实现强县富民兴村",
        "激发释放县镇村发展活力潜能",
        "聚焦盘活土地、放权赋能等改革导向",
        "奋力开创城乡区域协调发展新局面",
        # an outcome asked of the object
        "推动百千万工程走深走实",
        "推动工作取得实效",
        "推动城乡融合发展迈上新台阶",
        "推动县域经济由小变大",
        "推动政策红利加快释放",
        "推动镇村面貌焕然一新",
        "推动乡村振兴走在全省前列",
        "推进各项任务落实落细",
        # an aim in the comparative, a feeling, a new height, the level of development
        "加快建设更高水平的平安肇庆",
        "提升群众获得感幸福感安全感",
        "加快塑造发展新优势",
        "全面提升城乡区域协调发展水平",
        # the programme or development as the whole object, a generic one
        "深入推进百千万工程",
        "着力推动高质量发展",
        "统筹推进各项重点工作",
    ],
)
def test_rhetoric(clause: str) -> None:
    assert rhetoric(clause)


@pytest.mark.parametrize(
    "clause",
    [
        "加快推进典型镇村培育建设",
        "完善基础设施和公共服务配套",
        "实现农村生活污水治理率达到70%",
        "开展农村人居环境整治工作",
        "持续深化农村“三块地”改革",
        "推进美丽圩镇建设攻坚行动提质增效",
        "支持怀集县建设省级现代农业产业园",  # 业产业园 is no doubled verb (落实落细)
        "推动农村生活污水治理率达到70%",  # an outcome with its number is a target
        "推进城乡供水一体化",
        "优化教育、医疗等民生服务质量",
        "提升圩镇污水处理能力",
        "引导社会资本参与乡村建设",
        "落实种粮农民一次性补贴",
        "建设县人民医院新院区",  # a new building is no new height (新台阶)
    ],
)
def test_tasks_are_no_rhetoric(clause: str) -> None:
    assert not rhetoric(clause)


SAMPLE_TASKS = [
    ("风貌（基础）", "加快推进典型镇村培育建设"),
    ("风貌（基础）", "积极开展绿美肇庆生态建设"),
    ("风貌（基础）", "有效改善群众生产生活条件"),
    ("风貌（基础）", "打造宜居宜业人居环境"),
    ("产业（根本）", "加快优势产业突围、产业格局突破、产业平台建设"),
    ("产业（根本）", "加快培育新质生产力"),
    ("产业（根本）", "全面提升县域经济综合实力"),
    ("产业（根本）", "加快构建特色产业体系"),
    ("县城（重要载体）", "加快推进以县城为重要载体的新型城镇化建设"),
    ("县城（重要载体）", "完善基础设施和公共服务配套"),
    ("县城（重要载体）", "优化教育、医疗等民生服务质量"),
    ("改革（关键）",
     "持续深化农业转移人口市民化一揽子制度安排、农村“三块地”改革、县镇行政管理体制改革等"),
]  # fmt: skip


def test_the_sample_commentary_drafts_no_rhetoric_as_a_task() -> None:
    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    text = clean_text(sample.read_text(encoding="utf-8")).text
    rows = ledger_rows(draft=draft_plan(text))
    assert [(row.category, row.task) for row in rows] == SAMPLE_TASKS
    tasks = {row.task for row in rows}
    for clause in (
        "力争取得更多突破性进展和标志性成果",
        "深化认识实施“百千万工程”的实践要求",
        "因地制宜开展工作",
        "更好实现强县富民兴村",
        "激发释放县镇村发展活力潜能",
    ):
        assert clause not in tasks
    assert not any("□" in task or "撃" in task for task in tasks)


def test_a_note_inside_the_paragraph_ends_the_heading_and_leaves_the_text() -> None:
    text = (
        "一、产业发展\n（一）加快推进产业园建设（市工业和信息化局牵头）。"
        "持续深化园区改革，2025年底前完成。\n"
    )
    [row] = ledger_rows(draft=draft_plan(text))
    assert row.task == "加快推进产业园建设。持续深化园区改革，2025年底前完成。"
    assert (row.lead, row.deadline) == (("市工业和信息化局",), "2025年底前")


def test_a_bracket_of_unit_names_at_the_end_is_the_note() -> None:
    text = "1．建设冷链物流中心（市商务局、市农业农村局）\n2．推进农村电商发展（下称电商行动）\n"
    assert [(r.task, r.lead, r.partners) for r in ledger_rows(draft=draft_plan(text))] == [
        ("建设冷链物流中心", ("市商务局",), ("市农业农村局",)),
        ("推进农村电商发展（下称电商行动）", (), ()),
    ]


def test_a_table_with_a_merged_category_column_and_prose_after_it() -> None:
    text = (
        "大类\t序号\t工作任务\t牵头单位\t完成时限\n"
        "一、产业发展\t1\t建设肇庆新区数字经济产业园\t肇庆新区管委会\t2025年底前\n"
        "\t2\t培育专精特新企业30家\t市工业和信息化局\t2025年6月\n"
        "纸 鸢\n"
    )
    assert _ledger(draft_plan(text)) == [
        ("一、产业发展", "1", "建设肇庆新区数字经济产业园", ("肇庆新区管委会",), (), "2025年底前"),
        ("一、产业发展", "2", "培育专精特新企业30家", ("市工业和信息化局",), (), "2025年6月"),
    ]
