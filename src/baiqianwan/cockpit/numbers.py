"""Numbers the Chinese way, in one place: the cockpit's pages, its Excel notes and its
scripts (`static/cockpit/numbers.js` applies the same rules; a test compares the two).

The rules, for a value and its unit of measure:

- a percentage (measure ``%``) has one decimal: ``35.2%``;
- an amount of 100,000 or more in its base unit (元, 人, 吨, or no unit) is shown in 万 with
  one decimal, and of 10^8 or more in 亿: 12,345,678 元 → ``1234.6 万元``, 3.2×10^8 元 →
  ``3.2 亿元``; a measure that already counts in 万 or 亿 (万元, 亿元, 万人) is converted the
  same way from its base (15 万元 → ``15.0 万元``, 27,925.1 万元 → ``2.8 亿元``);
- anything smaller keeps its measure, with thousands separators and the indicator's
  decimals: ``24,516 元``, ``1.83``;
- a scaled number of 10,000 or more (a province's GDP in 亿元) gets separators too;
- a rate or ratio measure (with ``/``) is never scaled.

Rounding is half away from zero on the exact binary value, as JavaScript's ``toFixed``
rounds, so the page and the server never disagree on a last digit.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

# Prefixes of a measure that already count in 万 or 亿.
PREFIXES = {"万": 10_000.0, "亿": 100_000_000.0}
# From this many base units on, a number is shown in 万 (below it, with separators).
WAN_FROM = 100_000.0
YI_FROM = 100_000_000.0
MISSING = "—"
# Enough digits for any float written out in full.
_EXACT = Context(prec=400)


def fixed(value: float, decimals: int) -> str:
    """`value` with `decimals` digits after the point, rounded half away from zero on its
    exact value (JavaScript's ``toFixed``)."""
    quantum = Decimal(1).scaleb(-decimals)
    # -0.0 shows as 0 (as in JavaScript); -0.04 keeps its sign: "-0.0".
    return str(
        Decimal(value + 0.0 if value else 0.0).quantize(
            quantum, rounding=ROUND_HALF_UP, context=_EXACT
        )
    )


def grouped(text: str) -> str:
    """A fixed-point number with thousands separators in its whole part."""
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    parts: list[str] = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    return sign + ",".join(parts) + dot + fraction


def measure_split(measure: str) -> tuple[float, str]:
    """A measure's multiple of its base unit and the base: 万元 → (10^4, 元), 元 → (1, 元)."""
    if measure[:1] in PREFIXES and len(measure) > 1:
        return PREFIXES[measure[0]], measure[1:]
    return 1.0, measure


def number_cn(value: float | None, measure: str = "", decimals: int | None = None) -> str:
    """`value` in `measure` as a Chinese reader expects it (see the module docstring);
    "—" for no value. `decimals` is the indicator's (default: 0 for a whole number, else 2)."""
    if value is None or not math.isfinite(value):
        return MISSING
    if measure == "%":
        return grouped(fixed(value, 1)) + "%"
    multiple, base = measure_split(measure)
    amount = value * multiple
    if "/" not in measure and abs(amount) >= WAN_FROM:
        scale, prefix = (YI_FROM, "亿") if abs(amount) >= YI_FROM else (PREFIXES["万"], "万")
        scaled = fixed(amount / scale, 1)
        shown = grouped(scaled) if abs(amount / scale) >= 10_000 else scaled
        return f"{shown} {prefix}{base}".rstrip()
    places = decimals if decimals is not None else (0 if float(value).is_integer() else 2)
    shown = grouped(fixed(value, places))
    return f"{shown} {measure}".rstrip() if measure else shown


__all__ = ["MISSING", "fixed", "grouped", "measure_split", "number_cn"]
