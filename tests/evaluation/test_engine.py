"""engine.compute on arrays: the rules a run applies, checked against the library and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an
from baiqianwan.evaluation.engine import EvaluationInputError, Inputs, compute


def _inputs(values: np.ndarray, **overrides) -> Inputs:  # type: ignore[no-untyped-def]
    periods, n, m = values.shape
    base = dict(
        periods=[str(2023 + p) for p in range(periods)],
        years=[2023 + p for p in range(periods)],
        units=[f"4412{i:08d}" for i in range(n)],
        names=[f"单位{i}" for i in range(n)],
        groups=["441202000000" if i % 2 else "441203000000" for i in range(n)],
        group_names={"441202000000": "端州区", "441203000000": "鼎湖区"},
        tracks=[""] * n,
        indicators=[f"X{j}" for j in range(m)],
        indicator_names=[f"指标{j}" for j in range(m)],
        directions=["positive"] * (m - 1) + ["negative"],
        dimensions=["甲" if j < m // 2 else "乙" for j in range(m)],
        subsystems=[""] * m,
        given=[None] * m,
        values=values,
        targets={},
    )
    base.update(overrides)
    return Inputs(**base)  # type: ignore[arg-type]


@pytest.fixture
def values() -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.uniform(1, 10, (2, 12, 4))


def test_scores_are_the_library_s_entropy_topsis(values):
    outcome = compute(_inputs(values), {"weighting": "entropy"})
    benefit = [True, True, True, False]
    w = an.entropy_weights(values, directions=benefit).weights
    expected = an.topsis(
        values, weights=w, directions=benefit, normalization="minmax", cost="invert"
    )
    np.testing.assert_allclose(outcome.score, expected.closeness, atol=1e-12)
    np.testing.assert_array_equal(outcome.rank, expected.ranks)
    # Change: the rank before minus the rank now.
    np.testing.assert_array_equal(outcome.change[0], expected.ranks[0] - expected.ranks[1])


def test_missing_values_are_refused_naming_units_or_handled_by_the_rule(values):
    values[1, 3, 2] = np.nan
    with pytest.raises(EvaluationInputError, match=r"单位3（441200000003）.*指标2"):
        compute(_inputs(values), {"weighting": "entropy"})
    dropped = compute(_inputs(values), {"weighting": "entropy", "missing": "drop"})
    assert 3 not in dropped.units and len(dropped.units) == 11
    assert "剔除" in dropped.notes[0]
    filled = compute(_inputs(values), {"weighting": "entropy", "missing": "mean"})
    assert len(filled.units) == 12 and filled.filled[3] and filled.filled.sum() == 1


def test_a_constant_indicator_gets_weight_zero_and_a_note(values):
    values[:, :, 1] = 5.0
    outcome = compute(_inputs(values), {"weighting": "critic"})
    assert outcome.summary["weights"]["2024"]["X1"] == 0
    assert any("权重为 0" in note and "指标1" in note for note in outcome.notes)


def test_ahp_over_dimensions_shares_each_dimension_by_entropy(values):
    params = {"weighting": "ahp", "ahp_over": "dimensions", "ahp_matrix": [[1, 3], [1 / 3, 1]]}
    outcome = compute(_inputs(values), params)
    weights = outcome.summary["weights"]["2023"]
    assert weights["X0"] + weights["X1"] == pytest.approx(0.75)
    assert weights["X2"] + weights["X3"] == pytest.approx(0.25)
    assert outcome.summary["weighting"]["ahp_cr"] == pytest.approx(0.0)


def test_an_inconsistent_matrix_is_refused_unless_accepted(values):
    matrix = [[1, 9, 1 / 9, 1], [1 / 9, 1, 9, 1], [9, 1 / 9, 1, 1], [1, 1, 1, 1]]
    params = {"weighting": "ahp", "ahp_over": "indicators", "ahp_matrix": matrix}
    with pytest.raises(EvaluationInputError, match="CR = "):
        compute(_inputs(values), params)
    accepted = compute(_inputs(values), {**params, "ahp_accept_inconsistent": True})
    assert accepted.summary["weighting"]["ahp_cr"] >= 0.1


def test_given_weights_must_all_be_there(values):
    with pytest.raises(EvaluationInputError, match="没有给定权重：指标0"):
        compute(_inputs(values, given=[None, 1, 1, 1]), {"weighting": "given"})
    outcome = compute(_inputs(values, given=[1, 1, 1, 1]), {"weighting": "given"})
    assert outcome.summary["weights"]["2023"]["X0"] == pytest.approx(0.25)


def test_tracks_rank_separately_and_coupling_names_grades(values):
    tracks = ["lead"] * 4 + ["advance"] * 4 + ["catch_up"] * 4
    outcome = compute(
        _inputs(values, tracks=tracks), {"weighting": "entropy", "by_track": True, "coupling": True}
    )
    for start in (0, 4, 8):
        assert sorted(outcome.track_rank[1, start : start + 4].tolist()) == [1, 2, 3, 4]
    assert set(outcome.coupling["grade"].ravel()) <= set(an.GRADES)
    assert outcome.summary["coupling"]["subsystems"] == ["甲", "乙"]


def test_balance_by_group_decomposes(values):
    outcome = compute(_inputs(values), {"weighting": "entropy"})
    balance = outcome.summary["balance"]["2024"]
    assert balance["between"] + balance["within"] == pytest.approx(balance["theil"])
    assert [g["name"] for g in balance["groups"]] == ["端州区", "鼎湖区"]


def test_target_lights_count_each_unit_s_indicators(values):
    targets = {2025: np.full((12, 4), 5.0)}
    outcome = compute(_inputs(values, targets=targets), {"weighting": "entropy"})
    assert outcome.lights.shape == (12, 3)
    assert (outcome.lights.sum(axis=1) == 4).all()
    assert set(outcome.summary["targets"]["2025"]) == {"X0", "X1", "X2", "X3"}


def test_the_snapshot_round_trips(values, tmp_path):
    inputs = _inputs(values, targets={2025: np.full((12, 4), 5.0)})
    inputs.save(tmp_path / "run.npz")
    again = Inputs.load(tmp_path / "run.npz")
    assert again.units == inputs.units and again.group_names == inputs.group_names
    np.testing.assert_array_equal(again.values, inputs.values)
    np.testing.assert_array_equal(again.targets[2025], inputs.targets[2025])


def test_units_alone_in_their_groups_are_not_decomposed(values):
    # A county ranking of a city: each county is its own group, so no between/within.
    alone = [f"4412{i:02d}000000" for i in range(12)]
    outcome = compute(_inputs(values, groups=alone), {"weighting": "entropy"})
    balance = outcome.summary["balance"]["2024"]
    assert "groups" not in balance and "between" not in balance
    assert balance["theil"] > 0 and balance["gini"] > 0
