"""Targets and trends: achievement towards a target, status lights, ranks and their change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis._validation import (
    AnalysisInputError,
    Direction,
    as_float_array,
    parse_directions,
)
from baiqianwan.analysis.results import ranks_of, vectors_frame

if TYPE_CHECKING:
    import pandas as pd

#: The programme's milestones: initial results (2025), clear results (2027), decisive (2035).
MILESTONES = {2025: "三年初见成效", 2027: "五年取得显著成效", 2035: "十年取得决定性成效"}
LIGHTS = ("red", "yellow", "green")


@dataclass(frozen=True, eq=False)
class TargetResult:
    """Achievement (完成率) a, the progress expected by now, and the status light.

    ``status`` holds ``"green"`` (on track: a ≥ green·expected), ``"yellow"`` (at risk:
    a ≥ yellow·expected) or ``"red"`` (behind).
    """

    achievement: NDArray[np.float64]
    expected: NDArray[np.float64]
    status: NDArray[np.str_]
    met: NDArray[np.bool_]

    def to_frame(
        self, *, units: Sequence[Any] | None = None, indicators: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """One row per value (long form for 2-D input: unit × indicator)."""
        import pandas as pd

        a = np.atleast_1d(self.achievement)
        columns = {
            "achievement": a,
            "expected": np.broadcast_to(self.expected, a.shape),
            "status": np.atleast_1d(self.status),
            "met": np.atleast_1d(self.met),
        }
        if a.ndim == 1:
            return vectors_frame(columns, units=units)
        n, m = a.shape[-2:]
        index = pd.MultiIndex.from_product(
            [
                list(units) if units is not None else range(1, n + 1),
                list(indicators) if indicators is not None else [f"x{j + 1}" for j in range(m)],
            ],
            names=["unit", "indicator"],
        )
        return pd.DataFrame({k: np.asarray(v).reshape(-1) for k, v in columns.items()}, index=index)


def target_achievement(
    value: ArrayLike,
    *,
    target: ArrayLike,
    baseline: ArrayLike | None = None,
    directions: Sequence[Direction] | ArrayLike | None = None,
    year: float | None = None,
    base_year: float | None = None,
    target_year: float | None = None,
    cap: float | None = None,
    green: float = 1.0,
    yellow: float = 0.8,
) -> TargetResult:
    """Achievement towards a target (达标率 / 完成率) and a red/yellow/green status.

    Parameters
    ----------
    value : array_like (..., indicators)
        Current values; the last axis is indicators, matching `directions` and `target`.
    target : array_like
        Target values (e.g. for a milestone in :data:`MILESTONES`), broadcast against value.
    baseline : array_like, optional
        Values of the base year. With a baseline achievement is the share of the way covered;
        without it, the ratio to the target.
    directions : sequence, optional
        正向/逆向 per indicator; a cost target is reached from above.
    year, base_year, target_year : float, optional
        When all three are given the expected progress is
        :math:`e = (year - base)/(target - base)` clipped to [0, 1] (a linear schedule);
        otherwise e = 1 (the target is due now).
    cap : float, optional
        Upper bound on achievement, e.g. 1.0 to report at most 100 %.
    green, yellow : float
        Status thresholds as fractions of the expected progress (defaults 1.0 and 0.8).

    Notes
    -----
    .. math::

        a = \\frac{x - b}{t - b} \\ \\text{(with baseline, benefit and cost alike)}, \\qquad
        a = x/t \\ \\text{(benefit)}, \\quad a = t/x \\ \\text{(cost)}           \\quad (29)

    Edge cases: a target equal to the baseline gives a = 1 if the target is met and 0
    otherwise; a benefit target below its baseline (or a cost target above it) raises; a cost
    value of 0 without baseline counts as met (a = cap or inf).

    References
    ----------
    The completion-rate (完成率) and attainment-rate (达标率) definitions of target
    appraisal; the linear schedule is the simplest reading of the 2025/2027/2035 milestones.
    """
    x = as_float_array(value, name="value")
    t = np.broadcast_to(as_float_array(target, name="target"), x.shape)
    benefit = parse_directions(directions, x.shape[-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.where(benefit, x >= t, x <= t)
        if baseline is not None:
            b = np.broadcast_to(as_float_array(baseline, name="baseline"), x.shape)
            wrong = np.where(benefit, t < b, t > b)
            if wrong.any():
                raise AnalysisInputError(
                    "a benefit target lies below its baseline (or a cost target above it)"
                )
            span = t - b
            a = np.where(span != 0, (x - b) / np.where(span != 0, span, 1.0), met.astype(float))
        else:
            if np.where(benefit, t == 0, False).any():
                raise AnalysisInputError("a benefit target of 0 has no ratio; give a baseline")
            a = np.where(benefit, x / t, t / x)
    if cap is not None:
        a = np.minimum(a, cap)
    if None not in (year, base_year, target_year):
        assert year is not None and base_year is not None and target_year is not None
        if target_year <= base_year:
            raise AnalysisInputError("target_year must come after base_year")
        expected = np.clip((year - base_year) / (target_year - base_year), 0.0, 1.0)
    else:
        expected = 1.0
    level = (a >= yellow * expected).astype(int) + (a >= green * expected).astype(int)
    return TargetResult(
        achievement=np.asarray(a, dtype=float),
        expected=np.asarray(expected, dtype=float),
        status=np.array(LIGHTS)[level],
        met=np.asarray(met),
    )


@dataclass(frozen=True, eq=False)
class RankChangeResult:
    """Ranks per period and their change: ``change[t] = ranks[t] - ranks[t + 1]`` (> 0 = up)."""

    ranks: NDArray[np.int64]
    change: NDArray[np.int64]
    total_change: NDArray[np.int64]

    def to_frame(
        self, *, units: Sequence[Any] | None = None, periods: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """One row per unit: the rank in each period and the change first → last."""
        import pandas as pd

        labels = list(periods) if periods is not None else list(range(1, self.ranks.shape[0] + 1))
        frame = pd.DataFrame(
            self.ranks.T,
            columns=[f"rank_{p}" for p in labels],
            index=pd.Index(
                list(units) if units is not None else range(1, self.ranks.shape[1] + 1), name="unit"
            ),
        )
        return frame.assign(change=self.total_change)


def rank_change(scores: ArrayLike, *, ascending: bool = False) -> RankChangeResult:
    """Ranks of units in each period and the change of rank between consecutive periods.

    Parameters
    ----------
    scores : array_like (periods, units)
        Scores; higher is better unless ``ascending=True``. Ties share the better rank.

    The change is previous rank minus current rank, so moving from 5th to 2nd is +3.
    Missing scores raise.
    """
    s = as_float_array(scores, name="scores", min_ndim=2)
    if s.ndim != 2 or s.shape[0] < 2:
        raise AnalysisInputError("scores must be (periods, units) with at least 2 periods")
    if not np.all(np.isfinite(s)):
        raise AnalysisInputError("scores have missing values")
    ranks = ranks_of(s, ascending=ascending)
    return RankChangeResult(
        ranks=ranks, change=ranks[:-1] - ranks[1:], total_change=ranks[0] - ranks[-1]
    )
