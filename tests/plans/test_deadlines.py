"""Reading 完成时限 text: real phrases of government task lists, and properties of any text."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baiqianwan.plans.deadlines import Deadline, DeadlineKind, deadline_parse, deadline_text

D = DeadlineKind

# (text, plan year, kind, due) as written in 分工方案 of the 百千万工程 and similar task lists.
PHRASES = [
    ("2025年底前", None, D.DATE, date(2025, 12, 31)),
    ("2025年年底前", None, D.DATE, date(2025, 12, 31)),
    ("2025年12月底前", None, D.DATE, date(2025, 12, 31)),
    ("2025年12月31日前", None, D.DATE, date(2025, 12, 31)),
    ("2025年6月底", None, D.DATE, date(2025, 6, 30)),
    ("2024年2月底前", None, D.DATE, date(2024, 2, 29)),
    ("2025年2月底前", None, D.DATE, date(2025, 2, 28)),
    ("2025年上半年", None, D.DATE, date(2025, 6, 30)),
    ("2025年下半年", None, D.DATE, date(2025, 12, 31)),
    ("2025年年中", None, D.DATE, date(2025, 6, 30)),
    ("2025年第三季度", None, D.DATE, date(2025, 9, 30)),
    ("2025年三季度", None, D.DATE, date(2025, 9, 30)),
    ("2025年一季度末", None, D.DATE, date(2025, 3, 31)),
    ("2025年第4季度", None, D.DATE, date(2025, 12, 31)),
    ("2025年Q2", None, D.DATE, date(2025, 6, 30)),
    ("2025年前", None, D.DATE, date(2025, 12, 31)),
    ("2025年以前", None, D.DATE, date(2025, 12, 31)),
    ("2025年之前", None, D.DATE, date(2025, 12, 31)),
    ("2025-12-31", None, D.DATE, date(2025, 12, 31)),
    ("2025.12.31", None, D.DATE, date(2025, 12, 31)),
    ("2025/12/31", None, D.DATE, date(2025, 12, 31)),
    ("2025.6", None, D.DATE, date(2025, 6, 30)),
    ("2025-06-15前", None, D.DATE, date(2025, 6, 15)),
    ("12月底前", 2025, D.DATE, date(2025, 12, 31)),
    ("6月30日前", 2025, D.DATE, date(2025, 6, 30)),
    ("年底前", 2025, D.DATE, date(2025, 12, 31)),
    ("年内", 2026, D.DATE, date(2026, 12, 31)),
    ("上半年", 2025, D.DATE, date(2025, 6, 30)),
    ("三季度末", 2025, D.DATE, date(2025, 9, 30)),
    ("9月中旬", 2025, D.DATE, date(2025, 9, 20)),
    ("10月上旬", 2025, D.DATE, date(2025, 10, 10)),
    ("11月下旬", 2025, D.DATE, date(2025, 11, 30)),
    ("2025年至2027年", None, D.DATE, date(2027, 12, 31)),
    ("2025—2027年", None, D.DATE, date(2027, 12, 31)),
    ("2025-2027年", None, D.DATE, date(2027, 12, 31)),
    ("2025年～2027年", None, D.DATE, date(2027, 12, 31)),
    ("2025年6月至12月", None, D.DATE, date(2025, 12, 31)),
    ("2025年3月—2026年6月", None, D.DATE, date(2026, 6, 30)),
    ("2027年", None, D.DATE, date(2027, 12, 31)),
    ("2025年度", None, D.DATE, date(2025, 12, 31)),
    ("到2027年", None, D.DATE, date(2027, 12, 31)),
    ("至2025年底", None, D.DATE, date(2025, 12, 31)),
    ("力争2026年6月底前完成", None, D.DATE, date(2026, 6, 30)),
    ("２０２５年底前", None, D.DATE, date(2025, 12, 31)),
    ("２０２５年１２月３１日", None, D.DATE, date(2025, 12, 31)),
    ("2025 年 12 月底前", None, D.DATE, date(2025, 12, 31)),
    ("十二月底前", 2025, D.DATE, date(2025, 12, 31)),
    ("二〇二五年十月底前", None, D.DATE, date(2025, 10, 31)),
    ("二〇二五年十二月三十一日前", None, D.DATE, date(2025, 12, 31)),
    ("2025年12月底前完成", None, D.DATE, date(2025, 12, 31)),
    ("2025年12月底", None, D.DATE, date(2025, 12, 31)),
    ("2025年12月31日止", None, D.DATE, date(2025, 12, 31)),
    ("每月", None, D.MONTHLY, None),
    ("按月", None, D.MONTHLY, None),
    ("每月5日前", None, D.MONTHLY, None),
    ("每季度", None, D.QUARTERLY, None),
    ("按季", None, D.QUARTERLY, None),
    ("按季度", None, D.QUARTERLY, None),
    ("每季度末", None, D.QUARTERLY, None),
    ("每半年", None, D.HALF_YEARLY, None),
    ("每年", None, D.YEARLY, None),
    ("年度", None, D.YEARLY, None),
    ("每年12月底前", None, D.YEARLY, None),
    ("每年12月底前", 2025, D.YEARLY, None),
    ("每年年底", None, D.YEARLY, None),
    ("长期坚持", None, D.LONG_TERM, None),
    ("持续推进", None, D.LONG_TERM, None),
    ("常态化", None, D.LONG_TERM, None),
    ("长期", None, D.LONG_TERM, None),
]


@pytest.mark.parametrize(("text", "plan_year", "kind", "due"), PHRASES)
def test_phrase(text: str, plan_year: int | None, kind: DeadlineKind, due: date | None) -> None:
    deadline = deadline_parse(text, plan_year=plan_year)
    assert (deadline.kind, deadline.due) == (kind, due)
    assert deadline.text == text.strip()
    assert not deadline.flagged
    assert deadline.problem == ""


@pytest.mark.parametrize("text", ["尽快", "适时", "另行通知", "根据工作需要", "按要求", "2025年起"])
def test_vague_text_is_kept_and_flagged(text: str) -> None:
    assert deadline_parse(text, plan_year=2025) == Deadline(
        DeadlineKind.TEXT, None, text, True, "not a date: kept as text"
    )


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_empty_is_no_deadline(text: str) -> None:
    assert deadline_parse(text) == Deadline(DeadlineKind.TEXT, None, "", True, "no deadline")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("2025年2月30日", "2025年2月30日"),
        ("2025年2月30日前", "2025年2月30日"),
        ("2025-02-29", "2025-02-29"),
        ("2025年13月底前", "2025年13月底"),
        ("2025年第五季度", "2025年第五季度"),
        ("二〇二五年二月三十日前", "二〇二五年二月三十日"),
    ],
)
def test_impossible_date_is_flagged_and_named(text: str, phrase: str) -> None:
    deadline = deadline_parse(text)
    assert (deadline.kind, deadline.due, deadline.flagged) == (DeadlineKind.TEXT, None, True)
    assert deadline.problem == f"not a date: {phrase} does not exist; kept as text"


@pytest.mark.parametrize(("text", "phrase"), [("12月底前", "12月底"), ("十二月底前", "十二月底")])
def test_no_year_without_plan_year_is_flagged(text: str, phrase: str) -> None:
    deadline = deadline_parse(text)
    assert (deadline.kind, deadline.due, deadline.flagged) == (DeadlineKind.TEXT, None, True)
    assert deadline.problem == f"no year: {phrase} needs the plan's year; kept as text"


def test_range_ending_before_it_starts_is_flagged() -> None:
    deadline = deadline_parse("2027年至2025年")
    assert deadline.flagged
    assert deadline.problem == (
        "not a date: the range 2027年至2025年 ends before it starts; kept as text"
    )


@pytest.mark.parametrize(
    ("text", "due", "note"),
    [
        ("2025年12月底前完成，长期坚持", date(2025, 12, 31), "also says: 长期坚持"),
        (
            "长期坚持，2025年底前取得明显成效",
            date(2025, 12, 31),
            "also says: 长期坚持，取得明显成效",
        ),
        (
            "2024年底前完成试点；2025年底前全面推广",
            date(2024, 12, 31),
            "also says: 试点，2025年底前全面推广",
        ),
    ],
)
def test_first_definite_date_wins_and_the_rest_is_noted(text: str, due: date, note: str) -> None:
    deadline = deadline_parse(text)
    assert (deadline.kind, deadline.due, deadline.flagged) == (DeadlineKind.DATE, due, False)
    assert deadline.problem == note


def test_recurring_without_date_notes_the_rest() -> None:
    deadline = deadline_parse("2025年起每年")
    assert (deadline.kind, deadline.due, deadline.flagged) == (DeadlineKind.YEARLY, None, False)
    assert deadline.problem == "also says: 2025年起"


@pytest.mark.parametrize(
    ("text", "plan_year", "canonical"),
    [
        ("2025年底前", None, "2025年12月31日前"),
        ("2025年第三季度", None, "2025年9月30日前"),
        ("十二月底前", 2026, "2026年12月31日前"),
        ("按月", None, "每月"),
        ("按季", None, "每季度"),
        ("每半年", None, "每半年"),
        ("年度", None, "每年"),
        ("持续推进", None, "长期坚持"),
        (" 尽快 ", None, "尽快"),
    ],
)
def test_canonical_text(text: str, plan_year: int | None, canonical: str) -> None:
    assert deadline_text(deadline_parse(text, plan_year=plan_year)) == canonical


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_any_written_date_parses_back(day: date) -> None:
    deadline = deadline_parse(f"{day.year}年{day.month}月{day.day}日前")
    assert (deadline.kind, deadline.due, deadline.flagged) == (DeadlineKind.DATE, day, False)
    assert deadline_text(deadline) == f"{day.year}年{day.month}月{day.day}日前"


PLAN_YEARS = st.one_of(st.none(), st.integers(min_value=1900, max_value=2099))


@given(st.text(), PLAN_YEARS)
def test_never_raises(text: str, plan_year: int | None) -> None:
    deadline = deadline_parse(text, plan_year=plan_year)
    assert deadline.text == text.strip()
    assert (deadline.due is None) == (deadline.kind is not DeadlineKind.DATE)
    assert deadline.flagged == (deadline.kind is DeadlineKind.TEXT)


@given(
    st.text(
        alphabet="0123456789年月日号季度第上下半底末前至到—-./每按长期坚持起〇一二三四五六七八九十两"
    ),
    PLAN_YEARS,
)
def test_never_raises_on_deadline_like_text(text: str, plan_year: int | None) -> None:
    deadline = deadline_parse(text, plan_year=plan_year)
    if deadline.kind is DeadlineKind.DATE:
        assert deadline.due is not None
        assert deadline_parse(deadline_text(deadline)).due == deadline.due


@pytest.mark.parametrize("plan_year", [0, 1899, 2100, 25])
def test_plan_year_out_of_range_is_a_programming_error(plan_year: int) -> None:
    with pytest.raises(ValueError, match=f"plan_year {plan_year} is not within 1900-2099"):
        deadline_parse("12月底前", plan_year=plan_year)


def test_module_imports_no_django() -> None:
    code = (
        "import sys, baiqianwan.plans.deadlines; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
