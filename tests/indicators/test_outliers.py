"""The outlier core: hand-computed cases, edge cases and a seeded check against a loop."""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

from baiqianwan.indicators import outliers
from baiqianwan.indicators.outliers import ChangeReason, change_outliers, modified_z


def test_the_core_imports_no_django():
    tree = ast.parse(pathlib.Path(outliers.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"__future__", "warnings", "dataclasses", "enum", "numpy"}


# --- change since the comparison period ---


def test_change_by_hand():
    current = np.array([[149.0, 151.0, 50.0, 49.0]])
    previous = np.array([[100.0, 100.0, 100.0, 100.0]])
    result = change_outliers(current, previous)
    np.testing.assert_allclose(result.change, [[0.49, 0.51, -0.5, -0.51]])
    assert result.reason.tolist() == [[0, ChangeReason.RISE, 0, ChangeReason.FALL]]
    assert result.flagged.tolist() == [[False, True, False, True]]


def test_a_negative_previous_value_keeps_a_rise_a_rise():
    result = change_outliers(np.array([[-40.0]]), np.array([[-100.0]]))
    assert result.change[0, 0] == pytest.approx(0.6)
    assert result.reason[0, 0] == ChangeReason.RISE


def test_sign_flips_and_zeros():
    current = np.array([[-5.0, 3.0, 0.0, 0.0, 7.0]])
    previous = np.array([[4.0, -1.0, 8.0, 0.0, 0.0]])
    result = change_outliers(current, previous)
    assert result.reason.tolist() == [
        [
            ChangeReason.SIGN_FLIP,
            ChangeReason.SIGN_FLIP,
            ChangeReason.TO_ZERO,
            ChangeReason.NONE,
            ChangeReason.FROM_ZERO,
        ]
    ]
    # From zero there is no relative change to show; to zero it is −100 %.
    assert np.isnan(result.change[0, 4]) and result.change[0, 2] == -1.0


def test_missing_values_are_not_judged():
    result = change_outliers(np.array([[np.nan, 10.0]]), np.array([[10.0, np.nan]]))
    assert result.judged.tolist() == [[False, False]]
    assert result.reason.tolist() == [[0, 0]]


def test_the_threshold_is_a_parameter_and_must_be_positive():
    current, previous = np.array([[130.0]]), np.array([[100.0]])
    assert change_outliers(current, previous, threshold=0.2).flagged[0, 0]
    assert not change_outliers(current, previous).flagged[0, 0]
    with pytest.raises(ValueError, match="greater than 0"):
        change_outliers(current, previous, threshold=0)
    with pytest.raises(ValueError, match="differ in shape"):
        change_outliers(np.zeros((2, 1)), np.zeros((1, 2)))


# --- modified z-score among peers ---


def test_modified_z_by_hand():
    # median 3, |x − 3| = 2 1 0 1 97, MAD 1: M = 0.6745 (x − 3).
    result = modified_z(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    np.testing.assert_allclose(result.z, [-1.349, -0.6745, 0.0, 0.6745, 65.4265])
    assert result.flagged.tolist() == [False, False, False, False, True]
    assert result.median.tolist() == [3.0] * 5 and result.mad.tolist() == [1.0] * 5


def test_the_cut_off_is_strict():
    # median 10, MAD 2: M = 0.6745 · 10.38 / 2 = 3.5006 (flagged) and 0.6745 · 10.37 / 2 =
    # 3.4973 (not).
    values = np.array([8.0, 10.0, 12.0, 20.38, 10.0, 9.0, 11.0, 8.0, 12.0])
    result = modified_z(values)
    assert result.median[0] == 10.0 and result.mad[0] == 2.0
    assert result.z[3] == pytest.approx(3.5006, abs=1e-4) and result.flagged[3]
    values[3] = 20.37
    assert not modified_z(values).flagged[3]


def test_all_equal_cannot_be_judged():
    result = modified_z(np.array([5.0, 5.0, 5.0, 5.0, 9.0]))
    # More than half the peers agree: MAD = 0, so no value is judged (not all flagged).
    assert result.mad.tolist() == [0.0] * 5
    assert not result.judged.any() and not result.flagged.any()
    assert np.isnan(result.z).all()


def test_too_few_peers_cannot_be_judged():
    result = modified_z(np.array([[1.0], [50.0]]))
    assert not result.judged.any()
    assert result.peers.tolist() == [[2], [2]]


def test_missing_values_are_left_out_of_the_median():
    result = modified_z(np.array([1.0, np.nan, 2.0, 3.0, 4.0, 100.0]))
    assert result.median[0] == 3.0 and result.peers[0] == 5
    assert not result.judged[1] and np.isnan(result.z[1])
    assert result.flagged.tolist() == [False, False, False, False, False, True]


def test_peers_are_the_units_of_the_same_group():
    values = np.array([[1.0], [2.0], [3.0], [100.0], [101.0], [102.0], [103.0]])
    groups = np.array(["a", "a", "a", "b", "b", "b", "b"])
    among_siblings = modified_z(values, groups)
    # Within their groups nothing is far; all together, the first three are.
    assert not among_siblings.flagged.any()
    assert among_siblings.median[:, 0].tolist() == [2.0] * 3 + [101.5] * 4
    assert modified_z(values).flagged[:3, 0].all()


def test_an_empty_matrix_and_bad_shapes():
    assert modified_z(np.empty((0, 3))).z.shape == (0, 3)
    with pytest.raises(ValueError, match="group labels"):
        modified_z(np.zeros((3, 1)), np.array([1, 2]))


def test_seeded_random_against_a_loop():
    rng = np.random.default_rng(20261201)
    values = rng.lognormal(3.0, 1.0, size=(300, 7))
    values[rng.random(values.shape) < 0.1] = np.nan
    values[:5] *= 40
    groups = rng.integers(0, 12, size=300)
    result = modified_z(values, groups)
    for group in np.unique(groups):
        rows = groups == group
        for column in range(values.shape[1]):
            x = values[rows, column]
            present = x[np.isfinite(x)]
            median = np.median(present)
            mad = np.median(np.abs(present - median))
            expected = 0.6745 * (x - median) / mad
            got = result.z[rows, column]
            if len(present) < 3 or mad == 0:
                assert np.isnan(got).all()
            else:
                np.testing.assert_allclose(got, np.where(np.isfinite(x), expected, np.nan))
    assert result.flagged.sum() > 0
