"""``bqw evaluate FILE``: an analyst's spreadsheet in, evaluation results out.

No server, no database: works on files alone, before Django is set up, and must never import
Django. Input: units in rows, indicators in columns (the first column names the units).
Directions (正向/逆向, +/-, benefit/cost), dimensions and weights come from rows under the
header whose first cell says ``direction``/``方向``, ``dimension``/``维度`` or
``weight``/``权重`` (an unlabelled second header row of direction words is recognised too;
numbers there are data), or from a sheet named ``indicators`` with columns indicator,
direction, dimension, weight. A column is an indicator if it has such metadata or looks
numeric; other columns are labels, named in a note (``--ignore-cols`` to skip them quietly).

Bad input gets one message naming the cell (``Sheet1!D7: '12,3' is not a number``) and
nothing is written; results are written to a temporary file and renamed into place.

Exit status: 0 on success, 2 for input that cannot be evaluated or wrong usage.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from baiqianwan import analysis as an
from baiqianwan.analysis._validation import BENEFIT_WORDS, COST_WORDS, parse_direction

if TYPE_CHECKING:
    import pandas as pd

EXIT_INPUT = 2
EVALUATE_SCHEMA = "baiqianwan.evaluate/1"
METHODS = (
    "entropy-topsis",
    "ahp-topsis",
    "entropy-weighted-sum",
    "coupling",
    "theil",
    "gini",
    "cv",
    "obstacle",
)
SCORING = ("entropy-topsis", "ahp-topsis", "entropy-weighted-sum", "obstacle")
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
    **{k: v for k, v in META_WORDS.items() if v != "indicator"},
}
PROGRESS_ROWS = 20_000
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


class EvaluateInputError(Exception):
    """Input that cannot be evaluated; the message names the cell, column or sheet."""


@dataclass
class Sheet:
    """One table of cells as read, with the name used in messages (``Sheet1``)."""

    name: str
    rows: list[list[Any]]


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


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ----------------------------------------------------------------------------- reading


def read_sheets(path: Path, *, wanted: Sequence[str]) -> dict[str, Sheet]:
    """The first sheet (key ``""``) and any of the `wanted` sheets present, by name."""
    if not path.exists():
        raise EvaluateInputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            text_rows: list[list[Any]] = [list(row) for row in csv.reader(handle)]
        return {"": Sheet(name=path.name, rows=text_rows)}
    if suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise EvaluateInputError(f"{path}: expected .xlsx, .xls, .ods or .csv")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        raise EvaluateInputError(f"{path}: cannot be read as a spreadsheet ({exc})") from None
    names = list(book.sheet_names)
    if not names:
        raise EvaluateInputError(f"{path}: the workbook has no sheets")
    sheets = {}
    for key, name in [("", names[0]), *((w, w) for w in wanted if w in names)]:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets[key] = Sheet(name=name, rows=[list(row) for row in rows])
    return sheets


def _number(value: Any, where: str) -> float:
    """A cell as a float: NaN when blank; refuses text a spreadsheet would not read as a number
    (``12,3``, ``1_000``, ``inf``, ``nan``, full-width digits) and magnitudes beyond
    ``NUMBER_LIMIT``."""
    if isinstance(value, bool):
        raise EvaluateInputError(f"{where}: {value!r} is not a number")
    if isinstance(value, int | float):
        number, shown = float(value), f"{value:g}"
    elif _blank(value):
        return math.nan
    else:
        shown = str(value).strip()
        if not NUMBER.fullmatch(shown):
            raise EvaluateInputError(f"{where}: {shown!r} is not a number")
        number = float(shown)
    if not abs(number) <= NUMBER_LIMIT:
        raise EvaluateInputError(
            f"{where}: {shown!r} is out of range (numbers must be within ±{NUMBER_LIMIT:g})"
        )
    return number


def _number_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and NUMBER_LIKE.fullmatch(value.strip()) is not None


def _at(row: list[Any], j: int) -> Any:
    return row[j] if j < len(row) else None


def _header(sheet: Sheet, *, corner: bool = False) -> tuple[list[str], int]:
    rows = sheet.rows
    start = next((i for i, row in enumerate(rows) if not all(_blank(c) for c in row)), None)
    if start is None:
        raise EvaluateInputError(f"{sheet.name}: the sheet is empty")
    names = [_text(c) for c in rows[start]]
    while names and not names[-1]:
        names.pop()
    for j, name in enumerate(names):
        if not name and not (corner and j == 0):
            raise EvaluateInputError(f"{sheet.name}!{column_letter(j)}{start + 1}: empty header")
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise EvaluateInputError(f"{sheet.name}: duplicate column names {sorted(duplicates)}")
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
        key = META_WORDS.get(_text(rows[r][id_j]).lower() if id_j < len(rows[r]) else "")
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
    cells = [_at(row, j) for j in columns if not _blank(_at(row, j))]
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
            cell = _at(row, j)
            if not _blank(cell):
                filled += 1
                numeric += _number_like(cell)
        (indicators if j in declared or 2 * numeric >= filled else labels).append(j)
    return indicators, labels


def parse_dataset(
    sheets: dict[str, Sheet],
    *,
    id_col: str | None,
    group_col: str | None,
    weight_col: str | None,
    ignore_cols: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> Dataset:
    """Units, indicators, numbers and indicator metadata from the first sheet (and
    ``indicators``); raises :class:`EvaluateInputError` naming the first bad cell."""
    sheet = sheets[""]
    names, top = _header(sheet)
    index = {name: j for j, name in enumerate(names)}
    options = [("--id-col", id_col), ("--group-col", group_col), ("--weight-col", weight_col)]
    for option, name in [*options, *(("--ignore-cols", c) for c in ignore_cols)]:
        if name is not None and name not in index:
            raise EvaluateInputError(
                f"{sheet.name}: no column {name!r} for {option}; columns: {names}"
            )
    id_j = index[id_col] if id_col else 0
    special = {id_j} | {index[c] for c in (group_col, weight_col, *ignore_cols) if c}
    candidates = [j for j in range(len(names)) if j not in special]
    listed = _read_indicator_sheet(sheets.get("indicators"), index, special)
    meta, body, auto = _meta_rows(sheet.rows, top, id_j, candidates)
    declared = {index[name] for _, name, _ in listed}
    filled = {j for r in meta.values() for j in candidates if not _blank(_at(sheet.rows[r], j))}
    indicator_js, label_js = _split_columns(sheet.rows[body:], candidates, declared | filled)
    notes: list[str] = []
    if auto:
        direction_row = sheet.rows[meta["direction"]]
        if any(_blank(_at(direction_row, j)) for j in indicator_js):
            meta, body = {}, top + 1  # a data row after all, e.g. a unit with '-' for missing
            indicator_js, label_js = _split_columns(sheet.rows[body:], candidates, declared)
        else:
            notes.append(f"row {top + 2} holds only directions: read as the direction row")
    if not indicator_js:
        raise EvaluateInputError(f"{sheet.name}: no indicator columns besides the unit names")
    indicators = [names[j] for j in indicator_js]
    letters = [column_letter(j) for j in indicator_js]

    def meta_cells(key: str) -> list[Any]:
        return [_at(sheet.rows[meta[key]], j) if key in meta else None for j in indicator_js]

    directions: list[str | None] = [
        None if _blank(c) else _text(c) for c in meta_cells("direction")
    ]
    dimensions: list[str | None] = [
        None if _blank(c) else _text(c) for c in meta_cells("dimension")
    ]
    weights: list[float | None] = [
        None if _blank(c) else _number(c, f"{sheet.name}!{letters[k]}{meta['weight'] + 1}")
        for k, c in enumerate(meta_cells("weight"))
    ]
    for k, direction in enumerate(directions):
        if direction is not None:
            try:
                parse_direction(direction)
            except ValueError:
                raise EvaluateInputError(
                    f"{sheet.name}!{letters[k]}{meta['direction'] + 1}: {direction!r} is not a"
                    " direction (正向/逆向, +/-, benefit/cost)"
                ) from None
    _apply_indicator_sheet(
        sheets.get("indicators"), listed, indicators, directions, dimensions, weights
    )

    units: list[str] = []
    row_numbers: list[int] = []
    values: list[list[float]] = []
    groups: list[str] = []
    population: list[float] = []
    data_rows = sheet.rows[body:]
    for offset, row in enumerate(data_rows):
        r = body + offset + 1
        if all(_blank(c) for c in row):
            continue
        cell = _at(row, id_j)
        if _blank(cell):
            raise EvaluateInputError(f"{sheet.name}!{column_letter(id_j)}{r}: the unit has no name")
        units.append(_text(cell))
        row_numbers.append(r)
        values.append(
            [_number(_at(row, j), f"{sheet.name}!{column_letter(j)}{r}") for j in indicator_js]
        )
        if group_col:
            g = _at(row, index[group_col])
            if _blank(g):
                where = f"{sheet.name}!{column_letter(index[group_col])}{r}"
                raise EvaluateInputError(f"{where}: the unit has no group")
            groups.append(_text(g))
        if weight_col:
            j = index[weight_col]
            where = f"{sheet.name}!{column_letter(j)}{r}"
            weight = _number(_at(row, j), where)
            if not weight > 0:
                raise EvaluateInputError(f"{where}: the population weight must be positive")
            population.append(weight)
        if progress is not None and offset % 1000 == 999:
            progress(1000)
    if len(units) < 2:
        raise EvaluateInputError(f"{sheet.name}: fewer than 2 units to evaluate")
    _reject_repeated_units(sheet.name, units, row_numbers)
    notes += [
        f"column {names[j]!r} ({column_letter(j)}) holds text, not numbers: not an indicator"
        for j in label_js
    ]
    return Dataset(
        sheet=sheet.name,
        notes=notes,
        units=units,
        indicators=indicators,
        columns=letters,
        values=np.array(values, dtype=np.float64),
        directions=directions,
        dimensions=dimensions,
        weights=weights,
        groups=groups or None,
        population=np.array(population) if population else None,
        header_row=top + 1,
        row_numbers=row_numbers,
    )


def _reject_repeated_units(sheet: str, units: list[str], row_numbers: list[int]) -> None:
    repeated = [unit for unit, count in Counter(units).items() if count > 1]
    if not repeated:
        return
    rows: dict[str, list[str]] = {unit: [] for unit in repeated[:5]}
    for unit, r in zip(units, row_numbers, strict=True):
        if unit in rows:
            rows[unit].append(str(r))
    listed = "; ".join(f"{unit!r} (rows {', '.join(rs)})" for unit, rs in rows.items())
    more = f"; and {len(repeated) - 5} more" if len(repeated) > 5 else ""
    raise EvaluateInputError(f"{sheet}: units listed more than once: {listed}{more}")


def _read_indicator_sheet(
    sheet: Sheet | None, index: dict[str, int], special: set[int]
) -> list[tuple[int, str, dict[str, Any]]]:
    """The rows of the ``indicators`` sheet as (row number, indicator, {key: cell})."""
    if sheet is None:
        return []
    names, top = _header(sheet)
    keys = [INDICATOR_COLUMNS.get(n.lower()) for n in names]
    if "indicator" not in keys:
        raise EvaluateInputError(f"{sheet.name}: needs an 'indicator' (指标) column")
    letter = column_letter(keys.index("indicator"))
    listed = []
    for r, row in enumerate(sheet.rows[top + 1 :], start=top + 2):
        record = {key: row[j] for j, key in enumerate(keys) if key and j < len(row)}
        name = _text(record.get("indicator", ""))
        if not name:
            continue
        if name not in index or index[name] in special:
            raise EvaluateInputError(
                f"{sheet.name}!{letter}{r}: indicator {name!r} is not a data column"
            )
        listed.append((r, name, record))
    return listed


def _apply_indicator_sheet(
    sheet: Sheet | None,
    listed: list[tuple[int, str, dict[str, Any]]],
    indicators: list[str],
    directions: list[str | None],
    dimensions: list[str | None],
    weights: list[float | None],
) -> None:
    if sheet is None:
        return
    position = {name: k for k, name in enumerate(indicators)}
    for r, name, record in listed:
        k = position[name]
        if not _blank(record.get("direction")):
            text = _text(record["direction"])
            try:
                parse_direction(text)
            except ValueError:
                raise EvaluateInputError(
                    f"{sheet.name} row {r}: {text!r} is not a direction"
                ) from None
            directions[k] = text
        if not _blank(record.get("dimension")):
            dimensions[k] = _text(record["dimension"])
        if not _blank(record.get("weight")):
            weights[k] = _number(record["weight"], f"{sheet.name} row {r} (weight)")


def read_pairwise(sheet: Sheet | None, indicators: list[str], name: str) -> NDArray[np.float64]:
    """The AHP pairwise matrix: indicator names along the first row and column."""
    if sheet is None:
        raise EvaluateInputError(
            f"ahp-topsis needs a sheet named {name!r} with the pairwise matrix"
        )
    names, top = _header(sheet, corner=True)
    labels = names[1:]
    rows = [row for row in sheet.rows[top + 1 :] if not all(_blank(c) for c in row)]
    row_labels = [_text(row[0]) for row in rows]
    if sorted(labels) != sorted(indicators) or sorted(row_labels) != sorted(indicators):
        raise EvaluateInputError(
            f"{sheet.name}: the pairwise matrix must compare exactly the indicators {indicators}"
        )
    matrix = np.empty((len(indicators), len(indicators)))
    order = {n: k for k, n in enumerate(indicators)}
    for r, row in enumerate(rows):
        for c, label in enumerate(labels, start=1):
            cell = row[c] if c < len(row) else None
            where = f"{sheet.name}!{column_letter(c)}{top + 2 + r}"
            if isinstance(cell, str) and "/" in cell:
                numerator, _, denominator = cell.partition("/")
                divisor = _number(denominator, where)
                if divisor == 0:
                    raise EvaluateInputError(f"{where}: {cell!r} divides by zero")
                value = _number(numerator, where) / divisor
            else:
                value = _number(cell, where)
            if math.isnan(value):
                raise EvaluateInputError(f"{where}: empty judgement")
            matrix[order[row_labels[r]], order[label]] = value
    return matrix


# ----------------------------------------------------------------------------- checks


def _require_directions(data: Dataset) -> list[str]:
    missing = [k for k, d in enumerate(data.directions) if d is None]
    if missing:
        k = missing[0]
        raise EvaluateInputError(
            f"{data.sheet}!{data.columns[k]}{data.header_row}: indicator {data.indicators[k]!r}"
            " has no direction;"
            " add 正向/逆向 (+/-) in a 'direction' row under the header or an 'indicators' sheet"
        )
    return [d for d in data.directions if d is not None]


def _clean_values(data: Dataset, missing: str) -> NDArray[np.float64]:
    nan = np.isnan(data.values)
    if nan.any() and missing == "raise":
        i, k = (int(v) for v in np.argwhere(nan)[0])
        where = f"{data.sheet}!{data.columns[k]}{data.row_numbers[i]}"
        raise EvaluateInputError(
            f"{where}: missing value for {data.units[i]!r}, {data.indicators[k]!r};"
            " fill it or pass --missing drop|mean|median"
        )
    return data.values


def _reject_constant(data: Dataset, values: NDArray[np.float64]) -> None:
    with np.errstate(invalid="ignore"):
        constant = np.nanmax(values, axis=0) == np.nanmin(values, axis=0)
    if constant.any():
        k = int(np.argmax(constant))
        raise EvaluateInputError(
            f"{data.sheet}!{data.columns[k]}: indicator {data.indicators[k]!r} is constant"
            f" ({np.nanmax(values[:, k]):g} for every unit), so it cannot tell units apart;"
            " remove the column"
        )


def _given_weights(data: Dataset) -> NDArray[np.float64] | None:
    if all(w is None for w in data.weights):
        return None
    if any(w is None for w in data.weights):
        k = next(k for k, w in enumerate(data.weights) if w is None)
        raise EvaluateInputError(f"indicator {data.indicators[k]!r} has no weight while others do")
    weights = np.array(data.weights, dtype=float)
    if (weights < 0).any() or weights.sum() <= 0:
        raise EvaluateInputError("given weights must be non-negative and not all 0")
    return weights / weights.sum()


# ----------------------------------------------------------------------------- methods


@dataclass
class Outcome:
    """What a method produced: sheets to write, the ranked table to print, JSON to emit."""

    sheets: dict[str, pd.DataFrame]
    table: pd.DataFrame
    summary: dict[str, Any]


def _weights(
    data: Dataset, values: NDArray[np.float64], directions: list[str], args: argparse.Namespace
) -> tuple[NDArray[np.float64], pd.DataFrame]:

    entropy = an.entropy_weights(values, directions=directions)
    frame = entropy.to_frame(indicators=data.indicators)
    weights = entropy.weights
    given = _given_weights(data)
    if args.combine != "none":
        if given is None:
            raise EvaluateInputError(
                f"--combine {args.combine} needs a 'weight' (权重) row or an 'indicators' sheet"
                " with weights"
            )
        combined = an.combine_weights(given, entropy.weights, method=args.combine, alpha=args.alpha)
        weights = combined.weights
        frame = frame.assign(subjective=given, weight=weights)
    elif given is not None:
        data.notes.append(
            "the given weights were not used; pass --combine multiplicative|linear to combine"
            " them with the entropy weights"
        )
    frame.insert(0, "direction", directions)
    frame.insert(1, "dimension", [d or "" for d in data.dimensions])
    return weights, frame


def _topsis_outcome(
    data: Dataset,
    values: NDArray[np.float64],
    directions: list[str],
    weights: NDArray[np.float64],
    weights_frame: pd.DataFrame,
    args: argparse.Namespace,
) -> Outcome:
    import pandas as pd

    result = an.topsis(
        values, weights=weights, directions=directions, normalization=args.normalization
    )
    scores = result.to_frame(units=data.units).rename(columns={"closeness": "score"})
    scores = scores[["rank", "score", "d_plus", "d_minus"]]
    assert result.normalized is not None and result.weighted is not None
    sheets = {
        "scores": scores.sort_values("rank", kind="stable"),
        "weights": weights_frame,
        "normalized": pd.DataFrame(result.normalized, index=data.units, columns=data.indicators),
        "weighted": pd.DataFrame(result.weighted, index=data.units, columns=data.indicators),
        "ideal": pd.DataFrame(
            {"ideal": result.ideal, "anti_ideal": result.anti_ideal}, index=data.indicators
        ),
    }
    return Outcome(sheets=sheets, table=sheets["scores"], summary={})


def run_method(data: Dataset, args: argparse.Namespace, sheets: dict[str, Sheet]) -> Outcome:
    """Compute `args.method` on the dataset."""
    import pandas as pd

    method = args.method
    values = _clean_values(data, args.missing)
    if method in ("theil", "gini", "cv"):
        return _balance(data, values, args)
    directions = _require_directions(data) if method != "coupling" or not args.subsystems else []
    if method != "coupling":
        values, data = _missing(data, values, args.missing)
        _reject_constant(data, values)
    if method == "entropy-topsis":
        weights, frame = _weights(data, values, directions, args)
        return _topsis_outcome(data, values, directions, weights, frame, args)
    if method == "ahp-topsis":
        matrix = read_pairwise(
            sheets.get(args.pairwise_sheet), data.indicators, args.pairwise_sheet
        )
        ahp = an.ahp_weights(matrix, accept_inconsistent=args.accept_inconsistent)
        frame = ahp.to_frame(indicators=data.indicators)
        frame.insert(0, "direction", directions)
        outcome = _topsis_outcome(data, values, directions, ahp.weights, frame, args)
        outcome.sheets["consistency"] = pd.DataFrame(
            {"value": [ahp.lambda_max, ahp.ci, ahp.ri, ahp.cr]},
            index=["lambda_max", "CI", "RI", "CR"],
        )
        outcome.summary["consistency"] = {"lambda_max": ahp.lambda_max, "CI": ahp.ci, "CR": ahp.cr}
        return outcome
    if method == "entropy-weighted-sum":
        weights, frame = _weights(data, values, directions, args)
        result = an.weighted_sum(
            values, weights=weights, directions=directions, feature_range=(args.floor, 1.0)
        )
        scores = result.to_frame(units=data.units)[["rank", "score"]].sort_values("rank")
        assert result.normalized is not None
        sheets_out = {
            "scores": scores,
            "weights": frame,
            "normalized": pd.DataFrame(
                result.normalized, index=data.units, columns=data.indicators
            ),
        }
        return Outcome(sheets=sheets_out, table=scores, summary={})
    if method == "obstacle":
        weights, frame = _weights(data, values, directions, args)
        dims = [d or "" for d in data.dimensions] if all(data.dimensions) else None
        weak_result = an.obstacle_degree(
            values, weights=weights, directions=directions, dimensions=dims, top_k=args.top_k
        )
        weak = weak_result.to_frame(units=data.units, indicators=data.indicators)
        assert weak_result.degree is not None
        sheets_out = {
            "weak_points": weak,
            "obstacle_degree": pd.DataFrame(
                weak_result.degree, index=data.units, columns=data.indicators
            ),
            "weights": frame,
        }
        if weak_result.dimension_degree is not None:
            sheets_out["dimension_degree"] = pd.DataFrame(
                weak_result.dimension_degree,
                index=data.units,
                columns=[str(d) for d in weak_result.dimensions],
            )
        return Outcome(sheets=sheets_out, table=weak, summary={})
    return _coupling(data, values, directions, args)


def _missing(
    data: Dataset, values: NDArray[np.float64], missing: str
) -> tuple[NDArray[np.float64], Dataset]:
    if missing == "raise" or not np.isnan(values).any():
        return values, data
    from baiqianwan.analysis._validation import handle_missing

    cleaned, keep = handle_missing(values, missing=missing)  # type: ignore[arg-type]
    if keep.all():
        return cleaned, data
    kept_units = [u for u, k in zip(data.units, keep, strict=True) if k]
    data.notes.append(f"dropped {int((~keep).sum())} unit(s) with missing values")
    data.units = kept_units
    data.row_numbers = [r for r, k in zip(data.row_numbers, keep, strict=True) if k]
    if data.groups is not None:
        data.groups = [g for g, k in zip(data.groups, keep, strict=True) if k]
    if data.population is not None:
        data.population = data.population[keep]
    return cleaned, data


def _coupling(
    data: Dataset, values: NDArray[np.float64], directions: list[str], args: argparse.Namespace
) -> Outcome:
    import pandas as pd

    if args.subsystems:
        names = [s.strip() for s in args.subsystems.split(",") if s.strip()]
        unknown = [n for n in names if n not in data.indicators]
        if unknown:
            raise EvaluateInputError(
                f"--subsystems: no column(s) {unknown}; columns: {data.indicators}"
            )
        u = values[:, [data.indicators.index(n) for n in names]]
        if np.isnan(u).any():
            raise EvaluateInputError("subsystem levels have missing values")
        frames: dict[str, pd.DataFrame] = {}
    else:
        if any(d is None for d in data.dimensions):
            raise EvaluateInputError(
                "coupling needs --subsystems COL,COL or a 'dimension' (维度) for every indicator"
            )
        values, data = _missing(data, values, args.missing)
        _reject_constant(data, values)
        names = list(dict.fromkeys(d for d in data.dimensions if d is not None))
        levels, frames = [], {}
        for name in names:
            cols = [k for k, d in enumerate(data.dimensions) if d == name]
            part = values[:, cols]
            part_directions = [directions[k] for k in cols]
            entropy = an.entropy_weights(part, directions=part_directions)
            levels.append(
                an.weighted_sum(
                    part,
                    weights=entropy.weights,
                    directions=part_directions,
                    feature_range=(args.floor, 1.0),
                ).scores
            )
            frames[f"weights_{name}"[:31]] = entropy.to_frame(
                indicators=[data.indicators[k] for k in cols]
            )
        u = np.stack(levels, axis=-1)
    result = an.coupling_coordination(u, names=names, variant=args.coupling_variant)
    table = pd.DataFrame(u, index=pd.Index(data.units, name="unit"), columns=names).join(
        result.to_frame(units=data.units)
    )
    table = table.sort_values("D", ascending=False, kind="stable")
    return Outcome(sheets={"coupling": table, **frames}, table=table, summary={})


def _balance(data: Dataset, values: NDArray[np.float64], args: argparse.Namespace) -> Outcome:
    import pandas as pd

    values, data = _missing(data, values, args.missing)
    population = data.population
    rows, group_rows = [], []
    for k, name in enumerate(data.indicators):
        column = values[:, k]
        if args.method == "theil":
            result = an.theil(column, population=population, groups=data.groups)
            rows.append(
                {
                    "indicator": name,
                    "theil_T": float(result.total),
                    "between": float(result.between),
                    "within": float(result.within),
                    "between_share": float(result.between_contribution),
                }
            )
            if data.groups is not None:
                frame = result.to_frame().reset_index()
                group_rows.append(frame.assign(indicator=name))
        elif args.method == "gini":
            rows.append(
                {"indicator": name, "gini": float(an.gini(column, weights=population).gini)}
            )
        else:
            dispersion = an.cv(column, weights=population, ddof=args.ddof)
            rows.append(
                {
                    "indicator": name,
                    "cv": float(dispersion.cv),
                    "mean": float(dispersion.mean),
                    "std": float(dispersion.std),
                    "max_min_ratio": float(dispersion.max_min_ratio),
                }
            )
    table = pd.DataFrame(rows).set_index("indicator")
    sheets_out = {args.method: table}
    if group_rows:
        sheets_out["groups"] = pd.concat(group_rows).set_index(["indicator", "group"])
    return Outcome(sheets=sheets_out, table=table, summary={})


# ----------------------------------------------------------------------------- output


def write_output(path: Path, outcome: Outcome, *, progress: bool = False) -> None:
    """Write every sheet (.xlsx) or the main table (.csv) to a temporary file, then rename."""
    suffix = path.suffix.lower()
    directory = path.resolve().parent
    if not directory.is_dir():
        raise EvaluateInputError(f"--out {path}: the directory {directory} does not exist")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.stem}.", suffix=suffix)
    os.close(handle)
    try:
        if suffix == ".csv":
            outcome.table.to_csv(temporary, encoding="utf-8-sig")
        else:
            _write_xlsx(temporary, outcome, progress=progress)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 is for the temporary only
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_xlsx(filename: str, outcome: Outcome, *, progress: bool) -> None:
    """Row by row with xlsxwriter in constant-memory mode (pandas' to_excel is ~5x slower)."""
    import xlsxwriter
    from rich.progress import Progress

    total = sum(len(frame) for frame in outcome.sheets.values())
    book = xlsxwriter.Workbook(filename, {"constant_memory": True, "nan_inf_to_errors": True})
    bold = book.add_format({"bold": True})
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task(f"writing {total:,} rows", total=total)
        for name, frame in outcome.sheets.items():
            sheet = book.add_worksheet(name[:31])
            index_names = [str(n) if n is not None else "" for n in frame.index.names]
            sheet.write_row(0, 0, [*index_names, *map(str, frame.columns)], bold)
            labels = frame.index.tolist()
            for r, (label, row) in enumerate(
                zip(labels, frame.itertuples(index=False, name=None), strict=True), start=1
            ):
                keys = list(label) if isinstance(label, tuple) else [label]
                sheet.write_row(r, 0, [*map(_cell, keys), *map(_cell, row)])
                if r % 5000 == 0:
                    bar.advance(task, 5000)
    book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def json_document(data: Dataset, args: argparse.Namespace, outcome: Outcome) -> dict[str, Any]:
    """Everything a machine needs: schema, method, and every sheet as records."""
    sheets = {}
    for name, frame in outcome.sheets.items():
        records = frame.reset_index().to_dict(orient="records")
        sheets[name] = [{str(k): _json_value(v) for k, v in row.items()} for row in records]
    return {
        "schema": EVALUATE_SCHEMA,
        "method": args.method,
        "input": str(args.file),
        "units": len(data.units),
        "indicators": data.indicators,
        "notes": data.notes,
        **outcome.summary,
        "sheets": sheets,
    }


def print_table(outcome: Outcome, *, method: str, top: int) -> None:
    """The ranked table (or per-indicator table) on the terminal with rich."""
    from rich.console import Console
    from rich.table import Table

    frame = outcome.table.head(top) if method in (*SCORING, "coupling") else outcome.table
    table = Table(title=f"bqw evaluate · {method}", show_lines=False)
    index_name = frame.index.name or "unit"
    table.add_column(str(index_name))
    for column in frame.columns:
        table.add_column(str(column), justify="right")
    for label, *row in frame.itertuples(name=None):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        table.add_row(str(label), *cells)
    Console(stderr=False).print(table)
    if len(outcome.table) > len(frame):
        Console().print(f"… {len(outcome.table) - len(frame)} more rows in the output file")


# ----------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bqw evaluate",
        description="Evaluate units from a spreadsheet (units in rows, indicators in columns).",
    )
    parser.add_argument("file", type=Path, help="input .xlsx, .xls, .ods or .csv")
    parser.add_argument("--method", choices=METHODS, default="entropy-topsis")
    parser.add_argument("--out", type=Path, help="write results here (.xlsx: every sheet; .csv)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--id-col", help="column naming the units (default: the first)")
    parser.add_argument("--group-col", help="column of groups (e.g. county) for theil")
    parser.add_argument("--weight-col", help="column of population weights for theil/gini/cv")
    parser.add_argument(
        "--ignore-cols", default="", help="comma-separated columns that are not indicators"
    )
    parser.add_argument("--pairwise-sheet", default="pairwise", help="AHP matrix sheet name")
    parser.add_argument("--accept-inconsistent", action="store_true", help="allow AHP CR ≥ 0.1")
    parser.add_argument(
        "--normalization", choices=("vector", "minmax"), default="vector", help="for TOPSIS"
    )
    parser.add_argument(
        "--combine",
        choices=("none", "multiplicative", "linear"),
        default="none",
        help="combine the given weights (subjective) with entropy weights",
    )
    parser.add_argument("--alpha", type=float, default=0.5, help="subjective share, linear")
    parser.add_argument("--subsystems", help="coupling: comma-separated subsystem columns")
    parser.add_argument(
        "--coupling-variant", choices=("standard", "power", "revised"), default="standard"
    )
    parser.add_argument(
        "--floor",
        type=float,
        default=0.0,
        help="min-max onto [FLOOR, 1] for weighted sums and coupling levels (e.g. 0.01)",
    )
    parser.add_argument("--top-k", type=int, default=3, help="obstacle: weak points per unit")
    parser.add_argument("--ddof", type=int, default=0, help="cv: 0 population, 1 sample")
    parser.add_argument("--missing", choices=("raise", "drop", "mean", "median"), default="raise")
    parser.add_argument("--top", type=int, default=20, help="rows to print (default 20)")
    parser.add_argument("--quiet", action="store_true", help="print no table")
    return parser


def main(argv: list[str]) -> int:
    """Run ``bqw evaluate``; returns the exit status."""
    args = _parser().parse_args(argv)
    wanted = ["indicators", args.pairwise_sheet]
    if args.out is not None and args.out.suffix.lower() not in (".xlsx", ".csv"):
        print(f"bqw evaluate: --out {args.out}: expected .xlsx or .csv", file=sys.stderr)
        return EXIT_INPUT
    try:
        sheets = read_sheets(args.file, wanted=wanted)
        data = _parse_with_progress(sheets, args)
        outcome = run_method(data, args, sheets)
        if args.out is not None:
            write_output(args.out, outcome, progress=len(data.units) >= PROGRESS_ROWS)
    except (EvaluateInputError, an.AnalysisInputError) as exc:
        print(f"bqw evaluate: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        json.dump(json_document(data, args, outcome), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif not args.quiet:
        print_table(outcome, method=args.method, top=args.top)
    for note in data.notes:
        print(f"bqw evaluate: note: {note}", file=sys.stderr)
    if args.out is not None:
        print(f"bqw evaluate: wrote {args.out}", file=sys.stderr)
    return 0


def _parse_with_progress(sheets: dict[str, Sheet], args: argparse.Namespace) -> Dataset:
    rows = len(sheets[""].rows)
    kwargs = dict(
        id_col=args.id_col,
        group_col=args.group_col,
        weight_col=args.weight_col,
        ignore_cols=[c.strip() for c in args.ignore_cols.split(",") if c.strip()],
    )
    if rows < PROGRESS_ROWS:
        return parse_dataset(sheets, **kwargs)
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(f"reading {rows:,} rows", total=rows)
        return parse_dataset(sheets, progress=lambda n: progress.advance(task, n), **kwargs)
