"""Target achievement, status lights and rank change."""

from __future__ import annotations

import numpy as np
import pytest

from baiqianwan import analysis as an


def test_achievement_by_hand() -> None:
    result = an.target_achievement(
        [80.0, 5.0], target=[100.0, 2.0], baseline=[60.0, 10.0], directions=["正向", "逆向"]
    )
    np.testing.assert_allclose(result.achievement, [0.5, 0.625])
    assert result.status.tolist() == ["red", "red"]
    ratio = an.target_achievement([80.0, 4.0], target=[100.0, 2.0], directions=["+", "-"])
    np.testing.assert_allclose(ratio.achievement, [0.8, 0.5])
    assert ratio.status.tolist() == ["yellow", "red"]


def test_schedule_and_milestones() -> None:
    # Halfway through 2023 → 2027, half the way covered is on track.
    result = an.target_achievement(
        [80.0, 77.0, 50.0],
        target=[100.0] * 3,
        baseline=[60.0] * 3,
        year=2025,
        base_year=2023,
        target_year=2027,
    )
    assert float(result.expected) == 0.5
    assert result.status.tolist() == ["green", "yellow", "red"]
    assert 2027 in an.MILESTONES and 2035 in an.MILESTONES


def test_edge_cases_and_errors() -> None:
    same = an.target_achievement([5.0, 4.0], target=[5.0, 5.0], baseline=[5.0, 5.0])
    np.testing.assert_allclose(same.achievement, [1.0, 0.0])
    capped = an.target_achievement([150.0], target=[100.0], cap=1.0)
    assert capped.achievement[0] == 1.0 and capped.met[0]
    with pytest.raises(an.AnalysisInputError, match="below its baseline"):
        an.target_achievement([5.0], target=[1.0], baseline=[3.0])
    with pytest.raises(an.AnalysisInputError, match="target of 0"):
        an.target_achievement([5.0], target=[0.0])
    with pytest.raises(an.AnalysisInputError, match="after base_year"):
        an.target_achievement([5.0], target=[6.0], year=2025, base_year=2027, target_year=2025)
    frame = an.target_achievement([[1.0, 2.0]], target=[2.0, 2.0]).to_frame(
        units=["a"], indicators=["x", "y"]
    )
    assert frame.loc[("a", "y"), "status"] == "green"


def test_rank_change() -> None:
    result = an.rank_change([[0.9, 0.5, 0.7], [0.4, 0.8, 0.6]])
    assert result.ranks.tolist() == [[1, 3, 2], [3, 1, 2]]
    assert result.change.tolist() == [[-2, 2, 0]]
    ties = an.rank_change([[1.0, 1.0, 0.5], [1.0, 2.0, 3.0]])
    assert ties.ranks[0].tolist() == [1, 1, 3]
    costs = an.rank_change([[1.0, 2.0], [2.0, 1.0]], ascending=True)
    assert costs.ranks[0].tolist() == [1, 2]
    with pytest.raises(an.AnalysisInputError, match="at least 2 periods"):
        an.rank_change([[1.0, 2.0]])
    assert "change" in result.to_frame(periods=[2024, 2025]).columns


def test_ranks_unchanged_under_positive_rescaling() -> None:
    rng = np.random.default_rng(12)
    scores = rng.random((3, 50))
    np.testing.assert_array_equal(
        an.rank_change(scores).ranks, an.rank_change(scores * 7 + 2).ranks
    )


def test_random_against_loops() -> None:
    rng = np.random.default_rng(31)
    baseline = rng.uniform(10, 50, size=(40, 6))
    target = baseline + np.where(np.arange(6) % 2 == 0, 1, -1) * rng.uniform(1, 9, size=(40, 6))
    value = baseline + rng.normal(0, 5, size=(40, 6))
    directions = ["+" if j % 2 == 0 else "-" for j in range(6)]
    result = an.target_achievement(
        value,
        target=target,
        baseline=baseline,
        directions=directions,
        year=2025,
        base_year=2023,
        target_year=2027,
    )
    for i in range(40):
        for j in range(6):
            a = (value[i, j] - baseline[i, j]) / (target[i, j] - baseline[i, j])
            light = "green" if a >= 0.5 else "yellow" if a >= 0.4 else "red"
            assert result.achievement[i, j] == pytest.approx(a)
            assert result.status[i, j] == light
