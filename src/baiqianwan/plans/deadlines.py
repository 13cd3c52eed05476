"""Reading a task's 完成时限 (deadline) as the ledgers write it, in Chinese text.

Government task lists (分工方案) write deadlines as short phrases: ``2025年底前``,
``2025年12月31日前``, ``2025年第三季度``, ``每季度``, ``长期坚持``. `deadline_parse` reads
them into a `Deadline`; `deadline_text` writes one back in a canonical form. No Django here:
the plans app stores the result and shows the problem through its own translation.

Decisions
---------
- A phrase names a date by its end: ``2025年`` and ``2025年前`` are 2025-12-31, ``2025年6月``
  is 2025-06-30, ``2025年第三季度`` is 2025-09-30. ``2025年前`` could be read as "before 2025
  starts", but in these documents it shortens ``2025年底前`` ("by 2025", as in 到2025年): a
  task set in 2025 with "2025年前" is due within 2025, not already overdue.
- A range (``2025年至2027年``, ``2025—2027年``, ``2025年6月至12月``) is due at the end of its
  last part.
- Several phrases (``2025年12月底前完成，长期坚持``): the first definite date wins; what else the
  text says is noted in ``problem`` without flagging it. Without a date, the first recurring or
  long-term phrase decides the kind.
- A phrase without a year (``12月底前``, ``年底前``, ``三季度末``) takes `plan_year`; without one
  it is kept as text and flagged.
- Recurring and long-term deadlines have no single due date (``due`` is None): a yearly task is
  due on Dec 31 of each year.
- Anything else (尽快, 适时, 另行通知, an impossible date such as 2025年2月30日) is kept as text,
  flagged, with a problem in English for a page to translate.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from gettext import gettext as _


class DeadlineKind(StrEnum):
    """What a deadline phrase says: one date, a recurring period, an open end, or only text."""

    DATE = "date"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"
    LONG_TERM = "long-term"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline read from its text.

    Attributes
    ----------
    kind : DeadlineKind
        What the text says.
    due : date or None
        The due date of a ``DATE``; None for every other kind.
    text : str
        The text as written (stripped of surrounding spaces).
    flagged : bool
        True when a person should read the text: kept as text, no year, impossible date.
    problem : str
        English, empty when nothing is to be said. A note when not flagged (the other
        phrases of the text), the reason when flagged.
    """

    kind: DeadlineKind
    due: date | None
    text: str
    flagged: bool
    problem: str


_CANONICAL = {
    DeadlineKind.MONTHLY: "每月",
    DeadlineKind.QUARTERLY: "每季度",
    DeadlineKind.HALF_YEARLY: "每半年",
    DeadlineKind.YEARLY: "每年",
    DeadlineKind.LONG_TERM: "长期坚持",
}

# Chinese numerals before 年 月 日 号 季: 二〇二五年, 十二月, 三十一日, 三季度.
_NUMERAL_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_NUMERALS = re.compile(r"[〇零一二三四五六七八九十两]+(?=[年月日号季])")

# The years a phrase may name, and a plan's year may be.
FIRST_YEAR, LAST_YEAR = 1900, 2099
_YEAR = r"(?:19|20)[0-9]{2}"
_CONNECTOR = r"(?:至|到|—|–|―|-|~)+"
_MONTH_PART = r"上旬|中旬|下旬|底|末|初|份"


def _date_pattern(p: str) -> str:
    """One date phrase, its groups prefixed with `p` (a range holds two of them).

    Numeric (2025-12-31, 2025.12, 2025/12/31) or Chinese, where the year may be missing
    (12月底, 年底, 上半年, 第三季度) and is then taken from the plan year. The lookahead keeps
    the phrase from matching nothing. Month, day and quarter take any digits so that 2025年13月
    is read, and refused, as a whole.
    """
    return (
        rf"(?P<{p}all>(?<![0-9])(?P<{p}ny>{_YEAR})(?P<{p}sep>[-./])(?P<{p}nm>[0-9]{{1,2}})"
        rf"(?:(?P={p}sep)(?P<{p}nd>[0-9]{{1,2}}))?(?![0-9])"
        rf"|(?=(?<![0-9])(?:{_YEAR}年|[0-9]{{1,2}}[月季])|第[0-9]{{1,2}}季|[Qq][0-9]|上半年|下半年|年[中底末内])"
        rf"(?:(?<![0-9])(?P<{p}y>{_YEAR})年)?"
        rf"(?:(?P<{p}half>上半年|下半年|年中)"
        rf"|第?(?<![0-9])(?P<{p}q>[0-9]{{1,2}})季度?(?:末|底)?|[Qq](?P<{p}qq>[0-9])(?![0-9])"
        rf"|(?<![0-9])(?P<{p}m>[0-9]{{1,2}})月"
        rf"(?:(?P<{p}d>[0-9]{{1,2}})[日号]|(?P<{p}mpart>{_MONTH_PART}))?"
        rf"|(?P<{p}yend>年底|年末|年内|(?<=[0-9]年)(?:底|末|内|度)))?)"
    )


# What may follow the end of a range: a date phrase that is not empty.
_RANGE_END = rf"(?={_YEAR}|[0-9]{{1,2}}月|第?[0-9]季|上半年|下半年|年底|年末)"
_EACH_MONTH_DAY = rf"(?:[0-9]{{1,2}}月)?(?:[0-9]{{1,2}}[日号]|{_MONTH_PART})?"

# At one position the first alternative that matches wins: a start year (2025年起) before a
# date, a range before its first date, 每年12月底 before 12月底.
_PHRASE = re.compile(
    rf"(?P<start>(?<![0-9]){_YEAR}年?(?:起|开始|以来))"
    rf"|(?P<years>(?<![0-9])(?P<ry1>{_YEAR})年?{_CONNECTOR}(?P<ry2>{_YEAR})年(?:底|末|年底|年末)?)"
    rf"|(?P<range>{_date_pattern('a_')}{_CONNECTOR}{_RANGE_END}{_date_pattern('b_')})"
    rf"|(?P<date>{_date_pattern('')})"
    r"|(?P<monthly>每个?月(?:[0-9]{1,2}[日号]|上旬|中旬|下旬|底|末|初)?|按月|逐月|月度)"
    r"|(?P<quarterly>每个?季度?(?:末|底|初)?|按季度?|逐季度?|季度)"
    r"|(?P<half_yearly>每半年|半年一次)"
    rf"|(?P<yearly>每年(?:年底|年末)|每年度?{_EACH_MONTH_DAY}|按年度?|逐年|年度)"
    r"|(?P<long_term>长期坚持|长期|持续推进|持续开展|持续|常态化|长效|久久为功)"
)
_KINDS = {
    "monthly": DeadlineKind.MONTHLY,
    "quarterly": DeadlineKind.QUARTERLY,
    "half_yearly": DeadlineKind.HALF_YEARLY,
    "yearly": DeadlineKind.YEARLY,
    "long_term": DeadlineKind.LONG_TERM,
}
# Words around a deadline that say nothing more than the deadline itself.
_FILLER = re.compile(
    r"以前|之前|为止|截至|截止|以内|力争|确保|争取|基本|全面|完成|前|止|到|至|于|在|底|末|内"
)
_PUNCTUATION = re.compile(r"[\W_]+")
# Problems of a phrase that is no date; {phrase} is the phrase as written.
_NOT_A_DATE = _("not a date: {phrase} does not exist; kept as text")
_NO_YEAR = _("no year: {phrase} needs the plan's year; kept as text")
_RANGE_BACKWARDS = _("not a date: the range {phrase} ends before it starts; kept as text")
_CLAUSE_BREAK = re.compile(r"[,;:!?。、]+")


@dataclass(frozen=True, slots=True)
class _Read:
    """One date phrase read: a due date, or why there is none."""

    due: date | None
    year: int | None = None
    problem: str = ""
    span: tuple[int, int] = (0, 0)


def deadline_parse(text: str, *, plan_year: int | None = None) -> Deadline:
    """Read a 完成时限 phrase; never raises on any text.

    Parameters
    ----------
    text : str
        The deadline as the ledger writes it; full-width digits and Chinese numerals are read.
    plan_year : int, optional
        The year of the plan, for phrases without one (12月底前, 年底前, 上半年); within
        the years a phrase may name, 1900 to 2099.

    Returns
    -------
    Deadline
        See the module's decisions for how each phrase is read.
    """
    if plan_year is not None and not FIRST_YEAR <= plan_year <= LAST_YEAR:
        raise ValueError(f"plan_year {plan_year} is not within {FIRST_YEAR}-{LAST_YEAR}")
    written = text.strip()
    if not written:
        return Deadline(DeadlineKind.TEXT, None, written, True, _("no deadline"))
    normal, origin = _normalise(written)
    matches = [m for m in _PHRASE.finditer(normal) if m.group() and m.lastgroup != "start"]
    dated = [m for m in matches if m.lastgroup in ("years", "range", "date")]
    if dated:
        first = dated[0]
        read = _read_match(first, plan_year)
        if read.due is None:
            phrase = written[origin[read.span[0]] : origin[read.span[1]]].strip()
            return Deadline(
                DeadlineKind.TEXT, None, written, True, read.problem.format(phrase=phrase)
            )
        note = _note(written, normal, origin, first)
        return Deadline(DeadlineKind.DATE, read.due, written, False, note)
    if matches:
        first = matches[0]
        kind = _KINDS[str(first.lastgroup)]
        return Deadline(kind, None, written, False, _note(written, normal, origin, first))
    return Deadline(DeadlineKind.TEXT, None, written, True, _("not a date: kept as text"))


def deadline_text(deadline: Deadline) -> str:
    """The canonical Chinese form (``2025年12月31日前``, ``每季度``, ``长期坚持``).

    A ``TEXT`` deadline is rendered as written; parsing the canonical form of any other
    deadline gives it back.
    """
    if deadline.kind is DeadlineKind.DATE and deadline.due is not None:
        due = deadline.due
        return f"{due.year}年{due.month}月{due.day}日前"
    return _CANONICAL.get(deadline.kind, deadline.text)


def _normalise(text: str) -> tuple[str, list[int]]:
    """Full-width forms to ASCII (NFKC), Chinese numerals to digits, no spaces.

    Returns the normal text and, for each of its characters and one past the end, the index
    in `text` it comes from, so that a problem can quote the text as written.
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for normal in unicodedata.normalize("NFKC", char):
            if not normal.isspace():
                folded.append(normal)
                origin.append(index)
    plain = "".join(folded)
    out: list[str] = []
    out_origin: list[int] = []
    position = 0
    for match in _NUMERALS.finditer(plain):
        out.append(plain[position : match.start()])
        out_origin.extend(origin[position : match.start()])
        digits = _numeral_digits(match)
        out.append(digits)
        out_origin.extend([origin[match.start()]] * len(digits))
        position = match.end()
    out.append(plain[position:])
    out_origin.extend(origin[position:])
    out_origin.append(len(text))
    return "".join(out), out_origin


def _numeral_digits(match: re.Match[str]) -> str:
    """A numeral as digits; a run longer than any year is no date and stays as written."""
    numeral = match.group()
    return numeral if len(numeral) > 4 else str(_numeral_value(numeral))


def _numeral_value(numeral: str) -> int:
    """二〇二五 → 2025 (digit by digit), 十二 → 12, 三十一 → 31, 十 → 10."""
    if "十" not in numeral:
        return int("".join(str(_NUMERAL_DIGITS[c]) for c in numeral))
    tens, _sep, units = numeral.partition("十")
    tens_value = _numeral_value(tens) if tens else 1
    units_value = _numeral_value(units) if units else 0
    return tens_value * 10 + units_value


def _note(written: str, normal: str, origin: list[int], match: re.Match[str]) -> str:
    """What the text says besides the phrase read: its other clauses as written, and what its
    own clause says beyond the phrase and filler words (前, 完成, 力争...)."""
    parts: list[str] = []
    start = 0
    for clause_break in [*_CLAUSE_BREAK.finditer(normal), None]:
        end = clause_break.start() if clause_break else len(normal)
        if start <= match.start() < end:
            rest = normal[start : match.start()] + "," + normal[match.end() : end]
            parts.append(_PUNCTUATION.sub("", _FILLER.sub("", rest)))
        elif _PUNCTUATION.sub("", _FILLER.sub("", normal[start:end])):
            parts.append(written[origin[start] : origin[end]].strip())
        start = clause_break.end() if clause_break else end
    said = "，".join(part for part in parts if part)
    return _("also says: {words}").format(words=said) if said else ""


def _read_match(match: re.Match[str], plan_year: int | None) -> _Read:
    """The due date of a ``years``, ``range`` or ``date`` match."""
    if match.lastgroup == "years":
        if int(match["ry2"]) < int(match["ry1"]):
            return _Read(None, problem=_RANGE_BACKWARDS, span=match.span())
        return _Read(date(int(match["ry2"]), 12, 31))
    if match.lastgroup == "date":
        return _read_date(match, "", plan_year)
    start = _read_date(match, "a_", plan_year)
    if start.due is None:
        return start
    end = _read_date(match, "b_", start.year)
    if end.due is not None and end.due < start.due:
        return _Read(None, problem=_RANGE_BACKWARDS, span=match.span())
    return end


def _read_date(match: re.Match[str], p: str, plan_year: int | None) -> _Read:
    """The date phrase of `match` whose groups are prefixed `p`, as the last day it allows."""
    groups = {
        name[len(p) :]: value
        for name, value in match.groupdict().items()
        if name.startswith(p) and (p or "_" not in name)
    }
    span = match.span(f"{p}all")
    if groups["ny"] is not None:
        return _day(int(groups["ny"]), int(groups["nm"]), groups["nd"], None, span)
    year = int(groups["y"]) if groups["y"] is not None else plan_year
    if year is None:
        return _Read(None, problem=_NO_YEAR, span=span)
    if groups["half"] is not None:
        return _day(year, 12 if groups["half"] == "下半年" else 6, None, None, span)
    if groups["q"] is not None or groups["qq"] is not None:
        quarter = int(groups["q"] or groups["qq"])
        if not 1 <= quarter <= 4:
            return _Read(None, problem=_NOT_A_DATE, span=span)
        return _day(year, quarter * 3, None, None, span)
    if groups["m"] is not None:
        return _day(year, int(groups["m"]), groups["d"], groups["mpart"], span)
    return _day(year, 12, None, None, span)


def _day(year: int, month: int, day: str | None, part: str | None, span: tuple[int, int]) -> _Read:
    """The day named, or the last day of the month (the 10th or 20th for 上旬 / 初, 中旬)."""
    if day is not None:
        number = int(day)
    elif part in ("上旬", "初"):
        number = 10
    elif part == "中旬":
        number = 20
    else:
        number = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
    try:
        return _Read(date(year, month, number), year=year)
    except ValueError:
        return _Read(None, problem=_NOT_A_DATE, span=span)
