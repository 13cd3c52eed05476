"""The evaluation pipeline in one call: min-max → entropy weights → TOPSIS → obstacle → Theil.

This is what the platform's evaluation pages, ``bqw evaluate`` and national-scale runs do.
With ``intermediates=False`` it makes three blocked passes over the data (column extremes,
entropy sums, then TOPSIS distances and weak points together) and never allocates anything
of the input's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis import _blocks
from baiqianwan.analysis._validation import (
    AnalysisInputError,
    Direction,
    Missing,
    as_matrix,
    as_weights,
    handle_missing,
    parse_directions,
)
from baiqianwan.analysis.inequality import TheilResult, theil
from baiqianwan.analysis.normalize import column_affine
from baiqianwan.analysis.obstacle import (
    NO_OBSTACLE,
    ObstacleResult,
    obstacle_degree,
    top_k_dtype,
)
from baiqianwan.analysis.results import ranks_of
from baiqianwan.analysis.topsis import TopsisResult, topsis
from baiqianwan.analysis.weights import TINY, EntropyResult, entropy_weights

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class EvaluationResult:
    """Weights, TOPSIS scores, weak points and (with groups) the Theil decomposition."""

    weights: NDArray[np.float64]
    entropy: EntropyResult | None
    topsis: TopsisResult
    obstacle: ObstacleResult
    theil: TheilResult | None

    def to_frame(
        self,
        *,
        units: Sequence[Any] | None = None,
        indicators: Sequence[Any] | None = None,
        periods: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        """One row per unit (and period): TOPSIS scores and ranks with the weak points."""
        scores = self.topsis.to_frame(units=units, periods=periods)
        weak = self.obstacle.to_frame(units=units, indicators=indicators, periods=periods)
        return scores.join(weak)


def evaluate(
    X: ArrayLike,
    *,
    directions: Sequence[Direction] | ArrayLike | None = None,
    weights: ArrayLike | None = None,
    top_k: int = 3,
    groups: ArrayLike | None = None,
    population: ArrayLike | None = None,
    missing: Missing = "raise",
    intermediates: bool = True,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> EvaluationResult:
    """Entropy-weighted TOPSIS with weak points and balance, per period.

    Parameters
    ----------
    X : array_like (..., units, indicators)
        Raw values; leading axes are periods.
    directions : sequence, optional
        正向/逆向 per indicator.
    weights : array_like, optional
        Given weights (e.g. combined AHP-entropy); default entropy weights computed on
        direction-aware min-max values with 0·ln 0 = 0 (:func:`entropy_weights` defaults).
    top_k : int
        Weak points per unit (:func:`obstacle_degree`).
    groups, population : array_like (units,), optional
        With groups, the population-weighted (if population is given) Theil T decomposition of
        the TOPSIS closeness by group (:func:`theil`).
    missing : {"raise", "drop", "mean", "median"}
        NaN handling: refused naming the unit and indicator (default), or dropped/imputed as in
        :func:`~baiqianwan.analysis.normalize`. Every step (weights, distances, obstacles)
        needs every value of a unit, so missing values are never kept (``missing="keep"`` is
        refused).
    intermediates : bool
        ``True`` calls the public functions and keeps every intermediate; ``False`` runs three
        fused blocked passes on every core, keeping per-unit results only.

    Notes
    -----
    Steps and equations: min-max Eq. (1)-(2); entropy Eq. (6)-(8); TOPSIS Eq. (14)-(17)
    with min-max normalisation (cost columns are already reversed, so every ideal is the
    column maximum); obstacle Eq. (27)-(28); Theil Eq. (23). Both paths agree to rounding.
    """
    matrix = as_matrix(X)
    if intermediates or missing != "raise":
        # The blocked path finds missing values in its first pass instead.
        matrix, _ = handle_missing(matrix, missing=missing, units=units, indicators=indicators)
    m = matrix.shape[-1]
    benefit = parse_directions(directions, m)
    if intermediates:
        entropy = None
        if weights is None:
            entropy = entropy_weights(matrix, directions=benefit)
            w = entropy.weights
        else:
            w = as_weights(weights, m)
        scores = topsis(matrix, weights=w, directions=benefit, normalization="minmax")
        weak = obstacle_degree(matrix, weights=w, directions=benefit, top_k=top_k)
    else:
        entropy, w, scores, weak = _fused(matrix, benefit, weights, top_k, units, indicators)
    balance = None
    if groups is not None:
        balance = theil(scores.closeness, population=population, groups=groups)
    return EvaluationResult(weights=w, entropy=entropy, topsis=scores, obstacle=weak, theil=balance)


def _fused(
    matrix: NDArray[np.float64],
    benefit: NDArray[np.bool_],
    weights: ArrayLike | None,
    top_k: int,
    units: Sequence[Any] | None,
    indicators: Sequence[Any] | None,
) -> tuple[EntropyResult | None, NDArray[np.float64], TopsisResult, ObstacleResult]:
    """The three blocked passes of :func:`evaluate` with ``intermediates=False``."""
    if top_k < 1:
        raise AnalysisInputError(f"top_k must be at least 1, not {top_k}")
    three = _blocks.as_3d(matrix)
    periods, n, m = three.shape
    lead = matrix.shape[:-2]
    # Pass 1: column extremes → the direction-aware min-max map, Eq. (1)-(2). NaN and inf
    # propagate into the extremes, so a non-finite map means a missing value somewhere.
    affine = column_affine(three, method="minmax", benefit=benefit, blocked=True)
    if not (np.isfinite(affine.center).all() and (affine.divisor != 0).all()):
        handle_missing(matrix, missing="raise", units=units, indicators=indicators)
    degenerate = affine.degenerate[:, 0]
    center = affine.center[:, 0]
    scale = 1.0 / affine.divisor[:, 0]  # multiplying by the reciprocal halves the cost
    offset = affine.offset[:, 0]
    ones = np.ones(_blocks.BLOCK_ROWS)

    entropy: EntropyResult | None = None
    if weights is None:
        # Pass 2: S1 = Σy and S2 = Σ y ln y per column, Eq. (7) by the identity of
        # entropy_weights; y·ln(max(y, tiny)) is exactly 0 at y = 0.
        def sums(p: int, _rows: slice, block: NDArray[np.float64]) -> NDArray[np.float64]:
            y = _blocks.scratch("y", block.shape)
            np.subtract(block, center[p], out=y)
            np.multiply(y, scale[p], out=y)
            if degenerate[p].any():
                np.add(y, offset[p], out=y)
            logs = _blocks.scratch("log", block.shape)
            np.maximum(y, TINY, out=logs)
            np.log(logs, out=logs)
            np.multiply(logs, y, out=logs)
            k = block.shape[0]
            return np.stack([ones[:k] @ y, ones[:k] @ logs])

        s = np.array([np.sum(part, axis=0) for part in _blocks.map_blocks(three, sums)])
        s1, s2 = s[:, 0], s[:, 1]
        e = -(s2 / s1 - np.log(s1)) / np.log(n)
        e = np.where(degenerate, 1.0, np.clip(e, 0.0, 1.0))
        d = 1.0 - e
        if (d.sum(axis=-1) <= 0).any():
            raise AnalysisInputError(
                "every indicator is constant, so entropy weights are undefined"
            )
        w2 = d / d.sum(axis=-1, keepdims=True)
        entropy = EntropyResult(
            weights=w2.reshape((*lead, m)),
            entropy=e.reshape((*lead, m)),
            diversity=d.reshape((*lead, m)),
            proportions=None,
            basis="minmax",
            zeros="limit",
        )
    else:
        w2 = np.broadcast_to(as_weights(weights, m), (*lead, m)).reshape(periods, m)
    # y spans [0, 1] in every column (a constant column is 1), so A+ = w and A- = w·[constant].
    ideal, anti = w2.copy(), w2 * degenerate
    weighted_scale, weighted_offset = w2 * scale, w2 * offset
    has_offset = weighted_offset.any(axis=-1)
    has_anti = anti.any(axis=-1)
    tolerance = NO_OBSTACLE * w2.sum(axis=-1)
    k = min(top_k, m)
    d_plus, d_minus = np.empty((periods, n)), np.empty((periods, n))
    top_i = np.empty((periods, n, k), dtype=top_k_dtype(m))
    top_d = np.empty((periods, n, k))

    # Pass 3: TOPSIS distances, Eq. (16), and obstacle degrees, Eq. (27)-(28), together:
    # v - A+ = -(w - w·y) = -F·I, the obstacle numerator, so D+ = ‖F·I‖.
    def score(p: int, rows: slice, block: NDArray[np.float64]) -> None:
        size = block.shape[0]
        wy = _blocks.scratch("y", block.shape)
        np.subtract(block, center[p], out=wy)
        np.multiply(wy, weighted_scale[p], out=wy)
        if has_offset[p]:
            np.add(wy, weighted_offset[p], out=wy)
        obstacle = _blocks.scratch("diff", block.shape)
        np.subtract(w2[p], wy, out=obstacle)
        d_plus[p, rows] = np.sqrt(np.einsum("ij,ij->i", obstacle, obstacle))
        if has_anti[p]:
            np.subtract(wy, anti[p], out=wy)
        d_minus[p, rows] = np.sqrt(np.einsum("ij,ij->i", wy, wy))
        total = obstacle @ ones[:m] if m <= ones.size else obstacle.sum(axis=1)
        share = np.where(total > tolerance[p], 1.0 / np.where(total > 0, total, 1.0), 0.0)
        flat = obstacle.reshape(-1)
        base = np.arange(size) * m
        for position in range(k):
            best = obstacle.argmax(axis=1)
            index = base + best
            top_i[p, rows, position] = best
            top_d[p, rows, position] = np.take(flat, index) * share
            np.put(flat, index, -np.inf)

    _blocks.map_blocks(three, score)
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    shape = (*lead, n)
    scores = TopsisResult(
        normalized=None,
        weighted=None,
        ideal=ideal.reshape((*lead, m)),
        anti_ideal=anti.reshape((*lead, m)),
        d_plus=d_plus.reshape(shape),
        d_minus=d_minus.reshape(shape),
        closeness=closeness.reshape(shape),
        ranks=ranks_of(closeness).reshape(shape),
        weights=w2.reshape((*lead, m)),
        benefit=np.ones(m, dtype=bool),
        normalization="minmax",
        cost="invert",
        rescale=True,
    )
    weak = ObstacleResult(
        degree=None,
        deviation=None,
        dimension_degree=None,
        top_indices=top_i.reshape((*shape, k)),
        top_degree=top_d.reshape((*shape, k)),
        factor_contribution=w2.reshape((*lead, m)),
        dimensions=np.array([]),
    )
    return entropy, w2.reshape((*lead, m)), scores, weak
