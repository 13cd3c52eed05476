"""Cells as a spreadsheet shows them: blanks, text, numbers and column letters."""

from __future__ import annotations

import math
import re
from typing import Any

from baiqianwan.analysis._validation import BENEFIT_WORDS, COST_WORDS
from baiqianwan.tabular.errors import TableInputError

# What a spreadsheet reads as a number; Python's float() also takes 1_000, inf, nan and １２.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Meant as a number, even if badly written (12,3; 1_000; 35%): such a column is an indicator.
NUMBER_LIKE = re.compile(
    r"[+-]?[0-9.,_\s]*[0-9][0-9.,_\s]*(?:[eE][+-]?[0-9]+)?%?|[+-]?(?:inf|infinity|nan)",
    re.IGNORECASE,
)
# Far beyond any measurement, and squares, products with weights and sums stay finite.
NUMBER_LIMIT = 1e50
# Directions an unlabelled row may hold; 1 and -1 count only in a row labelled 方向/direction.
DIRECTION_WORDS = frozenset(w for w in BENEFIT_WORDS | COST_WORDS if not NUMBER.fullmatch(w))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_blank(value: Any) -> bool:
    """Whether a cell is empty or holds only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without their ``.0`` (a code read as 441224.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_at(row: list[Any], j: int) -> Any:
    """The cell in column `j`; rows of CSV files end at their last filled cell."""
    return row[j] if j < len(row) else None


def cell_number(value: Any, *, sheet: str, row: int | None, column: str | None) -> float:
    """A cell as a float: NaN when blank.

    Refuses what a spreadsheet would not read as a number (``12,3``, ``1_000``, ``inf``,
    ``nan``, full-width digits, ``True``) and magnitudes beyond `NUMBER_LIMIT`, naming the
    cell.
    """
    if isinstance(value, bool):
        raise TableInputError(f"{value!r} is not a number", sheet=sheet, row=row, column=column)
    if isinstance(value, int | float):
        number, shown = float(value), f"{value:g}"
    elif cell_blank(value):
        return math.nan
    else:
        shown = str(value).strip()
        if not NUMBER.fullmatch(shown):
            raise TableInputError(f"{shown!r} is not a number", sheet=sheet, row=row, column=column)
        number = float(shown)
    if not abs(number) <= NUMBER_LIMIT:
        raise TableInputError(
            f"{shown!r} is out of range (numbers must be within ±{NUMBER_LIMIT:g})",
            sheet=sheet,
            row=row,
            column=column,
        )
    return number


def cell_number_like(value: Any) -> bool:
    """Whether a cell is, or was meant as, a number (``12,3`` and ``35%`` too)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and NUMBER_LIKE.fullmatch(value.strip()) is not None
