"""Input checks shared by the analysis modules: arrays, directions, labels and missing values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Missing = Literal["raise", "drop", "mean", "median"]
#: What :func:`normalize` and the weights that ignore missing cells accept: "keep" leaves NaN.
MissingOrKeep = Literal["raise", "drop", "mean", "median", "keep"]
KEEPERS = "normalize, entropy_weights and cv_weights"
Direction = str | int | bool

BENEFIT_WORDS = frozenset({"+", "1", "benefit", "max", "positive", "正", "正向", "效益", "效益型"})
COST_WORDS = frozenset(
    {"-", "-1", "cost", "min", "negative", "负", "负向", "逆", "逆向", "成本", "成本型"}
)


class AnalysisInputError(ValueError):
    """Input that a method cannot compute on; the message names the unit, indicator or value."""


def as_float_array(values: ArrayLike, *, name: str, min_ndim: int = 1) -> NDArray[np.float64]:
    """`values` as a float64 array with at least `min_ndim` dimensions (no copy if possible)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisInputError(f"{name} must be numeric: {exc}") from None
    if array.ndim < min_ndim:
        raise AnalysisInputError(f"{name} must have at least {min_ndim} dimension(s)")
    return array


def as_matrix(values: ArrayLike, *, name: str = "X") -> NDArray[np.float64]:
    """A decision matrix: (..., units, indicators); leading axes are periods."""
    matrix = as_float_array(values, name=name, min_ndim=2)
    if matrix.shape[-2] == 0 or matrix.shape[-1] == 0:
        raise AnalysisInputError(f"{name} has no units or no indicators: shape {matrix.shape}")
    return matrix


def parse_direction(value: Direction) -> bool:
    """True for a benefit (正向) indicator, False for a cost (逆向) indicator."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        if value in (1, -1):
            return value == 1
        raise AnalysisInputError(f"direction {value!r} is neither 1 (benefit) nor -1 (cost)")
    word = str(value).strip().lower()
    if word in BENEFIT_WORDS:
        return True
    if word in COST_WORDS:
        return False
    raise AnalysisInputError(
        f"direction {value!r} is not one of 正向/逆向, +/-, benefit/cost, 1/-1"
    )


def parse_directions(
    directions: Sequence[Direction] | ArrayLike | None, m: int
) -> NDArray[np.bool_]:
    """A boolean mask of benefit indicators; None means every indicator is a benefit."""
    if directions is None:
        return np.ones(m, dtype=bool)
    items = list(np.asarray(directions, dtype=object).ravel())
    if len(items) != m:
        raise AnalysisInputError(f"{len(items)} directions given for {m} indicators")
    return np.array([parse_direction(item) for item in items], dtype=bool)


def as_weights(weights: ArrayLike, m: int, *, name: str = "weights") -> NDArray[np.float64]:
    """Weights of the last axis, non-negative and summing to 1 along it (not rescaled)."""
    array = as_float_array(weights, name=name)
    if array.shape[-1] != m:
        raise AnalysisInputError(f"{array.shape[-1]} {name} given for {m} indicators")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise AnalysisInputError(f"{name} must be finite and non-negative")
    if not np.allclose(array.sum(axis=-1), 1.0, rtol=0, atol=1e-9):
        raise AnalysisInputError(f"{name} must sum to 1, not {np.round(array.sum(axis=-1), 12)}")
    return array


def as_raw_weights(
    weights: ArrayLike | None, m: int, *, name: str = "weights"
) -> NDArray[np.float64]:
    """Weights of the last axis used as given (raw weights such as 1, 2, 3); None is 1 each.

    Non-negative and finite, and not all 0 along the last axis; their sum is not checked.
    """
    if weights is None:
        return np.ones(m)
    array = as_float_array(weights, name=name)
    if array.shape[-1] != m:
        raise AnalysisInputError(f"{array.shape[-1]} {name} given for {m} indicators")
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise AnalysisInputError(f"{name} must be finite and non-negative")
    if np.any(array.sum(axis=-1) <= 0):
        raise AnalysisInputError(f"{name} are all 0")
    return array


def label(labels: Sequence[Any] | None, index: int, kind: str) -> str:
    """A human name for position `index`: the label if given, else 'row 3' / 'column 2'."""
    if labels is not None and 0 <= index < len(labels):
        return repr(str(labels[index]))
    return f"{kind} {index + 1}"


def cell_name(
    index: tuple[int, ...],
    *,
    units: Sequence[Any] | None,
    indicators: Sequence[Any] | None,
) -> str:
    """'unit 'A', indicator 'x1' (period 2)' for an index into (..., units, indicators)."""
    *lead, unit, indicator = index
    text = f"unit {label(units, unit, 'row')}, indicator {label(indicators, indicator, 'column')}"
    if lead:
        text += f" (period {', '.join(str(i + 1) for i in lead)})"
    return text


def handle_missing(
    matrix: NDArray[np.float64],
    *,
    missing: MissingOrKeep,
    units: Sequence[Any] | None = None,
    indicators: Sequence[Any] | None = None,
    keep_allowed: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Reject, drop, impute or keep NaN cells; infinite cells are always rejected.

    Returns the cleaned matrix and a mask of the units kept (all True unless `missing="drop"`).
    ``"drop"`` removes a unit with a missing value in any period; ``"mean"`` / ``"median"``
    impute the indicator's mean / median over the units of the same period; ``"keep"`` (only
    where `keep_allowed`: a method that ignores missing cells) returns NaN as it is. A copy is
    made only when something is missing.
    """
    if missing == "keep" and not keep_allowed:
        raise AnalysisInputError(
            f"missing='keep' is for {KEEPERS}, which ignore missing cells; this method needs"
            " every value: pass missing='raise' (names the first missing cell), 'drop', 'mean'"
            " or 'median'"
        )
    keep = np.ones(matrix.shape[-2], dtype=bool)
    # A finite total proves every cell finite without a full-size mask (the common case).
    if np.isfinite(np.sum(matrix)):
        return matrix, keep
    bad = ~np.isfinite(matrix)
    if not bad.any():
        return matrix, keep
    if missing == "keep":
        infinite = np.isinf(matrix)
        if infinite.any():
            first = tuple(int(i) for i in np.argwhere(infinite)[0])
            raise AnalysisInputError(
                f"infinite value at {cell_name(first, units=units, indicators=indicators)}:"
                " only NaN is a missing value"
            )
        return matrix, keep
    if missing == "raise":
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        count = int(bad.sum())
        raise AnalysisInputError(
            f"missing or infinite value at {cell_name(first, units=units, indicators=indicators)}"
            f" ({count} cell(s) in all); pass missing='drop', 'mean' or 'median' to handle them"
        )
    if missing == "drop":
        axes = tuple(i for i in range(matrix.ndim) if i != matrix.ndim - 2)
        keep = np.asarray(~bad.any(axis=axes), dtype=bool)
        if keep.sum() < 2:
            raise AnalysisInputError("fewer than 2 units are left after dropping missing values")
        return np.compress(keep, matrix, axis=-2), keep
    if missing in ("mean", "median"):
        clean = np.where(bad, np.nan, matrix)
        fill = (np.nanmean if missing == "mean" else np.nanmedian)(clean, axis=-2, keepdims=True)
        if np.isnan(fill).any():
            raise AnalysisInputError("an indicator has no value at all to impute from")
        return np.where(bad, fill, matrix), keep
    allowed = (
        "'raise', 'drop', 'mean', 'median' or 'keep'"
        if keep_allowed
        else ("'raise', 'drop', 'mean' or 'median'")
    )
    raise AnalysisInputError(f"missing must be {allowed}, not {missing!r}")


def in_period(mask: NDArray[np.bool_]) -> str:
    """' (period 2)' for the first True of a per-period mask (...,), '' for one period."""
    if mask.ndim == 0:
        return ""
    return f" (period {int(np.argmax(mask.reshape(-1))) + 1})"


def choice(value: str, options: Sequence[str], *, name: str) -> str:
    """Check a variant keyword and name the allowed values if it is wrong."""
    if value not in options:
        raise AnalysisInputError(
            f"{name} must be one of {', '.join(map(repr, options))}, not {value!r}"
        )
    return value
