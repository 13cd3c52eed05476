"""``bqw intake`` speaks Chinese unless the locale or ``--lang en`` says English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from baiqianwan.cli import lang
from baiqianwan.cli.intake import main


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_bytes("肇庆市工作方案，加快推进典型镇村建设。".encode("gb18030"))
    return path


def test_chinese_by_default_english_by_flag_or_locale(
    plan: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main([str(plan), "--clean-only"]) == 0
    out, err = capsys.readouterr()
    assert out == "肇庆市工作方案，加快推进典型镇村建设。\n"  # the text itself is the same
    assert err == f"bqw intake：已读取 {plan}（纯文本，编码 gb18030）\n"
    assert main([str(plan), "--clean-only", "--lang", "en"]) == 0
    assert capsys.readouterr().err == f"bqw intake: read {plan} as text, encoding gb18030\n"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main([str(plan), "--clean-only"]) == 0
    assert "read" in capsys.readouterr().err
    assert main([str(plan), "--clean-only", "--lang", "zh"]) == 0
    assert "已读取" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "chinese", "english"),
    [
        (b"", "输入为空：没有文字。", "The input is empty"),
        (b"\x00\x01binary\x00", "这像是二进制文件而不是文本", "binary file"),
        ("分享到：微信\n打印本页".encode(), "去掉网页附属内容后没有剩下正文。", "page furniture"),
    ],
)
def test_refusals_in_chinese_from_reason_and_values(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    chinese: str,
    english: str,
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"bqw intake：{path}：") and chinese in err
    assert main([str(path), "--lang", "en"]) == 2
    assert english in capsys.readouterr().err


def test_other_refusals_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "absent.txt")]) == 2
    assert "文件或目录不存在" in capsys.readouterr().err
    other = tmp_path / "plan.pdf"
    other.write_bytes(b"%PDF-1.4")
    assert main([str(other)]) == 2
    assert "不接受 .pdf 类型的文件" in capsys.readouterr().err
    text = tmp_path / "plan.txt"
    text.write_text("加快推进典型镇村建设。", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_bytes("四会市".encode("gbk"))
    assert main([str(text), "--units", str(units)]) == 2
    assert "单位名录不是 UTF-8 编码" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(text), "--format", "xlsx"])
    assert "--format xlsx 输出工作簿" in capsys.readouterr().err


def test_help_speaks_the_language() -> None:
    for arg, words in (("zh", "清洗抓取的政策文本"), ("en", "Clean a scraped policy text")):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from baiqianwan.cli.intake import main; "
                f"sys.exit(main(['--help', '--lang', '{arg}']))",
            ],
            capture_output=True,
        )
        assert done.returncode == 0 and words in done.stdout.decode("utf-8")


def test_too_large_in_chinese_units() -> None:
    lang.lang_set("zh")
    text = lang.intake_refusal(
        "too-large", "too large", {"size": 2_000_000, "limit": 1_000_000, "unit": "bytes"}
    )
    assert text == "输入过大：2,000,000 字节，上限为 1,000,000 字节。请把文本分成几部分导入。"
    assert lang.intake_refusal("a-new-reason", "As the library says.", {}) == "As the library says."
    lang.lang_set("en")
    assert lang.intake_refusal("too-large", "too large", {}) == "too large"
