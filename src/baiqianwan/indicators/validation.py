"""Validation rules over a unit's values for a period: `left operator right`.

Each side is a formula over indicator codes (`baiqianwan.indicators.formula`). A rule applies
to a data set when its levels include the data set's level (or name none) and every code it
uses is reported in the data set or computed from such codes. A rule with a missing operand
is not checked for that unit (it cannot be judged; the missing value shows in the reporting
rate instead). Blocking rules stop a submission; warnings are shown beside it.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from baiqianwan.core.batches import IN_CHUNK
from baiqianwan.indicators.choices import Severity
from baiqianwan.indicators.formula import Formula, formula_evaluate, formula_parse, formulas_order
from baiqianwan.indicators.models import DataSet, DataValue, Indicator, Period, ValidationRule
from baiqianwan.indicators.selectors import dataset_indicators

COMPARE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "==": lambda a, b: np.isclose(a, b, rtol=1e-9, atol=1e-9),
    "!=": lambda a, b: ~np.isclose(a, b, rtol=1e-9, atol=1e-9),
    "<": op.lt,
    "<=": lambda a, b: (a <= b) | np.isclose(a, b, rtol=1e-9, atol=1e-9),
    ">": op.gt,
    ">=": lambda a, b: (a >= b) | np.isclose(a, b, rtol=1e-9, atol=1e-9),
}


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    unit_id: int
    left: float
    right: float

    @property
    def blocking(self) -> bool:
        return self.rule.severity == Severity.BLOCKING


def _value_rows(period: Period, unit_ids: Sequence[int], indicator_ids: list[int]) -> list:
    """(unit id, indicator id, value) of the period's values of these units and indicators.

    Up to `IN_CHUNK` units are looked up by id; for more (a county, the city) one read of the
    period's values of the indicators is faster than many id lists, and the rows of other
    units are dropped by the caller.
    """
    values = DataValue.objects.filter(period=period, indicator_id__in=indicator_ids)
    columns = ("unit_id", "indicator_id", "value")
    if len(unit_ids) > IN_CHUNK:
        return list(values.values_list(*columns))
    return list(values.filter(unit_id__in=list(unit_ids)).values_list(*columns))


def values_matrix(
    period: Period, unit_ids: Sequence[int], indicators: Iterable[Indicator]
) -> dict[str, np.ndarray]:
    """code → one value per unit (in `unit_ids` order, NaN for missing) of the entered
    indicators, then the computed ones evaluated from them."""
    indicators = list(indicators)
    entered = [i for i in indicators if not i.formula]
    grid = np.full((len(unit_ids), len(entered)), np.nan)
    rows = _value_rows(period, unit_ids, [i.pk for i in entered]) if unit_ids and entered else []
    if rows:
        found = np.array(rows, dtype=float)
        # Each row's place: units and indicators by sorted id, so the rows land in one step.
        units = np.asarray(unit_ids, dtype=float)
        unit_order = np.argsort(units)
        at = np.searchsorted(units[unit_order], found[:, 0]).clip(max=len(units) - 1)
        kept = units[unit_order][at] == found[:, 0]
        columns = np.asarray([i.pk for i in entered], dtype=float)
        column_order = np.argsort(columns)
        column = column_order[np.searchsorted(columns[column_order], found[kept, 1])]
        grid[unit_order[at[kept]], column] = found[kept, 2]
    matrix = {i.code: grid[:, n].copy() for n, i in enumerate(entered)}
    formulas = {i.code: formula_parse(i.formula) for i in indicators if i.formula}
    for code in formulas_order(formulas):
        if formulas[code].codes <= matrix.keys():
            matrix[code] = formula_evaluate(formulas[code], matrix)
    return matrix


def rules_for(
    dataset: DataSet, indicators: Sequence[Indicator] | None = None
) -> list[tuple[ValidationRule, Formula, Formula]]:
    """The active rules that apply to `dataset`, with their sides read."""
    codes = {
        i.code for i in (indicators if indicators is not None else dataset_indicators(dataset))
    }
    found = []
    for rule in ValidationRule.objects.filter(is_active=True).order_by("code"):
        if rule.levels and dataset.level not in rule.levels:
            continue
        left, right = formula_parse(rule.left), formula_parse(rule.right)
        if (left.codes | right.codes) <= codes:
            found.append((rule, left, right))
    return found


def violations(
    dataset: DataSet, period: Period, unit_ids: Sequence[int], *, severity: str = ""
) -> list[Violation]:
    """The rules each unit breaks for `period` (only `severity`'s if given), by unit order."""
    indicators = dataset_indicators(dataset)
    rules = [r for r in rules_for(dataset, indicators) if not severity or r[0].severity == severity]
    if not rules or not unit_ids:
        return []
    matrix = values_matrix(period, list(unit_ids), indicators)
    return violations_in(rules, matrix, unit_ids)


def violations_in(
    rules: Sequence[tuple[ValidationRule, Formula, Formula]],
    matrix: Mapping[str, np.ndarray],
    unit_ids: Sequence[int],
) -> list[Violation]:
    """The rules broken in a values matrix already read (`values_matrix`), by unit order.

    A side with a missing operand is missing, and a rule with a missing side is not judged
    (DHIS2's "skip if any value is missing").
    """
    found: list[Violation] = []
    for rule, left_formula, right_formula in rules:
        left = formula_evaluate(left_formula, matrix) * np.ones(len(unit_ids))
        right = formula_evaluate(right_formula, matrix) * np.ones(len(unit_ids))
        judged = np.isfinite(left) & np.isfinite(right)
        with np.errstate(invalid="ignore"):
            broken = judged & ~COMPARE[rule.operator](left, right)
        for row in np.flatnonzero(broken).tolist():
            found.append(
                Violation(
                    rule=rule, unit_id=unit_ids[row], left=float(left[row]), right=float(right[row])
                )
            )
    position = {unit_id: row for row, unit_id in enumerate(unit_ids)}
    found.sort(key=lambda v: (position[v.unit_id], v.rule.code))
    return found


def blocking_violations(
    dataset: DataSet, period: Period, unit_ids: Sequence[int]
) -> list[Violation]:
    """What stops these units' submission."""
    return violations(dataset, period, unit_ids, severity=Severity.BLOCKING)
