"""Blocked execution for national-scale arrays: cache-sized row blocks on a thread pool.

NumPy releases the GIL inside its loops, so blocks of a few thousand units run in parallel on
every core while no full-size temporary is ever allocated. Results are combined in block order,
so sums are deterministic for a given block size.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

T = TypeVar("T")

#: Rows per block: 4,096 units x 40 indicators x 8 bytes = 1.3 MB, about one core's L2 cache.
BLOCK_ROWS = 4096

_local = threading.local()


def scratch(name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
    """A reusable per-thread buffer of at least `shape` (uninitialised).

    Reusing block-sized buffers avoids a fresh mmap and its page faults for every
    temporary, which otherwise costs more than the arithmetic.
    """
    buffers: dict[str, NDArray[np.float64]] = _local.__dict__.setdefault("buffers", {})
    size = int(np.prod(shape))
    buffer = buffers.get(name)
    if buffer is None or buffer.size < size:
        buffer = buffers[name] = np.empty(size)
    return buffer[:size].reshape(shape)


def as_3d(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """View (..., units, indicators) as (periods, units, indicators); a 2-D matrix is one period."""
    return matrix.reshape((-1, *matrix.shape[-2:]))


def workers() -> int:
    """Threads to use: every core the process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def map_blocks(
    matrix3: NDArray[np.float64],
    func: Callable[[int, slice, NDArray[np.float64]], T],
    *,
    block_rows: int = BLOCK_ROWS,
) -> list[list[T]]:
    """Apply `func(period, rows, block)` to every row block; results as [period][block]."""
    periods, n = matrix3.shape[:2]
    slices = [slice(start, min(start + block_rows, n)) for start in range(0, n, block_rows)]
    jobs = [(p, rows) for p in range(periods) for rows in slices]
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        flat = list(pool.map(lambda job: func(job[0], job[1], matrix3[job[0], job[1]]), jobs))
    return [flat[p * len(slices) : (p + 1) * len(slices)] for p in range(periods)]


def map_rows(matrix: NDArray[np.float64], func: Callable[[NDArray[np.float64]], T]) -> list[T]:
    """Apply `func` to each row of a 2-D array on the thread pool (e.g. one sort per period)."""
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        return list(pool.map(func, matrix))


Transform = Callable[[int, NDArray[np.float64]], NDArray[np.float64]] | None


def _halving(
    func: np.ufunc, values: NDArray[np.float64], work: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Reduce axis 0 by folding halves onto each other: contiguous SIMD work, no allocation."""
    current = values
    while current.shape[0] > 1:
        half = current.shape[0] // 2
        odd = current.shape[0] - 2 * half
        func(current[:half], current[half : 2 * half], out=work[:half])
        if odd:
            func(work[0], current[-1], out=work[0])
        current = work[:half]
    return current[0].copy()


def column_min_max(
    matrix3: NDArray[np.float64], *, transform: Transform = None, block_rows: int = BLOCK_ROWS
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Column minima and maxima per period, shape (periods, 1, indicators); NaN propagates.

    `transform(period, block)` is applied to each block first (e.g. a cost inversion).
    """

    def reduce(p: int, _rows: slice, block: NDArray[np.float64]) -> NDArray[np.float64]:
        values = block if transform is None else transform(p, block)
        work = scratch("minmax", ((values.shape[0] + 1) // 2, values.shape[1]))
        return np.stack([_halving(np.minimum, values, work), _halving(np.maximum, values, work)])

    parts = map_blocks(matrix3, reduce, block_rows=block_rows)
    stacked = np.array([np.stack(period) for period in parts])  # (P, blocks, 2, M)
    return stacked[:, :, 0].min(axis=1)[:, None, :], stacked[:, :, 1].max(axis=1)[:, None, :]


def column_sums(
    matrix3: NDArray[np.float64],
    *,
    squares: bool,
    transform: Transform = None,
    block_rows: int = BLOCK_ROWS,
) -> NDArray[np.float64]:
    """Column sums (or sums of squares) per period, shape (periods, 1, indicators)."""

    def reduce(p: int, _rows: slice, block: NDArray[np.float64]) -> NDArray[np.float64]:
        values = block if transform is None else transform(p, block)
        return np.einsum("ij,ij->j", values, values) if squares else values.sum(axis=0)

    parts = map_blocks(matrix3, reduce, block_rows=block_rows)
    return np.array([np.sum(period, axis=0) for period in parts])[:, None, :]
