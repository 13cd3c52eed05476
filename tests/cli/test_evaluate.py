"""``bqw evaluate``: spreadsheets in, results out, clear messages for bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import rich.progress
import xlsxwriter
from python_calamine import CalamineWorkbook

from baiqianwan import analysis as an
from baiqianwan.cli.evaluate import main

HEADER = ["村", "人均收入", "集体收入", "污染", "县", "人口"]
DIRECTIONS = ["方向", "正向", "+", "逆向", "", ""]
DIMENSIONS = ["维度", "经济", "经济", "生态", "", ""]
ROWS = [
    ["A村", 12000, 30, 5, "怀集县", 1200],
    ["B村", 15000, 80, 8, "怀集县", 800],
    ["C村", 9000, 10, 2, "四会市", 1500],
    ["D村", 20000, 50, 9, "四会市", 600],
    ["E村", 11000, 45, 4, "四会市", 900],
]
POP = ["--weight-col", "人口"]
VALUES = np.array([row[1:4] for row in ROWS], dtype=float)


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return workbook(tmp_path / "data.xlsx", {"Sheet1": [HEADER, DIRECTIONS, DIMENSIONS, *ROWS]})


def csv_file(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(
    args: list[str], capsys: pytest.CaptureFixture[str], *, lang: str = "en"
) -> tuple[int, str, str]:
    """Run the command; in English unless told (these tests read its English words; the
    Chinese ones are in test_evaluate_lang.py)."""
    code = main([*args, "--lang", lang])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sheet_rows(path: Path, name: str) -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name).to_python()


def test_cli_imports_no_django() -> None:
    code = (
        "import sys, baiqianwan.cli.evaluate; "
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
        "assert not bad, bad"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_entropy_topsis_matches_library(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.xlsx"
    code, stdout, err = run(
        [str(data), "--out", str(out), "--group-col", "县", "--weight-col", "人口"], capsys
    )
    assert code == 0, err
    assert "B村" in stdout and "rank" in stdout
    names = CalamineWorkbook.from_path(str(out)).sheet_names
    assert names == ["scores", "weights", "normalized", "weighted", "ideal"]
    weights = an.entropy_weights(VALUES, directions=["+", "+", "-"]).weights
    expected = an.topsis(VALUES, weights=weights, directions=["+", "+", "-"])
    rows = sheet_rows(out, "scores")
    assert rows[0][:3] == ["unit", "rank", "score"]
    scores = {row[0]: row[2] for row in rows[1:]}
    for unit, closeness in zip([r[0] for r in ROWS], expected.closeness, strict=True):
        assert scores[unit] == pytest.approx(closeness)


def test_json_and_csv_output(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    code, stdout, _ = run(
        [str(data), "--method", "entropy-weighted-sum", "--json", "--out", str(out), *POP], capsys
    )
    assert code == 0
    document = json.loads(stdout)
    assert document["schema"] == "baiqianwan.evaluate/1"
    assert document["units"] == 5 and document["indicators"] == ["人均收入", "集体收入", "污染"]
    weights = [row["weight"] for row in document["sheets"]["weights"]]
    assert sum(weights) == pytest.approx(1.0)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "unit,rank,score"


def test_csv_input_with_second_header_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    lines = ["unit,x,y,z", ",+,-,benefit", "a,1,5,3", "b,2,4,1", "c,4,1,2"]
    path.write_text("\n".join(lines), encoding="utf-8")
    code, stdout, err = run([str(path), "--json"], capsys)
    assert code == 0, err
    assert "row 2 holds only directions" in err
    scores = json.loads(stdout)["sheets"]["scores"]
    expected = an.topsis(
        [[1, 5, 3], [2, 4, 1], [4, 1, 2]],
        weights=an.entropy_weights(
            [[1, 5, 3], [2, 4, 1], [4, 1, 2]], directions=["+", "-", "+"]
        ).weights,
        directions=["+", "-", "+"],
    )
    by_unit = {row["unit"]: row["score"] for row in scores}
    assert [by_unit[u] for u in "abc"] == pytest.approx(expected.closeness.tolist())


def test_indicators_sheet_and_ahp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "ahp.xlsx",
        {
            "data": [HEADER[:4], *[row[:4] for row in ROWS]],
            "indicators": [
                ["指标", "方向", "维度"],
                ["人均收入", "正向", "经济"],
                ["集体收入", "正向", "经济"],
                ["污染", "逆向", "生态"],
            ],
            "pairwise": [
                ["", "人均收入", "集体收入", "污染"],
                ["人均收入", 1, 3, 5],
                ["集体收入", "1/3", 1, 3],
                ["污染", 0.2, "1/3", 1],
            ],
        },
    )
    out = tmp_path / "ahp-out.xlsx"
    code, _, err = run([str(path), "--method", "ahp-topsis", "--out", str(out), "--quiet"], capsys)
    assert code == 0, err
    consistency = {row[0]: row[1] for row in sheet_rows(out, "consistency")[1:]}
    assert consistency["CR"] == pytest.approx(0.0332, abs=1e-4)
    weights = {row[0]: row[-1] for row in sheet_rows(out, "weights")[1:]}
    assert weights["人均收入"] == pytest.approx(0.637, abs=1e-3)


def test_inconsistent_ahp_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "bad-ahp.xlsx",
        {
            "data": [HEADER[:4], DIRECTIONS[:4], *[row[:4] for row in ROWS]],
            "pairwise": [
                ["", "人均收入", "集体收入", "污染"],
                ["人均收入", 1, 9, "1/9"],
                ["集体收入", "1/9", 1, 9],
                ["污染", 9, "1/9", 1],
            ],
        },
    )
    out = tmp_path / "never.xlsx"
    code, _, err = run([str(path), "--method", "ahp-topsis", "--out", str(out)], capsys)
    assert code == 2 and "CR = " in err
    assert not out.exists()


def test_obstacle_and_coupling(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        [str(data), "--method", "obstacle", "--json", "--top-k", "2", *POP], capsys
    )
    assert code == 0, err
    document = json.loads(stdout)
    assert {"weak_points", "obstacle_degree", "dimension_degree"} <= set(document["sheets"])
    assert document["sheets"]["weak_points"][0]["weak_1"] in ["人均收入", "集体收入", "污染"]
    code, stdout, err = run([str(data), "--method", "coupling", "--json", *POP], capsys)
    assert code == 0, err
    coupling = json.loads(stdout)["sheets"]["coupling"]
    assert {"C", "T", "D", "grade", "lag_type"} <= set(coupling[0])
    assert coupling[0]["grade"] in an.GRADES
    assert min(row["D"] for row in coupling) == 0.0  # a level of 0 makes C = 0
    args = [str(data), "--method", "coupling", "--floor", "0.01", "--json", *POP]
    code, stdout, err = run(args, capsys)
    assert min(row["D"] for row in json.loads(stdout)["sheets"]["coupling"]) > 0


def test_coupling_subsystem_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(
        tmp_path / "u.xlsx",
        {"s": [["县", "城镇", "乡村"], ["端州区", 0.8, 0.3], ["怀集县", 0.5, 0.55]]},
    )
    code, stdout, err = run(
        [str(path), "--method", "coupling", "--subsystems", "城镇,乡村", "--json"], capsys
    )
    assert code == 0, err
    rows = {row["unit"]: row for row in json.loads(stdout)["sheets"]["coupling"]}
    assert rows["端州区"]["lag_type"] == "乡村滞后型"
    assert rows["怀集县"]["lag_type"] == "同步型"


def test_theil_gini_cv(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(
        [str(data), "--method", "theil", "--group-col", "县", "--weight-col", "人口", "--json"],
        capsys,
    )
    assert code == 0, err
    document = json.loads(stdout)
    income = VALUES[:, 0]
    population = np.array([row[5] for row in ROWS], dtype=float)
    expected = an.theil(income, population=population, groups=[row[4] for row in ROWS])
    row = document["sheets"]["theil"][0]
    assert row["theil_T"] == pytest.approx(float(expected.total))
    assert row["between"] == pytest.approx(float(expected.between))
    assert (
        len(document["sheets"]["groups"]) == 3 * 4
    )  # 3 indicators × (2 counties + between + total)
    code, stdout, _ = run([str(data), "--method", "gini", "--json"], capsys)
    assert json.loads(stdout)["sheets"]["gini"][0]["gini"] == pytest.approx(
        float(an.gini(income).gini)
    )
    code, stdout, _ = run([str(data), "--method", "cv", "--ddof", "1", "--json"], capsys)
    assert json.loads(stdout)["sheets"]["cv"][0]["cv"] == pytest.approx(
        income.std(ddof=1) / income.mean()
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], ["B村", 2, "12,3", 4]],
            "Sheet1!C4: '12,3' is not a number",
        ),
        ([HEADER[:4], ["A村", 1, 2, 3], ["B村", 2, 3, 4]], "indicator '人均收入' has no direction"),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], ["B村", 2, 2, 4]],
            "Sheet1!C: indicator '集体收入' is constant",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, None, 3], ["B村", 2, 3, 4]],
            "Sheet1!C3: missing value",
        ),
        (
            [HEADER[:4], ["方向", "+", "up", "-"], ["A村", 1, 2, 3], ["B村", 2, 3, 4]],
            "Sheet1!C2: 'up' is not a direction",
        ),
        ([HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3]], "fewer than 2 units"),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], [None], ["B村", 2, None, 4]],
            "Sheet1!C5: missing value for 'B村', '集体收入'",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, "1_000", 3], ["B村", 2, 3, 4]],
            "Sheet1!C3: '1_000' is not a number",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, "inf", 3], ["B村", 2, 3, 4]],
            "Sheet1!C3: 'inf' is not a number",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], ["B村", 2, "NaN", 4]],
            "Sheet1!C4: 'NaN' is not a number",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, "１２", 3], ["B村", 2, 3, 4]],
            "Sheet1!C3: '１２' is not a number",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 1e308, 3], ["B村", 2, 3, 4]],
            "Sheet1!C3: '1e+308' is out of range",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], ["B村", 2, 3, "-1e308"]],
            "Sheet1!D4: '-1e308' is out of range",
        ),
        (
            [HEADER[:4], DIRECTIONS[:4], ["A村", 1, 2, 3], ["B村", 2, 3, 4], ["A村", 3, 1, 2]],
            "Sheet1: units listed more than once: 'A村' (rows 3, 5)",
        ),
    ],
)
def test_bad_input_names_the_cell_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[Any]], message: str
) -> None:
    path = workbook(tmp_path / "bad.xlsx", {"Sheet1": rows})
    out = tmp_path / "out.xlsx"
    code, _, err = run([str(path), "--out", str(out)], capsys)
    assert code == 2
    assert message in err
    assert not out.exists()
    assert list(tmp_path.glob(".out*")) == []


def test_missing_values_by_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [HEADER[:4], DIRECTIONS[:4], *[row[:4] for row in ROWS]]
    rows[2] = ["A村", 12000, None, 5]
    path = workbook(tmp_path / "gap.xlsx", {"Sheet1": rows})
    code, stdout, err = run([str(path), "--missing", "drop", "--json"], capsys)
    assert code == 0, err
    assert json.loads(stdout)["units"] == 4
    assert "dropped 1 unit" in err


def test_usage_errors(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path / "absent.xlsx")], capsys)
    assert code == 2 and "no such file" in err
    code, _, err = run([str(data), "--group-col", "乡镇"], capsys)
    assert code == 2 and "no column '乡镇'" in err
    code, _, err = run([str(data)], capsys)
    assert code == 2 and "'人口' has no direction" in err
    code, _, err = run([str(data), "--method", "ahp-topsis", *POP], capsys)
    assert code == 2 and "needs a sheet named 'pairwise'" in err
    code, _, err = run([str(data), "--out", str(tmp_path / "x.json")], capsys)
    assert code == 2 and "expected .xlsx or .csv" in err
    code, _, err = run([str(data), "--combine", "linear", *POP], capsys)
    assert code == 2 and "needs a 'weight'" in err


def test_given_weights_combined(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [HEADER[:4], DIRECTIONS[:4], ["权重", 0.5, 0.3, 0.2], *[row[:4] for row in ROWS]]
    path = workbook(tmp_path / "w.xlsx", {"Sheet1": rows})
    code, stdout, err = run([str(path), "--json"], capsys)
    assert code == 0 and "given weights were not used" in err
    code, stdout, err = run([str(path), "--combine", "multiplicative", "--json"], capsys)
    assert code == 0, err
    weights = json.loads(stdout)["sheets"]["weights"]
    entropy = an.entropy_weights(VALUES, directions=["+", "+", "-"]).weights
    combined = an.combine_weights([0.5, 0.3, 0.2], entropy).weights
    assert [row["weight"] for row in weights] == pytest.approx(combined.tolist())


@pytest.fixture
def progress_bars(monkeypatch: pytest.MonkeyPatch) -> list[rich.progress.Progress]:
    """Every rich progress bar the command makes, kept so a test can read its tasks after."""
    made: list[rich.progress.Progress] = []

    class Recorded(rich.progress.Progress):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(rich.progress, "Progress", Recorded)
    return made


def shown(bars: list[rich.progress.Progress]) -> dict[str, tuple[float | None, float]]:
    """Each task of a bar that is shown: its first word -> (total, completed)."""
    return {
        task.description.split()[0]: (task.total, task.completed)
        for bar in bars
        if not bar.disable
        for task in bar.tasks
    }


def test_large_file_goes_through_the_progress_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], progress_bars: list[rich.progress.Progress]
) -> None:
    rng = np.random.default_rng(3)
    values = rng.lognormal(size=(20_500, 3))
    lines = ["unit,a,b,c", "direction,+,-,+"]
    lines += [f"u{i},{v[0]:.6f},{v[1]:.6f},{v[2]:.6f}" for i, v in enumerate(values)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "big.xlsx"
    code, stdout, err = run([str(path), "--out", str(out), "--top", "3"], capsys)
    assert code == 0, err
    assert "20497 more rows" in stdout
    tasks = shown(progress_bars)
    assert set(tasks) == {"reading", "writing"}
    total, completed = tasks["reading"]
    assert total == 20_502 and 20_000 <= completed <= total  # advanced by 1000 rows
    total, completed = tasks["writing"]
    assert total is not None and 0 < completed <= total
    assert len(sheet_rows(out, "scores")) == 1 + 20_500


def test_a_small_file_shows_no_progress(
    data: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    progress_bars: list[rich.progress.Progress],
) -> None:
    code, _, err = run([str(data), "--out", str(tmp_path / "small.xlsx"), "--quiet", *POP], capsys)
    assert code == 0, err
    assert progress_bars, "the writer makes its (disabled) bar"
    assert shown(progress_bars) == {}


@pytest.mark.parametrize("first", [["端州区", 1, -1], ["端州区", 1.5, 1.2], ["端州区", 1, 1]])
def test_a_first_unit_of_numbers_is_not_a_direction_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: list[Any]
) -> None:
    rows = [["县", "GDP", "收入"], first, ["鼎湖区", 3, 2.5], ["高要区", 2, 4], ["四会市", 5, 1]]
    code, _, err = run([str(csv_file(tmp_path / "data.csv", rows))], capsys)
    assert code == 2 and "data.csv!B1: indicator 'GDP' has no direction" in err
    indicators = [["指标", "方向"], ["GDP", "正向"], ["收入", "正向"]]
    path = workbook(tmp_path / "data.xlsx", {"Sheet1": rows, "indicators": indicators})
    code, stdout, err = run([str(path), "--json"], capsys)
    assert code == 0, err
    document = json.loads(stdout)
    assert document["units"] == 4
    assert {row["unit"] for row in document["sheets"]["scores"]} == {r[0] for r in rows[1:]}
    assert [row["direction"] for row in document["sheets"]["weights"]] == ["正向", "正向"]


def test_direction_rows_labelled_or_made_of_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = [["鼎湖区", 3, 2.5], ["高要区", 2, 4], ["四会市", 5, 1]]
    path = workbook(
        tmp_path / "pm.xlsx", {"Sheet1": [["县", "GDP", "收入"], ["方向", 1, -1], *data]}
    )
    code, stdout, err = run([str(path), "--json"], capsys)
    assert code == 0, err
    weights = json.loads(stdout)["sheets"]["weights"]
    assert [row["direction"] for row in weights] == ["1", "-1"]
    path = workbook(
        tmp_path / "bad.xlsx", {"Sheet1": [["县", "GDP", "收入"], ["方向", 1.5, 1], *data]}
    )
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "Sheet1!B2: '1.5' is not a direction" in err
    rows = [["县", "GDP", "收入"], ["", "Benefit", "COST"], *data]
    code, stdout, err = run([str(csv_file(tmp_path / "words.csv", rows)), "--json"], capsys)
    assert code == 0, err
    assert json.loads(stdout)["units"] == 3
    rows = [["县", "GDP", "收入"], ["端州区", "-", ""], *data]  # '-' for a missing value
    code, _, err = run([str(csv_file(tmp_path / "dash.csv", rows))], capsys)
    assert code == 2 and "dash.csv!B2: '-' is not a number" in err


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["县", "GDP", "收入"], ["A", "12,3", 2], ["B", "1,5", 3], ["C", "5,1", 4]],
            "data.csv!B2: '12,3' is not a number",
        ),
        (
            [["县", "GDP", "收入"], ["方向", "+", "+"], ["A", "1,2", 2], ["B", "1,5", 3]],
            "data.csv!B3: '1,2' is not a number",
        ),
        (
            [["县", "GDP", "收入"], ["A", "35%", 2], ["B", "40%", 3], ["C", "5%", 4]],
            "data.csv!B2: '35%' is not a number",
        ),
        (
            [["县", "备注", "收入"], ["方向", "正向", "+"], ["A", "高", 2], ["B", "低", 3]],
            "data.csv!B3: '高' is not a number",
        ),
    ],
)
def test_a_column_of_bad_numbers_is_an_error_not_a_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[list[Any]], message: str
) -> None:
    out = tmp_path / "out.csv"
    code, _, err = run([str(csv_file(tmp_path / "data.csv", rows)), "--out", str(out)], capsys)
    assert code == 2 and message in err
    assert not out.exists()


def test_label_columns_are_named_in_a_note_or_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["县", "代码", "市", "GDP", "收入"],
        ["方向", "", "", "正向", "逆向"],
        ["端州区", 441202, "肇庆市", 3, 2.5],
        ["鼎湖区", 441203, "肇庆市", 2, 4],
        ["清城区", 441802, "清远市", 5, 1],
    ]
    path = csv_file(tmp_path / "data.csv", rows)
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "indicator '代码' has no direction" in err
    code, stdout, err = run([str(path), "--ignore-cols", "代码", "--json"], capsys)
    assert code == 0, err
    document = json.loads(stdout)
    assert document["indicators"] == ["GDP", "收入"]
    assert document["notes"] == ["column '市' (C) holds text, not numbers: not an indicator"]
    assert "note: column '市' (C) holds text" in err
    code, stdout, err = run([str(path), "--ignore-cols", "代码, 市", "--json"], capsys)
    assert code == 0 and json.loads(stdout)["notes"] == [] and "note" not in err
    code, _, err = run([str(path), "--ignore-cols", "乡镇"], capsys)
    assert code == 2 and "no column '乡镇' for --ignore-cols" in err


def test_pairwise_division_by_zero_names_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairwise = [["", "人均收入", "集体收入"], ["人均收入", 1, "1/0"], ["集体收入", 3, 1]]
    rows = [HEADER[:3], DIRECTIONS[:3], *[row[:3] for row in ROWS]]
    path = workbook(tmp_path / "ahp.xlsx", {"Sheet1": rows, "pairwise": pairwise})
    code, _, err = run([str(path), "--method", "ahp-topsis"], capsys)
    assert code == 2 and "pairwise!C2: '1/0' divides by zero" in err


def test_units_listed_twice_are_found_in_large_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["unit,a,b", "direction,+,-", *(f"u{i},{i % 7},{i % 11}" for i in range(50_000))]
    path = tmp_path / "big.csv"
    path.write_text("\n".join([*lines, "u7,1,2"]), encoding="utf-8")
    code, _, err = run([str(path), "--quiet"], capsys)
    assert code == 2 and "units listed more than once: 'u7' (rows 10, 50003)" in err


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_csv_saved_by_a_chinese_excel_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    rows = [HEADER[:4], DIRECTIONS[:4], *[row[:4] for row in ROWS]]
    text = "".join(",".join(str(cell) for cell in row) + "\r\n" for row in rows)
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(text.encode("utf-8"))
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode(encoding))
    code, stdout, err = run([str(path), "--json"], capsys)
    assert code == 0, err
    document = json.loads(stdout)
    assert document["indicators"] == ["人均收入", "集体收入", "污染"]
    assert {row["unit"] for row in document["sheets"]["scores"]} == {row[0] for row in ROWS}
    code, stdout, err = run([str(utf8), "--json"], capsys)
    assert json.loads(stdout)["sheets"] == document["sheets"]


def test_csv_in_no_known_encoding_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("县,GDP\n".encode("gbk") + b"a,\x80b\n")
    code, stdout, err = run([str(path)], capsys)
    assert code == 2 and stdout == ""
    assert err.startswith("bqw evaluate: data.csv: the text is in no known encoding")
    assert "Traceback" not in err


def test_names_that_look_like_formulas_stay_text_in_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    hostile = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "Ｅ村"]
    rows = [[name, *row[1:]] for name, row in zip(hostile, ROWS, strict=True)]
    # Written as strings in the source: the reader takes them as unit names.
    source = tmp_path / "h.xlsx"
    book = xlsxwriter.Workbook(str(source))
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate([HEADER, DIRECTIONS, DIMENSIONS, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    out = tmp_path / "out.xlsx"
    code, _, err = run([str(source), "--out", str(out), "--group-col", "县", *POP], capsys)
    assert code == 0, err
    assert {row[0] for row in sheet_rows(out, "scores")[1:]} == set(hostile)
    with zipfile.ZipFile(out) as archive:
        xml = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    assert "<f>" not in xml
