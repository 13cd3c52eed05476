"""``bqw evaluate`` speaks Chinese unless told otherwise, and keeps unit names beside codes."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan import analysis as an
from baiqianwan.cli import lang
from baiqianwan.cli.evaluate import main
from tests.cli.test_evaluate import csv_file, workbook

# Villages by their 12-digit codes (统计用区划代码) with their names in the next column.
CODED = [
    ["代码", "村名", "人均收入", "集体收入", "县"],
    ["方向", "", "正向", "正向", ""],
    [441224100201, "甲村", 12000, 0, "怀集县"],
    [441224100202, "乙村", 15000, 0, "怀集县"],
    [441284001001, "丙村", 9000, 10, "四会市"],
    [441284001002, "丁村", 20000, 50, "四会市"],
]
NAMES = {str(row[0]): str(row[1]) for row in CODED[2:]}


@pytest.fixture
def coded(tmp_path: Path) -> Path:
    return workbook(tmp_path / "coded.xlsx", {"Sheet1": CODED})


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here states its locale; none inherits the machine's."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows_of(path: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert lang.language_pick(None, environ) == expected
    assert lang.language_from_argv(["x.xlsx", "--lang", "en"], environ) == "en"
    assert lang.language_from_argv(["x.xlsx", "--lang=zh"], environ) == "zh"


def test_chinese_by_default_english_on_request(
    coded: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run([str(coded)], capsys)
    assert code == 0, err
    assert "排名" in out and "得分" in out and "rank" not in out
    assert "bqw evaluate：提示：「村名」列（B）是单位名称：列在代码旁" in err
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, err = run([str(coded)], capsys)
    assert "rank" in out and "排名" not in out
    assert "note: column '村名' (B) names the units: kept beside the codes" in err
    code, out, _ = run([str(coded), "--lang", "zh"], capsys)
    assert "排名" in out


def test_names_stay_beside_codes_in_table_file_and_json(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "结果.xlsx"
    code, stdout, err = run([str(coded), "--out", str(out)], capsys)
    assert code == 0, err
    for unit, name in NAMES.items():
        line = next(row for row in stdout.splitlines() if unit in row)
        assert name in line  # the name on the code's own row
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["得分", "权重", "标准化值", "加权标准化值", "正理想解"]
    scores = rows_of(out, "得分")
    assert scores[0] == ["单位", "名称", "排名", "得分", "正理想解距离", "负理想解距离"]
    assert {str(r[0]): r[1] for r in scores[1:]}["441284001002"] == "丁村"
    normalized = rows_of(out, "标准化值")
    assert normalized[0] == ["单位", "名称", "人均收入", "集体收入"]
    assert rows_of(out, "权重")[0][:2] == ["指标", "方向"]
    english = tmp_path / "results.xlsx"
    assert run([str(coded), "--out", str(english), "--lang", "en"], capsys)[0] == 0
    assert rows_of(english, "scores")[0][:4] == ["unit", "name", "rank", "score"]
    code, stdout, _ = run([str(coded), "--json"], capsys)
    records = json.loads(stdout)["sheets"]["scores"]
    assert set(records[0]) == {
        "unit",
        "name",
        "rank",
        "score",
        "d_plus",
        "d_minus",
    }  # keys: English
    assert {r["unit"]: r["name"] for r in records}["441224100202"] == "乙村"
    csv_out = tmp_path / "scores.csv"
    assert run([str(coded), "--out", str(csv_out)], capsys)[0] == 0
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("单位,名称,排名,得分")


def test_name_column_chosen_explicitly_or_not_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[*row[:2], "备注", *row[2:4]] for row in CODED]
    rows[1][2] = ""
    rows[2][2] = "新建"
    path = csv_file(tmp_path / "data.csv", rows)
    code, stdout, err = run(
        [str(path), "--name-col", "村名", "--ignore-cols", "备注", "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(stdout)["sheets"]["scores"][0]["name"] in NAMES.values()
    # Units named by words are not codes: no column is taken for their names.
    worded = [[row[1], *row[2:4]] for row in CODED]
    worded[0][0] = "村名"
    code, stdout, err = run([str(csv_file(tmp_path / "w.csv", worded)), "--json"], capsys)
    assert code == 0, err
    assert "name" not in json.loads(stdout)["sheets"]["scores"][0]
    code, _, err = run([str(path), "--name-col", "村"], capsys)
    assert code == 2 and "没有 --name-col 所指的列「村」" in err


def test_names_follow_dropped_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [list(row) for row in CODED]
    rows[3][3] = None  # 乙村 has not reported 集体收入
    path = workbook(tmp_path / "gap.xlsx", {"Sheet1": rows})
    code, stdout, err = run([str(path), "--missing", "drop", "--json"], capsys)
    assert code == 0, err
    records = json.loads(stdout)["sheets"]["scores"]
    assert {r["unit"]: r["name"] for r in records} == {
        "441224100201": "甲村",
        "441284001001": "丙村",
        "441284001002": "丁村",
    }
    assert "删去了 1 个有缺失值的单位" in err


def test_errors_in_chinese_name_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(row) for row in CODED]
    rows[3][3] = "12,3"
    path = workbook(tmp_path / "bad.xlsx", {"Sheet1": rows})
    code, out, err = run([str(path)], capsys)
    assert code == 2 and out == ""
    assert err.strip() == "bqw evaluate：Sheet1!D4：「12,3」不是数字"
    rows[3][3] = None
    path = workbook(tmp_path / "gap.xlsx", {"Sheet1": rows})
    code, _, err = run([str(path)], capsys)
    assert "Sheet1!D4：「441224100202」的「集体收入」缺失；请补上，或加 --missing" in err
    code, _, err = run([str(path), "--lang", "en"], capsys)
    assert "Sheet1!D4: missing value for '441224100202', '集体收入'" in err
    code, _, err = run([str(path), "--out", str(tmp_path / "x.json")], capsys)
    assert code == 2 and "应为 .xlsx 或 .csv 文件" in err


def test_gini_and_cv_by_group_with_an_all_zero_group(
    coded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 怀集县's villages both report 0 collective income: its indices are 0, never NaN.
    for method, column in (("gini", "gini"), ("cv", "cv"), ("theil", "index")):
        code, stdout, err = run(
            [str(coded), "--method", method, "--group-col", "县", "--json"], capsys
        )
        assert code == 0, err
        groups = json.loads(stdout)["sheets"]["groups"]
        rows = {(r["indicator"], r["group"]): r for r in groups}
        assert rows[("集体收入", "怀集县")][column] == 0.0
        expected = {
            "gini": an.gini([10.0, 50.0]).gini,
            "cv": an.cv([10.0, 50.0]).cv,
            "theil": an.theil([10.0, 50.0]).total,
        }[method]
        assert rows[("集体收入", "四会市")][column] == pytest.approx(float(expected))
        # No NaN (null) in any group's row (Theil's between/total rows have no shares).
        named = [r for r in groups if r["group"] in ("怀集县", "四会市")]
        assert all(v is not None for r in named for v in r.values())
    out = tmp_path / "gini.xlsx"
    assert (
        run([str(coded), "--method", "gini", "--group-col", "县", "--out", str(out)], capsys)[0]
        == 0
    )
    assert rows_of(out, "分组")[0] == ["指标", "分组", "基尼系数"]
    theil = tmp_path / "theil.xlsx"
    assert (
        run([str(coded), "--method", "theil", "--group-col", "县", "--out", str(theil)], capsys)[0]
        == 0
    )
    groups = rows_of(theil, "分组")
    assert groups[0] == ["指标", "分组", "指数", "收入份额", "人口份额", "贡献率"]
    assert ["集体收入", "怀集县", 0.0, 0.0, 0.5, 0.0] in groups
    assert {row[1] for row in groups[1:]} == {"怀集县", "四会市", "组间", "总体"}


def test_an_all_zero_indicator_gets_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[row[0], row[1], row[2], 0 if k > 1 else row[3]] for k, row in enumerate(CODED)]
    path = workbook(tmp_path / "zero.xlsx", {"Sheet1": rows})
    code, stdout, err = run([str(path), "--method", "cv", "--json"], capsys)
    assert code == 0, err
    table = {r["indicator"]: r for r in json.loads(stdout)["sheets"]["cv"]}
    assert table["集体收入"]["cv"] == 0.0 and table["集体收入"]["max_min_ratio"] == 1.0
    assert "指标「集体收入」各单位都是 0：按约定其指数记为 0" in err


def test_the_analysts_own_names_are_never_translated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["单位", "score", "weight"], ["方向", "+", "-"], ["a", 1, 5], ["b", 3, 2], ["c", 2, 4]]
    out = tmp_path / "own.xlsx"
    code, _, err = run([str(csv_file(tmp_path / "own.csv", rows)), "--out", str(out)], capsys)
    assert code == 0, err
    assert rows_of(out, "标准化值")[0] == ["单位", "score", "weight"]
    assert rows_of(out, "得分")[0][:3] == ["单位", "排名", "得分"]


def test_every_sentence_of_the_commands_has_its_chinese() -> None:
    """Each say("…") in src/baiqianwan/cli has an entry in lang.ZH (a missing one would
    leave English on a Chinese screen)."""
    source = Path(lang.__file__).parent
    missing = []
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                first = node.args[0]
                if not isinstance(first, ast.Constant) or first.value not in lang.ZH:
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []
    assert len(list(source.rglob("*.py"))) >= 5


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("'12,3' is not a number", "「12,3」不是数字"),
        ("the sheet is empty", "工作表是空的"),
        (
            "column '市' (C) holds text, not numbers: not an indicator",
            "「市」列（C）是文字而非数字：不作为指标",
        ),
        (
            "every indicator is constant (period 2), so entropy weights are undefined",
            "所有指标都是常数 (period 2)，entropy 权重无法计算",
        ),
        ("something the table does not know", "something the table does not know"),
    ],
)
def test_library_sentences_by_pattern(english: str, chinese: str) -> None:
    lang.lang_set("zh")
    assert lang.library_text(english) == chinese
    lang.lang_set("en")
    assert lang.library_text(english) == english


def test_usage_errors_and_help_speak_the_language(
    coded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([str(coded), "--method", "nope"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：bqw evaluate")
    assert "bqw evaluate：错误：参数 --method：无效的选择 'nope'" in err
    with pytest.raises(SystemExit):
        main([str(coded), "--method", "nope", "--lang", "en"])
    assert "error: argument --method: invalid choice: 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "选项：" in out and "显示本帮助并退出" in out and "单位名称所在列" in out
    with pytest.raises(SystemExit):
        main(["--help", "--lang", "en"])
    out = capsys.readouterr().out
    assert "options:" in out and "column of unit names" in out
