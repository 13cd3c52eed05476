"""Normalisation (无量纲化 / 标准化) of a decision matrix, direction-aware.

Every variant except cost proportions is an affine map per column, ``y = (x - c)·s + o``; the
blocked national-scale paths of the other modules reuse :func:`column_affine` so that they never
hold a normalised copy of the whole array.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from baiqianwan.analysis import _blocks
from baiqianwan.analysis._validation import (
    AnalysisInputError,
    Direction,
    MissingOrKeep,
    as_matrix,
    choice,
    handle_missing,
    label,
    parse_directions,
)

if TYPE_CHECKING:
    import pandas as pd

Method = Literal["minmax", "vector", "proportion", "zscore"]
Degenerate = Literal["fill", "raise"]
METHODS = ("minmax", "vector", "proportion", "zscore")


@dataclass(frozen=True, eq=False)
class Affine:
    """Per-column map ``y = (x - center)/divisor + offset``; arrays of shape (..., 1, indicators).

    Dividing (rather than multiplying by a reciprocal) maps the column extremes of a min-max
    map onto exactly 0 and 1, so the best unit has a deviation of exactly 0. A degenerate
    column has an infinite divisor and gets the offset.
    """

    center: NDArray[np.float64]
    divisor: NDArray[np.float64]
    offset: NDArray[np.float64]
    degenerate: NDArray[np.bool_]

    def apply(self, block: NDArray[np.float64], period: int | None = None) -> NDArray[np.float64]:
        """Normalise `block` (a new array); `period` picks one period of a 3-D map."""
        pick = (lambda a: a) if period is None else (lambda a: a.reshape(-1, a.shape[-1])[period])
        out = block - pick(self.center)
        out /= pick(self.divisor)
        out += pick(self.offset)
        return out

    def then(self, other: Affine) -> Affine:
        """The composition ``other(self(x))`` as one affine map."""
        return Affine(
            center=self.center,
            divisor=self.divisor * other.divisor,
            offset=(self.offset - other.center) / other.divisor + other.offset,
            degenerate=self.degenerate | other.degenerate,
        )

    def at(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """The map applied to per-column values of shape (..., 1, indicators)."""
        return (values - self.center) / self.divisor + self.offset

    @staticmethod
    def identity(shape: tuple[int, ...]) -> Affine:
        """y = x, for arrays of `shape` (..., units, indicators)."""
        stats = (*shape[:-2], 1, shape[-1])
        return Affine(
            center=np.zeros(stats),
            divisor=np.ones(stats),
            offset=np.zeros(stats),
            degenerate=np.zeros(stats, dtype=bool),
        )


@dataclass(frozen=True, eq=False)
class NormalizeResult:
    """A normalised matrix and how it was made.

    Attributes
    ----------
    values : ndarray (..., units, indicators)
        The normalised matrix.
    method : str
        ``"minmax"``, ``"vector"``, ``"proportion"`` or ``"zscore"``.
    benefit : ndarray of bool (indicators,)
        True for benefit (正向) indicators, False for cost (逆向) ones.
    degenerate : ndarray of bool (..., indicators)
        Columns that are constant (min-max, z-score) or all zero (vector, proportion) and were
        filled by the rule described in :func:`normalize`.
    kept_units : ndarray of bool (units,)
        Units kept after ``missing="drop"``.
    missing : ndarray of bool (..., units, indicators) or None
        With ``missing="keep"``, the cells that were missing and are NaN in `values`; None
        otherwise (nothing is missing then).
    """

    values: NDArray[np.float64]
    method: str
    benefit: NDArray[np.bool_]
    degenerate: NDArray[np.bool_]
    kept_units: NDArray[np.bool_]
    missing: NDArray[np.bool_] | None = None

    def to_frame(
        self, *, units: Sequence[Any] | None = None, indicators: Sequence[Any] | None = None
    ) -> pd.DataFrame:
        """The normalised matrix as a DataFrame (a 3-D matrix gets a (period, unit) index)."""
        from baiqianwan.analysis.results import matrix_frame

        return matrix_frame(self.values, units=units, columns=indicators)


def column_affine(
    matrix: NDArray[np.float64],
    *,
    method: str,
    benefit: NDArray[np.bool_],
    feature_range: tuple[float, float] = (0.0, 1.0),
    shift: float = 0.0,
    blocked: bool = False,
    pre: Affine | None = None,
    nan: bool = False,
) -> Affine:
    """Column statistics and the affine map of `method` (not for cost proportions).

    With ``blocked=True`` the statistics are reduced over row blocks on a thread pool, without a
    full-size temporary; the results agree with the direct path to rounding. `pre` is an affine
    map applied before (e.g. the cost inversion max - x); the result includes it. With
    ``nan=True`` (direct path only) NaN cells are left out of every statistic and n is the
    count of present cells per column; a column with no value at all gets a NaN map.
    """
    if nan and (blocked or not np.isnan(matrix).any()):
        nan = False  # the blocked path never sees NaN (see normalize); nothing to leave out
    if nan:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
            return _column_affine_nan(
                matrix,
                method=method,
                benefit=benefit,
                feature_range=feature_range,
                shift=shift,
                pre=pre,
            )
    n = matrix.shape[-2]
    stats_shape = (*matrix.shape[:-2], 1, matrix.shape[-1])
    three = _blocks.as_3d(matrix)
    transform = None if pre is None else (lambda p, block: pre.apply(block, p))
    if pre is not None and not blocked:
        matrix = pre.apply(matrix)

    def colsum(squares: bool) -> NDArray[np.float64]:
        if blocked:
            sums = _blocks.column_sums(three, squares=squares, transform=transform)
            return sums.reshape(stats_shape)
        return np.sum(matrix * matrix if squares else matrix, axis=-2, keepdims=True)

    zero = np.zeros(stats_shape)
    if method == "minmax":
        a, b = feature_range
        if blocked:
            lo3, hi3 = _blocks.column_min_max(three, transform=transform)
            lo, hi = lo3.reshape(stats_shape), hi3.reshape(stats_shape)
        else:
            lo, hi = matrix.min(axis=-2, keepdims=True), matrix.max(axis=-2, keepdims=True)
        span = hi - lo
        degenerate = span == 0
        safe = np.where(degenerate, 1.0, span)
        # Eq. (1)-(2): benefit (x - min)/(max - min), cost (max - x)/(max - min), onto [a, b].
        center = np.where(benefit, lo, hi)
        divisor = np.where(degenerate, np.inf, np.where(benefit, safe, -safe))
        if b - a != 1.0:
            divisor = divisor / (b - a)
        offset = np.where(degenerate, b, a) + shift + zero
    elif method == "vector":
        norm = np.sqrt(colsum(True))
        degenerate = norm == 0
        safe = np.where(degenerate, 1.0, norm)
        # Eq. (3): benefit x/√Σx², cost 1 - x/√Σx²; an all-zero column gets 1/√n.
        center = zero
        divisor = np.where(degenerate, np.inf, np.where(benefit, safe, -safe))
        offset = np.where(degenerate, 1 / np.sqrt(n), np.where(benefit, 0.0, 1.0)) + zero
    elif method == "proportion":
        total = colsum(False)
        degenerate = total == 0
        # Eq. (4): x/Σx; an all-zero column gets 1/n.
        center = zero
        divisor = np.where(degenerate, np.inf, total)
        offset = np.where(degenerate, 1.0 / n, 0.0)
    elif method == "zscore":
        mean = matrix.mean(axis=-2, keepdims=True)
        std = matrix.std(axis=-2, keepdims=True)
        degenerate = std <= 1e-12 * np.maximum(np.abs(mean), 1.0)
        # Eq. (5): benefit (x - μ)/σ, cost (μ - x)/σ; a constant column gets 0.
        center = mean
        divisor = np.where(degenerate, np.inf, np.where(benefit, std, -std))
        offset = zero
    elif method == "none":
        return pre if pre is not None else Affine.identity(matrix.shape)
    else:
        raise AnalysisInputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    result = Affine(center=center, divisor=divisor, offset=offset, degenerate=degenerate)
    return result if pre is None else pre.then(result)


def _column_affine_nan(
    matrix: NDArray[np.float64],
    *,
    method: str,
    benefit: NDArray[np.bool_],
    feature_range: tuple[float, float],
    shift: float,
    pre: Affine | None,
) -> Affine:
    """:func:`column_affine` with NaN cells left out: NaN-ignoring reductions, n per column."""
    if pre is not None:
        matrix = pre.apply(matrix)
    present = np.sum(~np.isnan(matrix), axis=-2, keepdims=True)
    empty = present == 0
    zero = np.zeros(present.shape)
    if method == "minmax":
        a, b = feature_range
        lo, hi = (
            np.nanmin(matrix, axis=-2, keepdims=True),
            np.nanmax(matrix, axis=-2, keepdims=True),
        )
        span = hi - lo
        degenerate = span == 0
        safe = np.where(degenerate, 1.0, span)
        center = np.where(benefit, lo, hi)  # Eq. (1)-(2) over the present cells
        divisor = np.where(degenerate, np.inf, np.where(benefit, safe, -safe)) / (b - a)
        offset = np.where(degenerate, b, a) + shift + zero
    elif method == "vector":
        norm = np.sqrt(np.nansum(matrix * matrix, axis=-2, keepdims=True))
        degenerate = (norm == 0) & ~empty
        safe = np.where(norm == 0, 1.0, norm)
        center = zero  # Eq. (3); an all-zero column gets 1/√n with n the present cells
        divisor = np.where(degenerate, np.inf, np.where(benefit, safe, -safe))
        fill = 1 / np.sqrt(np.maximum(present, 1))
        offset = np.where(degenerate, fill, np.where(benefit, 0.0, 1.0)) + zero
    elif method == "proportion":
        total = np.nansum(matrix, axis=-2, keepdims=True)
        degenerate = (total == 0) & ~empty
        center = zero  # Eq. (4); an all-zero column gets 1/n with n the present cells
        divisor = np.where(degenerate, np.inf, total)
        offset = np.where(degenerate, 1.0 / np.maximum(present, 1), 0.0)
    elif method == "zscore":
        mean = np.nanmean(matrix, axis=-2, keepdims=True)
        std = np.nanstd(matrix, axis=-2, keepdims=True)
        degenerate = std <= 1e-12 * np.maximum(np.abs(mean), 1.0)
        center = mean  # Eq. (5) over the present cells
        divisor = np.where(degenerate, np.inf, np.where(benefit, std, -std))
        offset = zero
    elif method == "none":
        return pre if pre is not None else Affine.identity(matrix.shape)
    else:
        raise AnalysisInputError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    # A column with no value at all: NaN in, NaN out.
    center = np.where(empty, np.nan, center)
    result = Affine(center=center, divisor=divisor, offset=offset, degenerate=degenerate)
    return result if pre is None else pre.then(result)


def raise_degenerate(
    degenerate: NDArray[np.bool_], *, method: str, indicators: Sequence[Any] | None
) -> None:
    """Raise naming the first constant (or all-zero) column."""
    flat = degenerate.reshape(-1, degenerate.shape[-1]).any(axis=0)
    if flat.any():
        which = label(indicators, int(np.argmax(flat)), "column")
        kind = "all zero" if method in ("vector", "proportion") else "constant"
        raise AnalysisInputError(
            f"indicator {which} is {kind}, so {method} normalisation is undefined;"
            " drop it or pass degenerate='fill'"
        )


def normalize(
    X: ArrayLike,
    *,
    method: Method = "minmax",
    directions: Sequence[Direction] | ArrayLike | None = None,
    feature_range: tuple[float, float] = (0.0, 1.0),
    shift: float = 0.0,
    degenerate: Degenerate = "fill",
    missing: MissingOrKeep = "raise",
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
) -> NormalizeResult:
    """Normalise the indicators of a decision matrix.

    Parameters
    ----------
    X : array_like (..., units, indicators)
        Raw values; leading axes (periods) are normalised independently.
    method : {"minmax", "vector", "proportion", "zscore"}
        Variant, see Notes. Default ``"minmax"`` (极差标准化), the usual choice in Chinese
        regional evaluation.
    directions : sequence, optional
        Per indicator ``"正向"/"逆向"``, ``"+"/"-"``, ``"benefit"/"cost"`` or ``1/-1``;
        default all benefit.
    feature_range : (a, b)
        Min-max target interval, e.g. ``(0.002, 0.998)`` to keep zeros out of logarithms.
    shift : float
        Added after min-max scaling (the "translation" variant, e.g. ``0.0001`` or ``0.01``).
    degenerate : {"fill", "raise"}
        Rule for a constant column (all-zero for vector/proportion): ``"fill"`` gives it the
        value a column of equal units gets (min-max ``b + shift``, vector ``1/√n``, proportion
        ``1/n``, z-score 0) and reports it in ``degenerate``; ``"raise"`` rejects it.
    missing : {"raise", "drop", "mean", "median", "keep"}
        NaN handling; ``"raise"`` (default) names the unit and indicator; ``"drop"`` removes
        units with a missing cell, ``"mean"``/``"median"`` impute per indicator and period;
        ``"keep"`` (incomplete reporting) leaves a missing cell NaN and every statistic (min,
        max, sums, mean, σ, n) is taken over the present cells of its column, so the present
        cells get exactly the values they would get without the missing units; a column with
        no value at all stays NaN. ``missing`` in the result marks the NaN cells. Methods
        downstream each say what they do with NaN (most refuse it naming the cell; entropy and
        CV weights ignore it). Infinite values are refused in every mode.
    units, indicators : sequence, optional
        Labels used in error messages.

    Returns
    -------
    NormalizeResult

    Notes
    -----
    With :math:`m_j = \\min_i x_{ij}`, :math:`M_j = \\max_i x_{ij}`:

    * min-max, Eq. (1)-(2): benefit :math:`y = a + (b-a)(x-m)/(M-m)`, cost
      :math:`y = a + (b-a)(M-x)/(M-m)`, then :math:`y + \\text{shift}`;
    * vector, Eq. (3): benefit :math:`x/\\sqrt{\\sum_i x^2}`, cost :math:`1 - x/\\sqrt{\\sum_i x^2}`
      (pymcdm's convention; TOPSIS keeps cost columns as they are instead, see
      :func:`~baiqianwan.analysis.topsis`);
    * proportion, Eq. (4): benefit :math:`x/\\sum_i x`, cost :math:`(1/x)/\\sum_i (1/x)`;
      needs :math:`x \\ge 0` (cost :math:`x > 0`);
    * z-score, Eq. (5): :math:`(x-\\mu)/\\sigma` with the population σ, negated for cost.

    References
    ----------
    Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making*. Springer, ch. 3.
    Jahan, A. & Edwards, K. L. (2015). A state-of-the-art survey on the influence of
    normalization techniques in ranking. *Materials & Design* 65, 335-342.
    """
    choice(method, METHODS, name="method")
    choice(degenerate, ("fill", "raise"), name="degenerate")
    a, b = feature_range
    if not a < b:
        raise AnalysisInputError(f"feature_range must have a < b, not {feature_range}")
    choice(missing, ("raise", "drop", "mean", "median", "keep"), name="missing")
    matrix, kept = handle_missing(
        as_matrix(X), missing=missing, units=units, indicators=indicators, keep_allowed=True
    )
    absent = np.isnan(matrix) if missing == "keep" else None
    nan = absent is not None and bool(absent.any())
    benefit = parse_directions(directions, matrix.shape[-1])
    if method == "proportion" and (matrix < 0).any():
        raise AnalysisInputError("proportion normalisation needs non-negative values")
    if method == "proportion" and not benefit.all():
        values, flags = _cost_proportions(matrix, benefit)
    else:
        affine = column_affine(
            matrix,
            method=method,
            benefit=benefit,
            feature_range=feature_range,
            shift=shift,
            nan=nan,
        )
        values, flags = affine.apply(matrix), affine.degenerate
    flags = flags[..., 0, :]
    if degenerate == "raise":
        raise_degenerate(flags, method=method, indicators=indicators)
    return NormalizeResult(
        values=values,
        method=method,
        benefit=benefit,
        degenerate=flags,
        kept_units=kept,
        missing=absent,
    )


def _cost_proportions(
    matrix: NDArray[np.float64], benefit: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Eq. (4) with cost columns inverted first: (1/x)/Σ(1/x)."""
    if (matrix[..., ~benefit] <= 0).any():
        raise AnalysisInputError("cost proportions (1/x)/Σ(1/x) need positive values")
    with np.errstate(divide="ignore"):
        base = np.where(benefit, matrix, 1.0 / matrix)
    # NaN (missing="keep") is left out of the sums and of n; NaN cells stay NaN.
    total = np.nansum(base, axis=-2, keepdims=True)
    present = np.sum(~np.isnan(base), axis=-2, keepdims=True)
    flags = (total == 0) & (present > 0)
    values = np.where(flags, 1.0 / np.maximum(present, 1), base / np.where(flags, 1.0, total))
    return np.where(np.isnan(base), np.nan, values), flags
