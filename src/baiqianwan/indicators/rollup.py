"""Totals up the tree, computed at approval: `rollup_refresh`.

For a data set and period, every unit above the reporting level up to the city gets, for each
entered indicator, the aggregate of the **settled** values of the reporting units below it
(those whose own submission is approved or locked; a waived unit's values, if any, were never
checked and stay out), by the indicator's aggregation:

- ``sum``: Σ v over the units that reported it;
- ``weighted_average``: Σ v·w / Σ w over the units that reported both v and the weight w
  (`weight_indicator`, e.g. per-capita income weighted by population); missing when Σ w = 0;
- ``average``: the mean of the reported values; ``min`` / ``max``: their extremes;
- ``none``: not aggregated (no row).

Every level aggregates straight from the reporting units, never from the totals of the level
in between, so a county's average is the mean over its villages and not a mean of town means.
`reported` / `expected` count the units below that had a settled value / that were expected
to report (a waived unit is not). Then the computed indicators (formula.py) are evaluated
at every level from those totals, and at the settled reporting units themselves from their
own values. The result is stored as `DerivedValue` rows (aggregate / computed), replacing
the refreshed units' previous rows in one transaction.

The tree is the period's (`tree.period_tree`): a village merged away after the period still
rolls into the town it belonged to. The work is one query for the tree, one for the settled
submissions, one for the values, NumPy over units × indicators, and one bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from baiqianwan.core.batches import BATCH, chunks
from baiqianwan.indicators.choices import Aggregation, DerivedKind, SubmissionState
from baiqianwan.indicators.formula import formula_evaluate, formula_parse, formulas_order
from baiqianwan.indicators.models import (
    DataSet,
    DataValue,
    DerivedValue,
    Indicator,
    Period,
    Submission,
)
from baiqianwan.indicators.selectors import dataset_indicators, values_grid
from baiqianwan.indicators.tree import PeriodTree, levels_above, period_tree

# The states whose values count in the totals.
COUNTED_STATES = (SubmissionState.APPROVED, SubmissionState.LOCKED)


@dataclass(frozen=True)
class RollupResult:
    units: int
    rows: int


def _aggregate(
    aggregation: str,
    values: np.ndarray,
    weights: np.ndarray | None,
    index: np.ndarray,
    groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """One indicator's totals per group and how many units reported it.

    `values` has one entry per reporting unit (NaN when missing or not settled); `index` names
    each unit's group (-1 for none).
    """
    present = np.isfinite(values) & (index >= 0)
    if aggregation == Aggregation.WEIGHTED_AVERAGE and weights is not None:
        present &= np.isfinite(weights)
    where = index[present]
    taken = values[present]
    reported = np.bincount(where, minlength=groups).astype(np.int64)
    total = np.full(groups, np.nan)
    has = reported > 0
    if aggregation == Aggregation.SUM:
        total[has] = np.bincount(where, weights=taken, minlength=groups)[has]
    elif aggregation == Aggregation.AVERAGE:
        total[has] = np.bincount(where, weights=taken, minlength=groups)[has] / reported[has]
    elif aggregation == Aggregation.WEIGHTED_AVERAGE:
        if weights is None:
            return total, reported
        w = weights[present]
        weight_sum = np.bincount(where, weights=w, minlength=groups)
        product = np.bincount(where, weights=taken * w, minlength=groups)
        ok = has & (weight_sum != 0)
        total[ok] = product[ok] / weight_sum[ok]
    elif aggregation == Aggregation.MIN:
        extreme = np.full(groups, np.inf)
        np.minimum.at(extreme, where, taken)
        total[has] = extreme[has]
    elif aggregation == Aggregation.MAX:
        extreme = np.full(groups, -np.inf)
        np.maximum.at(extreme, where, taken)
        total[has] = extreme[has]
    return total, reported


def _leaf_states(tree: PeriodTree) -> tuple[np.ndarray, np.ndarray]:
    """Two masks over `tree.leaves`: whose report is approved or locked (its values count),
    and whose report is waived (it is not expected)."""
    counted: set[int] = set()
    waived: set[int] = set()
    for chunk in chunks(tree.leaves):
        for unit_id, state in Submission.objects.filter(
            dataset=tree.dataset,
            period=tree.period,
            unit_id__in=chunk,
            state__in=[*COUNTED_STATES, SubmissionState.WAIVED],
        ).values_list("unit_id", "state"):
            (waived if state == SubmissionState.WAIVED else counted).add(unit_id)
    return (
        np.array([leaf in counted for leaf in tree.leaves], dtype=bool),
        np.array([leaf in waived for leaf in tree.leaves], dtype=bool),
    )


def _leaf_matrix(
    tree: PeriodTree, period: Period, indicators: list[Indicator], settled: np.ndarray
) -> dict[str, np.ndarray]:
    """code → one value per reporting unit (`tree.leaves` order), NaN where missing or not
    settled: one query for the period's values of these indicators, placed by NumPy."""
    grid = values_grid(
        DataValue, period, np.asarray(tree.leaves, dtype=np.int64), [i.pk for i in indicators]
    )
    grid[~settled, :] = np.nan
    return {indicator.code: grid[:, column] for column, indicator in enumerate(indicators)}


def _targets(tree: PeriodTree, units: Iterable[Any] | None) -> set[int]:
    """The tree nodes to refresh: all of them, or the given units and their ancestors."""
    if units is None:
        return set(tree.nodes)
    wanted: set[int] = set()
    for unit in units:
        pk = unit if isinstance(unit, int) else unit.pk
        if pk not in tree.nodes:
            node = tree.node_by_code(getattr(unit, "code", ""))
            if node is None:
                continue
            pk = node.pk
        wanted.add(pk)
        wanted.update(tree.ancestors(pk))
    return wanted


def _computed(
    indicators: list[Indicator], matrix: dict[str, np.ndarray], size: int
) -> dict[str, np.ndarray]:
    """The computed indicators over `matrix` (code → one value per unit), in dependency
    order; those whose operands are not all there are left out."""
    formulas = {i.code: formula_parse(i.formula) for i in indicators if i.formula}
    values = dict(matrix)
    found: dict[str, np.ndarray] = {}
    for code in formulas_order(formulas):
        if formulas[code].codes <= values.keys():
            values[code] = found[code] = formula_evaluate(formulas[code], values) * np.ones(size)
    return found


def rollup_refresh(
    *,
    dataset: DataSet,
    period: Period,
    units: Iterable[Any] | None = None,
    now: datetime | None = None,
    tree: PeriodTree | None = None,
) -> RollupResult:
    """Recompute the `DerivedValue` rows of `dataset` for `period`.

    With `units` (units or ids: the ones just approved, returned or waived), only those units
    and their ancestors are refreshed; without, every unit of the period's tree (the full
    recompute `bqw indicators rollup` runs). `tree`, if the caller has the period's tree at
    hand, saves reading it again. Returns how many units and rows were written.
    """
    now = now or timezone.now()
    tree = tree if tree is not None else period_tree(dataset, period)
    targets = _targets(tree, units)
    indicators = dataset_indicators(dataset)
    if not targets or not indicators:
        return RollupResult(units=0, rows=0)
    by_code = {i.code: i for i in indicators}
    entered = [i for i in indicators if not i.formula]
    settled, waived = _leaf_states(tree)
    weights_of = {
        i.code: i.weight_indicator.code
        for i in entered
        if i.aggregation == Aggregation.WEIGHTED_AVERAGE and i.weight_indicator_id
    }
    read = list(entered)
    read += [
        weight
        for weight in {i.weight_indicator for i in entered if i.code in weights_of}
        if weight.code not in by_code
    ]
    # Only the settled units' values count; the others stay NaN.
    matrix = _leaf_matrix(tree, period, read, settled)
    leaf_rows = np.flatnonzero(settled).tolist()
    rows: list[DerivedValue] = []

    def emit(unit_id: int, code: str, value: float, kind: str, reported: int, expected: int):
        rows.append(
            DerivedValue(
                indicator_id=by_code[code].pk,
                unit_id=unit_id,
                period=period,
                value=value,
                kind=kind,
                reported=reported,
                expected=expected,
                computed_at=now,
            )
        )

    # The reporting units' own computed indicators.
    leaf_targets = [row for row in leaf_rows if tree.leaves[row] in targets]
    if leaf_targets:
        own = _computed(
            indicators,
            {code: column[leaf_targets] for code, column in matrix.items()},
            len(leaf_targets),
        )
        for code, column in own.items():
            for position, row in enumerate(leaf_targets):
                if np.isfinite(column[position]):
                    emit(
                        tree.leaves[row], code, float(column[position]), DerivedKind.COMPUTED, 1, 1
                    )
    # Each level above, straight from the reporting units.
    for level in levels_above(dataset.level):
        groups, index = tree.leaf_groups(level)
        chosen = [row for row, pk in enumerate(groups) if pk in targets]
        if not chosen:
            continue
        expected = np.bincount(index[(index >= 0) & ~waived], minlength=len(groups))
        totals: dict[str, np.ndarray] = {}
        for indicator in entered:
            if indicator.aggregation == Aggregation.NONE:
                continue
            weight_code = weights_of.get(indicator.code)
            weights = None
            if weight_code is not None:
                weights = matrix.get(weight_code)
            total, reported = _aggregate(
                indicator.aggregation, matrix[indicator.code], weights, index, len(groups)
            )
            totals[indicator.code] = total
            for row in chosen:
                if np.isfinite(total[row]):
                    emit(
                        groups[row],
                        indicator.code,
                        float(total[row]),
                        DerivedKind.AGGREGATE,
                        int(reported[row]),
                        int(expected[row]),
                    )
        computed = _computed(indicators, totals, len(groups))
        for code, column in computed.items():
            for row in chosen:
                if np.isfinite(column[row]):
                    emit(
                        groups[row],
                        code,
                        float(column[row]),
                        DerivedKind.COMPUTED,
                        int(expected[row]),
                        int(expected[row]),
                    )
    target_ids = sorted(targets)
    with transaction.atomic():
        for chunk in chunks(target_ids):
            DerivedValue.objects.filter(
                period=period,
                unit_id__in=chunk,
                indicator_id__in=[i.pk for i in indicators],
            ).delete()
        DerivedValue.objects.bulk_create(rows, batch_size=BATCH)
    return RollupResult(units=len(targets), rows=len(rows))


__all__ = ["RollupResult", "rollup_refresh"]
