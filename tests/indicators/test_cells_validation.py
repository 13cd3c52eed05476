"""Reading cells for an indicator, and the validation rules over a unit's values."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from baiqianwan.indicators.cells import CellProblem, cell_value, value_shown
from baiqianwan.indicators.validation import blocking_violations, violations
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, OPEN_DAY, system_make, unit


def _ind(value_type: str = "number", minimum=None, maximum=None):  # type: ignore[no-untyped-def]
    return SimpleNamespace(value_type=value_type, minimum=minimum, maximum=maximum)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("", None),
        (None, None),
        ("—", None),
        ("/", None),
        (" - ", None),
        ("1234", 1234.0),
        ("１２３４", 1234.0),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        (12.5, 12.5),
        ("-3", -3.0),
    ],
)
def test_numbers_and_missing(raw, expected):  # type: ignore[no-untyped-def]
    assert cell_value(_ind(), raw) == expected


@pytest.mark.parametrize("raw", ["12,3", "1.234,5", "1_000", "abc", "=A1+1", True, "inf"])
def test_refused_numbers(raw):  # type: ignore[no-untyped-def]
    with pytest.raises(CellProblem):
        cell_value(_ind(), raw)


def test_types_and_ranges():  # type: ignore[no-untyped-def]
    from datetime import datetime

    assert cell_value(_ind("percent"), "35%") == 35.0
    assert cell_value(_ind("yes_no"), "是") == 1.0 and cell_value(_ind("yes_no"), "否") == 0.0
    with pytest.raises(CellProblem, match="whole"):
        cell_value(_ind("integer"), "2.5")
    with pytest.raises(CellProblem, match="negative"):
        cell_value(_ind("count"), "-1")
    with pytest.raises(CellProblem, match="above"):
        cell_value(_ind("percent", maximum=100), "101")
    with pytest.raises(CellProblem, match="date"):
        cell_value(_ind(), datetime(2024, 1, 1))
    with pytest.raises(CellProblem):
        cell_value(_ind("yes_no"), "也许")


@pytest.mark.django_db
def test_rules_block_and_warn(make_user):  # type: ignore[no-untyped-def]
    world = system_make()
    county = unit(DEQING)
    op = make_user("deqing", "county_operator", DEQING)
    ind = world["ind"]
    dataset, period = world["datasets"]["COUNTY"], world["period"]
    values_write(
        actor=op,
        dataset=dataset,
        period=period,
        source="form",
        today=OPEN_DAY,
        cells=[
            Cell(county.pk, ind["URBAN_INCOME"].pk, 30000),
            Cell(county.pk, ind["RURAL_INCOME_C"].pk, 40000),
        ],
    )
    found = blocking_violations(dataset, period, [county.pk])
    assert [(v.rule.code, v.left, v.right) for v in found] == [("R1", 40000.0, 30000.0)]
    # The village rule is a warning and does not apply to the county data set.
    assert violations(dataset, period, [county.pk], severity="warning") == []


def test_values_shown_keep_the_zeros_of_whole_numbers():  # type: ignore[no-untyped-def]
    number = _ind()
    assert value_shown(number, 19.99, 0) == "20"  # not "2"
    assert value_shown(number, 100.0, 0) == "100"
    assert value_shown(number, 12.5, 2) == "12.5"
    assert value_shown(number, 1203.0, 2) == "1203"
    assert value_shown(number, None) == ""
    assert value_shown(_ind("yes_no"), 1.0) == "yes"
