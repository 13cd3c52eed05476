"""Drafting a plan: the sample's levers and goal, and each rule on a written plan."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baiqianwan.intake.draft import (
    DraftItem,
    ItemKind,
    PlanDraft,
    draft_data,
    draft_plan,
    duty_parse,
)
from baiqianwan.textclean import clean_text
from tests.factories import shared_path

PLAN = """肇庆市实施“百县千镇万村高质量发展工程”示范突破年行动工作方案
为推动“百千万工程”在2025年实现“三年初见成效”，以“八个突出”为抓手，制定本方案。
一、突出典型镇村培育
（一）加快推进典型镇村建设。到2025年底，全市培育典型镇10个、典型村100个。（市农业农村局牵头，各县（市、区）政府配合）
（二）持续深化农村人居环境整治。完成四会市、广宁县农村生活污水治理率达到60%，2025年12月底前完成。责任单位：市生态环境局、市住房城乡建设局
二、突出产业突围
1.打造新能源汽车产业集群，新增规上工业企业50家。
（1）支持四会建设金属加工产业园。
2.完善县域商业体系。（牵头单位：市商务局；配合单位：市财政局、市供销社）
肇庆市百县千镇万村高质量发展工程指挥部
2025年3月1日
"""
REGISTER = {
    "肇庆市": "441200000000",
    "四会市": "441284000000",
    "广宁县": "441223000000",
}


@pytest.fixture(scope="module")
def sample_draft() -> PlanDraft:
    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    text = clean_text(sample.read_text(encoding="utf-8")).text
    return draft_plan(text, unit_names=REGISTER)


@pytest.fixture(scope="module")
def plan_draft() -> PlanDraft:
    return draft_plan(PLAN, unit_names=REGISTER)


def _spans_hold(draft: PlanDraft) -> None:
    for item in draft.walk():
        assert item.span.slice(draft.text) == item.text
        if item.detail is not None:
            assert item.detail.span.slice(draft.text) == item.detail.text
        for found in (*item.targets, *item.places):
            assert found.span.start >= 0 and found.span.end <= len(draft.text)


def test_sample_levers(sample_draft: PlanDraft) -> None:
    levers = {lever.text: lever.role for lever in sample_draft.levers}
    assert levers == {"风貌": "基础", "产业": "根本", "县城": "重要载体", "改革": "关键"}
    for lever in sample_draft.levers:
        assert lever.kind is ItemKind.LEVER
        assert lever.children and all(c.kind is ItemKind.MEASURE for c in lever.children)
        assert lever.detail is not None
        assert lever.detail.text.endswith(lever.role)
        assert lever.detail.span.start <= lever.span.start


def test_sample_measures_under_their_lever(sample_draft: PlanDraft) -> None:
    appearance = next(lever for lever in sample_draft.levers if lever.text == "风貌")
    assert [m.text for m in appearance.children] == [
        "加快推进典型镇村培育建设",
        "积极开展绿美肇庆生态建设",
        "有效改善群众生产生活条件",
        "打造宜居宜业人居环境",
    ]
    reform = next(lever for lever in sample_draft.levers if lever.text == "改革")
    # 聚焦…改革导向 and 激发释放…活力潜能 are rhetoric, not tasks (issue 12).
    assert [m.text[:10] for m in reform.children] == ["持续深化农业转移人口"]


def test_sample_goal_issuer_title_groups(sample_draft: PlanDraft) -> None:
    assert [(g.year, g.text, g.inferred) for g in sample_draft.goals] == [
        (2025, "三年初见成效", False)
    ]
    assert sample_draft.issuer is not None
    assert sample_draft.issuer.text == "肇庆市“百县千镇万村高质量发展工程”指挥部"
    assert sample_draft.title is not None
    assert sample_draft.title.text.startswith("肇庆市实施“百县千镇万村高质量发展工程”示范突破年")
    assert sample_draft.title.text.endswith("工作方案")
    assert [(g.name, g.count) for g in sample_draft.groups] == [("八个突出", 8), ("三块地", 3)]


def test_sample_places_and_spans(sample_draft: PlanDraft) -> None:
    _spans_hold(sample_draft)
    places = {p.unit for item in sample_draft.walk() for p in item.places}
    assert places == {"肇庆市"}  # 绿美肇庆, matched by its short name


def test_plan_sections_nest_by_number(plan_draft: PlanDraft) -> None:
    sections = [item for item in plan_draft.items if item.kind is ItemKind.SECTION]
    assert [(s.number, s.text) for s in sections] == [
        ("一、", "突出典型镇村培育"),
        ("二、", "突出产业突围"),
    ]
    assert [c.number for c in sections[0].children] == ["（一）", "（二）"]
    first_item = sections[1].children[0]
    assert (first_item.number, first_item.text) == (
        "1.",
        "打造新能源汽车产业集群，新增规上工业企业50家",
    )
    assert [c.number for c in first_item.children] == ["（1）"]
    assert sections[1].children[1].number == "2."
    _spans_hold(plan_draft)


def test_plan_issuer_from_signature_and_title_from_first_line(plan_draft: PlanDraft) -> None:
    assert plan_draft.issuer is not None
    assert plan_draft.issuer.text == "肇庆市百县千镇万村高质量发展工程指挥部"
    assert plan_draft.title is not None
    assert plan_draft.title.text == "肇庆市实施“百县千镇万村高质量发展工程”示范突破年行动工作方案"


def test_plan_goals_with_years(plan_draft: PlanDraft) -> None:
    assert [(g.year, g.text) for g in plan_draft.goals] == [
        (2025, "三年初见成效"),
        (2025, "全市培育典型镇10个、典型村100个"),
    ]


def test_group_members_are_its_headings(plan_draft: PlanDraft) -> None:
    [group] = plan_draft.groups
    assert group.members == ("突出典型镇村培育", "突出产业突围")


def _find(draft: PlanDraft, text: str) -> DraftItem:
    return next(item for item in draft.walk() if item.text.startswith(text))


def test_targets_deadlines_duties_places(plan_draft: PlanDraft) -> None:
    villages = _find(plan_draft, "加快推进典型镇村建设")
    assert [t.text for t in villages.targets] == ["2025年", "10个", "100个"]
    assert villages.targets[1].value == 10 and villages.targets[1].unit == "个"
    assert villages.deadline == "2025年底"
    assert (villages.lead, villages.partners) == (("市农业农村局",), ("各县（市、区）政府",))

    sewage = _find(plan_draft, "完成四会市")
    assert sewage.kind is ItemKind.MEASURE
    assert sewage.deadline == "2025年12月底前"
    assert (sewage.lead, sewage.partners) == (("市生态环境局",), ("市住房城乡建设局",))
    assert [(p.name, p.codes) for p in sewage.places] == [
        ("四会市", ("441284000000",)),
        ("广宁县", ("441223000000",)),
    ]
    assert [t.text for t in sewage.targets] == ["60%"]

    park = _find(plan_draft, "支持四会建设")
    assert [(p.name, p.unit) for p in park.places] == [("四会", "四会市")]

    commerce = _find(plan_draft, "完善县域商业体系")
    assert (commerce.lead, commerce.partners) == (("市商务局",), ("市财政局", "市供销社"))


def test_no_register_no_places() -> None:
    draft = draft_plan("要加快推进四会市典型镇村建设。")
    assert [m.places for m in draft.walk()] == [()]


def test_register_as_plain_names() -> None:
    draft = draft_plan("要加快推进四会市典型镇村建设。", unit_names=["四会市"])
    [measure] = draft.walk()
    assert [(p.unit, p.codes) for p in measure.places] == [("四会市", ())]


def test_register_as_pairs_keeps_every_code_of_a_shared_name() -> None:
    register = [
        ("回龙镇", "441204112000"),
        ("回龙镇", "441226102000"),
        ("四会市", "441284000000"),
        ("回龙镇", "441204112000"),
    ]
    draft = draft_plan("要加快推进回龙镇和四会典型镇村建设。", unit_names=register)
    [measure] = draft.walk()
    assert [(p.name, p.unit, p.codes) for p in measure.places] == [
        ("回龙镇", "回龙镇", ("441204112000", "441226102000")),
        ("四会", "四会市", ("441284000000",)),
    ]
    assert all(p.span.slice(draft.text) == p.name for p in measure.places)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread after `seconds` (a loop that never ends)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("register", [["", "四会市"], {" ": "1", "四会市": "441284000000"}])
def test_blank_unit_names_are_dropped(register: list[str] | dict[str, str]) -> None:
    with _time_limit(5):
        draft = draft_plan("要加快推进 四会市典型镇村建设。", unit_names=register)
    [measure] = draft.walk()
    assert [p.unit for p in measure.places] == ["四会市"]


@pytest.mark.parametrize(
    ("note", "lead", "partners"),
    [
        (
            "市农业农村局牵头，市财政局、市自然资源局配合",
            ("市农业农村局",),
            ("市财政局", "市自然资源局"),
        ),
        ("牵头单位：市商务局；配合单位：市财政局", ("市商务局",), ("市财政局",)),
        ("责任单位：市教育局、市卫生健康局", ("市教育局",), ("市卫生健康局",)),
        ("各县（市、区）政府牵头", ("各县（市、区）政府",), ()),
    ],
)
def test_duty_parse(note: str, lead: tuple[str, ...], partners: tuple[str, ...]) -> None:
    assert duty_parse(note) == (lead, partners)


def test_milestone_slogans_infer_years() -> None:
    draft = draft_plan("奋力实现“五年取得明显成效”“十年取得决定性成效”。")
    assert [(g.year, g.text, g.inferred) for g in draft.goals] == [
        (2027, "五年取得明显成效", True),
        (2035, "十年取得决定性成效", True),
    ]


def test_non_measures_are_left_out() -> None:
    draft = draft_plan(
        "千钧将一羽，轻重在平衡。今年是重要节点，全市上下要心往一处想。"
        "实施“百千万工程”，其影响之远、难度之大非比寻常。"
    )
    assert list(draft.walk()) == []


def test_draft_data_is_json_ready(plan_draft: PlanDraft) -> None:
    data = draft_data(draft=plan_draft)
    assert "text" not in data
    # The frame (…，制定本方案。) is no item: the tree starts at 一、.
    assert data["items"][0]["number"] == "一、"
    assert data["items"][0]["children"][0]["span"] == {
        "start": plan_draft.items[0].children[0].span.start,
        "end": plan_draft.items[0].children[0].span.end,
    }
    sewage = data["items"][0]["children"][1]
    assert (sewage["deadline"], sewage["due"]) == ("2025年12月底前", "2025-12-31")
    json.dumps(data)


PLAN_PIECES = st.sampled_from(
    [
        "一、",
        "（一）",
        "1.",
        "（1）",
        "突出典型镇村培育",
        "要抓住风貌这个基础，",
        "以县城为重要载体",
        "加快推进",
        "典型镇村建设",
        "持续深化改革",
        "，",
        "。",
        "\n",
        "到2025年底，",
        "10个",
        "（市农业农村局牵头，市财政局配合）",
        "责任单位：市商务局、市财政局",
        "四会市",
        "“八个突出”",
        "“三年初见成效”",
        "肇庆市指挥部印发《工作方案》",
        "（",
        "）",
        "□",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PLAN_PIECES, max_size=30).map("".join))
def test_any_text_drafts_with_spans_that_hold(text: str) -> None:
    draft = draft_plan(text, unit_names=REGISTER)
    _spans_hold(draft)
    for goal in draft.goals:
        assert goal.span.slice(text) == goal.text
    for excerpt in (draft.issuer, draft.title):
        if excerpt is not None:
            assert excerpt.span.slice(text) == excerpt.text
