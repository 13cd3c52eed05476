"""``bqw intake``: formats, standard input, and a clear message with exit 2 for bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.cli.intake import main

DAMAGED = (
    "據(jù)《西江日?qǐng)?bào)》報(bào)道,要抓住風(fēng)貌這個(gè)基礎(chǔ),"
    "加快推進(jìn)典型鎮(zhèn)村建設(shè)。\n紙 鳶\n\n已有0人發(fā)表了評(píng)論"
)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command's English words: an English locale, which the command
    follows like --lang en (its Chinese is tested in test_intake_lang.py)."""
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "commentary.txt"
    path.write_text(DAMAGED, encoding="utf-8")
    return path


def test_markdown_by_default(damaged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(damaged)]) == 0
    out, err = capsys.readouterr()
    assert "据《西江日□□》报道，要抓住风貌这个基础，加快推进典型镇村建设。" in out
    assert "残存读音 bào；建议（待确认）：报（日报）" in out
    assert "抓手：风貌（基础）" in out
    assert "| 风貌（基础） | 1 | 加快推进典型镇村建设 |" in out
    assert "encoding utf-8" in err


def test_clean_only(damaged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(damaged), "--clean-only"]) == 0
    out = capsys.readouterr().out
    # The pen name alone on the last line is page furniture (issue 12), removed as a change.
    assert out == "据《西江日□□》报道，要抓住风貌这个基础，加快推进典型镇村建设。\n"


def test_json_document(damaged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(damaged), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "baiqianwan.intake/1"
    assert document["source"]["encoding"] == "utf-8"
    assert document["clean"]["counts"]["lost_characters"] == 2
    assert document["clean"]["lost"][1]["proposals"][0] == {
        "char": "报",
        "basis": "word",
        "word": "日报",
    }
    assert document["draft"]["levers"][0]["text"] == "风貌"
    assert document["ledger"]["rows"][0]["task"] == "加快推进典型镇村建设"


def test_json_clean_only_has_no_draft(damaged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(damaged), "--format", "json", "--clean-only"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "draft" not in document and document["clean"]["text"].endswith("典型镇村建设。\n")


def test_xlsx_needs_out_and_writes_the_ledger(damaged: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as refused:
        main([str(damaged), "--format", "xlsx"])
    assert refused.value.code == 2
    out = tmp_path / "ledger.xlsx"
    assert main([str(damaged), "--format", "xlsx", "--out", str(out)]) == 0
    rows = CalamineWorkbook.from_filelike(io.BytesIO(out.read_bytes()))
    sheet = rows.get_sheet_by_name("任务台账").to_python()
    assert sheet[3][:3] == ["风貌（基础）", "1", "加快推进典型镇村建设"]


def test_units_register_matches_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "plan.txt"
    source.write_text("要加快推进四会市典型镇村建设。", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("441284000000,四会市\n广宁县\n", encoding="utf-8")
    assert main([str(source), "--format", "json", "--units", str(units)]) == 0
    document = json.loads(capsys.readouterr().out)
    [measure] = document["draft"]["items"]
    assert measure["places"][0]["codes"] == ["441284000000"]


def test_units_register_keeps_every_code_of_a_shared_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "plan.txt"
    source.write_text("要加快推进回龙镇典型镇村建设。", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text(
        "441204112000,回龙镇\n441226102000,回龙镇\n441284000000,四会市\n", encoding="utf-8"
    )
    assert main([str(source), "--format", "json", "--units", str(units)]) == 0
    document = json.loads(capsys.readouterr().out)
    [measure] = document["draft"]["items"]
    [place] = measure["places"]
    assert place["unit"] == "回龙镇"
    assert place["codes"] == ["441204112000", "441226102000"]


def test_docx_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("要抓住改革這個(gè)關(guān)鍵,持續深化農村改革。")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    assert main([str(path), "--clean-only"]) == 0
    assert capsys.readouterr().out == "要抓住改革这个关键，持续深化农村改革。\n"
    page = tmp_path / "page.html"
    page.write_bytes("<p>據報道</p><p>分享到：微信</p>".encode("big5", errors="ignore"))
    assert main([str(page), "--clean-only"]) == 0
    out, err = capsys.readouterr()
    assert out == "据报道\n"
    assert "as html, encoding big5" in err


def test_gb18030_file_says_its_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("肇庆市工作方案，加快推进典型镇村建设。".encode("gb18030"))
    assert main([str(path), "--clean-only"]) == 0
    assert "encoding gb18030" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"\xff\xfe\xfd" * 10, "unknown encoding"),
        ("已有0人發表了評論".encode(), "page furniture"),
        (b"x" * (50 * 1024 * 1024), "too large"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"bqw intake: {path}: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_unknown_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "absent.txt")]) == 2
    assert "No such file" in capsys.readouterr().err
    other = tmp_path / "plan.pdf"
    other.write_bytes(b"%PDF")
    assert main([str(other)]) == 2
    assert "not taken in" in capsys.readouterr().err


def test_standard_input_through_bqw() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "baiqianwan.manage", "intake", "-", "--clean-only"],
        input=DAMAGED.encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8").startswith("据《西江日□□》报道")


def test_empty_standard_input_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "baiqianwan.manage", "intake", "-"],
        input=b"",
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert b"empty" in done.stderr


def test_unwritable_out_and_bad_register(
    damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(damaged), "--out", str(tmp_path / "absent" / "out.md")]) == 2
    assert "No such file" in capsys.readouterr().err
    units = tmp_path / "units.csv"
    units.write_bytes("四会市".encode("utf-16-le"))
    assert main([str(damaged), "--units", str(units)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_a_table_s_rows_read_with_their_numbers_in_the_outline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "table.txt"
    table.write_text(
        "序号   工作任务                 牵头单位\n"
        "1      新建高标准农田2万亩      县农业农村局\n"
        "2      完成圩镇人居环境整治     县住房城乡建设局\n",
        encoding="utf-8",
    )
    assert main([str(table)]) == 0
    out = capsys.readouterr().out
    assert "- 1．新建高标准农田2万亩" in out and "- 2．完成圩镇人居环境整治" in out
    assert "1\t新建高标准农田2万亩\t县农业农村局" in out  # the columns stay apart
