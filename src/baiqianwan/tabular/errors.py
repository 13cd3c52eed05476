"""The one exception the spreadsheet reader raises, naming where the bad input is."""

from __future__ import annotations

from typing import TypedDict


class Where(TypedDict):
    """A cell's place, to pass on as keywords: ``cell_number(value, **where)``."""

    sheet: str
    row: int | None
    column: str | None


class TableInputError(ValueError):
    """Input that cannot be read as a table of units and indicators.

    ``str(error)`` is one line for a person, led by the place (``Sheet1!C4: '12,3' is not a
    number``); the parts are kept apart so that a page can show them in its own layout.

    Parameters
    ----------
    message : str
        What is wrong, without the place.
    sheet : str
        The sheet (or file) name; empty when the error concerns no sheet.
    row : int or None
        The 1-based row number, as a spreadsheet shows it.
    column : str or None
        The column letter (``C``), as a spreadsheet shows it.
    """

    def __init__(
        self, message: str, *, sheet: str = "", row: int | None = None, column: str | None = None
    ) -> None:
        self.message = message
        self.sheet = sheet
        self.row = row
        self.column = column
        super().__init__(f"{self.where}: {message}" if self.where else message)

    @property
    def where(self) -> str:
        """``Sheet1!C4``, ``Sheet1!C``, ``Sheet1 row 4`` or ``Sheet1``: the place in the form
        spreadsheet users write it."""
        if self.column is not None:
            return f"{self.sheet}!{self.column}{self.row if self.row is not None else ''}"
        if self.row is not None:
            return f"{self.sheet} row {self.row}"
        return self.sheet
