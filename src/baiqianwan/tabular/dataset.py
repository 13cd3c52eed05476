"""An analyst's table of units × indicators: header, unit column, indicator columns and their
directions, dimensions and weights, the numbers, and an AHP pairwise matrix.

Units are in rows, indicators in columns (the first column names the units unless told
otherwise). Directions (正向/逆向, +/-, benefit/cost), dimensions and weights come from rows
under the header whose first cell says ``direction``/``方向``, ``dimension``/``维度`` or
``weight``/``权重`` (an unlabelled second header row of direction words is recognised too;
numbers there are data), or from a sheet named ``indicators`` with columns indicator,
direction, dimension, weight. A column is an indicator if it has such metadata or looks
numeric; other columns are labels, named in a note. A label column may name the units beside
their codes (``name_col``, or the first label column when asked to guess and the unit column
holds codes): its cells are kept as the units' names.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from baiqianwan.analysis._validation import parse_direction
from baiqianwan.tabular.cells import (
    DIRECTION_WORDS,
    cell_at,
    cell_blank,
    cell_number,
    cell_number_like,
    cell_text,
    column_letter,
)
from baiqianwan.tabular.errors import TableInputError, Where
from baiqianwan.tabular.read import FIRST, Sheet

INDICATOR_SHEET = "indicators"
META_WORDS = {
    "direction": "direction",
    "directions": "direction",
    "方向": "direction",
    "指标方向": "direction",
    "属性": "direction",
    "dimension": "dimension",
    "dimensions": "dimension",
    "维度": "dimension",
    "准则层": "dimension",
    "weight": "weight",
    "weights": "weight",
    "权重": "weight",
}
INDICATOR_COLUMNS = {
    "indicator": "indicator",
    "指标": "indicator",
    "name": "indicator",
    **META_WORDS,
}
PROGRESS_STEP = 1000  # data rows between calls of the progress callback


@dataclass
class Dataset:
    """The parsed input: numbers plus what the analyst told us about the indicators."""

    sheet: str
    units: list[str]
    indicators: list[str]
    columns: list[str]  # spreadsheet letters of the indicator columns
    values: NDArray[np.float64]
    directions: list[str | None]
    dimensions: list[str | None]
    weights: list[float | None]
    groups: list[str] | None = None
    population: NDArray[np.float64] | None = None
    header_row: int = 1
    row_numbers: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    names: list[str] | None = None  # the units' names beside their codes (name_col)
    unit_header: str = ""
    name_header: str | None = None


def header_find(sheet: Sheet, *, corner: bool = False) -> tuple[list[str], int]:
    """The column names of the first non-empty row and that row's index.

    With `corner`, the first header cell may be empty (the corner of a matrix).
    """
    rows = sheet.rows
    start = next((i for i, row in enumerate(rows) if not all(cell_blank(c) for c in row)), None)
    if start is None:
        raise TableInputError("the sheet is empty", sheet=sheet.name)
    names = [cell_text(c) for c in rows[start]]
    while names and not names[-1]:
        names.pop()
    for j, name in enumerate(names):
        if not name and not (corner and j == 0):
            raise TableInputError(
                "empty header", sheet=sheet.name, row=start + 1, column=column_letter(j)
            )
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise TableInputError(f"duplicate column names {sorted(duplicates)}", sheet=sheet.name)
    return names, start


def _meta_rows(
    rows: list[list[Any]], top: int, id_j: int, candidates: list[int]
) -> tuple[dict[str, int], int, bool]:
    """The metadata rows under the header (key → row index), the first data row, and whether
    the direction row was recognised without a label."""
    meta: dict[str, int] = {}
    auto = False
    r = top + 1
    while r < len(rows):
        key = META_WORDS.get(cell_text(rows[r][id_j]).lower() if id_j < len(rows[r]) else "")
        if key is None and r == top + 1 and _direction_words(rows[r], candidates):
            key, auto = "direction", True
        if key is None:
            break
        meta[key] = r
        r += 1
    return meta, r, auto


def _direction_words(row: list[Any], columns: list[int]) -> bool:
    """An unlabelled row is a direction row only if it holds direction *words*: numbers such
    as 1 and -1 are data (a first unit scoring 1 and -1 must not become directions)."""
    cells = [cell_at(row, j) for j in columns if not cell_blank(cell_at(row, j))]
    return bool(cells) and all(
        isinstance(c, str) and c.strip().lower() in DIRECTION_WORDS for c in cells
    )


def _split_columns(
    rows: list[list[Any]], candidates: list[int], declared: set[int]
) -> tuple[list[int], list[int]]:
    """Indicator and label columns. An indicator has a declared direction, dimension or weight,
    or at least half of its filled cells look like numbers (``12,3`` and ``1_000`` too, so
    that they fail with the cell named); the rest are labels such as county names."""
    indicators: list[int] = []
    labels: list[int] = []
    for j in candidates:
        filled = numeric = 0
        for row in rows:
            cell = cell_at(row, j)
            if not cell_blank(cell):
                filled += 1
                numeric += cell_number_like(cell)
        (indicators if j in declared or 2 * numeric >= filled else labels).append(j)
    return indicators, labels


def _direction_check(text: str, *, sheet: str, row: int, column: str, hint: str = "") -> None:
    try:
        parse_direction(text)
    except ValueError:
        raise TableInputError(
            f"{text!r} is not a direction{hint}", sheet=sheet, row=row, column=column
        ) from None


def dataset_parse(
    sheets: Mapping[str, Sheet],
    *,
    id_col: str | None = None,
    group_col: str | None = None,
    weight_col: str | None = None,
    ignore_cols: Sequence[str] = (),
    name_col: str | None = None,
    guess_names: bool = False,
    option_names: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Dataset:
    """Units, indicators, numbers and indicator metadata from the first sheet (and the
    ``indicators`` sheet, if given).

    Parameters
    ----------
    sheets : mapping
        As `sheets_read` returns them: the first sheet under ``""``.
    id_col, group_col, weight_col : str, optional
        Columns naming the units (default: the first), their groups (e.g. the county) and
        their population weights (positive numbers).
    ignore_cols : sequence of str
        Columns that are neither indicators nor labels worth a note.
    name_col : str, optional
        The column of the units' names, kept beside the unit column (codes) as ``names``.
    guess_names : bool
        Without `name_col`: when every unit is a code (digits only, e.g. 441202001001), the
        first label column (text, not an indicator) is taken as the names, with a note.
    option_names : mapping, optional
        How an error names the parameters above (``{"group_col": "--group-col"}``).
    progress : callable, optional
        Called with the number of data rows read, every `PROGRESS_STEP` rows.

    Raises
    ------
    TableInputError
        Naming the first bad cell, column or sheet.
    """
    sheet = sheets[FIRST]
    names, top = header_find(sheet)
    index = {name: j for j, name in enumerate(names)}
    label = {**{k: k for k in ("id_col", "group_col", "weight_col", "ignore_cols", "name_col")}}
    label.update(option_names or {})
    options = [
        ("id_col", id_col),
        ("group_col", group_col),
        ("weight_col", weight_col),
        ("name_col", name_col),
    ]
    for option, name in [*options, *(("ignore_cols", c) for c in ignore_cols)]:
        if name is not None and name not in index:
            raise TableInputError(
                f"no column {name!r} for {label[option]}; columns: {names}", sheet=sheet.name
            )
    id_j = index[id_col] if id_col else 0
    special = {id_j} | {index[c] for c in (group_col, weight_col, name_col, *ignore_cols) if c}
    candidates = [j for j in range(len(names)) if j not in special]
    listed = _indicator_sheet_read(sheets.get(INDICATOR_SHEET), index, special)
    meta, body, auto = _meta_rows(sheet.rows, top, id_j, candidates)
    declared = {index[name] for _, name, _ in listed}
    filled = {
        j for r in meta.values() for j in candidates if not cell_blank(cell_at(sheet.rows[r], j))
    }
    indicator_js, label_js = _split_columns(sheet.rows[body:], candidates, declared | filled)
    notes: list[str] = []
    if auto:
        direction_row = sheet.rows[meta["direction"]]
        if any(cell_blank(cell_at(direction_row, j)) for j in indicator_js):
            meta, body = {}, top + 1  # a data row after all, e.g. a unit with '-' for missing
            indicator_js, label_js = _split_columns(sheet.rows[body:], candidates, declared)
        else:
            notes.append(f"row {top + 2} holds only directions: read as the direction row")
    if not indicator_js:
        raise TableInputError("no indicator columns besides the unit names", sheet=sheet.name)
    indicators = [names[j] for j in indicator_js]
    letters = [column_letter(j) for j in indicator_js]

    def meta_cells(key: str) -> list[Any]:
        return [cell_at(sheet.rows[meta[key]], j) if key in meta else None for j in indicator_js]

    directions: list[str | None] = [
        None if cell_blank(c) else cell_text(c) for c in meta_cells("direction")
    ]
    dimensions: list[str | None] = [
        None if cell_blank(c) else cell_text(c) for c in meta_cells("dimension")
    ]
    weights: list[float | None] = [
        None
        if cell_blank(c)
        else cell_number(c, sheet=sheet.name, row=meta["weight"] + 1, column=letters[k])
        for k, c in enumerate(meta_cells("weight"))
    ]
    for k, direction in enumerate(directions):
        if direction is not None:
            _direction_check(
                direction,
                sheet=sheet.name,
                row=meta["direction"] + 1,
                column=letters[k],
                hint=" (正向/逆向, +/-, benefit/cost)",
            )
    _indicator_sheet_apply(
        sheets.get(INDICATOR_SHEET), listed, indicators, directions, dimensions, weights
    )
    rows = _data_rows(
        sheet,
        body=body,
        id_j=id_j,
        indicator_js=indicator_js,
        group_j=index[group_col] if group_col else None,
        weight_j=index[weight_col] if weight_col else None,
        progress=progress,
    )
    name_j = index[name_col] if name_col else None
    if name_j is None and guess_names and label_js and all(u.isdigit() for u in rows.units):
        name_j = label_js.pop(0)
        notes.append(
            f"column {names[name_j]!r} ({column_letter(name_j)}) names the units:"
            " kept beside the codes"
        )
    notes += [
        f"column {names[j]!r} ({column_letter(j)}) holds text, not numbers: not an indicator"
        for j in label_js
    ]
    unit_names = None
    if name_j is not None:
        unit_names = [cell_text(cell_at(sheet.rows[r - 1], name_j)) for r in rows.row_numbers]
    return Dataset(
        sheet=sheet.name,
        notes=notes,
        units=rows.units,
        indicators=indicators,
        columns=letters,
        values=np.array(rows.values, dtype=np.float64),
        directions=directions,
        dimensions=dimensions,
        weights=weights,
        groups=rows.groups or None,
        population=np.array(rows.population) if rows.population else None,
        header_row=top + 1,
        row_numbers=rows.row_numbers,
        names=unit_names,
        unit_header=names[id_j],
        name_header=names[name_j] if name_j is not None else None,
    )


@dataclass
class _Rows:
    units: list[str] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    values: list[list[float]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    population: list[float] = field(default_factory=list)


def _data_rows(
    sheet: Sheet,
    *,
    body: int,
    id_j: int,
    indicator_js: list[int],
    group_j: int | None,
    weight_j: int | None,
    progress: Callable[[int], None] | None,
) -> _Rows:
    """Every non-empty row under the header and metadata rows, checked cell by cell."""
    found = _Rows()
    name = sheet.name
    for offset, row in enumerate(sheet.rows[body:]):
        r = body + offset + 1
        if all(cell_blank(c) for c in row):
            continue
        cell = cell_at(row, id_j)
        if cell_blank(cell):
            raise TableInputError(
                "the unit has no name", sheet=name, row=r, column=column_letter(id_j)
            )
        found.units.append(cell_text(cell))
        found.row_numbers.append(r)
        found.values.append(
            [
                cell_number(cell_at(row, j), sheet=name, row=r, column=column_letter(j))
                for j in indicator_js
            ]
        )
        if group_j is not None:
            group = cell_at(row, group_j)
            if cell_blank(group):
                raise TableInputError(
                    "the unit has no group", sheet=name, row=r, column=column_letter(group_j)
                )
            found.groups.append(cell_text(group))
        if weight_j is not None:
            where: Where = {"sheet": name, "row": r, "column": column_letter(weight_j)}
            weight = cell_number(cell_at(row, weight_j), **where)
            if not weight > 0:
                raise TableInputError("the population weight must be positive", **where)
            found.population.append(weight)
        if progress is not None and offset % PROGRESS_STEP == PROGRESS_STEP - 1:
            progress(PROGRESS_STEP)
    if len(found.units) < 2:
        raise TableInputError("fewer than 2 units to evaluate", sheet=name)
    _repeated_units_reject(name, found.units, found.row_numbers)
    return found


def _repeated_units_reject(sheet: str, units: list[str], row_numbers: list[int]) -> None:
    repeated = [unit for unit, count in Counter(units).items() if count > 1]
    if not repeated:
        return
    rows: dict[str, list[str]] = {unit: [] for unit in repeated[:5]}
    for unit, r in zip(units, row_numbers, strict=True):
        if unit in rows:
            rows[unit].append(str(r))
    listed = "; ".join(f"{unit!r} (rows {', '.join(rs)})" for unit, rs in rows.items())
    more = f"; and {len(repeated) - 5} more" if len(repeated) > 5 else ""
    raise TableInputError(f"units listed more than once: {listed}{more}", sheet=sheet)


def _indicator_sheet_read(
    sheet: Sheet | None, index: dict[str, int], special: set[int]
) -> list[tuple[int, str, dict[str, tuple[Any, str]]]]:
    """The rows of the ``indicators`` sheet as (row number, indicator, {key: (cell, letter)})."""
    if sheet is None:
        return []
    names, top = header_find(sheet)
    keys = [INDICATOR_COLUMNS.get(n.lower()) for n in names]
    if "indicator" not in keys:
        raise TableInputError("needs an 'indicator' (指标) column", sheet=sheet.name)
    letter = column_letter(keys.index("indicator"))
    listed = []
    for r, row in enumerate(sheet.rows[top + 1 :], start=top + 2):
        record = {
            key: (row[j], column_letter(j)) for j, key in enumerate(keys) if key and j < len(row)
        }
        name = cell_text(record.get("indicator", ("", letter))[0])
        if not name:
            continue
        if name not in index or index[name] in special:
            raise TableInputError(
                f"indicator {name!r} is not a data column", sheet=sheet.name, row=r, column=letter
            )
        listed.append((r, name, record))
    return listed


def _indicator_sheet_apply(
    sheet: Sheet | None,
    listed: list[tuple[int, str, dict[str, tuple[Any, str]]]],
    indicators: list[str],
    directions: list[str | None],
    dimensions: list[str | None],
    weights: list[float | None],
) -> None:
    """What the ``indicators`` sheet says wins over the rows under the header."""
    if sheet is None:
        return
    position = {name: k for k, name in enumerate(indicators)}
    for r, name, record in listed:
        k = position[name]
        cell, letter = record.get("direction", (None, ""))
        if not cell_blank(cell):
            text = cell_text(cell)
            _direction_check(text, sheet=sheet.name, row=r, column=letter)
            directions[k] = text
        cell, letter = record.get("dimension", (None, ""))
        if not cell_blank(cell):
            dimensions[k] = cell_text(cell)
        cell, letter = record.get("weight", (None, ""))
        if not cell_blank(cell):
            weights[k] = cell_number(cell, sheet=sheet.name, row=r, column=letter)


def pairwise_read(sheet: Sheet, indicators: Sequence[str]) -> NDArray[np.float64]:
    """The AHP pairwise matrix: indicator names along the first row and column, in any order;
    judgements as numbers or fractions (``1/3``).

    Raises
    ------
    TableInputError
        If the matrix does not compare exactly `indicators`, or for a bad judgement.
    """
    names, top = header_find(sheet, corner=True)
    labels = names[1:]
    rows = [row for row in sheet.rows[top + 1 :] if not all(cell_blank(c) for c in row)]
    row_labels = [cell_text(row[0]) for row in rows]
    wanted = sorted(indicators)
    if sorted(labels) != wanted or sorted(row_labels) != wanted:
        raise TableInputError(
            f"the pairwise matrix must compare exactly the indicators {list(indicators)}",
            sheet=sheet.name,
        )
    matrix = np.empty((len(indicators), len(indicators)))
    order = {n: k for k, n in enumerate(indicators)}
    for r, row in enumerate(rows):
        for c, label in enumerate(labels, start=1):
            cell = cell_at(row, c)
            where: Where = {"sheet": sheet.name, "row": top + 2 + r, "column": column_letter(c)}
            if isinstance(cell, str) and "/" in cell:
                numerator, _, denominator = cell.partition("/")
                divisor = cell_number(denominator, **where)
                if divisor == 0:
                    raise TableInputError(f"{cell!r} divides by zero", **where)
                value = cell_number(numerator, **where) / divisor
            else:
                value = cell_number(cell, **where)
            if math.isnan(value):
                raise TableInputError("empty judgement", **where)
            matrix[order[row_labels[r]], order[label]] = value
    return matrix
