"""Excel exports as headquarters staff expect them: bold frozen header, widths that fit.

Text from the register, the audit trail or a pasted policy text is data, never a formula
(OWASP "CSV injection"). Every text is written as a string cell (`write_string`, never the
guessing `write`), in the Text number format ``@``; a text that a spreadsheet would read as
a formula when typed (it starts with ``= + - @``, their full-width forms, a tab or a carriage
return) also carries the quotePrefix style, Excel's own mark of a cell typed with a leading
apostrophe. The value stays exactly the text (no apostrophe is added to it), and Excel and
WPS keep the cell text when a user opens it for editing and presses Enter.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

# Excel's own limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")

# OWASP's list of characters that start a formula, with the full-width forms that Excel's
# East Asian input also takes as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# Cell formats: Excel's built-in Text format (number format 49, ``@``) for every string,
# and quotePrefix on the formula-like ones.
TEXT_FORMAT = 49
TEXT = {"num_format": TEXT_FORMAT}
GUARDED_TEXT = {"num_format": TEXT_FORMAT, "quote_prefix": True}


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula if it were typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def sheet_name(name: str) -> str:
    """A sheet name that Excel accepts: refused characters replaced, at most 31 long."""
    cleaned = _SHEET_NAME_REFUSED.sub("_", name).strip("'")[:SHEET_NAME_MAX]
    return cleaned or "Sheet1"


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def columns_filled(
    headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows without the columns that are empty in every row.

    A column that nothing fills (城乡分类 before any data is loaded) only makes a reader
    wonder; it comes back by itself once a row has a value.
    """
    keep = [col for col in range(len(headers)) if any(row[col] not in (None, "") for row in rows)]
    return [headers[col] for col in keep], [[row[col] for col in keep] for row in rows]


def xlsx_from_rows(
    *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], note: str = ""
) -> bytes:
    """One sheet; codes and other text stay text (never numbers that lose leading zeros,
    never formulas)."""
    return xlsx_from_tables([(sheet, headers, rows)], note=note)


def xlsx_from_tables(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], *, note: str = ""
) -> bytes:
    """One sheet per (title, headers, rows), each as `xlsx_from_rows` writes its one; `note`
    goes above the first sheet's header."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, **TEXT}),
        "text": book.add_format(TEXT),
        "guarded": book.add_format(GUARDED_TEXT),
    }
    for number, (sheet, headers, rows) in enumerate(tables):
        _sheet_write(book, formats, sheet, headers, rows, note if number == 0 else "")
    book.close()
    return buffer.getvalue()


def _sheet_write(
    book: xlsxwriter.Workbook,
    formats: dict[str, Any],
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    note: str,
) -> None:
    ws = book.add_worksheet(sheet_name(sheet))
    head, text, guarded = formats["head"], formats["text"], formats["guarded"]
    widths = [_width(h) for h in headers]
    first_row = 0
    if note:
        ws.write_string(0, 0, note, guarded if formula_like(note) else text)
        first_row = 1
    for col, header in enumerate(headers):
        ws.write_string(first_row, col, header, head)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None:
                ws.write_blank(first_row + count, col, None)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(first_row + count, col, value)
            else:
                shown = str(value)
                style = guarded if formula_like(shown) else text
                ws.write_string(first_row + count, col, shown, style)
            widths[col] = max(widths[col], _width(value))
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(max(width + 2, 8), 60))
    ws.freeze_panes(first_row + 1, 0)
    if count:
        ws.autofilter(first_row, 0, first_row + count, len(headers) - 1)
