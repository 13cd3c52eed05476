"""Composite scores: TOPSIS (closeness to the ideal solution) and the weighted sum."""

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
    as_raw_weights,
    as_weights,
    choice,
    handle_missing,
    parse_directions,
)
from baiqianwan.analysis.normalize import Affine, column_affine
from baiqianwan.analysis.results import ranks_of, vectors_frame

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class TopsisResult:
    """TOPSIS scores with every intermediate.

    Attributes
    ----------
    normalized, weighted : ndarray (..., units, indicators) or None
        R and V = R·w; None when computed with ``intermediates=False``.
    ideal, anti_ideal : ndarray (..., indicators)
        A+ and A- of the weighted matrix.
    d_plus, d_minus, closeness : ndarray (..., units)
        Euclidean distances to A+ and A-, and C = D-/(D+ + D-).
    ranks : ndarray of int (..., units)
        1 = closest to the ideal; ties share the better rank.
    weights : ndarray (indicators,) or (..., indicators)
        The weights that multiplied R: shares of 1, or raw weights with ``rescale=False``.
    rescale : bool
        False when the weights were used as given (see :func:`topsis`).
    """

    normalized: NDArray[np.float64] | None
    weighted: NDArray[np.float64] | None
    ideal: NDArray[np.float64]
    anti_ideal: NDArray[np.float64]
    d_plus: NDArray[np.float64]
    d_minus: NDArray[np.float64]
    closeness: NDArray[np.float64]
    ranks: NDArray[np.int64]
    weights: NDArray[np.float64]
    benefit: NDArray[np.bool_]
    normalization: str
    cost: str
    rescale: bool

    def to_frame(
        self, *, units: Sequence[Any] | None = None, periods: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """One row per unit (and period): d_plus, d_minus, closeness, rank."""
        return vectors_frame(
            {
                "d_plus": self.d_plus,
                "d_minus": self.d_minus,
                "closeness": self.closeness,
                "rank": self.ranks,
            },
            units=units,
            periods=periods,
        )


def _prepare(
    X: ArrayLike,
    weights: ArrayLike | None,
    directions: Sequence[Direction] | ArrayLike | None,
    missing: Missing,
    units: Sequence[Any] | None,
    indicators: Sequence[Any] | None,
    rescale: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    matrix, _ = handle_missing(as_matrix(X), missing=missing, units=units, indicators=indicators)
    m = matrix.shape[-1]
    if not rescale:
        w = as_raw_weights(weights, m)
    elif weights is None:
        w = np.full(m, 1.0 / m)
    else:
        w = _shares(weights, m)
    w = np.broadcast_to(w, (*matrix.shape[:-2], m)) if w.ndim > 1 else w
    return matrix, w, parse_directions(directions, m)


def _shares(weights: ArrayLike, m: int) -> NDArray[np.float64]:
    """Weights that must sum to 1, with a hint at ``rescale=False`` when they do not."""
    try:
        return as_weights(weights, m)
    except AnalysisInputError as exc:
        if "sum to 1" not in str(exc):
            raise
        raise AnalysisInputError(
            f"{exc}; pass rescale=False to use raw weights as given (D+ and D- then scale"
            " with them, C does not)"
        ) from None


def topsis(
    X: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    directions: Sequence[Direction] | ArrayLike | None = None,
    normalization: Literal["vector", "minmax", "none"] = "vector",
    cost: Literal["ideal", "invert"] = "ideal",
    rescale: bool = True,
    missing: Missing = "raise",
    intermediates: bool = True,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> TopsisResult:
    """TOPSIS (Technique for Order Preference by Similarity to an Ideal Solution).

    Parameters
    ----------
    X : array_like (..., units, indicators)
        Raw values; leading axes (periods) are scored independently.
    weights : array_like (indicators,) or (..., indicators), optional
        Summing to 1 (default, see `rescale`); per-period weights broadcast over the leading
        axes. None means equal weights: 1/m each, or 1 each with ``rescale=False``.
    directions : sequence, optional
        正向/逆向 per indicator (default all benefit).
    normalization : {"vector", "minmax", "none"}
        ``"vector"`` (default, Hwang & Yoon): :math:`r = x/\\sqrt{\\sum x^2}`; ``"minmax"``:
        :math:`(x - \\min)/(\\max - \\min)`, common in Chinese practice (the entropy-TOPSIS
        combination); ``"none"``: X is already normalised.
    cost : {"ideal", "invert"}
        ``"ideal"`` (default): cost columns are kept and their ideal is the column minimum;
        ``"invert"``: cost columns become :math:`\\max - x` first and everything is a benefit.
        Both give the same result with ``"minmax"``.
    rescale : bool
        ``True`` (default): weights are shares of 1; weights that do not sum to 1 are refused
        (as by every method of this library), no weights are 1/m each. ``False``: weights are
        used as given, raw weights such as 3, 2, 1 or none (1 each), as many published worked
        examples do. D+ and D- are then those of the example: multiplying every weight by k
        multiplies V, A±, D+ and D- by k, while C and the ranks do not change (Eq. 17 is a
        ratio).
    missing : {"raise", "drop", "mean", "median"}
        NaN in X: refused naming the unit and indicator (default), or dropped/imputed as in
        :func:`~baiqianwan.analysis.normalize`. Distances to the ideal are not defined with a
        missing coordinate, so missing values are never kept (``missing="keep"`` is refused;
        so is a matrix normalised with it and passed with ``normalization="none"``).
    intermediates : bool
        Keep R and V; ``False`` computes in cache-sized blocks on every core and keeps only
        per-unit and per-indicator results (national scale).

    Returns
    -------
    TopsisResult

    Notes
    -----
    .. math::

        v_{ij} = w_j r_{ij}                                              \\quad (14)

        A^+_j = \\max_i v_{ij}\\ (\\text{benefit}), \\min_i v_{ij}\\ (\\text{cost}); \\quad
        A^-_j \\text{ the opposite}                                         \\quad (15)

        D^\\pm_i = \\sqrt{\\sum_j (v_{ij} - A^\\pm_j)^2}                       \\quad (16)

        C_i = D^-_i / (D^+_i + D^-_i)                                     \\quad (17)

    Edge cases: a constant column (all-zero for vector) adds nothing to any distance; if every
    unit is identical, :math:`D^+ = D^- = 0` and :math:`C = 0.5` for all; a zero weight drops
    its indicator from both distances.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer, pp. 128-140.
    Tzeng, G.-H. & Huang, J.-J. (2011). *Multiple Attribute Decision Making: Methods and
    Applications*. CRC Press (worked example used in the tests).
    The 优劣解距离法 of Chinese modelling courses (清风《数学建模》, no weights, cost columns
    as max - x, vector normalisation): its worked example is reproduced in the tests with
    ``rescale=False, cost="invert"``.
    """
    choice(normalization, ("vector", "minmax", "none"), name="normalization")
    choice(cost, ("ideal", "invert"), name="cost")
    matrix, w, benefit = _prepare(X, weights, directions, missing, units, indicators, rescale)
    blocked = not intermediates
    pre: Affine | None = None
    if cost == "invert" and not benefit.all():
        if blocked:
            _, hi3 = _blocks.column_min_max(_blocks.as_3d(matrix))
            hi = hi3.reshape((*matrix.shape[:-2], 1, matrix.shape[-1]))
        else:
            hi = matrix.max(axis=-2, keepdims=True)
        identity = Affine.identity(matrix.shape)
        pre = Affine(  # cost columns become max - x
            center=np.where(benefit, 0.0, hi),
            divisor=np.where(benefit, identity.divisor, -identity.divisor),
            offset=identity.offset,
            degenerate=identity.degenerate,
        )
        benefit = np.ones_like(benefit)
    affine = column_affine(
        matrix,
        method=normalization,
        benefit=np.ones_like(benefit),
        blocked=blocked,
        pre=pre,
    )
    wk = w[..., None, :]
    r: NDArray[np.float64] | None = None
    v: NDArray[np.float64] | None = None
    if not blocked:
        r = affine.apply(matrix)
        v = r * wk  # Eq. (14)
        vmax, vmin = v.max(axis=-2, keepdims=True), v.min(axis=-2, keepdims=True)
    else:
        lo3, hi3 = _blocks.column_min_max(_blocks.as_3d(matrix))
        stats = (*matrix.shape[:-2], 1, matrix.shape[-1])
        ends = np.stack([affine.at(lo3.reshape(stats)), affine.at(hi3.reshape(stats))]) * wk
        vmax, vmin = ends.max(axis=0), ends.min(axis=0)
    ideal = np.where(benefit, vmax, vmin)  # Eq. (15)
    anti = np.where(benefit, vmin, vmax)
    if not blocked:
        assert v is not None
        d_plus = np.sqrt(np.square(v - ideal).sum(axis=-1))  # Eq. (16)
        d_minus = np.sqrt(np.square(v - anti).sum(axis=-1))
    else:
        d_plus, d_minus = _distances_blocked(matrix, affine, wk, ideal, anti)
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)  # Eq. (17)
    return TopsisResult(
        normalized=r,
        weighted=v,
        ideal=ideal[..., 0, :],
        anti_ideal=anti[..., 0, :],
        d_plus=d_plus,
        d_minus=d_minus,
        closeness=closeness,
        ranks=ranks_of(closeness),
        weights=w,
        benefit=benefit,
        normalization=normalization,
        cost=cost,
        rescale=rescale,
    )


def _distances_blocked(
    matrix: NDArray[np.float64],
    affine: Affine,
    wk: NDArray[np.float64],
    ideal: NDArray[np.float64],
    anti: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eq. (16) block by block, writing into (periods, units) outputs."""
    three = _blocks.as_3d(matrix)
    periods, n, m = three.shape
    w3, ideal3, anti3 = (
        np.broadcast_to(a, (*matrix.shape[:-2], 1, m)).reshape(-1, m) for a in (wk, ideal, anti)
    )
    d_plus = np.empty((periods, n))
    d_minus = np.empty((periods, n))

    def distances(p: int, rows: slice, block: NDArray[np.float64]) -> None:
        v = affine.apply(block, p)
        v *= w3[p]
        diff = v - ideal3[p]
        d_plus[p, rows] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        np.subtract(v, anti3[p], out=diff)
        d_minus[p, rows] = np.sqrt(np.einsum("ij,ij->i", diff, diff))

    _blocks.map_blocks(three, distances)
    shape = matrix.shape[:-1]
    return d_plus.reshape(shape), d_minus.reshape(shape)


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """Weighted-sum scores with the normalised matrix (None when not kept) and ranks."""

    normalized: NDArray[np.float64] | None
    scores: NDArray[np.float64]
    ranks: NDArray[np.int64]
    weights: NDArray[np.float64]

    def to_frame(
        self, *, units: Sequence[Any] | None = None, periods: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """One row per unit (and period): score, rank."""
        return vectors_frame(
            {"score": self.scores, "rank": self.ranks}, units=units, periods=periods
        )


def weighted_sum(
    X: ArrayLike,
    *,
    weights: ArrayLike,
    directions: Sequence[Direction] | ArrayLike | None = None,
    normalization: Literal["minmax", "vector", "proportion", "zscore", "none"] = "minmax",
    feature_range: tuple[float, float] = (0.0, 1.0),
    shift: float = 0.0,
    missing: Missing = "raise",
    intermediates: bool = True,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> ScoreResult:
    """Weighted sum (linear weighting, 综合指数法) of normalised indicators.

    .. math:: S_i = \\sum_j w_j y_{ij}      \\quad (18)

    with :math:`y` from :func:`~baiqianwan.analysis.normalize` (default direction-aware min-max,
    so S lies in [0, 1]); ``normalization="none"`` scores X as given. Constant columns follow
    :func:`normalize`'s fill rule and shift every score equally, leaving ranks unchanged.
    Missing values (``missing``) are refused naming the unit and indicator, or dropped or
    imputed; a sum over a missing cell is not defined, so ``missing="keep"`` is refused.

    References
    ----------
    Fishburn, P. C. (1967). Additive utilities with incomplete product set. *Operations
    Research* 15, 537-542. 王晶 et al. (2018), ChinaXiv 201810.00156 (综合指数法).
    """
    choice(
        normalization, ("minmax", "vector", "proportion", "zscore", "none"), name="normalization"
    )
    matrix, w, benefit = _prepare(X, weights, directions, missing, units, indicators)
    if normalization == "proportion" and not benefit.all():
        from baiqianwan.analysis.normalize import normalize

        y = normalize(matrix, method="proportion", directions=benefit).values
        scores = np.einsum("...ij,...j->...i", y, w)
        return ScoreResult(normalized=y, scores=scores, ranks=ranks_of(scores), weights=w)
    affine = column_affine(
        matrix,
        method=normalization,
        benefit=benefit,
        feature_range=feature_range,
        shift=shift,
        blocked=not intermediates and normalization != "zscore",
    )
    if intermediates:
        y = affine.apply(matrix)
        scores = np.einsum("...ij,...j->...i", y, w)  # Eq. (18)
        return ScoreResult(normalized=y, scores=scores, ranks=ranks_of(scores), weights=w)
    three = _blocks.as_3d(matrix)
    w2 = np.broadcast_to(w, (*matrix.shape[:-2], matrix.shape[-1])).reshape(-1, matrix.shape[-1])
    out = np.empty(three.shape[:2])

    def score(p: int, rows: slice, block: NDArray[np.float64]) -> None:
        out[p, rows] = affine.apply(block, p) @ w2[p]

    _blocks.map_blocks(three, score)
    scores = out.reshape(matrix.shape[:-1])
    return ScoreResult(normalized=None, scores=scores, ranks=ranks_of(scores), weights=w)
