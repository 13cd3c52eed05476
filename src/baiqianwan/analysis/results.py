"""Turning result arrays into pandas DataFrames (pandas is imported only when asked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd


def _index(
    shape: tuple[int, ...], units: Sequence[Any] | None, periods: Sequence[Any] | None
) -> Any:
    import pandas as pd

    *lead, n = shape
    unit_labels = list(units) if units is not None else list(range(1, n + 1))
    if not lead:
        return pd.Index(unit_labels, name="unit")
    count = int(np.prod(lead))
    period_labels = list(periods) if periods is not None else list(range(1, count + 1))
    return pd.MultiIndex.from_product([period_labels, unit_labels], names=["period", "unit"])


def matrix_frame(
    values: NDArray[Any],
    *,
    units: Sequence[Any] | None = None,
    columns: Sequence[Any] | None = None,
    periods: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """A (..., units, columns) array as a DataFrame indexed by unit or (period, unit)."""
    import pandas as pd

    m = values.shape[-1]
    names = list(columns) if columns is not None else [f"x{j + 1}" for j in range(m)]
    index = _index(values.shape[:-1], units, periods)
    return pd.DataFrame(values.reshape(-1, m), index=index, columns=names)


def vectors_frame(
    columns: Mapping[str, NDArray[Any]],
    *,
    units: Sequence[Any] | None = None,
    periods: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Several (..., units) arrays of one shape side by side."""
    import pandas as pd

    first = next(iter(columns.values()))
    index = _index(first.shape, units, periods)
    return pd.DataFrame({k: np.asarray(v).reshape(-1) for k, v in columns.items()}, index=index)


def ranks_of(scores: NDArray[np.float64], *, ascending: bool = False) -> NDArray[np.int64]:
    """Competition ranks along the last axis (1 = best; ties share the better rank: 1, 2, 2, 4).

    ``ascending=False`` ranks the highest score first. One sort per row; rows (periods) of
    large arrays are ranked on parallel threads.
    """
    from baiqianwan.analysis import _blocks

    keyed = np.asarray(scores if ascending else -scores, dtype=np.float64)
    if keyed.ndim > 1 and keyed.size > 1_000_000:
        flat = keyed.reshape(-1, keyed.shape[-1])
        rows = _blocks.map_rows(flat, _competition_ranks)
        return np.stack(rows).reshape(keyed.shape)
    return _competition_ranks(keyed)


def _competition_ranks(keyed: NDArray[np.float64]) -> NDArray[np.int64]:
    """Rank = 1 + position of the first equal value in the sorted row."""
    order = np.argsort(keyed, axis=-1)
    ordered = np.take_along_axis(keyed, order, axis=-1)
    n = ordered.shape[-1]
    starts = np.ones(ordered.shape, dtype=bool)
    np.not_equal(ordered[..., 1:], ordered[..., :-1], out=starts[..., 1:])
    position = np.where(starts, np.arange(n), 0)
    np.maximum.accumulate(position, axis=-1, out=position)
    ranks = np.empty(ordered.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, position + 1, axis=-1)
    return ranks
