"""Reading workbooks (.xlsx, .xlsm, .xls, .ods via python-calamine) and CSV files into rows.

CSV files come in whatever encoding the spreadsheet program saved them in: UTF-8 (with or
without a byte-order mark) is read directly; anything else (GBK/GB18030 from a Chinese
Excel, UTF-16 "Unicode text", Big5) goes through `baiqianwan.textclean.decode`, which says
which encoding it found or why none fits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from baiqianwan.tabular.errors import TableInputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv",)
# A CSV file of a million units by fifty indicators is well under this.
MAX_CSV_BYTES = 1024 * 1024 * 1024
FIRST = ""  # the key of the first sheet in what `sheets_read` returns
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class Sheet:
    """One table of cells as read, with the name used in messages (``Sheet1``)."""

    name: str
    rows: list[list[Any]]


def sheets_read(path: Path, *, wanted: Sequence[str] = ()) -> dict[str, Sheet]:
    """The first sheet (key ``""``) and any of the `wanted` sheets present, by name.

    A CSV file is one sheet named after the file.

    Raises
    ------
    TableInputError
        For a missing file, an unknown suffix, or a file that cannot be read.
    """
    if not path.exists():
        raise TableInputError("no such file", sheet=str(path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise TableInputError(_too_large(path.stat().st_size), sheet=str(path))
        return {FIRST: Sheet(name=path.name, rows=csv_rows(path.read_bytes(), name=path.name))}
    if suffix not in WORKBOOK_SUFFIXES:
        raise TableInputError("expected .xlsx, .xls, .ods or .csv", sheet=str(path))
    return _workbook_sheets(str(path), label=str(path), wanted=wanted)


def sheets_from_bytes(*, data: bytes, name: str, wanted: Sequence[str] = ()) -> dict[str, Sheet]:
    """As `sheets_read`, for an uploaded file: its bytes and its name (for the suffix)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        if len(data) > MAX_CSV_BYTES:
            raise TableInputError(_too_large(len(data)), sheet=name)
        return {FIRST: Sheet(name=name, rows=csv_rows(data, name=name))}
    if suffix not in WORKBOOK_SUFFIXES:
        raise TableInputError("expected .xlsx, .xls, .ods or .csv", sheet=name)
    return _workbook_sheets(io.BytesIO(data), label=name, wanted=wanted)


def _workbook_sheets(
    source: str | io.BytesIO, *, label: str, wanted: Sequence[str]
) -> dict[str, Sheet]:
    from python_calamine import CalamineWorkbook  # imported here: CSV input needs none of it

    try:
        if isinstance(source, str):
            book = CalamineWorkbook.from_path(source)
        else:
            book = CalamineWorkbook.from_filelike(source)
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        raise TableInputError(f"cannot be read as a spreadsheet ({exc})", sheet=label) from None
    names = list(book.sheet_names)
    if not names:
        raise TableInputError("the workbook has no sheets", sheet=label)
    sheets = {}
    for key, name in [(FIRST, names[0]), *((w, w) for w in wanted if w in names)]:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets[key] = Sheet(name=name, rows=[list(row) for row in rows])
    return sheets


def csv_rows(data: bytes, *, name: str) -> list[list[Any]]:
    """The rows of a CSV file in any encoding `textclean.decode` reads.

    Raises
    ------
    TableInputError
        For binary data or bytes in no known encoding, naming the file.
    """
    if not data.strip():
        return []
    text = _utf8(data)
    if text is None:
        text = _decoded(data, name=name)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def _utf8(data: bytes) -> str | None:
    """The text if it is UTF-8 without NUL bytes (UTF-16 text of ASCII has them).

    The common case, read without importing the text-cleaning package and its dictionaries.
    """
    if b"\x00" in data:
        return None
    try:
        return data.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decoded(data: bytes, *, name: str) -> str:
    from baiqianwan.textclean.decode import bytes_decode
    from baiqianwan.textclean.errors import IntakeErrorCode, IntakeInputError

    try:
        return bytes_decode(data=data, limit=MAX_CSV_BYTES).text
    except IntakeInputError as exc:
        if exc.code is IntakeErrorCode.BINARY:
            message = "this is not a CSV text file; save it as CSV (UTF-8) or .xlsx"
        elif exc.code is IntakeErrorCode.TOO_LARGE:
            message = _too_large(len(data))
        else:
            message = (
                "the text is in no known encoding (UTF-8, UTF-16, GB18030/GBK or Big5); "
                "save it as CSV (UTF-8)"
            )
        raise TableInputError(message, sheet=name) from None


def _too_large(size: int) -> str:
    return f"{size:,} bytes, more than the {MAX_CSV_BYTES:,} bytes a CSV file may have"
