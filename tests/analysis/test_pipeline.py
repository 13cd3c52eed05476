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


@pytest.mark.parametrize("intermediates", [True, False])
def test_a_group_at_the_anti_ideal_has_balance_zero_not_nan(intermediates: bool) -> None:
    # Villages v1, v2 (county a) are worst on every indicator: closeness 0 for both.
    x = np.array([[1, 1, 9.0], [1, 1, 9], [3, 4, 2], [5, 2, 1], [4, 5, 3]])
    result = an.evaluate(
        x,
        directions=["+", "+", "-"],
        groups=["a", "a", "b", "b", "b"],
        population=[100, 200, 300, 100, 200],
        intermediates=intermediates,
    )
    assert result.theil is not None
    np.testing.assert_array_equal(result.topsis.closeness[:2], 0.0)
    assert result.theil.group_index[0] == 0.0 and result.theil.income_share[0] == 0.0
    assert np.isfinite(result.theil.within) and np.isfinite(result.theil.total)
    assert result.theil.between + result.theil.within == pytest.approx(result.theil.total)


def test_an_all_zero_period_is_refused_by_entropy_and_named() -> None:
    x = np.array([[1, 1, 9.0], [2, 3, 4], [3, 4, 2], [5, 2, 1]])
    with pytest.raises(an.AnalysisInputError, match=r"constant \(period 2\)"):
        an.evaluate(np.stack([x, np.zeros_like(x)]), directions=["+", "+", "-"])
    given = an.evaluate(
        np.stack([x, np.zeros_like(x)]),
        directions=["+", "+", "-"],
        weights=[0.4, 0.4, 0.2],
        groups=["a", "a", "b", "b"],
    )
    np.testing.assert_array_equal(given.topsis.closeness[1], 0.5)  # every unit identical
    assert given.theil is not None and given.theil.total[1] == 0.0
    with pytest.raises(an.AnalysisInputError, match="missing='keep' is for normalize"):
        an.evaluate(x, missing="keep")  # type: ignore[arg-type]
