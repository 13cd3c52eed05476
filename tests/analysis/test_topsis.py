"""TOPSIS and the weighted sum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from baiqianwan import analysis as an


def reference_topsis(matrix: np.ndarray, weights: np.ndarray, benefit: list[bool]) -> list[float]:
    """Loop version of Hwang & Yoon: vector normalisation, cost ideal = column minimum."""
    n, m = matrix.shape
    norms = [math.sqrt(sum(float(matrix[i, j]) ** 2 for i in range(n))) for j in range(m)]
    v = [
        [weights[j] * matrix[i, j] / norms[j] if norms[j] else 0.0 for j in range(m)]
        for i in range(n)
    ]
    best = [max(r[j] for r in v) if benefit[j] else min(r[j] for r in v) for j in range(m)]
    worst = [min(r[j] for r in v) if benefit[j] else max(r[j] for r in v) for j in range(m)]
    closeness = []
    for row in v:
        plus = math.sqrt(sum((row[j] - best[j]) ** 2 for j in range(m)))
        minus = math.sqrt(sum((row[j] - worst[j]) ** 2 for j in range(m)))
        closeness.append(minus / (plus + minus) if plus + minus else 0.5)
    return closeness


def test_topsis_by_hand_without_normalisation() -> None:
    # scikit-criteria tests/agg/test_similarity.py::test_TOPSIS (raw matrix, equal weights).
    result = an.topsis([[1, 0, 3], [0, 5, 6]], weights=[1 / 3] * 3, normalization="none")
    np.testing.assert_allclose(result.ideal * 3, [1, 5, 6])
    np.testing.assert_allclose(result.anti_ideal * 3, [0, 0, 3])
    np.testing.assert_allclose(result.closeness, [0.14639248, 0.85360752], atol=1e-8)
    assert result.ranks.tolist() == [2, 1]
    assert result.d_plus[0] == pytest.approx(math.sqrt(34) / 3)


def test_topsis_tzeng_huang_published() -> None:
    """Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC; reproduced in
    scikit-criteria's test_TOPSIS_tzeng2011multiple: closeness to 4 decimals (atol 1e-4)."""
    matrix = [[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]]
    result = an.topsis(matrix, weights=[0.3, 0.4, 0.3])
    np.testing.assert_allclose(result.closeness, [0.5037, 0.6581, 0.7482, 0.3340], atol=1e-4)
    assert result.ranks.tolist() == [3, 2, 1, 4]
    assert result.normalized is not None and result.weighted is not None


def test_cost_variants() -> None:
    matrix = np.array([[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4]])
    directions = ["-", "+", "+", "+"]
    w = [0.25, 0.25, 0.25, 0.25]
    kept = an.topsis(matrix, weights=w, directions=directions)
    assert kept.ideal[0] == kept.weighted[:, 0].min()  # type: ignore[index]
    inverted = an.topsis(matrix, weights=w, directions=directions, cost="invert")
    assert inverted.benefit.all()
    for cost in ("ideal", "invert"):
        a = an.topsis(matrix, weights=w, directions=directions, normalization="minmax", cost=cost)  # type: ignore[arg-type]
        np.testing.assert_allclose(
            a.closeness,
            an.topsis(matrix, weights=w, directions=directions, normalization="minmax").closeness,
        )


def test_rank_invariant_under_positive_rescaling() -> None:
    rng = np.random.default_rng(11)
    matrix = rng.uniform(1, 100, size=(40, 5))
    w = rng.dirichlet(np.ones(5))
    directions = ["+", "-", "+", "+", "-"]
    base = an.topsis(matrix, weights=w, directions=directions)
    rescaled = an.topsis(matrix * [10, 0.1, 3, 7, 2], weights=w, directions=directions)
    np.testing.assert_array_equal(base.ranks, rescaled.ranks)
    np.testing.assert_allclose(base.closeness, rescaled.closeness)


def test_blocked_equals_direct() -> None:
    rng = np.random.default_rng(5)
    panel = rng.lognormal(size=(2, 10000, 6))
    w = rng.dirichlet(np.ones(6), size=2)
    d = ["+", "-", "+", "-", "+", "+"]
    for normalization in ("vector", "minmax", "none"):
        for cost in ("ideal", "invert"):
            kwargs = dict(weights=w, directions=d, normalization=normalization, cost=cost)
            direct = an.topsis(panel, **kwargs)  # type: ignore[arg-type]
            blocked = an.topsis(panel, intermediates=False, **kwargs)  # type: ignore[arg-type]
            assert blocked.weighted is None
            np.testing.assert_allclose(direct.closeness, blocked.closeness, atol=1e-12)
            np.testing.assert_allclose(direct.ideal, blocked.ideal, atol=1e-15)
            np.testing.assert_array_equal(direct.ranks, blocked.ranks)


def test_identical_units_and_errors() -> None:
    same = an.topsis([[1, 2], [1, 2]], weights=[0.5, 0.5])
    np.testing.assert_allclose(same.closeness, [0.5, 0.5])
    assert same.ranks.tolist() == [1, 1]
    with pytest.raises(an.AnalysisInputError, match="sum to 1"):
        an.topsis([[1, 2], [2, 1]], weights=[0.5, 0.6])
    with pytest.raises(an.AnalysisInputError, match="3 weights given for 2"):
        an.topsis([[1, 2], [2, 1]], weights=[0.2, 0.3, 0.5])
    with pytest.raises(an.AnalysisInputError, match="normalization"):
        an.topsis([[1, 2], [2, 1]], weights=[0.5, 0.5], normalization="sum")  # type: ignore[arg-type]
    with pytest.raises(an.AnalysisInputError, match="unit 'b'"):
        an.topsis([[1, 2], [np.nan, 1]], weights=[0.5, 0.5], units=["a", "b"])


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 10), st.integers(1, 5)),
        elements=st.floats(0.01, 1000, allow_nan=False),
    ),
    st.data(),
)
def test_topsis_against_loops(matrix: np.ndarray, data: st.DataObject) -> None:
    m = matrix.shape[1]
    benefit = data.draw(st.lists(st.booleans(), min_size=m, max_size=m))
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)))
    w = w / w.sum()
    result = an.topsis(matrix, weights=w, directions=[1 if b else -1 for b in benefit])
    np.testing.assert_allclose(result.closeness, reference_topsis(matrix, w, benefit), atol=1e-9)
    assert ((result.closeness >= 0) & (result.closeness <= 1)).all()


def test_weighted_sum() -> None:
    result = an.weighted_sum([[1, 10], [2, 30], [4, 20]], weights=[0.6, 0.4], directions=["+", "-"])
    np.testing.assert_allclose(result.scores, [0.4, 0.2, 0.8])
    assert result.ranks.tolist() == [2, 3, 1]
    rng = np.random.default_rng(9)
    panel = rng.random((2, 7000, 4))
    direct = an.weighted_sum(panel, weights=[0.1, 0.2, 0.3, 0.4], directions=["+", "-"] * 2)
    blocked = an.weighted_sum(
        panel, weights=[0.1, 0.2, 0.3, 0.4], directions=["+", "-"] * 2, intermediates=False
    )
    np.testing.assert_allclose(direct.scores, blocked.scores, atol=1e-12)
    frame = result.to_frame(units=["a", "b", "c"])
    assert frame.loc["c", "rank"] == 1
