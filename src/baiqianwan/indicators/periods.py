"""Period codes as DHIS2 writes them: 2024 (year), 2024S1 (half), 2024Q3 (quarter), 202405
(month). No Django.

>>> span = period_parse("2024q3")
>>> span.code, span.type, str(span.start), str(span.end)
('2024Q3', 'quarter', '2024-07-01', '2024-09-30')
>>> period_previous("2024Q1"), period_previous("2024"), period_previous("202401")
('2023Q4', '2023', '202312')
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_FORMS = (
    (re.compile(r"(\d{4})\Z"), "year"),
    (re.compile(r"(\d{4})S([12])\Z"), "half"),
    (re.compile(r"(\d{4})Q([1-4])\Z"), "quarter"),
    (re.compile(r"(\d{4})(0[1-9]|1[0-2])\Z"), "month"),
)
# Months in one period of each type.
MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class PeriodSpan:
    code: str
    type: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_parse(code: str) -> PeriodSpan:
    """The type and dates of a period code; `PeriodError` names a code that is none."""
    code = (code or "").strip().upper()
    # 2025-03, as people write a month, is DHIS2's 202503.
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", code):
        code = code.replace("-", "")
    for pattern, kind in _FORMS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match.group(1))
        if not 1900 <= year <= 2200:
            break
        index = int(match.group(2)) if kind != "year" else 1
        first_month = (index - 1) * MONTHS[kind] + 1
        last_month = first_month + MONTHS[kind] - 1
        return PeriodSpan(
            code=code,
            type=kind,
            start=date(year, first_month, 1),
            end=_month_end(year, last_month),
        )
    raise PeriodError(f"{code!r} is not a period (write 2024, 2024S1, 2024Q3 or 202405)")


def period_code(kind: str, year: int, index: int = 1) -> str:
    """The code of the `index`-th period of `kind` in `year` (index 1 for a year)."""
    if kind == "year":
        return f"{year}"
    if kind == "half":
        return f"{year}S{index}"
    if kind == "quarter":
        return f"{year}Q{index}"
    return f"{year}{index:02d}"


def period_shift(code: str, steps: int) -> str:
    """The period `steps` periods after (negative: before) `code`, of the same type."""
    span = period_parse(code)
    months = MONTHS[span.type]
    per_year = 12 // months
    ordinal = span.start.year * per_year + (span.start.month - 1) // months + steps
    year, index = divmod(ordinal, per_year)
    return period_code(span.type, year, index + 1)


def period_previous(code: str) -> str:
    return period_shift(code, -1)


def period_same_last_year(code: str) -> str:
    """The same period a year before (2024Q3 → 2023Q3): the year-on-year comparison."""
    span = period_parse(code)
    return period_shift(code, -(12 // MONTHS[span.type]))
