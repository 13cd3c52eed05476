"""Excel exports as headquarters staff expect them: bold frozen header, widths that fit."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter

# Excel's own limit on a sheet name.
SHEET_NAME_MAX = 31


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def xlsx_from_rows(
    *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], note: str = ""
) -> bytes:
    """One sheet; codes and other text stay text (never numbers that lose leading zeros)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    ws = book.add_worksheet(sheet[:SHEET_NAME_MAX])
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    widths = [_width(h) for h in headers]
    first_row = 0
    if note:
        ws.write(0, 0, note)
        first_row = 1
    ws.write_row(first_row, 0, headers, head)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(first_row + count, col, value, text)
            elif value is None:
                ws.write_blank(first_row + count, col, None)
            else:
                ws.write(first_row + count, col, value)
            widths[col] = max(widths[col], _width(value))
    for col, width in enumerate(widths):
        ws.set_column(col, col, min(max(width + 2, 8), 60))
    ws.freeze_panes(first_row + 1, 0)
    if count:
        ws.autofilter(first_row, 0, first_row + count, len(headers) - 1)
    book.close()
    return buffer.getvalue()
