"""Normalisation: hand-computed, invariants, errors, random inputs against loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from baiqianwan import analysis as an

X = np.array([[1.0, 10.0], [2.0, 30.0], [4.0, 20.0]])


def test_minmax_by_hand() -> None:
    result = an.normalize(X, directions=["正向", "逆向"])
    expected = np.array([[0.0, 1.0], [1 / 3, 0.0], [1.0, 0.5]])
    np.testing.assert_allclose(result.values, expected, atol=1e-15)
    assert not result.degenerate.any()


def test_minmax_range_and_shift() -> None:
    onto = an.normalize(X, directions=["+", "-"], feature_range=(0.002, 0.998))
    np.testing.assert_allclose(onto.values[:, 0], [0.002, 0.002 + 0.996 / 3, 0.998])
    shifted = an.normalize(X, directions=["benefit", "cost"], shift=0.01)
    np.testing.assert_allclose(shifted.values[:, 1], [1.01, 0.01, 0.51])


def test_vector_proportion_zscore_by_hand() -> None:
    vector = an.normalize(X, method="vector", directions=[1, -1]).values
    norm0, norm1 = math.sqrt(21), math.sqrt(1400)
    np.testing.assert_allclose(vector[:, 0], [1 / norm0, 2 / norm0, 4 / norm0])
    np.testing.assert_allclose(vector[:, 1], [1 - 10 / norm1, 1 - 30 / norm1, 1 - 20 / norm1])
    prop = an.normalize(X, method="proportion", directions=["+", "-"]).values
    np.testing.assert_allclose(prop[:, 0], [1 / 7, 2 / 7, 4 / 7])
    inverse = np.array([1 / 10, 1 / 30, 1 / 20])
    np.testing.assert_allclose(prop[:, 1], inverse / inverse.sum())
    z = an.normalize(X, method="zscore").values
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(z.std(axis=0), 1)


def test_constant_column_is_filled_and_reported() -> None:
    data = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    result = an.normalize(data, feature_range=(0.1, 0.9))
    np.testing.assert_array_equal(result.values[:, 1], [0.9, 0.9, 0.9])
    assert result.degenerate.tolist() == [False, True]
    assert not np.isnan(result.values).any()
    with pytest.raises(an.AnalysisInputError, match="indicator 'b' is constant"):
        an.normalize(data, degenerate="raise", indicators=["a", "b"])


def test_periods_are_independent() -> None:
    panel = np.stack([X, X * 3 + 1])
    result = an.normalize(panel, directions=["+", "-"])
    np.testing.assert_allclose(result.values[0], result.values[1])


def test_missing_values() -> None:
    data = X.copy()
    data[1, 1] = np.nan
    with pytest.raises(an.AnalysisInputError, match="unit 'B', indicator 'y'"):
        an.normalize(data, units=["A", "B", "C"], indicators=["x", "y"])
    dropped = an.normalize(data, missing="drop")
    assert dropped.values.shape == (2, 2)
    assert dropped.kept_units.tolist() == [True, False, True]
    imputed = an.normalize(data, missing="mean")
    np.testing.assert_allclose(imputed.values[:, 1], [0.0, 0.5, 1.0])


def test_bad_arguments() -> None:
    with pytest.raises(an.AnalysisInputError, match="direction"):
        an.normalize(X, directions=["+", "sideways"])
    with pytest.raises(an.AnalysisInputError, match="2 indicators"):
        an.normalize(X, directions=["+"])
    with pytest.raises(an.AnalysisInputError, match="method"):
        an.normalize(X, method="rank")  # type: ignore[arg-type]
    with pytest.raises(an.AnalysisInputError, match="non-negative"):
        an.normalize(-X, method="proportion")
    with pytest.raises(an.AnalysisInputError, match="a < b"):
        an.normalize(X, feature_range=(1.0, 0.0))


def test_to_frame() -> None:
    frame = an.normalize(X).to_frame(units=["A", "B", "C"], indicators=["x", "y"])
    assert frame.loc["C", "x"] == 1.0


matrices = arrays(
    np.float64,
    st.tuples(st.integers(2, 12), st.integers(1, 6)),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=60, deadline=None)
@given(matrices, st.data())
def test_minmax_against_loops(matrix: np.ndarray, data: st.DataObject) -> None:
    directions = data.draw(
        st.lists(st.sampled_from(["+", "-"]), min_size=matrix.shape[1], max_size=matrix.shape[1])
    )
    values = an.normalize(matrix, directions=directions).values
    for j in range(matrix.shape[1]):
        column = [float(v) for v in matrix[:, j]]
        lo, hi = min(column), max(column)
        for i, x in enumerate(column):
            if hi == lo:
                expected = 1.0
            elif directions[j] == "+":
                expected = (x - lo) / (hi - lo)
            else:
                expected = (hi - x) / (hi - lo)
            assert values[i, j] == pytest.approx(expected, abs=1e-9)
    assert values.min() >= 0.0 and values.max() <= 1.0 + 1e-12


def test_minmax_harbin_published() -> None:
    """王晶, 原伟鹏, 刘新平 (2018), ChinaXiv 201810.00156, Table 2 (功效系数法 = direction-aware
    min-max), published to 2 decimals: tolerance 0.0051. C12 (人口密度) is left out: the
    published column (0.72, 0.58, …, 0.98) does not follow from the published Table 1 values
    (ours: 0.71, 0.57, …, 1.00)."""
    from tests.analysis.conftest import load_reference

    data = load_reference("harbin_indicators_2004_2016.json")
    values = an.normalize(np.array(data["matrix"]), directions=data["directions"]).values
    table2 = {
        0: [0, 0.11, 0.13, 0.16, 0.17, 0.17, 0.23, 0.23, 0.23, 0.22, 0.24, 0.26, 1],
        1: [0, 0.12, 0.15, 0.19, 0.45, 0.60, 0.71, 0.91, 0.91, 1, 0.98, 0.83, 0.78],
        2: [0, 0.31, 0.37, 0.46, 0.50, 0.51, 0.66, 0.66, 0.66, 1, 0.41, 0.67, 0.67],
        3: [0, 0.55, 0.49, 0.64, 0.71, 0.72, 0.78, 0.86, 0.94, 1.00, 1, 0.97, 0.91],
        4: [0, 0.06, 0.17, 0.32, 0.56, 1.00, 0.94, 0.90, 0.83, 0.76, 0.71, 0.70, 0.56],
        5: [0, 0.04, 0.10, 0.18, 0.27, 0.35, 0.46, 0.59, 0.66, 0.76, 0.83, 0.92, 1],
        6: [0.96, 0.93, 0.95, 1, 0.94, 0.78, 0.69, 0.37, 0, 0.42, 0.37, 0.41, 0.64],
        7: [0, 0.02, 0.17, 0.43, 0.54, 0.56, 0.61, 0.78, 0.89, 0.88, 0.90, 0.98, 1],
        8: [0.38, 1, 0.97, 0.72, 0.55, 0.27, 0.43, 0.32, 0.15, 0.02, 0, 0.20, 0.28],
        9: [0.11, 0.44, 0.44, 0.78, 1, 1, 0.56, 1, 0.56, 0.33, 0.22, 0, 0.11],
        10: [0.02, 0.05, 0.08, 0.09, 0.06, 0.04, 0, 0.00, 0.07, 0.09, 0.21, 1, 0.91],
        12: [0, 0.60, 0.73, 0.54, 0.55, 0.63, 0.70, 0.74, 1, 0.73, 0.93, 0.98, 0.77],
    }
    for column, published in table2.items():
        np.testing.assert_allclose(
            values[:, column], published, atol=0.0051, err_msg=f"C{column + 1}"
        )


def test_minmax_invariant_under_positive_affine_rescaling() -> None:
    rng = np.random.default_rng(6)
    data = rng.normal(size=(30, 4))
    base = an.normalize(data, directions=["+", "-", "+", "-"]).values
    moved = an.normalize(data * [2.0, 0.5, 10.0, 3.0] - 7.0, directions=["+", "-", "+", "-"]).values
    np.testing.assert_allclose(base, moved, atol=1e-12)


# ---------------------------------------------------------------- missing="keep" (issue 12)
# Incomplete reporting: village 2 has not reported indicator 2, nobody has reported indicator 3.
INCOMPLETE = np.array(
    [[1.0, 5.0, np.nan], [2.0, np.nan, np.nan], [4.0, 1.0, np.nan], [3.0, 2.0, np.nan]]
)


@pytest.mark.parametrize("method", ["minmax", "vector", "proportion", "zscore"])
def test_keep_leaves_nan_and_ignores_it_in_every_statistic(method: str) -> None:
    result = an.normalize(INCOMPLETE, method=method, directions=["+", "-", "+"], missing="keep")  # type: ignore[arg-type]
    assert result.missing is not None
    np.testing.assert_array_equal(result.missing, np.isnan(INCOMPLETE))
    np.testing.assert_array_equal(np.isnan(result.values), np.isnan(INCOMPLETE))
    assert not result.degenerate.any()  # a column with no value is missing, not constant
    # Each column's present cells get what they get when that column is normalised alone,
    # without the units that did not report it.
    for j, direction in ((0, "+"), (1, "-")):
        present = ~np.isnan(INCOMPLETE[:, j])
        alone = an.normalize(INCOMPLETE[present][:, [j]], method=method, directions=[direction])  # type: ignore[arg-type]
        np.testing.assert_allclose(result.values[present, j], alone.values[:, 0], atol=1e-15)


def test_keep_by_hand_and_the_other_modes() -> None:
    kept = an.normalize(INCOMPLETE[:, :2], directions=["+", "-"], missing="keep")
    np.testing.assert_allclose(kept.values[:, 1], [0.0, np.nan, 1.0, 0.75])  # (5 - x)/(5 - 1)
    np.testing.assert_allclose(kept.values[:, 0], [0.0, 1 / 3, 1.0, 2 / 3])
    with pytest.raises(an.AnalysisInputError, match="unit 'b', indicator 'y'"):
        an.normalize(INCOMPLETE[:, :2], units=list("abcd"), indicators=["x", "y"])
    imputed = an.normalize(INCOMPLETE[:, :2], missing="mean")
    assert imputed.missing is None and not np.isnan(imputed.values).any()
    with pytest.raises(
        an.AnalysisInputError, match="infinite value at unit row 2, indicator column 1"
    ):
        an.normalize([[1.0, 2.0], [np.inf, 1.0], [3.0, 3.0]], missing="keep")
    with pytest.raises(an.AnalysisInputError, match="missing must be one of"):
        an.normalize(INCOMPLETE, missing="ignore")  # type: ignore[arg-type]
    complete = an.normalize([[1.0, 2.0], [3.0, 1.0]], missing="keep")
    assert complete.missing is not None and not complete.missing.any()


def test_keep_per_period() -> None:
    panel = np.stack([INCOMPLETE[:, :2], INCOMPLETE[::-1, :2] * 2])
    kept = an.normalize(panel, missing="keep")
    for p in range(2):
        np.testing.assert_allclose(
            kept.values[p], an.normalize(panel[p], missing="keep").values, atol=1e-15
        )


@pytest.mark.parametrize("method", ["minmax", "vector", "proportion", "zscore"])
def test_an_all_zero_period_is_filled_not_nan(method: str) -> None:
    panel = np.stack([[[1.0, 4.0], [3.0, 2.0], [2.0, 6.0]], np.zeros((3, 2))])
    result = an.normalize(panel, method=method)  # type: ignore[arg-type]
    assert np.isfinite(result.values).all()
    assert result.degenerate[1].all() and not result.degenerate[0].any()
    np.testing.assert_allclose(result.values[0], an.normalize(panel[0], method=method).values)  # type: ignore[arg-type]
    with pytest.raises(an.AnalysisInputError, match="indicator 'x'"):
        an.normalize(panel, method=method, degenerate="raise", indicators=["x", "y"])  # type: ignore[arg-type]
