"""Theil, Gini, CV and ratios."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baiqianwan import analysis as an
from tests.analysis.conftest import load_reference

# pysal/inequality tests/test_theil.py, Mexico per-capita GDP 1940-2000 (assert_almost_equal,
# 7 decimals, so atol 1.5e-7).
PYSAL_THEIL = [0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256, 0.10660832]
PYSAL_BETWEEN = [0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731, 0.03635872]


def test_theil_by_hand() -> None:
    y = np.array([1.0, 1.0, 2.0, 4.0])
    mu = y.mean()
    expected_t = np.mean(y / mu * np.log(y / mu))
    expected_l = np.mean(np.log(mu / y))
    assert an.theil(y).total == pytest.approx(expected_t)
    assert an.theil(y, index="L").total == pytest.approx(expected_l)
    assert an.theil(np.full(5, 3.0)).total == pytest.approx(0.0, abs=1e-15)


def test_theil_pysal_published() -> None:
    data = load_reference("mexico_state_gdp_per_capita_1940_2000_regions.json")
    y = np.array(data["y"]).T  # (periods, states)
    result = an.theil(y, groups=data["groups"])
    np.testing.assert_allclose(result.total, PYSAL_THEIL, atol=1.5e-7)
    np.testing.assert_allclose(result.between, PYSAL_BETWEEN, atol=1.5e-7)
    np.testing.assert_allclose(result.between + result.within, result.total, atol=1e-14)


def test_gini_pysal_published() -> None:
    """pysal/inequality tests/test_gini.py: Mexico 1940, G = 0.35372371173452849."""
    data = load_reference("mexico_state_gdp_per_capita_1940_2000_gini.json")
    y = np.array(data["y"])[:, 0]
    assert an.gini(y).gini == pytest.approx(0.35372371173452849, abs=1e-12)


def test_weighted_decomposition_adds_up() -> None:
    rng = np.random.default_rng(4)
    y = rng.lognormal(size=(3, 200))
    population = rng.integers(100, 5000, size=200)
    groups = rng.integers(0, 7, size=200)
    for index in ("T", "L"):
        result = an.theil(y, population=population, groups=groups, index=index)  # type: ignore[arg-type]
        np.testing.assert_allclose(result.between + result.within, result.total, atol=1e-13)
        np.testing.assert_allclose(
            result.contribution.sum(axis=-1) + result.between_contribution, 1.0
        )
        np.testing.assert_allclose(result.population_share.sum(axis=-1), 1.0)


def test_population_weighting_equals_replication() -> None:
    # A unit with population 3 counts as three units with the same per-capita value.
    y = np.array([1.0, 2.0, 5.0])
    weighted = an.theil(y, population=[3, 1, 2])
    replicated = an.theil(np.array([1.0, 1.0, 1.0, 2.0, 5.0, 5.0]))
    assert weighted.total == pytest.approx(replicated.total)
    assert an.gini(y, weights=[3, 1, 2]).gini == pytest.approx(an.gini([1, 1, 1, 2, 5, 5]).gini)


def test_theil_errors_and_zeros() -> None:
    assert an.theil([0.0, 1.0, 2.0]).total > 0  # 0 ln 0 = 0
    with pytest.raises(an.AnalysisInputError, match="Theil L is infinite"):
        an.theil([0.0, 1.0], index="L")
    with pytest.raises(an.AnalysisInputError, match="non-negative"):
        an.theil([-1.0, 1.0])
    assert an.theil([0.0, 0.0]).total == 0.0  # see test_theil_all_zero_period
    with pytest.raises(an.AnalysisInputError, match="one label per unit"):
        an.theil([1.0, 2.0], groups=[1])
    with pytest.raises(an.AnalysisInputError, match="positive"):
        an.theil([1.0, 2.0], population=[0, 1])
    frame = an.theil([[1.0, 2.0, 3.0], [2.0, 2.0, 5.0]], groups=["a", "a", "b"]).to_frame()
    assert set(frame.index.get_level_values("group")) == {"a", "b", "between", "total"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.1, 1e4), min_size=2, max_size=25), st.data())
def test_gini_and_theil_against_definitions(y: list[float], data: st.DataObject) -> None:
    n = len(y)
    mu = sum(y) / n
    pairwise = sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)
    assert an.gini(y).gini == pytest.approx(pairwise, abs=1e-10)
    assert an.gini(y, correction=True).gini == pytest.approx(pairwise * n / (n - 1), abs=1e-10)
    theil_t = sum((v / mu) * math.log(v / mu) for v in y) / n
    assert an.theil(y).total == pytest.approx(theil_t, abs=1e-10)
    groups = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    split = an.theil(y, groups=groups)
    assert split.between + split.within == pytest.approx(split.total, abs=1e-12)
    assert split.between >= -1e-15 and split.within >= -1e-15


def test_cv_and_ratios() -> None:
    y = np.array([2.0, 4.0, 6.0])
    result = an.cv(y)
    assert result.cv == pytest.approx(y.std() / 4)
    assert an.cv(y, ddof=1).cv == pytest.approx(2 / 4)
    weighted = an.cv(y, weights=[1, 1, 2])
    mu = (2 + 4 + 12) / 4
    assert weighted.mean == pytest.approx(mu)
    assert weighted.cv == pytest.approx(
        math.sqrt(((2 - mu) ** 2 + (4 - mu) ** 2 + 2 * (6 - mu) ** 2) / 4) / mu
    )
    assert result.max_min_ratio == pytest.approx(3.0)
    assert an.max_min_ratio([0.0, 2.0]) == math.inf
    np.testing.assert_allclose(an.urban_rural_ratio([50000, 60000], [20000, 30000]), [2.5, 2.0])
    assert an.cv([0.0, 0.0]).cv == 0.0  # see test_cv_all_zero_group_and_period
    with pytest.raises(an.AnalysisInputError, match="rural income"):
        an.urban_rural_ratio([1.0], [0.0])
    assert list(an.cv([[1.0, 2.0], [2.0, 5.0]]).to_frame().columns) == [
        "cv",
        "mean",
        "std",
        "max_min_ratio",
    ]


def test_missing_values_named_or_dropped() -> None:
    y = np.array([[1.0, 2.0, np.nan, 4.0], [1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(an.AnalysisInputError, match="unit 'c' \\(period 1\\)"):
        an.theil(y, units=["a", "b", "c", "d"])
    dropped = an.theil(y, missing="drop", population=[1, 2, 3, 4], groups=["x", "x", "y", "y"])
    expected = an.theil(y[:, [0, 1, 3]], population=[1, 2, 4], groups=["x", "x", "y"])
    np.testing.assert_allclose(dropped.total, expected.total)
    assert an.gini(y, missing="drop").gini[1] == pytest.approx(an.gini([1.0, 2.0, 4.0]).gini)
    assert an.cv(y, missing="drop").cv[0] == pytest.approx(an.cv([1.0, 2.0, 4.0]).cv)


# ------------------------------------------------------------ all-zero groups and periods
# Villages of county "a" all report 0 collective income; 2024 (period 2) is all 0. Before
# issue 12 the decomposition gave T_a = nan (0/0) and with it within = nan, and an all-zero
# period raised for the whole panel.
ZERO_GROUP = np.array([[0.0, 0.0, 0.0, 3.0, 5.0, 1.0, 2.0], [0.0] * 7])
COUNTIES = ["a", "a", "a", "b", "b", "c", "c"]
POPULATION = [120, 80, 200, 50, 70, 90, 110]


def theil_by_definition(y: np.ndarray, population: list[float]) -> float:
    """Eq. (23) by its definition with 0 ln 0 = 0, one term at a time."""
    income = [p * v for p, v in zip(population, y, strict=True)]
    total_income, total_pop = sum(income), sum(population)
    terms = [
        (i / total_income) * math.log((i / total_income) / (p / total_pop))
        for i, p in zip(income, population, strict=True)
        if i > 0
    ]
    return sum(terms)


@pytest.mark.parametrize("population", [None, POPULATION], ids=["unweighted", "weighted"])
def test_theil_all_zero_group_has_index_and_share_zero(population: list[int] | None) -> None:
    result = an.theil(ZERO_GROUP[0], groups=COUNTIES, population=population)
    for field in ("total", "between", "within", "group_index", "contribution"):
        assert np.isfinite(getattr(result, field)).all(), field
    assert result.groups.tolist() == ["a", "b", "c"]
    assert result.group_index[0] == 0.0 and result.income_share[0] == 0.0
    assert result.contribution[0] == 0.0
    weights = population or [1] * 7
    assert result.total == pytest.approx(theil_by_definition(ZERO_GROUP[0], weights), abs=1e-14)
    assert result.between + result.within == pytest.approx(result.total, abs=1e-14)
    assert result.contribution.sum() + result.between_contribution == pytest.approx(1.0)
    # The other groups' indices are those of their units alone.
    for k, members in ((1, [3, 4]), (2, [5, 6])):
        alone = an.theil(
            ZERO_GROUP[0, members],
            population=None if population is None else [population[i] for i in members],
        )
        assert result.group_index[k] == pytest.approx(alone.total, abs=1e-14)
    assert not result.all_zero


def test_theil_all_zero_period_is_zero_and_marked() -> None:
    result = an.theil(ZERO_GROUP, groups=COUNTIES, population=POPULATION)
    assert result.all_zero.tolist() == [False, True]
    first = an.theil(ZERO_GROUP[0], groups=COUNTIES, population=POPULATION)
    assert result.total[0] == pytest.approx(first.total, abs=1e-15)
    for field in ("total", "between", "within", "between_contribution"):
        assert getattr(result, field)[1] == 0.0, field
    for field in ("group_index", "income_share", "contribution"):
        assert getattr(result, field)[1].tolist() == [0.0, 0.0, 0.0], field
    np.testing.assert_allclose(result.population_share[1], np.array([400, 120, 200]) / 720)
    frame = result.to_frame(periods=[2023, 2024])
    rows = frame.drop(index=["between", "total"], level="group")
    assert not rows.isna().any().any()
    assert frame.loc[(2024, "total"), "index"] == 0.0
    assert an.theil([0.0, 0.0, 0.0]).all_zero


def test_theil_l_refuses_zeros_naming_the_unit() -> None:
    villages = [f"v{i + 1}" for i in range(7)]
    with pytest.raises(an.AnalysisInputError, match=r"unit 'v1'.*index='T'"):
        an.theil(ZERO_GROUP[0], groups=COUNTIES, index="L", units=villages)
    # Period 1 without zeros, period 2 all 0: the message names the period.
    with pytest.raises(an.AnalysisInputError, match=r"unit 'v1' \(period 2\)"):
        an.theil(np.vstack([ZERO_GROUP[0] + 1, ZERO_GROUP[1]]), index="L", units=villages)


def test_gini_by_group_matches_each_group_alone() -> None:
    rng = np.random.default_rng(12)
    y = rng.lognormal(size=(3, 60))
    w = rng.integers(1, 9, size=60)
    groups = rng.choice(["端州区", "高要区", "四会市", "怀集县"], size=60)
    result = an.gini(y, weights=w, groups=groups)
    assert result.group_gini is not None
    for k, label in enumerate(result.groups):
        alone = an.gini(y[:, groups == label], weights=w[groups == label])
        np.testing.assert_allclose(result.group_gini[:, k], alone.gini, atol=1e-13)
    np.testing.assert_allclose(result.gini, an.gini(y, weights=w).gini, atol=0)
    frame = result.group_frame(periods=[2022, 2023, 2024])
    assert frame.loc[(2024, "四会市"), "gini"] == pytest.approx(result.group_gini[2, 0])


def test_gini_all_zero_group_and_period() -> None:
    result = an.gini(ZERO_GROUP, groups=COUNTIES, weights=POPULATION)
    assert result.group_gini is not None and np.isfinite(result.group_gini).all()
    assert result.group_gini[0, 0] == 0.0  # county a, all 0
    assert result.group_gini[0, 1] == pytest.approx(
        an.gini([3.0, 5.0], weights=[50, 70]).gini, abs=1e-15
    )
    assert result.all_zero.tolist() == [False, True]
    assert result.gini[1] == 0.0 and result.group_gini[1].tolist() == [0.0, 0.0, 0.0]
    # An all-zero period's Lorenz curve is the line of equality.
    np.testing.assert_allclose(result.lorenz_income[1], result.lorenz_population[1])
    assert result.gini[0] == pytest.approx(an.gini(ZERO_GROUP[0], weights=POPULATION).gini)
    corrected = an.gini(ZERO_GROUP, groups=COUNTIES, correction=True)
    assert corrected.group_gini is not None
    assert corrected.group_gini[0, 1] == pytest.approx(an.gini([3.0, 5.0]).gini * 2)
    with pytest.raises(an.AnalysisInputError, match="group 'c' has one unit"):
        an.gini([1.0, 2.0, 3.0], groups=["a", "a", "c"], correction=True)
    with pytest.raises(an.AnalysisInputError, match="without groups"):
        an.gini([1.0, 2.0]).group_frame()


def test_cv_all_zero_group_and_period() -> None:
    result = an.cv(ZERO_GROUP, groups=COUNTIES, weights=POPULATION, ddof=1)
    assert result.group_cv is not None and result.group_mean is not None
    assert np.isfinite(result.group_cv).all()
    assert result.group_cv[0, 0] == 0.0 and result.group_mean[0, 0] == 0.0
    alone = an.cv([1.0, 2.0], weights=[90, 110], ddof=1)
    assert result.group_cv[0, 2] == pytest.approx(alone.cv, abs=1e-15)
    assert result.all_zero.tolist() == [False, True]
    assert result.cv[1] == 0.0 and result.std[1] == 0.0 and result.max_min_ratio[1] == 1.0
    assert result.max_min_ratio[0] == math.inf  # some 0, some not
    assert result.cv[0] == pytest.approx(an.cv(ZERO_GROUP[0], weights=POPULATION, ddof=1).cv)
    frame = result.group_frame(periods=[2023, 2024])
    assert frame.loc[(2023, "a"), ["cv", "mean", "std"]].to_numpy().tolist() == [0.0, 0.0, 0.0]
    assert not frame.isna().any().any()
    with pytest.raises(an.AnalysisInputError, match="group 'c' no degrees of freedom"):
        an.cv([1.0, 2.0, 3.0], groups=["a", "a", "c"], ddof=1)
    with pytest.raises(an.AnalysisInputError, match="without groups"):
        an.cv([1.0, 2.0]).group_frame()


def test_group_statistics_follow_dropped_units() -> None:
    y = np.array([[1.0, np.nan, 3.0, 4.0, 0.0, 0.0]])
    groups = ["a", "a", "b", "b", "z", "z"]
    gini = an.gini(y, groups=groups, missing="drop")
    cv = an.cv(y, groups=groups, missing="drop")
    assert gini.groups.tolist() == ["a", "b", "z"]
    assert gini.group_gini is not None and cv.group_cv is not None
    assert gini.group_gini[0].tolist() == [0.0, pytest.approx(an.gini([3.0, 4.0]).gini), 0.0]
    assert cv.group_cv[0, 1] == pytest.approx(an.cv([3.0, 4.0]).cv)
