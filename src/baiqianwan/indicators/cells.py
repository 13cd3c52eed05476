"""What a typed or uploaded cell means for an indicator: one reading for the web form, the
Excel upload, the CSV and the API. No Django models are touched.

- Missing is missing: a blank cell, 「—」, 「-」, 「/」, 「无数据」 are no value, never zero.
- Digits may be full-width (「１２３４」) and grouped by thousands (「1,234」, 「1，234,567.5」);
  a comma anywhere else (「12,3」, a decimal comma) is refused, never guessed.
- A percentage may carry its sign (「35%」 is 35); yes/no takes 是/否, 有/无, Y/N, 1/0.
- Integers and counts must be whole; counts, yes/no and percentages have their ranges, and an
  indicator's own smallest and largest valid values apply.
- Dates, booleans from a spreadsheet and formulas are refused.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from django.utils.translation import gettext as _

MISSING = frozenset({"", "—", "——", "-", "--", "/", "／", "－", "无数据", "n/a", "na", "N/A"})
YES = frozenset({"是", "有", "y", "yes", "1", "√", "✓", "true"})
NO = frozenset({"否", "无", "n", "no", "0", "×", "false"})
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％　", "0123456789.,-+% ")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\Z")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
# Far beyond any measurement; squares and sums of such values stay finite.
LIMIT = 1e15


class IndicatorLike(Protocol):
    value_type: str
    minimum: float | None
    maximum: float | None


class CellProblem(ValueError):
    """A cell that is not a value of its indicator; the message quotes the cell."""


def _shown(raw: Any) -> str:
    return str(raw).strip()


def cell_missing(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and raw.strip().translate(_FULL_WIDTH).strip() in MISSING


def _number(raw: Any, *, percent: bool) -> float:
    if isinstance(raw, bool):
        raise CellProblem(_("%(cell)r is not a number") % {"cell": _shown(raw)})
    if isinstance(raw, datetime | date | time | timedelta):
        raise CellProblem(_("%(cell)r is a date or time, not a number") % {"cell": _shown(raw)})
    if isinstance(raw, int | float):
        return float(raw)
    text = _shown(raw).translate(_FULL_WIDTH).replace(" ", "")
    if text.startswith("="):
        raise CellProblem(_("%(cell)r is a formula; enter its value") % {"cell": _shown(raw)})
    if percent and text.endswith("%"):
        text = text[:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        raise CellProblem(_("%(cell)r is not a number") % {"cell": _shown(raw)})
    return float(text)


def cell_value(indicator: IndicatorLike, raw: Any) -> float | None:
    """The value of `raw` for `indicator` (None for missing), or `CellProblem`."""
    if cell_missing(raw):
        return None
    kind = indicator.value_type
    if kind == "yes_no":
        text = _shown(raw).lower().translate(_FULL_WIDTH)
        if text in {"1.0"}:
            text = "1"
        if text in {"0.0"}:
            text = "0"
        if text in YES:
            return 1.0
        if text in NO:
            return 0.0
        raise CellProblem(_("%(cell)r is not 是 or 否") % {"cell": _shown(raw)})
    value = _number(raw, percent=kind == "percent")
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise CellProblem(_("%(cell)r is out of range") % {"cell": _shown(raw)})
    if kind in {"integer", "count"} and not value.is_integer():
        raise CellProblem(_("%(cell)r is not a whole number") % {"cell": _shown(raw)})
    if kind == "count" and value < 0:
        raise CellProblem(_("%(cell)r is negative; a count is 0 or more") % {"cell": _shown(raw)})
    low = indicator.minimum
    high = indicator.maximum
    if kind == "percent":
        low = 0.0 if low is None else low
    if low is not None and value < low:
        raise CellProblem(
            _("%(cell)r is below the smallest valid value %(low)g")
            % {"cell": _shown(raw), "low": low}
        )
    if high is not None and value > high:
        raise CellProblem(
            _("%(cell)r is above the largest valid value %(high)g")
            % {"cell": _shown(raw), "high": high}
        )
    return value


def value_shown(indicator: IndicatorLike, value: float | None, decimals: int = 2) -> str:
    """A stored value as a cell shows it: 是/否 for yes/no, whole numbers without decimals."""
    if value is None:
        return ""
    if indicator.value_type == "yes_no":
        return _("yes") if value else _("no")
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.{decimals}f}"
    # Trailing zeros of the decimals go (12.50 → 12.5); those of a whole number stay (20).
    return text.rstrip("0").rstrip(".") if "." in text else text
