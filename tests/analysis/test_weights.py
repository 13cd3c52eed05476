"""Weights: entropy, CV, CRITIC, AHP and combination."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from baiqianwan import analysis as an
from tests.analysis.conftest import load_reference

# Saaty (2008), Int. J. Services Sciences 1(1) 83-98: relative consumption of drinks in the
# USA, as reproduced in AHPy's tests (PhilipGriffith/AHPy tests/test_ahp.py).
DRINKS = np.array(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [1, 9, 4, 2, 1, 2, 1 / 2],
        [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
        [2, 9, 9, 3, 2, 3, 1],
    ]
)
DRINKS_WEIGHTS = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]  # coffee … water


def reference_entropy(matrix: np.ndarray, directions: list[str]) -> np.ndarray:
    """Loop version of Eq. (6)-(8) on direction-aware min-max values, 0 ln 0 = 0."""
    n, m = matrix.shape
    diversity = []
    for j in range(m):
        column = [float(v) for v in matrix[:, j]]
        lo, hi = min(column), max(column)
        if hi == lo:
            y = [1.0] * n
        elif directions[j] == "+":
            y = [(x - lo) / (hi - lo) for x in column]
        else:
            y = [(hi - x) / (hi - lo) for x in column]
        total = sum(y)
        e = -sum((v / total) * math.log(v / total) for v in y if v > 0) / math.log(n)
        diversity.append(1 - e)
    return np.array(diversity) / sum(diversity)


def test_entropy_by_hand() -> None:
    # Column 1: y = (0, 0.5, 1): p = (0, 1/3, 2/3). Column 2 constant: e = 1, weight 0.
    result = an.entropy_weights([[1, 7], [2, 7], [3, 7]])
    p = np.array([1 / 3, 2 / 3])
    e1 = -(p * np.log(p)).sum() / math.log(3)
    np.testing.assert_allclose(result.entropy, [e1, 1.0])
    np.testing.assert_allclose(result.weights, [1.0, 0.0])


def test_entropy_harbin_published() -> None:
    """王晶, 原伟鹏, 刘新平 (2018), ChinaXiv 201810.00156, Table 3 row λs (entropy weights on
    direction-aware min-max values); published to 2 decimals, so tolerance 0.005."""
    data = load_reference("harbin_indicators_2004_2016.json")
    result = an.entropy_weights(np.array(data["matrix"]), directions=data["directions"])
    published = [0.09, 0.06, 0.04, 0.03, 0.06, 0.08, 0.04, 0.06, 0.09, 0.07, 0.25, 0.10, 0.03]
    np.testing.assert_allclose(result.weights, published, atol=0.0051)


def test_entropy_variants_differ_and_are_valid() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.uniform(1, 10, size=(20, 4))
    weights = [
        an.entropy_weights(matrix, basis=basis, zeros=zeros).weights
        for basis in ("minmax", "proportion")
        for zeros in ("limit", "shift")
    ]
    for w in weights:
        assert w.sum() == pytest.approx(1.0)
    assert not np.allclose(weights[0], weights[2])


def test_entropy_invariants() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.uniform(0, 1, size=(50, 3))
    base = an.entropy_weights(matrix).weights
    rescaled = an.entropy_weights(matrix * [3.0, 0.5, 100.0] + [1.0, -2.0, 5.0]).weights
    np.testing.assert_allclose(base, rescaled, atol=1e-12)
    # More dispersion → more weight: a skewed column carries more information.
    skewed = matrix.copy()
    skewed[:, 0] = matrix[:, 0] ** 4
    assert an.entropy_weights(skewed).weights[0] > base[0]


def test_entropy_blocked_equals_direct_over_periods() -> None:
    rng = np.random.default_rng(3)
    panel = rng.lognormal(size=(3, 9000, 5))
    directions = ["+", "-", "+", "-", "+"]
    direct = an.entropy_weights(panel, directions=directions)
    blocked = an.entropy_weights(panel, directions=directions, intermediates=False)
    assert direct.weights.shape == (3, 5)
    assert blocked.proportions is None
    np.testing.assert_allclose(direct.weights, blocked.weights, atol=1e-12)


def test_entropy_errors() -> None:
    with pytest.raises(an.AnalysisInputError, match="at least 2 units"):
        an.entropy_weights([[1.0, 2.0]])
    with pytest.raises(an.AnalysisInputError, match="every indicator is constant"):
        an.entropy_weights([[1.0, 2.0], [1.0, 2.0]])
    with pytest.raises(an.AnalysisInputError, match="non-negative"):
        an.entropy_weights([[-1.0, 2.0], [1.0, 3.0]], basis="proportion")
    with pytest.raises(an.AnalysisInputError, match="indicator 'b'"):
        an.entropy_weights([[1.0, np.nan], [2.0, 3.0]], indicators=["a", "b"])


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(2, 15), st.integers(2, 6)),
        elements=st.floats(0, 1000, allow_nan=False, allow_subnormal=False),
    ),
    st.data(),
)
def test_entropy_against_loops(matrix: np.ndarray, data: st.DataObject) -> None:
    m = matrix.shape[1]
    directions = data.draw(st.lists(st.sampled_from(["+", "-"]), min_size=m, max_size=m))
    spans = matrix.max(axis=0) - matrix.min(axis=0)
    if (spans == 0).all():
        with pytest.raises(an.AnalysisInputError):
            an.entropy_weights(matrix, directions=directions)
        return
    result = an.entropy_weights(matrix, directions=directions)
    np.testing.assert_allclose(result.weights, reference_entropy(matrix, directions), atol=1e-9)
    assert result.weights.sum() == pytest.approx(1.0)
    assert (result.weights >= 0).all()


def test_cv_weights_by_hand_and_errors() -> None:
    matrix = np.array([[1.0, 10.0], [3.0, 10.0], [2.0, 13.0]])
    result = an.cv_weights(matrix)
    v = matrix.std(axis=0) / matrix.mean(axis=0)
    np.testing.assert_allclose(result.weights, v / v.sum())
    assert an.cv_weights(matrix, ddof=1).std[0] == pytest.approx(1.0)
    with pytest.raises(an.AnalysisInputError, match="mean 0"):
        an.cv_weights([[1.0, 1.0], [-1.0, 2.0]])
    assert an.cv_weights(matrix, basis="minmax", shift=0.01).weights.sum() == pytest.approx(1)


def test_critic_by_hand() -> None:
    # Two perfectly correlated columns and one anti-correlated: C_j = σ_j Σ(1 - r_jk).
    matrix = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 2.0], [3.0, 6.0, 1.0]])
    result = an.critic_weights(matrix)
    sigma = 0.5  # min-max values (0, 0.5, 1) with ddof=1
    information = np.array([sigma * 2, sigma * 2, sigma * 4])
    np.testing.assert_allclose(result.weights, information / information.sum())
    absolute = an.critic_weights(matrix, conflict="absolute")
    np.testing.assert_allclose(absolute.weights, [1 / 3, 1 / 3, 1 / 3])


def test_critic_constant_column_gets_zero() -> None:
    rng = np.random.default_rng(2)
    matrix = rng.random((30, 3))
    matrix[:, 2] = 4.0
    result = an.critic_weights(matrix, directions=["+", "-", "+"])
    assert result.weights[2] == 0.0
    assert result.weights.sum() == pytest.approx(1.0)


def test_ahp_drinks_published() -> None:
    """Saaty (2008) drinks: AHPy reports the weights to 3 decimals and CR 0.022 (Saaty RI)."""
    result = an.ahp_weights(DRINKS)
    np.testing.assert_allclose(result.weights, DRINKS_WEIGHTS, atol=0.0005)
    assert result.cr == pytest.approx(0.022, abs=0.0005)
    assert result.ri == 1.32 and result.consistent


def test_ahp_consistent_matrix_by_hand() -> None:
    w = np.array([0.5, 0.3, 0.2])
    for method in ("eigenvector", "geometric_mean", "arithmetic_mean"):
        result = an.ahp_weights(w[:, None] / w[None, :], method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.weights, w)
        assert result.lambda_max == pytest.approx(3.0)
        assert result.cr == pytest.approx(0.0, abs=1e-12)


def test_ahp_errors() -> None:
    inconsistent = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    with pytest.raises(an.InconsistentJudgementError, match="CR = "):
        an.ahp_weights(inconsistent)
    accepted = an.ahp_weights(inconsistent, accept_inconsistent=True)
    assert not accepted.consistent and accepted.cr >= 0.1
    with pytest.raises(an.AnalysisInputError, match="reciprocal at"):
        an.ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(an.AnalysisInputError, match="square"):
        an.ahp_weights([[1, 2, 3], [0.5, 1, 2]])
    with pytest.raises(an.AnalysisInputError, match="positive"):
        an.ahp_weights([[1, -2], [-0.5, 1]])
    # 0.333 for 1/3 is accepted within the tolerance.
    assert an.ahp_weights([[1, 3], [0.333, 1]]).weights[0] == pytest.approx(0.75, abs=1e-3)


def test_combine_weights() -> None:
    s, o = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6])
    mult = an.combine_weights(s, o)
    np.testing.assert_allclose(mult.weights, s * o / (s * o).sum())
    linear = an.combine_weights(s, o, method="linear", alpha=0.25)
    np.testing.assert_allclose(linear.weights, 0.25 * s + 0.75 * o)
    per_period = an.combine_weights(s, np.stack([o, s]))
    assert per_period.weights.shape == (2, 3)
    np.testing.assert_allclose(per_period.weights.sum(axis=1), 1.0)
    with pytest.raises(an.AnalysisInputError, match="sum to 1"):
        an.combine_weights([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(an.AnalysisInputError, match="alpha"):
        an.combine_weights(s, o, method="linear", alpha=1.5)
    assert list(mult.to_frame(indicators=list("abc")).columns) == [
        "subjective",
        "objective",
        "weight",
    ]


def test_weights_frames() -> None:
    frame = an.entropy_weights([[1, 2], [2, 5], [4, 1]]).to_frame(indicators=["a", "b"])
    assert list(frame.columns) == ["entropy", "diversity", "weight"]
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert an.ahp_weights(DRINKS).to_frame().attrs["cr"] == pytest.approx(0.022, abs=5e-4)


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(3, 12), st.integers(2, 5)),
        elements=st.floats(0, 100, allow_nan=False, allow_subnormal=False),
    )
)
def test_critic_against_loops(matrix: np.ndarray) -> None:
    n, m = matrix.shape
    y = []
    for j in range(m):
        lo, hi = matrix[:, j].min(), matrix[:, j].max()
        y.append([1.0 if hi == lo else (v - lo) / (hi - lo) for v in matrix[:, j]])
    means = [sum(col) / n for col in y]
    sds = [
        math.sqrt(sum((v - mu) ** 2 for v in col) / (n - 1))
        for col, mu in zip(y, means, strict=True)
    ]

    def r(a: int, b: int) -> float:
        if sds[a] < 1e-12 or sds[b] < 1e-12:
            return 0.0
        cov = sum((y[a][i] - means[a]) * (y[b][i] - means[b]) for i in range(n)) / (n - 1)
        return cov / (sds[a] * sds[b])

    information = [sds[j] * sum(1 - r(j, k) for k in range(m)) for j in range(m)]
    if sum(information) <= 1e-12:
        return
    result = an.critic_weights(matrix)
    np.testing.assert_allclose(result.weights, np.array(information) / sum(information), atol=1e-7)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 1.0), min_size=2, max_size=9))
def test_ahp_recovers_consistent_priorities(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    pairwise = w[:, None] / w[None, :]
    for method in ("eigenvector", "geometric_mean", "arithmetic_mean"):
        result = an.ahp_weights(pairwise, method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.weights, w, atol=1e-9)
        assert result.cr == pytest.approx(0.0, abs=1e-9)


# ------------------------------------------------ missing values kept as missing (issue 12)
INCOMPLETE = np.array(
    [[1.0, 5.0, 3.0], [2.0, np.nan, 1.0], [4.0, 1.0, np.nan], [3.0, 2.0, 2.0], [6.0, 4.0, 5.0]]
)


def entropy_by_definition(column: np.ndarray, benefit: bool) -> float:
    """Eq. (6)-(7) on one column's present values, min-max first, 0 ln 0 = 0."""
    x = column[~np.isnan(column)]
    y = (x - x.min()) / (x.max() - x.min()) if benefit else (x.max() - x) / (x.max() - x.min())
    p = y / y.sum()
    return -sum(v * math.log(v) for v in p if v > 0) / math.log(len(x))


def test_entropy_keep_uses_each_columns_present_cells() -> None:
    directions = ["+", "-", "+"]
    result = an.entropy_weights(INCOMPLETE, directions=directions, missing="keep")
    expected = [entropy_by_definition(INCOMPLETE[:, j], d == "+") for j, d in enumerate(directions)]
    np.testing.assert_allclose(result.entropy, expected, atol=1e-14)
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.proportions is not None
    np.testing.assert_array_equal(np.isnan(result.proportions), np.isnan(INCOMPLETE))
    np.testing.assert_allclose(np.nansum(result.proportions, axis=0), 1.0)
    # Complete columns get what they get without any missing cell elsewhere.
    alone = an.entropy_weights(INCOMPLETE[:, [0]][[0, 1, 2, 3, 4]], directions=["+"])
    assert result.entropy[0] == pytest.approx(alone.entropy[0], abs=1e-14)
    blocked = an.entropy_weights(
        INCOMPLETE, directions=directions, missing="keep", intermediates=False
    )
    np.testing.assert_allclose(blocked.weights, result.weights)
    assert blocked.proportions is None
    shifted = an.entropy_weights(INCOMPLETE, basis="proportion", zeros="shift", missing="keep")
    assert np.isfinite(shifted.weights).all()


def test_entropy_and_cv_keep_refuse_what_they_cannot_ignore() -> None:
    sparse = INCOMPLETE.copy()
    sparse[1:, 2] = np.nan
    with pytest.raises(an.AnalysisInputError, match="indicator 'z' has fewer than 2 values"):
        an.entropy_weights(sparse, missing="keep", indicators=["x", "y", "z"])
    with pytest.raises(an.AnalysisInputError, match="unit 'b', indicator 'y'"):
        an.entropy_weights(INCOMPLETE, units=list("abcde"), indicators=["x", "y", "z"])
    with pytest.raises(an.AnalysisInputError, match="indicator 'z' has 1 value"):
        an.cv_weights(sparse, missing="keep", ddof=1, indicators=["x", "y", "z"])
    for refusing in (an.critic_weights,):
        with pytest.raises(an.AnalysisInputError, match="missing='keep' is for normalize"):
            refusing(INCOMPLETE, missing="keep")  # type: ignore[arg-type]


def test_cv_weights_keep_matches_nan_statistics() -> None:
    result = an.cv_weights(INCOMPLETE, missing="keep", ddof=1)
    mean, std = np.nanmean(INCOMPLETE, axis=0), np.nanstd(INCOMPLETE, axis=0, ddof=1)
    np.testing.assert_allclose(result.variation, std / mean)
    np.testing.assert_allclose(result.weights, (std / mean) / (std / mean).sum())
    minmax = an.cv_weights(
        INCOMPLETE, basis="minmax", directions=["+", "-", "+"], shift=0.01, missing="keep"
    )
    assert np.isfinite(minmax.weights).all()


def test_an_all_zero_period_is_named() -> None:
    panel = np.stack([INCOMPLETE[[0, 2, 3, 4]], np.zeros((4, 3))])
    with pytest.raises(an.AnalysisInputError, match=r"constant \(period 2\), so entropy"):
        an.entropy_weights(panel, missing="keep")
    with pytest.raises(an.AnalysisInputError, match=r"indicator 'x' has mean 0 \(period 2\)"):
        an.cv_weights(np.nan_to_num(panel), indicators=["x", "y", "z"])
    with pytest.raises(an.AnalysisInputError, match=r"constant \(period 2\), so CRITIC"):
        an.critic_weights(np.nan_to_num(panel))
