"""Reading a filled template back (`workbook_read`) and comparing it with what is stored
(`preview_diff`): the pure half of an upload, no writes. `uploads.py` keeps the Upload.

Before anything is parsed, the file is checked as a zip (`package_check`): its size, the
number of its parts, their total uncompressed size and each part's compression ratio (zip
bombs), and every XML part is read once, streamed, for DTD and entity declarations (XML
bombs; Excel never writes them) — which also checks each part's real size against its
declared one (a part that lies fails its CRC). Only then does python-calamine read the cells.

The stamp on the hidden sheet must name this template format, data set (and its indicator
list), period and scope. The data sheet's XML is scanned for what calamine does not report:
formula cells (their cached value is stored only when it is a plain number), merged cells and
hidden rows in the data area. Every problem is reported by sheet!cell, all at once, capped.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from baiqianwan.core.problems import InputError
from baiqianwan.indicators.cells import CellProblem, cell_value
from baiqianwan.indicators.models import DataSet, Indicator, Period
from baiqianwan.indicators.workbook import (
    CODE_ROW,
    FIRST_DATA_ROW,
    FORMAT_VERSION,
    STAMP_MARK,
    STAMP_SHEET,
    entered_indicators,
    indicators_hash,
    template_units,
)
from baiqianwan.tabular.cells import column_letter
from baiqianwan.units.models import Unit

# A workbook of every village of Guangdong by 40 indicators is about 20 MB.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
# Zip-bomb limits: the parts' total uncompressed size, their number, and one part's ratio
# (Excel's XML compresses 5–30 times; a bomb, thousands of times).
MAX_UNCOMPRESSED_BYTES = 768 * 1024 * 1024
MAX_PARTS = 2000
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
# How many problems an upload lists; the rest are counted.
PROBLEMS_SHOWN = 200
_CHUNK = 1024 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s")
_CELL_REF = re.compile(rb'\sr="([A-Z]+)([0-9]+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\s[^>]*>")
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')
_HIDDEN = re.compile(rb'\shidden="(?:1|true)"')
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class WorkbookRefused(InputError):
    """The file is not a workbook we read at all (not the template, a bomb, too large)."""


@dataclass
class Problems:
    """Every problem of a workbook, the first `PROBLEMS_SHOWN` by text."""

    shown: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, text: str) -> None:
        self.count += 1
        if len(self.shown) < PROBLEMS_SHOWN:
            self.shown.append(text)


@dataclass
class WorkbookValues:
    """What a template held: one row per unit, one column per entered indicator; NaN is
    missing. `rows` are the sheet's row numbers (1-based) of the units."""

    sheet: str
    unit_ids: NDArray[np.int64]
    rows: NDArray[np.int64]
    indicator_ids: NDArray[np.int64]
    values: NDArray[np.float64]
    problems: Problems

    @property
    def cell_count(self) -> int:
        return int(self.values.size)


def _refuse(message: str) -> WorkbookRefused:
    return WorkbookRefused(message, field="file")


def _not_template() -> WorkbookRefused:
    return _refuse(
        _(
            "This file is not the platform's template for this data set: download the "
            "template, fill it in and upload that."
        )
    )


def package_check(data: bytes) -> dict[str, bytes]:
    """Refuse what is too large, not a zip, a zip bomb or carries an XML bomb; return the
    small parts the reader needs (workbook, its relationships) and every worksheet's XML."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("The file is %(size)d MB; at most %(limit)d MB is accepted.")
            % {"size": len(data) // 2**20, "limit": MAX_UPLOAD_BYTES // 2**20}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_template() from None
    if len(entries) > MAX_PARTS:
        raise _refuse(
            _("The file has %(count)d parts; it is not a workbook.") % {"count": len(entries)}
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            _("The file unpacks to %(size)d MB (at most %(limit)d MB): refused as a zip bomb.")
            % {"size": total // 2**20, "limit": MAX_UNCOMPRESSED_BYTES // 2**20}
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise _refuse(
                _("The part %(part)s is compressed %(ratio)d times: refused as a zip bomb.")
                % {"part": entry.filename, "ratio": int(ratio)}
            )
    kept: dict[str, bytes] = {}
    for entry in entries:
        name = entry.filename
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        keep = name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") or (
            name.startswith("xl/worksheets/") and name.endswith(".xml")
        )
        parts: list[bytes] = []
        try:
            with archive.open(entry) as stream:
                tail = b""
                while chunk := stream.read(_CHUNK):
                    if _DTD.search(tail + chunk):
                        raise _refuse(
                            _(
                                "The part %(part)s declares a DTD or entities: refused as an "
                                "XML bomb."
                            )
                            % {"part": name}
                        )
                    tail = chunk[-16:]
                    if keep:
                        parts.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError):
            raise _refuse(_("The file is damaged (a part does not unpack).")) from None
        if keep:
            kept[name] = b"".join(parts)
    if "xl/workbook.xml" not in kept:
        raise _not_template()
    return kept


def _sheet_paths(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its XML part, from the workbook and its relationships."""
    try:
        book = ET.fromstring(parts["xl/workbook.xml"])
        rels = ET.fromstring(parts.get("xl/_rels/workbook.xml.rels", b"<r/>"))
    except ET.ParseError:
        raise _not_template() from None
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels if rel.tag.endswith("Relationship")
    }
    paths: dict[str, str] = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(_NS_REL), "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join("xl", target))
        paths[sheet.get("name", "")] = path
    return paths


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


@dataclass
class SheetMarks:
    """What the data sheet's XML says that calamine does not: formula cells (0-based row,
    column), merged ranges and hidden rows (1-based numbers)."""

    formulas: set[tuple[int, int]]
    merges: list[str]
    hidden_rows: list[int]


def sheet_marks(xml: bytes, *, first_row: int) -> SheetMarks:
    """Scan a worksheet's XML for formulas, and for merges and hidden rows from `first_row`
    (1-based) down; the cost is one pass of regular expressions, not a parse."""
    formulas: set[tuple[int, int]] = set()
    for found in _FORMULA.finditer(xml):
        # The formula's cell is the last cell opened before it (its <f> comes first inside).
        opened = [
            m.start()
            for m in _CELL_START.finditer(xml, max(0, found.start() - 2000), found.start())
        ]
        if not opened:
            continue
        ref = _CELL_REF.search(xml, opened[-1], xml.find(b">", opened[-1]))
        if ref:
            formulas.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
    merges: list[str] = []
    for found in _MERGE.finditer(xml):
        last_row = int(found.group(4) or found.group(2))
        if last_row >= first_row:
            merges.append(found.group(0).split(b'ref="')[1].rstrip(b'"').decode("ascii", "replace"))
    hidden: list[int] = []
    for tag in _ROW_TAG.finditer(xml):
        text = tag.group(0)
        if _HIDDEN.search(text):
            number = _ROW_NUMBER.search(text)
            if number and int(number.group(1)) >= first_row:
                hidden.append(int(number.group(1)))
    return SheetMarks(formulas=formulas, merges=merges, hidden_rows=hidden)


def _stamp(book: Any, names: list[str]) -> dict[str, str]:
    if STAMP_SHEET not in names:
        raise _not_template()
    rows = book.get_sheet_by_name(STAMP_SHEET).to_python(skip_empty_area=False)
    stamp = {str(row[0]).strip(): str(row[1]).strip() for row in rows if len(row) >= 2}
    if stamp.get("format") != STAMP_MARK:
        raise _not_template()
    return stamp


def stamp_check(
    stamp: dict[str, str],
    *,
    dataset: DataSet,
    period: Period,
    scope: Unit,
    indicators: list[Indicator],
) -> None:
    """Refuse a stamp of an older format, or made for another data set, period or scope,
    naming what differs."""
    if stamp.get("version") != FORMAT_VERSION:
        raise _refuse(
            _(
                "This workbook was made from an older template (format %(old)s; the current "
                "one is %(new)s). Download the template again and copy the values into it."
            )
            % {"old": stamp.get("version") or "?", "new": FORMAT_VERSION}
        )
    differs: list[str] = []
    if stamp.get("dataset") != dataset.code:
        differs.append(
            _("data set %(found)s, not %(wanted)s")
            % {"found": stamp.get("dataset"), "wanted": dataset.code}
        )
    if stamp.get("period") != period.code:
        differs.append(
            _("period %(found)s, not %(wanted)s")
            % {"found": stamp.get("period"), "wanted": period.code}
        )
    if stamp.get("scope") != scope.code:
        differs.append(
            _("area %(found)s, not %(wanted)s (%(name)s)")
            % {"found": stamp.get("scope"), "wanted": scope.code, "name": scope.name}
        )
    if differs:
        raise _refuse(
            _("This workbook is the template of another report: %(what)s.")
            % {"what": "; ".join(differs)}
        )
    if stamp.get("indicators") != indicators_hash(indicators):
        raise _refuse(
            _(
                "The indicators of %(dataset)s changed since this template was made; download "
                "the template again."
            )
            % {"dataset": dataset.name}
        )


def _unit_code(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def workbook_read(*, data: bytes, dataset: DataSet, period: Period, scope: Unit) -> WorkbookValues:
    """Read a filled template of `dataset`, `period` and `scope` (see the module docstring).

    Raises `WorkbookRefused` for a file that is not that template at all; problems of its
    cells are collected in the result's `problems`, every one by sheet!cell.
    """
    from python_calamine import CalamineWorkbook

    parts = package_check(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several unrelated types for unreadable files
        raise _not_template() from None
    names = list(book.sheet_names)
    stamp = _stamp(book, names)
    indicators = entered_indicators(dataset)
    stamp_check(stamp, dataset=dataset, period=period, scope=scope, indicators=indicators)
    sheet = stamp.get("sheet", "")
    if sheet not in names:
        raise _refuse(_("The sheet %(sheet)s is missing.") % {"sheet": sheet})
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    problems = Problems()
    xml = parts.get(_sheet_paths(parts).get(sheet, ""), b"")
    marks = sheet_marks(xml, first_row=FIRST_DATA_ROW + 1)
    for ref in marks.merges:
        problems.add(
            _("%(sheet)s!%(ref)s: merged cells in the data area; unmerge them")
            % {"sheet": sheet, "ref": ref}
        )
    for number in marks.hidden_rows:
        problems.add(
            _("%(sheet)s!%(row)d: hidden row in the data area; show it or delete its values")
            % {"sheet": sheet, "row": number}
        )
    columns = _indicator_columns(rows, sheet=sheet, indicators=indicators, problems=problems)
    units = {
        code: (pk, name)
        for pk, code, name in template_units(dataset=dataset, period=period, scope=scope)
    }
    return _values(
        rows,
        sheet=sheet,
        columns=columns,
        indicators=indicators,
        units=units,
        scope=scope,
        formulas=marks.formulas,
        problems=problems,
    )


def _indicator_columns(
    rows: list[list[Any]], *, sheet: str, indicators: list[Indicator], problems: Problems
) -> list[int]:
    """The column of each indicator, found by its code in the code row."""
    header = rows[CODE_ROW] if len(rows) > CODE_ROW else []
    where = {str(value).strip(): col for col, value in enumerate(header) if value not in (None, "")}
    columns: list[int] = []
    for ind in indicators:
        if ind.code not in where:
            raise _refuse(
                _("%(sheet)s row %(row)d: the column of %(code)s (%(name)s) is missing.")
                % {"sheet": sheet, "row": CODE_ROW + 1, "code": ind.code, "name": ind.name}
            )
        columns.append(where[ind.code])
    return columns


def _quoted(indicator: Indicator, raw: Any, problem: CellProblem) -> CellProblem:
    """The problem quoting a whole number as typed (120, not the 120.0 calamine reads)."""
    if isinstance(raw, float) and raw.is_integer():
        try:
            cell_value(indicator, int(raw))
        except CellProblem as again:
            return again
    return problem


def _values(
    rows: list[list[Any]],
    *,
    sheet: str,
    columns: list[int],
    indicators: list[Indicator],
    units: dict[str, tuple[int, str]],
    scope: Unit,
    formulas: set[tuple[int, int]],
    problems: Problems,
) -> WorkbookValues:
    letters = [column_letter(col) for col in columns]
    seen: dict[str, int] = {}
    unit_ids: list[int] = []
    row_numbers: list[int] = []
    matrix: list[list[float]] = []
    nan = float("nan")
    for index in range(FIRST_DATA_ROW, len(rows)):
        row = rows[index]
        number = index + 1
        raw_code = row[0] if row else None
        code = _unit_code(raw_code)
        cells = [row[col] if col < len(row) else None for col in columns]
        if not code:
            if any(cell not in (None, "") for cell in cells):
                problems.add(
                    _("%(sheet)s!A%(row)d: values without a unit code")
                    % {"sheet": sheet, "row": number}
                )
            continue
        found = units.get(code)
        if found is None:
            problems.add(
                _("%(sheet)s!A%(row)d: %(code)s is not a unit of %(scope)s that reports here")
                % {"sheet": sheet, "row": number, "code": code, "scope": scope.name}
            )
            continue
        if code in seen:
            problems.add(
                _("%(sheet)s!A%(row)d: %(code)s %(name)s is given again (first on row %(first)d)")
                % {
                    "sheet": sheet,
                    "row": number,
                    "code": code,
                    "name": found[1],
                    "first": seen[code],
                }
            )
            continue
        seen[code] = number
        values = [nan] * len(columns)
        for offset, raw in enumerate(cells):
            if (index, columns[offset]) in formulas and (
                isinstance(raw, bool) or not isinstance(raw, int | float)
            ):
                problems.add(
                    _(
                        "%(sheet)s!%(cell)s: a formula whose result is not a plain number; enter "
                        "the value"
                    )
                    % {"sheet": sheet, "cell": f"{letters[offset]}{number}"}
                )
                continue
            if raw is None or raw == "":
                continue
            try:
                value = cell_value(indicators[offset], raw)
            except CellProblem as problem:
                quoted = _quoted(indicators[offset], raw, problem)
                problems.add(f"{sheet}!{letters[offset]}{number}: {quoted}")
                continue
            if value is not None:
                values[offset] = value
        unit_ids.append(found[0])
        row_numbers.append(number)
        matrix.append(values)
    return WorkbookValues(
        sheet=sheet,
        unit_ids=np.array(unit_ids, dtype=np.int64),
        rows=np.array(row_numbers, dtype=np.int64),
        indicator_ids=np.array([ind.pk for ind in indicators], dtype=np.int64),
        values=np.array(matrix, dtype=np.float64).reshape(len(unit_ids), len(indicators)),
        problems=problems,
    )


@dataclass
class Diff:
    """What storing the workbook would do, against the stored values."""

    new: int
    changed: int
    unchanged: int
    cleared: int
    # (unit id, indicator id, old, new) of the cells that change, by unit then column
    changes: list[tuple[int, int, float | None, float | None]]
    # unit ids whose values change
    touched: NDArray[np.int64]

    def summary(self) -> dict[str, int]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "cleared": self.cleared,
        }


def preview_diff(
    found: WorkbookValues, existing: dict[tuple[int, int], float], *, shown: int
) -> Diff:
    """Compare the workbook's values with `existing` ((unit id, indicator id) → value),
    vectorised: counts of new / changed / unchanged / cleared, and the first `shown` changes."""
    old = np.full(found.values.shape, np.nan)
    unit_index = {int(u): i for i, u in enumerate(found.unit_ids)}
    ind_index = {int(k): j for j, k in enumerate(found.indicator_ids)}
    for (unit_id, indicator_id), value in existing.items():
        i = unit_index.get(unit_id)
        j = ind_index.get(indicator_id)
        if i is not None and j is not None:
            old[i, j] = value
    new = found.values
    old_missing = np.isnan(old)
    new_missing = np.isnan(new)
    added = old_missing & ~new_missing
    cleared = ~old_missing & new_missing
    changed = ~old_missing & ~new_missing & (old != new)
    moved = added | cleared | changed
    changes: list[tuple[int, int, float | None, float | None]] = []
    for i, j in zip(*np.nonzero(moved), strict=True):
        if len(changes) >= shown:
            break
        changes.append(
            (
                int(found.unit_ids[i]),
                int(found.indicator_ids[j]),
                None if old_missing[i, j] else float(old[i, j]),
                None if new_missing[i, j] else float(new[i, j]),
            )
        )
    moved_count = int(moved.sum())
    return Diff(
        new=int(added.sum()),
        changed=int(changed.sum()),
        unchanged=int(new.size - moved_count),
        cleared=int(cleared.sum()),
        changes=changes,
        touched=found.unit_ids[moved.any(axis=1)] if new.size else found.unit_ids[:0],
    )
