"""Benchmark of the evaluation pipeline at national scale (a benchmark, not a test).

    python benchmarks/bench_analysis.py [--scale full|small]

Synthetic, seeded data: 620,000 village-level units x 40 indicators x 5 periods (992 MB of
float64) in 2,844 counties, every fifth indicator a cost indicator. Pipeline per period:
direction-aware min-max, entropy weights, TOPSIS, obstacle degree with each unit's top 3 weak
points, and the population-weighted Theil decomposition of the TOPSIS score by county.

It times ``an.evaluate(..., intermediates=False)`` against an idiomatic, column-vectorised
pandas implementation of the same pipeline and against one NumPy pass (``X.sum()``) over the
same array, checks that pandas and NumPy agree, measures the pipeline's peak memory with
tracemalloc (NumPy reports its data buffers to it; the input is allocated before tracing
starts, so the peak is what the pipeline adds), and times the Zhaoqing scale (1,558 villages).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from baiqianwan import analysis as an

SCALES = {"full": (620_000, 40, 5, 2_844), "small": (62_000, 40, 5, 284)}
SEED = 20_231_000


def synthetic(
    n: int, m: int, periods: int, counties: int, seed: int = SEED
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Lognormal indicators with a county effect; population per unit; every 5th a cost."""
    rng = np.random.default_rng(seed)
    county = np.sort(rng.integers(0, counties, size=n))
    effect = rng.normal(0.0, 0.3, size=(counties, m))
    data = np.empty((periods, n, m))
    for p in range(periods):
        rng.standard_normal(out=data[p])
        data[p] += effect[county] + 0.02 * p
        np.exp(data[p], out=data[p])
    population = rng.integers(300, 5_000, size=n).astype(float)
    directions = ["-" if j % 5 == 4 else "+" for j in range(m)]
    return data, directions, county, population


def numpy_pipeline(
    data: np.ndarray, directions: list[str], county: np.ndarray, population: np.ndarray
) -> an.EvaluationResult:
    return an.evaluate(
        data,
        directions=directions,
        top_k=3,
        groups=county,
        population=population,
        intermediates=False,
    )


def pandas_pipeline(
    data: np.ndarray, directions: list[str], county: np.ndarray, population: np.ndarray
) -> tuple[list[pd.Series], list[float], list[pd.Series], list[pd.Series]]:
    """The same pipeline written the way a pandas user would: column-vectorised, per period.

    Returns per period the closeness, the Theil T of it by county, the ranks and the top 3
    weak points as a (unit, indicator) → degree Series.
    """
    columns = [f"x{j + 1}" for j in range(data.shape[2])]
    cost = [c for c, d in zip(columns, directions, strict=True) if d == "-"]
    closeness_by_period, theil_by_period, ranks_by_period, weak_by_period = [], [], [], []
    for period in range(data.shape[0]):
        df = pd.DataFrame(data[period], columns=columns)
        low, high = df.min(), df.max()
        y = (df - low) / (high - low)
        y[cost] = 1.0 - y[cost]
        share = y / y.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy = -(share * np.log(share)).fillna(0.0).sum() / np.log(len(df))
        weights = (1.0 - entropy) / (1.0 - entropy).sum()
        v = y * weights
        d_plus = ((v - v.max()) ** 2).sum(axis=1) ** 0.5
        d_minus = ((v - v.min()) ** 2).sum(axis=1) ** 0.5
        closeness = d_minus / (d_plus + d_minus)
        ranks_by_period.append(closeness.rank(ascending=False, method="min"))
        obstacle = (1.0 - y) * weights
        obstacle = obstacle.div(obstacle.sum(axis=1), axis=0)
        order = obstacle.rank(axis=1, method="first", ascending=False)
        weak_by_period.append(obstacle.where(order <= 3).stack())
        frame = pd.DataFrame({"score": closeness, "population": population, "county": county})
        income = frame["score"] * frame["population"]
        frame["s"] = income / income.sum()
        frame["p"] = frame["population"] / frame["population"].sum()
        frame["t"] = frame["s"] * np.log(frame["s"] / frame["p"])
        groups = frame.groupby("county")[["s", "p", "t"]].sum()
        between = (groups["s"] * np.log(groups["s"] / groups["p"])).sum()
        within = (
            groups["s"] * (groups["t"] / groups["s"] - np.log(groups["s"] / groups["p"]))
        ).sum()
        closeness_by_period.append(closeness)
        theil_by_period.append(float(between + within))
    return closeness_by_period, theil_by_period, ranks_by_period, weak_by_period


def best_of(func: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def zhaoqing_ms() -> tuple[float, float]:
    """Best time of the in-memory (all intermediates) and the blocked pipeline, 1,558 villages."""
    data, directions, county, population = synthetic(1_558, 40, 1, 8, seed=4412)
    single = data[0]

    def run(intermediates: bool) -> Callable[[], object]:
        return lambda: an.evaluate(
            single,
            directions=directions,
            groups=county,
            population=population,
            intermediates=intermediates,
        )

    return best_of(run(True), 30) * 1e3, best_of(run(False), 30) * 1e3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args(argv)
    n, m, periods, counties = SCALES[args.scale]
    start = time.perf_counter()
    data, directions, county, population = synthetic(n, m, periods, counties)
    print(
        f"scale {args.scale}: {periods} periods x {n:,} units x {m} indicators in {counties:,}"
        f" counties = {data.nbytes / 1e9:.3f} GB float64 (generated in"
        f" {time.perf_counter() - start:.1f} s)"
    )

    single_pass = best_of(lambda: data.sum(), 5)
    pipeline = best_of(lambda: numpy_pipeline(data, directions, county, population), 3)
    start = time.perf_counter()
    pandas_closeness, pandas_theil, pandas_ranks, _ = pandas_pipeline(
        data, directions, county, population
    )
    pandas_seconds = time.perf_counter() - start

    result = numpy_pipeline(data, directions, county, population)
    assert result.theil is not None
    gap_score = max(
        float(np.abs(result.topsis.closeness[p] - pandas_closeness[p].to_numpy()).max())
        for p in range(periods)
    )
    gap_theil = float(np.abs(result.theil.total - np.array(pandas_theil)).max())
    same_ranks = all(
        np.array_equal(result.topsis.ranks[p], pandas_ranks[p].to_numpy(dtype=np.int64))
        for p in range(periods)
    )

    tracemalloc.start()
    tracemalloc.reset_peak()
    numpy_pipeline(data, directions, county, population)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    in_memory_ms, blocked_ms = zhaoqing_ms()
    maxrss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6

    print(f"one NumPy pass X.sum()            {single_pass:8.3f} s")
    print(f"NumPy pipeline (blocked, 2 cores) {pipeline:8.3f} s")
    print(f"pandas pipeline                   {pandas_seconds:8.3f} s")
    print(f"pandas / NumPy pipeline           {pandas_seconds / pipeline:8.1f} x   (target >= 4)")
    print(f"NumPy pipeline / one pass         {pipeline / single_pass:8.1f} x   (target <= 30)")
    print(
        f"peak memory (tracemalloc)         {peak / 1e6:8.1f} MB added to the"
        f" {data.nbytes / 1e6:.0f} MB"
        f" input = {(data.nbytes + peak) / data.nbytes:.3f} x input   (target <= 1.5)"
    )
    print(
        f"agreement with pandas             closeness {gap_score:.1e}, Theil {gap_theil:.1e},"
        f" ranks {'identical' if same_ranks else 'DIFFER'}"
    )
    print(f"Theil T of the score by county    {np.round(result.theil.total, 5).tolist()}")
    between = np.round(result.theil.between_contribution, 3).tolist()
    print(f"  between-county share            {between}")
    print(
        f"Zhaoqing (1,558 villages x 40)    {in_memory_ms:.2f} ms with every intermediate,"
        f" {blocked_ms:.2f} ms blocked"
    )
    print(f"process max RSS (incl. pandas)    {maxrss_gb:8.2f} GB (ru_maxrss, for context)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
