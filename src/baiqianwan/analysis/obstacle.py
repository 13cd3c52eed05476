"""Weak-point diagnosis (短板): the obstacle degree model (障碍度模型)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis import _blocks
from baiqianwan.analysis._validation import (
    AnalysisInputError,
    Direction,
    Missing,
    as_matrix,
    as_weights,
    choice,
    handle_missing,
    parse_directions,
)
from baiqianwan.analysis.inequality import group_codes
from baiqianwan.analysis.normalize import column_affine
from baiqianwan.analysis.results import matrix_frame

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class ObstacleResult:
    """Obstacle degrees per indicator and dimension, and each unit's top-k weak points.

    Attributes
    ----------
    degree, deviation : ndarray (..., units, indicators) or None
        O_ij and I_ij; None when computed with ``intermediates=False``.
    dimension_degree : ndarray (..., units, dimensions) or None
        U_ik, None without dimensions.
    top_indices, top_degree : ndarray (..., units, k)
        Column indices of the k largest O_ij of each unit, largest first, and their degrees.
    dimensions : ndarray
        Dimension labels in the order of the dimension axis.
    """

    degree: NDArray[np.float64] | None
    deviation: NDArray[np.float64] | None
    dimension_degree: NDArray[np.float64] | None
    top_indices: NDArray[np.intp]
    top_degree: NDArray[np.float64]
    factor_contribution: NDArray[np.float64]
    dimensions: NDArray[Any]

    def to_frame(
        self,
        *,
        units: Sequence[Any] | None = None,
        indicators: Sequence[Any] | None = None,
        periods: Sequence[Any] | None = None,
    ) -> pd.DataFrame:
        """One row per unit (and period): the top-k weak points and their degrees."""
        k = self.top_indices.shape[-1]
        names = (
            np.asarray(list(indicators), dtype=object)
            if indicators is not None
            else np.array([f"x{j + 1}" for j in range(self.factor_contribution.shape[-1])])
        )
        frame = matrix_frame(
            names[self.top_indices],
            units=units,
            periods=periods,
            columns=[f"weak_{i + 1}" for i in range(k)],
        )
        degrees = matrix_frame(
            self.top_degree,
            units=units,
            periods=periods,
            columns=[f"degree_{i + 1}" for i in range(k)],
        )
        ordered = [c for pair in zip(frame.columns, degrees.columns, strict=True) for c in pair]
        return frame.join(degrees)[ordered]


def obstacle_degree(
    X: ArrayLike,
    *,
    weights: ArrayLike,
    directions: Sequence[Direction] | ArrayLike | None = None,
    normalization: Literal["minmax", "none"] = "minmax",
    dimensions: ArrayLike | None = None,
    top_k: int = 3,
    missing: Missing = "raise",
    intermediates: bool = True,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> ObstacleResult:
    """Obstacle degree of each indicator (and dimension) for each unit, and the top-k.

    Parameters
    ----------
    X : array_like (..., units, indicators)
        Raw values (``normalization="minmax"``, default) or values already normalised to
        [0, 1] with 1 best (``"none"``).
    weights : array_like (indicators,) or (..., indicators)
        Overall indicator weights (dimension weight × weight within the dimension), the
        factor contribution F_j.
    dimensions : array_like (indicators,), optional
        Dimension label of each indicator, for the dimension obstacle degree.
    top_k : int
        Weak points reported per unit (default 3; at most the number of indicators).
    missing : {"raise", "drop", "mean", "median"}
        NaN handling: refused naming the unit and indicator (default), or dropped/imputed as in
        :func:`~baiqianwan.analysis.normalize`. A unit's obstacle degrees share out its
        deviation over every indicator, so missing values are never kept
        (``missing="keep"`` is refused, and so is a NaN left by
        ``normalize(..., missing="keep")`` and passed with ``normalization="none"``).
    intermediates : bool
        Keep the full O and I matrices; ``False`` computes in cache-sized blocks on every core
        and keeps the top-k and the dimension degrees only.

    Notes
    -----
    .. math::

        F_j = w_j, \\qquad I_{ij} = 1 - y_{ij}                              \\quad (27)

        O_{ij} = \\frac{F_j I_{ij}}{\\sum_j F_j I_{ij}}, \\qquad
        U_{ik} = \\sum_{j \\in k} O_{ij}                                     \\quad (28)

    with :math:`y` the direction-aware min-max value, so :math:`\\sum_j O_{ij} = 1`.

    Edge cases: a unit best on every weighted indicator has no obstacle (all O = 0, sum 0;
    a weighted deviation below :data:`NO_OBSTACLE` × Σw counts as none, being rounding noise);
    constant columns have y = 1 and no obstacle; ties among weak points go to the lower
    column index.

    References
    ----------
    The factor contribution × deviation construction used throughout Chinese regional
    studies of weak points (障碍因子诊断); the weights are those of the evaluation itself.
    No single canonical source was verified for these docs: cite the paper whose indicator
    system you reproduce.
    """
    choice(normalization, ("minmax", "none"), name="normalization")
    matrix, _ = handle_missing(as_matrix(X), missing=missing, units=units, indicators=indicators)
    m = matrix.shape[-1]
    w = as_weights(weights, m)
    benefit = parse_directions(directions, m)
    if not top_k >= 1:
        raise AnalysisInputError(f"top_k must be at least 1, not {top_k}")
    k = min(top_k, m)
    if dimensions is not None:
        codes, labels = group_codes(dimensions, m)
        onehot: NDArray[np.float64] | None = np.eye(len(labels))[codes]
    else:
        labels, onehot = np.array([]), None
    if normalization == "none" and ((matrix < 0).any() or (matrix > 1).any()):
        raise AnalysisInputError("normalization='none' needs values in [0, 1] (1 best)")
    affine = column_affine(
        matrix,
        method="minmax" if normalization == "minmax" else "none",
        benefit=benefit,
        blocked=not intermediates,
    )
    w2 = np.broadcast_to(w, (*matrix.shape[:-2], m)).reshape(-1, m)
    if intermediates:
        deviation = 1.0 - affine.apply(matrix)  # Eq. (27)
        # _degree works in place (the blocked path relies on it); keep I_ij for the result.
        degree = _degree(deviation.copy(), w2.reshape((*matrix.shape[:-2], 1, m)))
        top_indices, top_degree = _top(degree, k)
        dimension_degree = degree @ onehot if onehot is not None else None
        return ObstacleResult(
            degree=degree,
            deviation=deviation,
            dimension_degree=dimension_degree,
            top_indices=top_indices,
            top_degree=top_degree,
            factor_contribution=w,
            dimensions=labels,
        )
    three = _blocks.as_3d(matrix)
    periods, n = three.shape[:2]
    top_i = np.empty((periods, n, k), dtype=top_k_dtype(m))
    top_d = np.empty((periods, n, k))
    dims = np.empty((periods, n, len(labels))) if onehot is not None else None

    def diagnose(p: int, rows: slice, block: NDArray[np.float64]) -> None:
        deviation = affine.apply(block, p)
        np.subtract(1.0, deviation, out=deviation)
        degree = _degree(deviation, w2[p])
        top_i[p, rows], top_d[p, rows] = _top(degree, k)
        if dims is not None and onehot is not None:
            dims[p, rows] = degree @ onehot

    _blocks.map_blocks(three, diagnose)
    lead = matrix.shape[:-1]
    return ObstacleResult(
        degree=None,
        deviation=None,
        dimension_degree=dims.reshape((*lead, -1)) if dims is not None else None,
        top_indices=top_i.reshape((*lead, k)),
        top_degree=top_d.reshape((*lead, k)),
        factor_contribution=w,
        dimensions=labels,
    )


#: A unit whose weighted deviation Σ F_j·I_ij is at most this share of Σ F_j is best on every
#: weighted indicator: what is left is rounding noise, so it has no obstacle at all.
NO_OBSTACLE = 1e-12


def top_k_dtype(m: int) -> type[np.signedinteger[Any]]:
    """The smallest integer type that indexes `m` indicators (top-k arrays stay small)."""
    return np.int16 if m <= np.iinfo(np.int16).max else np.intp


def _degree(deviation: NDArray[np.float64], w: NDArray[np.float64]) -> NDArray[np.float64]:
    """Eq. (28), in place on `deviation`; a row without obstacle (Σ F·I ≤ NO_OBSTACLE·Σw) is 0."""
    deviation *= w
    total = deviation.sum(axis=-1, keepdims=True)
    tolerance = NO_OBSTACLE * np.sum(w, axis=-1, keepdims=True)
    deviation *= np.where(total > tolerance, 1.0 / np.where(total > 0, total, 1.0), 0.0)
    return deviation


def _top(degree: NDArray[np.float64], k: int) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Indices and values of the k largest entries of the last axis, largest first.

    Ties go to the lower column index. Small k takes k passes of argmax (SIMD-friendly and
    far faster than a partition of short rows); large k a stable sort.
    """
    if k > 8:
        order = np.argsort(-degree, axis=-1, kind="stable")[..., :k]
        return order, np.take_along_axis(degree, order, axis=-1)
    work = degree.copy()
    indices = np.empty((*degree.shape[:-1], k), dtype=np.intp)
    values = np.empty((*degree.shape[:-1], k))
    for position in range(k):
        best = work.argmax(axis=-1)[..., None]
        indices[..., position : position + 1] = best
        values[..., position : position + 1] = np.take_along_axis(work, best, axis=-1)
        np.put_along_axis(work, best, -np.inf, axis=-1)
    return indices, values
