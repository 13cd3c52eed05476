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


# ------------------------------------------------------------- raw weights (rescale=False)
# 清风《数学建模》's 优劣解距离法 lecture, as reproduced in "TOPSIS法" at
# https://code456.com/article/3686282.html: four students, 成绩 (benefit) and 与他人争吵的次数
# (cost, made a benefit as max - x), vector normalisation, no weights (each indicator counts
# 1), S = D-/(D+ + D-) and S/ΣS. The page prints Z to 4 decimals (its 0.4521 for 74/√26798 =
# 0.452044 is a rounding slip, inside atol 1e-4) and 小明's D+ 0.5380, D- 0.3206, S 0.3734,
# S/ΣS 0.1857, rank 3. With the weights rescaled to 1/2 each (the default) D± come out halved.
QINGFENG = [[89, 2], [60, 0], [74, 1], [99, 3]]  # 小明, 小王, 小张, 小圆 (清风)
QINGFENG_Z = [[0.5437, 0.2673], [0.3665, 0.8018], [0.4521, 0.5345], [0.6048, 0.0]]


def test_raw_weights_reproduce_the_published_worked_example() -> None:
    result = an.topsis(QINGFENG, directions=["+", "-"], cost="invert", rescale=False)
    assert result.normalized is not None and result.rescale is False
    np.testing.assert_allclose(result.normalized, QINGFENG_Z, atol=1e-4)
    np.testing.assert_allclose(result.weights, [1.0, 1.0])
    assert round(float(result.d_plus[0]), 4) == 0.5380
    assert round(float(result.d_minus[0]), 4) == 0.3206
    assert round(float(result.closeness[0]), 4) == 0.3734
    assert round(float(result.closeness[0] / result.closeness.sum()), 4) == 0.1857
    assert result.ranks[0] == 3
    explicit = an.topsis(
        QINGFENG, weights=[1, 1], directions=["+", "-"], cost="invert", rescale=False
    )
    np.testing.assert_array_equal(explicit.d_plus, result.d_plus)
    # The default keeps today's shares of 1: D± halve, C and the ranks do not move.
    shares = an.topsis(QINGFENG, directions=["+", "-"], cost="invert")
    np.testing.assert_allclose(shares.weights, [0.5, 0.5])
    np.testing.assert_allclose(shares.d_plus, result.d_plus / 2, rtol=1e-15)
    np.testing.assert_allclose(shares.d_minus, result.d_minus / 2, rtol=1e-15)
    np.testing.assert_allclose(shares.closeness, result.closeness, rtol=1e-15)
    np.testing.assert_array_equal(shares.ranks, result.ranks)


@pytest.mark.parametrize("intermediates", [True, False])
@pytest.mark.parametrize("normalization", ["vector", "minmax"])
def test_raw_weights_match_pymcdm(normalization: str, intermediates: bool) -> None:
    """pymcdm's TOPSIS multiplies by the weights as given when its validation (which wants
    them to sum to 1) is off; cost columns are inverted first so both normalise alike."""
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import minmax_normalization, vector_normalization

    rng = np.random.default_rng(31)
    matrix = rng.uniform(1, 50, size=(12, 5))
    raw = np.array([3.0, 1.0, 2.0, 0.5, 4.0])  # sums to 10.5
    directions = ["+", "-", "+", "+", "-"]
    ours = an.topsis(
        matrix,
        weights=raw,
        directions=directions,
        normalization=normalization,  # type: ignore[arg-type]
        cost="invert",
        rescale=False,
        intermediates=intermediates,
    )
    inverted = np.where([d == "+" for d in directions], matrix, matrix.max(axis=0) - matrix)
    norm = vector_normalization if normalization == "vector" else minmax_normalization
    explained = TOPSIS(norm)(inverted, raw, np.ones(5), validation=False, verbose=True)
    tables = {table.desc.label: np.asarray(table.data) for table in explained.results}
    np.testing.assert_allclose(ours.d_plus, tables["dpis"], atol=1e-12)
    np.testing.assert_allclose(ours.d_minus, tables["dnis"], atol=1e-12)
    np.testing.assert_allclose(ours.closeness, tables["pref"], atol=1e-12)
    np.testing.assert_allclose(ours.ideal, tables["pis"], atol=1e-12)
    if intermediates:
        assert ours.weighted is not None
        np.testing.assert_allclose(ours.weighted, tables["wnmatrix"], atol=1e-12)


def test_raw_weights_errors_and_hint() -> None:
    with pytest.raises(an.AnalysisInputError, match=r"sum to 1.*rescale=False"):
        an.topsis(QINGFENG, weights=[1, 1])
    with pytest.raises(an.AnalysisInputError, match="all 0"):
        an.topsis(QINGFENG, weights=[0, 0], rescale=False)
    with pytest.raises(an.AnalysisInputError, match="non-negative"):
        an.topsis(QINGFENG, weights=[-1, 2], rescale=False)
    with pytest.raises(an.AnalysisInputError, match="3 weights given for 2"):
        an.topsis(QINGFENG, weights=[1, 2, 3], rescale=False)
    equal = an.topsis(QINGFENG)  # no weights: equal shares
    np.testing.assert_allclose(equal.weights, [0.5, 0.5])


def test_missing_values_are_refused_naming_the_cell_never_kept() -> None:
    incomplete = [[1.0, 5.0], [2.0, np.nan], [4.0, 1.0]]
    with pytest.raises(an.AnalysisInputError, match="unit 'b', indicator 'y'"):
        an.topsis(incomplete, units=list("abc"), indicators=["x", "y"])
    with pytest.raises(an.AnalysisInputError, match="missing='keep' is for normalize"):
        an.topsis(incomplete, missing="keep")  # type: ignore[arg-type]
    with pytest.raises(an.AnalysisInputError, match="missing='keep' is for normalize"):
        an.weighted_sum(incomplete, weights=[0.5, 0.5], missing="keep")  # type: ignore[arg-type]
    # A matrix normalised with missing="keep" still has its NaN: scoring it names the cell.
    kept = an.normalize(incomplete, missing="keep").values
    with pytest.raises(an.AnalysisInputError, match="unit 'b', indicator 'y'"):
        an.topsis(kept, normalization="none", units=list("abc"), indicators=["x", "y"])
    dropped = an.topsis(incomplete, missing="drop")
    assert dropped.closeness.shape == (2,)


@pytest.mark.parametrize("intermediates", [True, False])
def test_an_all_zero_period_scores_every_unit_alike(intermediates: bool) -> None:
    panel = np.stack([np.array(QINGFENG, dtype=float), np.zeros((4, 2))])
    for normalization in ("vector", "minmax"):
        result = an.topsis(
            panel,
            directions=["+", "-"],
            normalization=normalization,  # type: ignore[arg-type]
            intermediates=intermediates,
        )
        np.testing.assert_array_equal(result.closeness[1], 0.5)  # D+ = D- = 0 for all
        assert result.ranks[1].tolist() == [1, 1, 1, 1]
        first = an.topsis(panel[0], directions=["+", "-"], normalization=normalization)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.closeness[0], first.closeness, atol=1e-12)
    scores = an.weighted_sum(panel, weights=[0.5, 0.5], directions=["+", "-"])
    assert np.isfinite(scores.scores).all() and len(set(scores.scores[1].tolist())) == 1
