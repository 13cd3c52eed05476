"""The Excel template of a data set, period and scope: download, fill (in Excel or WPS), upload.

The workbook has three sheets:

- the data sheet, named after the level (村级报表): a title row, then the header rows, locked
  by worksheet protection — the dimensions merged over their indicators, the indicators'
  names, their codes and their units of measure — then one row per unit expected to report
  (the scope's units of the data set's level), with the unit's code as text, its name (and
  town and county for villages), and one unlocked input cell per entered indicator, with the
  number format of its value type and a 是/否 list for yes/no. Computed indicators are left
  out: they are never entered. Existing values are filled in, so an upload of the template as
  downloaded changes nothing.
- 说明: how to fill it, what counts as missing, what is accepted, the period's window.
- a hidden sheet with the version stamp (`STAMP_SHEET`): the template format, the data set
  and a hash of its indicator list, the period, the scope and when it was made. The upload
  (`baiqianwan.indicators.upload`) refuses a workbook without it or made for something else.

Only plain features that WPS reads as Excel does: no macros, tables, conditional formats or
formulas. Every text goes through `core.excel`'s formula-injection guard.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.core.batches import chunks
from baiqianwan.core.excel import GUARDED_TEXT, TEXT, formula_like, sheet_name
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.choices import ValueType
from baiqianwan.indicators.models import CollectionWindow, DataSet, Indicator, Period
from baiqianwan.indicators.selectors import dataset_indicators, expected_units, units_valid_on
from baiqianwan.indicators.values import values_existing
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# Raised whenever the layout or the stamp changes: an upload of an older format is refused.
FORMAT_VERSION = "1"
STAMP_MARK = "baiqianwan-indicators-template"
STAMP_SHEET = "bqw_stamp"
# Rows above the data: title, dimensions, names, codes, units of measure (1-based rows 1–5).
TITLE_ROW = 0
DIMENSION_ROW = 1
NAME_ROW = 2
CODE_ROW = 3
MEASURE_ROW = 4
FIRST_DATA_ROW = 5


@dataclass(frozen=True)
class Layout:
    """Where things are on the data sheet; the stamp records it, the upload reads it back."""

    sheet: str
    fixed: tuple[str, ...]  # headers of the columns before the indicators
    codes: tuple[str, ...]  # the entered indicators' codes, in column order

    @property
    def first_indicator_column(self) -> int:
        return len(self.fixed)


def entered_indicators(dataset: DataSet) -> list[Indicator]:
    """The data set's indicators that units enter (computed ones are never entered)."""
    return [ind for ind in dataset_indicators(dataset) if not ind.formula]


def indicators_hash(indicators: Sequence[Indicator]) -> str:
    """A short hash of the entered indicators and their types, in order: a template made
    before the data set changed no longer matches."""
    text = "\n".join(f"{ind.code}:{ind.value_type}" for ind in indicators)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def data_sheet_name(level: str) -> str:
    names = {
        Level.VILLAGE: _("Village report"),
        Level.TOWN: _("Town report"),
        Level.COUNTY: _("County report"),
        Level.CITY: _("City report"),
        Level.PROVINCE: _("Province report"),
    }
    return sheet_name(str(names.get(Level(level), level)))


def fixed_headers(level: str) -> tuple[str, ...]:
    """The unit columns: code and name, and the town and county a village lies in."""
    if level == Level.VILLAGE:
        return (_("Unit code"), _("Unit name"), _("Town or sub-district"), _("County"))
    if level == Level.TOWN:
        return (_("Unit code"), _("Unit name"), _("County"))
    return (_("Unit code"), _("Unit name"))


def template_units(*, dataset: DataSet, period: Period, scope: Unit) -> list[tuple[Any, ...]]:
    """(id, code, name) of the units the template has rows for: those expected to report the
    data set within `scope`, by code. Refused when there are none."""
    rows = list(
        expected_units(dataset, period, within=scope.prefix).values_list("id", "code", "name")
    )
    if not rows:
        raise InputError(
            _("No unit within %(scope)s reports %(dataset)s for %(period)s.")
            % {"scope": scope.name, "dataset": dataset.name, "period": period.code},
            field="scope",
        )
    return rows


def _place_names(period: Period, codes: Sequence[str], level: str) -> dict[str, str]:
    """Town and county names by their codes, for the rows' place columns."""
    wanted: set[str] = set()
    for code in codes:
        wanted.add(code[:6] + "000000")
        if level == Level.VILLAGE:
            wanted.add(code[:9] + "000")
    found: dict[str, str] = {}
    ordered = sorted(wanted)
    for chunk in chunks(ordered):
        found.update(units_valid_on(period.end).filter(code__in=chunk).values_list("code", "name"))
    return found


class _Formats:
    """The workbook's cell formats, each with its formula-guarded twin for text."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self._made: dict[tuple[str, bool], Any] = {}
        self.specs: dict[str, dict[str, Any]] = {
            "title": {"bold": True, "font_size": 13},
            "head": {
                "bold": True,
                "bg_color": "#E8EEF7",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            },
            "code": {"bg_color": "#F3F3F3", "border": 1, "font_color": "#555555"},
            "unit": {"border": 1, "bg_color": "#F7F7F7"},
            "text": {},
            "wrap": {"text_wrap": True, "valign": "top"},
        }

    def get(self, name: str, text: str = "") -> Any:
        guarded = formula_like(text)
        key = (name, guarded)
        if key not in self._made:
            spec = dict(self.specs[name])
            spec.update(GUARDED_TEXT if guarded else TEXT)
            self._made[key] = self.book.add_format(spec)
        return self._made[key]


def _write_text(ws: Any, row: int, col: int, text: str, formats: _Formats, name: str) -> None:
    ws.write_string(row, col, text, formats.get(name, text))


def _merge_text(
    ws: Any, first: tuple[int, int], last: tuple[int, int], text: str, formats: _Formats, name: str
) -> None:
    if first == last:
        _write_text(ws, first[0], first[1], text, formats, name)
    else:
        ws.merge_range(first[0], first[1], last[0], last[1], text, formats.get(name, text))


def _input_format(book: Any, indicator: Indicator) -> Any:
    spec: dict[str, Any] = {"locked": False, "border": 1, "border_color": "#BBBBBB"}
    if indicator.value_type == ValueType.YES_NO:
        spec.update(TEXT, align="center")
    elif indicator.value_type in (ValueType.INTEGER, ValueType.COUNT):
        spec["num_format"] = "0"
    else:
        decimals = min(int(indicator.decimals), 6)
        spec["num_format"] = "0." + "0" * decimals if decimals else "0"
    return book.add_format(spec)


def _dimension_runs(indicators: Sequence[Indicator]) -> list[tuple[int, int, str]]:
    """(first, last, name) of each run of neighbouring indicators under one dimension."""
    runs: list[tuple[int, int, str]] = []
    for index, ind in enumerate(indicators):
        name = ind.dimension.name if ind.dimension_id else ""
        if runs and runs[-1][2] == name:
            runs[-1] = (runs[-1][0], index, name)
        else:
            runs.append((index, index, name))
    return runs


def _instructions(
    book: Any, formats: _Formats, *, dataset: DataSet, period: Period, scope: Unit, data: str
) -> None:
    window = CollectionWindow.objects.filter(dataset=dataset, period=period).first()
    if window is None:
        window_line = _("This period has no collection window yet.")
    else:
        window_line = _("Open for entry from %(opens)s to %(closes)s (inclusive).") % {
            "opens": window.opens_on.isoformat(),
            "closes": window.closes_on.isoformat(),
        }
    lines = [
        _("%(dataset)s, %(period)s, %(scope)s")
        % {"dataset": dataset.name, "period": period.code, "scope": scope.name},
        window_line,
        "",
        _("How to fill this workbook"),
        _(
            "1. Enter the values on the sheet %(sheet)s, one row per unit; do not add, move or "
            "delete rows, columns or sheets."
        )
        % {"sheet": data},
        _(
            "2. Missing values are left blank, or written as — or /. A missing value is never "
            "zero: write 0 only when the value is zero."
        ),
        _(
            "3. Numbers may be written with thousands separators (1,234) and full-width digits "
            "(１２３４). A comma anywhere else (12,3) is refused: use a point for decimals."
        ),
        _(
            "4. Percentages are numbers of percent (35.2; a trailing per cent sign is "
            "allowed); yes/no cells take 是 or 否."
        ),
        _(
            "5. Enter values, not formulas: a formula cell is accepted only when its result is a "
            "plain number. Dates are refused in number cells."
        ),
        _("6. Do not merge cells or hide rows in the data area."),
        _(
            "7. Upload the workbook on the platform: you will see what would change (new, "
            "changed, unchanged, cleared) and every problem by sheet and cell before anything "
            "is stored. Clearing a filled cell removes that value."
        ),
        _(
            "8. The hidden sheet holds the template's version stamp; a workbook without it, or "
            "made for another data set, period or area, is refused."
        ),
    ]
    ws = book.add_worksheet(sheet_name(_("Instructions")))
    ws.set_column(0, 0, 110)
    for row, line in enumerate(lines):
        _write_text(ws, row, 0, line, formats, "title" if row in (0, 3) else "wrap")


def template_build(
    *, dataset: DataSet, period: Period, scope: Unit, now: datetime | None = None
) -> bytes:
    """The filled template of `dataset` for `period` and the units of `scope` (see the
    module's docstring). Refused (InputError) when the period is not of the data set's
    type or no unit within the scope reports it."""
    if period.type != dataset.period_type:
        raise InputError(
            _("%(period)s is not a period of %(dataset)s.")
            % {"period": period.code, "dataset": dataset.name},
            field="period",
        )
    now = now or timezone.now()
    indicators = entered_indicators(dataset)
    units = template_units(dataset=dataset, period=period, scope=scope)
    places = _place_names(period, [code for _pk, code, _name in units], dataset.level)
    existing = values_existing(
        period=period, unit_ids=[u[0] for u in units], indicator_ids=[i.pk for i in indicators]
    )
    layout = Layout(
        sheet=data_sheet_name(dataset.level),
        fixed=fixed_headers(dataset.level),
        codes=tuple(ind.code for ind in indicators),
    )
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    formats = _Formats(book)
    ws = book.add_worksheet(layout.sheet)
    first = layout.first_indicator_column
    last = first + len(indicators) - 1
    title = _("%(dataset)s · %(period)s · %(scope)s") % {
        "dataset": dataset.name,
        "period": period.code,
        "scope": scope.name,
    }
    _merge_text(ws, (TITLE_ROW, 0), (TITLE_ROW, max(last, first)), title, formats, "title")
    for col, header in enumerate(layout.fixed):
        _merge_text(ws, (DIMENSION_ROW, col), (MEASURE_ROW, col), header, formats, "head")
        ws.set_column(col, col, 16 if col == 0 else 22)
    for start, end, name in _dimension_runs(indicators):
        _merge_text(
            ws, (DIMENSION_ROW, first + start), (DIMENSION_ROW, first + end), name, formats, "head"
        )
    inputs = [_input_format(book, ind) for ind in indicators]
    for offset, ind in enumerate(indicators):
        col = first + offset
        _write_text(ws, NAME_ROW, col, ind.name, formats, "head")
        _write_text(ws, CODE_ROW, col, ind.code, formats, "code")
        _write_text(ws, MEASURE_ROW, col, ind.measure, formats, "head")
        ws.set_column(col, col, 14)
    ws.set_row(NAME_ROW, 48)
    yes, no = _("yes"), _("no")
    for index, (unit_id, code, name) in enumerate(units):
        row = FIRST_DATA_ROW + index
        ws.write_string(row, 0, code, formats.get("code"))
        _write_text(ws, row, 1, name, formats, "unit")
        if dataset.level == Level.VILLAGE:
            _write_text(ws, row, 2, places.get(code[:9] + "000", ""), formats, "unit")
            _write_text(ws, row, 3, places.get(code[:6] + "000000", ""), formats, "unit")
        elif dataset.level == Level.TOWN:
            _write_text(ws, row, 2, places.get(code[:6] + "000000", ""), formats, "unit")
        for offset, ind in enumerate(indicators):
            value = existing.get((unit_id, ind.pk))
            col = first + offset
            if value is None:
                ws.write_blank(row, col, None, inputs[offset])
            elif ind.value_type == ValueType.YES_NO:
                ws.write_string(row, col, yes if value else no, inputs[offset])
            else:
                ws.write_number(row, col, value, inputs[offset])
    last_row = FIRST_DATA_ROW + len(units) - 1
    for offset, ind in enumerate(indicators):
        if ind.value_type == ValueType.YES_NO:
            ws.data_validation(
                FIRST_DATA_ROW,
                first + offset,
                last_row,
                first + offset,
                {
                    "validate": "list",
                    "source": [yes, no],
                    "error_message": _("Choose 是 or 否, or leave the cell blank."),
                },
            )
    ws.freeze_panes(FIRST_DATA_ROW, 2)
    ws.protect(
        "",
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_columns": True,
            "format_rows": True,
        },
    )
    _instructions(book, formats, dataset=dataset, period=period, scope=scope, data=layout.sheet)
    stamp = book.add_worksheet(STAMP_SHEET)
    for row, (key, text) in enumerate(
        stamp_items(
            dataset=dataset,
            period=period,
            scope=scope,
            indicators=indicators,
            layout=layout,
            now=now,
        )
    ):
        _write_text(stamp, row, 0, key, formats, "text")
        _write_text(stamp, row, 1, text, formats, "text")
    stamp.hide()
    book.worksheets()[0].activate()
    book.close()
    return buffer.getvalue()


def stamp_items(
    *,
    dataset: DataSet,
    period: Period,
    scope: Unit,
    indicators: Sequence[Indicator],
    layout: Layout,
    now: datetime,
) -> list[tuple[str, str]]:
    """The version stamp, as the hidden sheet's key/value rows."""
    return [
        ("format", STAMP_MARK),
        ("version", FORMAT_VERSION),
        ("dataset", dataset.code),
        ("indicators", indicators_hash(indicators)),
        ("period", period.code),
        ("scope", scope.code),
        ("sheet", layout.sheet),
        ("codes", ",".join(layout.codes)),
        ("generated_at", now.isoformat(timespec="seconds")),
    ]


def template_filename(*, dataset: DataSet, period: Period, scope: Unit) -> str:
    return f"{dataset.name}_{period.code}_{scope.name}.xlsx"
