"""The evaluate pipeline: the fused blocked path equals the public functions."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an


@pytest.fixture
def panel() -> np.ndarray:
    rng = np.random.default_rng(21)
    data = rng.lognormal(size=(3, 9000, 10))
    data[1, :, 3] = 2.5  # a constant indicator in one period
    return data


DIRECTIONS = ["+", "+", "+", "+", "-"] * 2


def test_fused_equals_public_functions(panel: np.ndarray) -> None:
    rng = np.random.default_rng(2)
    groups = rng.integers(0, 40, size=panel.shape[1])
    population = rng.integers(100, 3000, size=panel.shape[1])
    kwargs = dict(directions=DIRECTIONS, groups=groups, population=population, top_k=3)
    full = an.evaluate(panel, **kwargs)  # type: ignore[arg-type]
    fused = an.evaluate(panel, intermediates=False, **kwargs)  # type: ignore[arg-type]
    assert full.entropy is not None and fused.entropy is not None
    np.testing.assert_allclose(full.weights, fused.weights, atol=1e-12)
    assert fused.weights[1, 3] == 0.0
    np.testing.assert_allclose(full.topsis.closeness, fused.topsis.closeness, atol=1e-12)
    np.testing.assert_array_equal(full.topsis.ranks, fused.topsis.ranks)
    np.testing.assert_array_equal(full.obstacle.top_indices, fused.obstacle.top_indices)
    np.testing.assert_allclose(full.obstacle.top_degree, fused.obstacle.top_degree, atol=1e-12)
    assert full.theil is not None and fused.theil is not None
    np.testing.assert_allclose(full.theil.total, fused.theil.total, atol=1e-12)
    np.testing.assert_allclose(full.theil.between + full.theil.within, full.theil.total)
    assert fused.topsis.weighted is None and full.topsis.weighted is not None


def test_given_weights_and_frame(panel: np.ndarray) -> None:
    w = np.full(10, 0.1)
    full = an.evaluate(panel[0], directions=DIRECTIONS, weights=w)
    fused = an.evaluate(panel[0], directions=DIRECTIONS, weights=w, intermediates=False)
    assert fused.entropy is None
    np.testing.assert_allclose(full.topsis.closeness, fused.topsis.closeness, atol=1e-12)
    frame = fused.to_frame(indicators=[f"c{j}" for j in range(10)])
    assert {"closeness", "rank", "weak_1", "degree_3"} <= set(frame.columns)


def test_errors(panel: np.ndarray) -> None:
    broken = panel[0, :50].copy()
    broken[7, 2] = np.nan
    for intermediates in (True, False):
        with pytest.raises(an.AnalysisInputError, match="unit 'u8', indicator 'c3'"):
            an.evaluate(
                broken,
                intermediates=intermediates,
                units=[f"u{i + 1}" for i in range(50)],
                indicators=[f"c{j + 1}" for j in range(10)],
            )
    with pytest.raises(an.AnalysisInputError, match="top_k"):
        an.evaluate(panel[0], top_k=0, intermediates=False)
