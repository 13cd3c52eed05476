"""Coupling coordination degree."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baiqianwan import analysis as an


def test_two_systems_by_hand() -> None:
    result = an.coupling_coordination([[0.3, 0.6]], names=["城镇", "乡村"])
    c = 2 * math.sqrt(0.18) / 0.9
    assert result.coupling[0] == pytest.approx(c)
    assert result.development[0] == pytest.approx(0.45)
    assert result.coordination[0] == pytest.approx(math.sqrt(c * 0.45))
    assert result.grade_name[0] == "初级协调"  # D ≈ 0.651
    assert result.lag_type[0] == "城镇滞后型"


def test_three_systems_and_alpha() -> None:
    u = np.array([0.2, 0.4, 0.8])
    result = an.coupling_coordination(u, alpha=[0.5, 0.3, 0.2])
    assert result.coupling == pytest.approx(3 * (0.2 * 0.4 * 0.8) ** (1 / 3) / 1.4)
    assert result.development == pytest.approx(0.1 + 0.12 + 0.16)


def test_revised_form_wang_2021() -> None:
    # Eq. (21), n = 2: sqrt((1 - |u1 - u2|) · min/max).
    result = an.coupling_coordination([[0.3, 0.6], [0.5, 0.5]], variant="revised")
    np.testing.assert_allclose(result.coupling, [math.sqrt(0.7 * 0.5), 1.0])
    # n = 3: pairs differences sum over 1 + 2 = 3, product of u/max to the power 1/2.
    u = [0.2, 0.4, 0.8]
    spread = (0.2 + 0.6 + 0.4) / 3
    expected = math.sqrt((1 - spread) * ((0.25 * 0.5 * 1.0) ** 0.5))
    assert an.coupling_coordination(u, variant="revised").coupling == pytest.approx(expected)


def test_power_variant() -> None:
    u = [[0.3, 0.6]]
    standard = an.coupling_coordination(u).coupling
    default_power = an.coupling_coordination(u, variant="power").coupling
    np.testing.assert_allclose(standard, default_power)
    k2 = an.coupling_coordination(u, variant="power", k=2).coupling
    assert k2[0] == pytest.approx((0.18 / 0.45**2) ** 2)


def test_grades_and_boundaries() -> None:
    # D = sqrt(C·T) with u1 = u2 = d² gives C = 1, T = d², so D = d.
    d = np.array([0.05, 0.1, 0.35, 0.5, 0.95, 1.0])
    u = np.stack([d**2, d**2], axis=-1)
    left = an.coupling_coordination(u)
    assert left.grade_name.tolist() == [
        "极度失调",
        "严重失调",
        "轻度失调",
        "勉强协调",
        "优质协调",
        "优质协调",
    ]
    right = an.coupling_coordination(u, closed="right")
    assert right.grade_name[1] == "极度失调" and right.grade_name[3] == "濒临失调"
    assert an.GRADES[0] == "极度失调" and an.GRADES[-1] == "优质协调"


def test_edge_cases_and_errors() -> None:
    zero = an.coupling_coordination([[0.0, 0.0], [0.0, 0.5]])
    np.testing.assert_allclose(zero.coupling, [0.0, 0.0])
    assert zero.lag_type.tolist() == ["同步型", "子系统1滞后型"]
    with pytest.raises(an.AnalysisInputError, match=r"\[0, 1\]"):
        an.coupling_coordination([[0.5, 1.5]])
    with pytest.raises(an.AnalysisInputError, match="at least 2"):
        an.coupling_coordination([[0.5]])
    with pytest.raises(an.AnalysisInputError, match="names"):
        an.coupling_coordination([[0.5, 0.2]], names=["a"])
    frame = an.coupling_coordination([[0.3, 0.6], [0.7, 0.7]]).to_frame(units=["a", "b"])
    assert list(frame.columns) == ["C", "T", "D", "grade", "lag_type"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0.001, 1.0), min_size=2, max_size=6))
def test_coupling_properties(u: list[float]) -> None:
    n = len(u)
    result = an.coupling_coordination(u)
    independent = n * math.prod(u) ** (1 / n) / sum(u)
    assert result.coupling == pytest.approx(independent, rel=1e-9)
    assert 0 <= result.coupling <= 1 + 1e-12  # AM-GM
    revised = an.coupling_coordination(u, variant="revised")
    assert 0 <= revised.coupling <= 1
    assert result.coordination == pytest.approx(math.sqrt(result.coupling * sum(u) / n))


@pytest.mark.parametrize("variant", ["standard", "power", "revised"])
def test_an_all_zero_period_and_a_missing_level(variant: str) -> None:
    # 2024 (period 2): no subsystem has developed anywhere yet.
    levels = np.stack([[[0.3, 0.6], [0.7, 0.7], [0.2, 0.4]], np.zeros((3, 2))])
    result = an.coupling_coordination(levels, variant=variant)  # type: ignore[arg-type]
    for field in ("coupling", "development", "coordination"):
        values = getattr(result, field)
        assert np.isfinite(values).all(), field
        np.testing.assert_array_equal(values[1], 0.0)
    assert result.grade_name[1].tolist() == ["极度失调"] * 3
    first = an.coupling_coordination(levels[0], variant=variant)  # type: ignore[arg-type]
    np.testing.assert_allclose(result.coordination[0], first.coordination)
    with pytest.raises(an.AnalysisInputError, match="finite"):
        an.coupling_coordination([[0.3, np.nan], [0.2, 0.4]])
