"""Two runs compared: each unit's rank in A and in B, and why it moved.

From the runs' snapshots, over the units and indicators both runs have, in each run's last
period, three rankings are computed with the same engine (`engine.compute` with given
weights): A's values with A's weights, B's values with B's weights, and B's values with A's
weights. Then, with change = rank(A) − rank(B) (> 0: the unit advanced),

    from weights = rank(B values, A weights) − rank(B)
    from values  = rank(A) − rank(B values, A weights)

and the two add up to the change. When both runs rank the same units on the same indicators
the first two rankings are the runs' own; otherwise they are re-ranked over what is common,
and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.engine import EvaluationInputError, Inputs, compute
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.services import run_inputs


@dataclass(frozen=True)
class Comparison:
    a: Run
    b: Run
    period_a: str
    period_b: str
    units: list[str]
    names: list[str]
    indicators: list[str]
    indicator_names: list[str]
    weights_a: list[float]
    weights_b: list[float]
    rank_a: list[int]
    rank_b: list[int]
    rank_mixed: list[int]
    partial: bool  # fewer units or indicators than one of the runs has

    def rows(self, prefix: str = "") -> list[dict[str, Any]]:
        """One row per common unit within `prefix`, in B's order."""
        found = []
        for i, code in enumerate(self.units):
            if not code.startswith(prefix):
                continue
            found.append(
                {
                    "code": code,
                    "name": self.names[i],
                    "rank_a": self.rank_a[i],
                    "rank_b": self.rank_b[i],
                    "change": self.rank_a[i] - self.rank_b[i],
                    "from_weights": self.rank_mixed[i] - self.rank_b[i],
                    "from_values": self.rank_a[i] - self.rank_mixed[i],
                }
            )
        return sorted(found, key=lambda r: (r["rank_b"], r["code"]))


def _kept(run: Run, period: str) -> set[str]:
    return set(RunScore.objects.filter(run=run, period=period).values_list("unit__code", flat=True))


def _slice(inputs: Inputs, period: str, units: list[str], indicators: list[str]) -> Inputs:
    p = inputs.periods.index(period)
    position = {unit: index for index, unit in enumerate(inputs.units)}
    rows = [position[u] for u in units]
    cols = [inputs.indicators.index(c) for c in indicators]
    return replace(
        inputs,
        periods=[period],
        years=[inputs.years[p]],
        units=units,
        names=[inputs.names[r] for r in rows],
        groups=[inputs.groups[r] for r in rows],
        tracks=[inputs.tracks[r] for r in rows],
        indicators=indicators,
        indicator_names=[inputs.indicator_names[c] for c in cols],
        directions=[inputs.directions[c] for c in cols],
        dimensions=[inputs.dimensions[c] for c in cols],
        subsystems=[inputs.subsystems[c] for c in cols],
        given=[None] * len(cols),
        values=inputs.values[p : p + 1][:, rows][:, :, cols],
        targets={},
    )


def _ranks(inputs: Inputs, weights: list[float], params: dict[str, Any]) -> list[int]:
    plain = {
        **params,
        "weighting": "given",
        "coupling": False,
        "balance_by_county": False,
        "by_track": False,
    }
    outcome = compute(replace(inputs, given=list(weights)), plain)
    ranks = np.zeros(len(inputs.units), dtype=int)
    ranks[outcome.units] = outcome.rank[0]
    return [int(r) for r in ranks]


def _weights(run: Run, period: str, indicators: list[str]) -> list[float]:
    table = run.summary.get("weights", {}).get(period, {})
    w = np.array([float(table.get(code, 0.0)) for code in indicators])
    return [float(v) for v in (w / w.sum() if w.sum() > 0 else w)]


def runs_compare(*, a: Run, b: Run) -> Comparison:
    """Compare two finished runs (see the module's docstring); refused, saying why, when
    they share fewer than two units or no indicator."""
    if not a.inputs or not b.inputs:
        raise InputError("运行没有保存输入快照，无法比较")
    period_a, period_b = a.last_period, b.last_period
    inputs_a, inputs_b = run_inputs(a), run_inputs(b)
    kept_a, kept_b = _kept(a, period_a), _kept(b, period_b)
    units = [u for u in inputs_b.units if u in kept_a and u in kept_b]
    indicators = [c for c in inputs_b.indicators if c in inputs_a.indicators]
    if len(units) < 2:
        raise InputError("两次运行共有的单位不足两个，无法比较排名")
    if not indicators:
        raise InputError("两次运行没有共同的指标，无法比较")
    weights_a = _weights(a, period_a, indicators)
    weights_b = _weights(b, period_b, indicators)
    sliced_a = _slice(inputs_a, period_a, units, indicators)
    sliced_b = _slice(inputs_b, period_b, units, indicators)
    try:
        rank_a = _ranks(sliced_a, weights_a, a.parameters)
        rank_b = _ranks(sliced_b, weights_b, b.parameters)
        rank_mixed = _ranks(sliced_b, weights_a, b.parameters)
    except EvaluationInputError as exc:
        raise InputError(f"无法比较：{exc}") from None
    partial = (
        len(units) < max(len(kept_a), len(kept_b))
        or len(indicators) < max(len(inputs_a.indicators), len(inputs_b.indicators))
        or a.scheme_id != b.scheme_id
    )
    return Comparison(
        a=a,
        b=b,
        period_a=period_a,
        period_b=period_b,
        units=units,
        names=sliced_b.names,
        indicators=indicators,
        indicator_names=sliced_b.indicator_names,
        weights_a=weights_a,
        weights_b=weights_b,
        rank_a=rank_a,
        rank_b=rank_b,
        rank_mixed=rank_mixed,
        partial=partial,
    )
