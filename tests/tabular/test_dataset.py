"""The reader's API as the indicators app will call it: sheets in, a checked dataset out."""

from __future__ import annotations

import doctest
from typing import Any

import numpy as np
import pytest

import baiqianwan.tabular
from baiqianwan.tabular import (
    FIRST,
    Sheet,
    TableInputError,
    dataset_parse,
    header_find,
    pairwise_read,
)


def sheets(rows: list[list[Any]], **others: list[list[Any]]) -> dict[str, Sheet]:
    return {FIRST: Sheet("Sheet1", rows), **{name: Sheet(name, r) for name, r in others.items()}}


TABLE = [
    ["", "", ""],  # the header need not be in the first row
    ["村", "人均收入", "污染", "县", "人口", "备注"],
    ["方向", "正向", "逆向", "", "", ""],
    ["维度", "经济", "生态", "", "", ""],
    ["权重", 0.6, 0.4, "", "", ""],
    ["A村", 12000, 5, "怀集县", 1200, "示范村"],
    [None, None, None],
    ["B村", "15000", 8.5, "四会市", 800, "无"],
]


def test_dataset_holds_units_indicators_metadata_and_rows() -> None:
    data = dataset_parse(sheets(TABLE), group_col="县", weight_col="人口")
    assert data.units == ["A村", "B村"]
    assert data.indicators == ["人均收入", "污染"] and data.columns == ["B", "C"]
    assert data.directions == ["正向", "逆向"]
    assert data.dimensions == ["经济", "生态"]
    assert data.weights == [0.6, 0.4]
    assert data.groups == ["怀集县", "四会市"]
    assert data.population is not None and data.population.tolist() == [1200, 800]
    np.testing.assert_array_equal(data.values, [[12000, 5], [15000, 8.5]])
    assert data.header_row == 2 and data.row_numbers == [6, 8]
    assert data.notes == ["column '备注' (F) holds text, not numbers: not an indicator"]


def test_indicator_sheet_overrides_rows_under_the_header() -> None:
    indicators = [["指标", "方向", "权重"], ["污染", "+", 1]]
    data = dataset_parse(sheets(TABLE, indicators=indicators), ignore_cols=["县", "人口", "备注"])
    assert data.directions == ["正向", "+"] and data.weights == [0.6, 1.0]
    assert data.notes == []


@pytest.mark.parametrize(
    ("rows", "kwargs", "where", "text"),
    [
        (
            [["村", "x"], ["a", 1], ["b", "1,5"]],
            {},
            ("Sheet1", 3, "B"),
            "Sheet1!B3: '1,5' is not a number",
        ),
        (
            [["村", "x"], ["a", 1], ["", 2]],
            {},
            ("Sheet1", 3, "A"),
            "Sheet1!A3: the unit has no name",
        ),
        (
            [["村", "x", "人口"], ["a", 1, 0], ["b", 2, 3]],
            {"weight_col": "人口"},
            ("Sheet1", 2, "C"),
            "Sheet1!C2: the population weight must be positive",
        ),
        (
            [["村", "", "x"], ["a", 1, 1]],
            {},
            ("Sheet1", 1, "B"),
            "Sheet1!B1: empty header",
        ),
        (
            [["村", "x"], ["a", 1], ["b", 2]],
            {"group_col": "县"},
            ("Sheet1", None, None),
            "Sheet1: no column '县' for group_col; columns: ['村', 'x']",
        ),
    ],
)
def test_errors_name_sheet_row_and_column(
    rows: list[list[Any]],
    kwargs: dict[str, Any],
    where: tuple[str, int | None, str | None],
    text: str,
) -> None:
    with pytest.raises(TableInputError) as caught:
        dataset_parse(sheets(rows), **kwargs)
    error = caught.value
    assert (error.sheet, error.row, error.column) == where
    assert str(error) == text


def test_option_names_say_how_the_caller_named_a_column() -> None:
    with pytest.raises(TableInputError, match="no column '县' for --group-col"):
        dataset_parse(
            sheets([["村", "x"], ["a", 1], ["b", 2]]),
            group_col="县",
            option_names={"group_col": "--group-col"},
        )


def test_indicator_sheet_errors_name_the_cell() -> None:
    indicators = [["指标", "方向"], ["污染", "up"]]
    with pytest.raises(TableInputError) as caught:
        dataset_parse(sheets(TABLE, indicators=indicators))
    assert str(caught.value) == "indicators!B2: 'up' is not a direction"


def test_progress_is_called_every_thousand_rows() -> None:
    rows: list[list[Any]] = [["村", "x"], *([f"u{i}", i] for i in range(2500))]
    calls: list[int] = []
    dataset_parse(sheets(rows), progress=calls.append)
    assert calls == [1000, 1000]


def test_header_find_skips_blank_rows_and_allows_a_matrix_corner() -> None:
    sheet = Sheet("pairwise", [[None], ["", "a", "b"], ["a", 1, 2]])
    assert header_find(sheet, corner=True) == (["", "a", "b"], 1)
    with pytest.raises(TableInputError, match="pairwise!A2: empty header"):
        header_find(sheet)


def test_pairwise_matrix_in_any_order_with_fractions() -> None:
    sheet = Sheet("pairwise", [["", "b", "a"], ["a", 3, 1], ["b", 1, "1/3"]])
    np.testing.assert_allclose(pairwise_read(sheet, ["a", "b"]), [[1, 3], [1 / 3, 1]])
    with pytest.raises(TableInputError, match="exactly the indicators"):
        pairwise_read(sheet, ["a", "c"])


def test_module_example_runs() -> None:
    result = doctest.testmod(baiqianwan.tabular, raise_on_error=False)
    assert result.attempted > 0 and result.failed == 0
