"""Obstacle degree and weak points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from baiqianwan import analysis as an


def test_by_hand() -> None:
    # Min-max values y: unit 1 = (0, 1, 0.5), deviation (1, 0, 0.5); weights (0.5, 0.3, 0.2).
    matrix = [[1.0, 10.0, 5.0], [3.0, 20.0, 7.0], [2.0, 30.0, 3.0]]
    result = an.obstacle_degree(
        matrix,
        weights=[0.5, 0.3, 0.2],
        directions=["+", "-", "+"],
        dimensions=["经济", "社会", "经济"],
    )
    assert result.degree is not None
    np.testing.assert_allclose(result.degree[0], [0.5 / 0.6, 0.0, 0.1 / 0.6])
    assert result.top_indices[0].tolist() == [0, 2, 1]
    assert result.dimensions.tolist() == ["社会", "经济"]
    assert result.dimension_degree is not None
    np.testing.assert_allclose(result.dimension_degree[0], [0.0, 1.0])


def test_unit_without_obstacle() -> None:
    result = an.obstacle_degree([[1.0, 1.0], [0.0, 0.0]], weights=[0.5, 0.5])
    assert result.degree is not None
    np.testing.assert_allclose(result.degree[0], [0.0, 0.0])
    np.testing.assert_allclose(result.degree[1], [0.5, 0.5])


def test_top_k_clipped_and_errors() -> None:
    result = an.obstacle_degree([[1.0, 2.0], [2.0, 1.0]], weights=[0.5, 0.5], top_k=5)
    assert result.top_indices.shape == (2, 2)
    with pytest.raises(an.AnalysisInputError, match="top_k"):
        an.obstacle_degree([[1.0, 2.0], [2.0, 1.0]], weights=[0.5, 0.5], top_k=0)
    with pytest.raises(an.AnalysisInputError, match=r"\[0, 1\]"):
        an.obstacle_degree([[1.0, 2.0], [2.0, 1.0]], weights=[0.5, 0.5], normalization="none")


def test_blocked_equals_direct() -> None:
    rng = np.random.default_rng(8)
    panel = rng.random((2, 9000, 10))
    w = rng.dirichlet(np.ones(10))
    dims = list("aabbbccdde")
    direct = an.obstacle_degree(panel, weights=w, directions=["+", "-"] * 5, dimensions=dims)
    blocked = an.obstacle_degree(
        panel, weights=w, directions=["+", "-"] * 5, dimensions=dims, intermediates=False
    )
    assert blocked.degree is None
    np.testing.assert_array_equal(direct.top_indices, blocked.top_indices)
    np.testing.assert_allclose(direct.top_degree, blocked.top_degree, atol=1e-15)
    np.testing.assert_allclose(direct.dimension_degree, blocked.dimension_degree, atol=1e-15)  # type: ignore[arg-type]
    frame = blocked.to_frame(indicators=[f"c{j}" for j in range(10)])
    assert list(frame.columns[:2]) == ["weak_1", "degree_1"]


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 10), st.integers(2, 6)),
        elements=st.floats(0, 100, allow_nan=False),
    ),
    st.data(),
)
def test_against_loops(matrix: np.ndarray, data: st.DataObject) -> None:
    n, m = matrix.shape
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)))
    w = w / w.sum()
    result = an.obstacle_degree(matrix, weights=w, top_k=2)
    assert result.degree is not None
    for i in range(n):
        deviations = []
        for j in range(m):
            lo, hi = matrix[:, j].min(), matrix[:, j].max()
            y = 1.0 if hi == lo else (matrix[i, j] - lo) / (hi - lo)
            deviations.append(w[j] * (1 - y))
        total = sum(deviations)
        expected = [d / total if total > 0 else 0.0 for d in deviations]
        np.testing.assert_allclose(result.degree[i], expected, atol=1e-12)
        assert result.top_degree[i, 0] == pytest.approx(max(expected))
        assert result.top_degree[i, 0] >= result.top_degree[i, 1]


def test_missing_values_refused_and_a_weightless_dimension() -> None:
    incomplete = [[1.0, 5.0, 2.0], [2.0, np.nan, 3.0], [4.0, 1.0, 1.0]]
    with pytest.raises(an.AnalysisInputError, match="unit 'b', indicator 'y'"):
        an.obstacle_degree(
            incomplete, weights=[0.4, 0.4, 0.2], units=list("abc"), indicators=list("xyz")
        )
    with pytest.raises(an.AnalysisInputError, match="missing='keep' is for normalize"):
        an.obstacle_degree(incomplete, weights=[0.4, 0.4, 0.2], missing="keep")  # type: ignore[arg-type]
    # A dimension whose indicators carry no weight (an all-zero group) has degree 0, not NaN.
    full = np.array([[1.0, 5.0, 2.0], [2.0, 3.0, 3.0], [4.0, 1.0, 1.0]])
    result = an.obstacle_degree(full, weights=[0.5, 0.5, 0.0], dimensions=["经济", "经济", "生态"])
    assert result.dimension_degree is not None
    ecology = result.dimensions.tolist().index("生态")
    np.testing.assert_array_equal(result.dimension_degree[:, ecology], 0.0)
    np.testing.assert_allclose(result.dimension_degree[:, 1 - ecology], [1.0, 1.0, 1.0])
    assert np.isfinite(result.dimension_degree).all()


def test_an_all_zero_period_has_no_obstacle() -> None:
    panel = np.stack([[[1.0, 5.0, 2.0], [2.0, 3.0, 3.0], [4.0, 1.0, 1.0]], np.zeros((3, 3))])
    for intermediates in (True, False):
        result = an.obstacle_degree(
            panel, weights=[0.4, 0.4, 0.2], dimensions=["a", "a", "b"], intermediates=intermediates
        )
        assert np.isfinite(result.top_degree).all()
        np.testing.assert_array_equal(result.top_degree[1], 0.0)  # every unit equal: none lags
        assert result.dimension_degree is not None
        np.testing.assert_array_equal(result.dimension_degree[1], 0.0)
