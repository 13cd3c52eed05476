"""Pinyin annotations: each tone notation goes, real bracketed text stays."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, clean_text
from baiqianwan.textclean.pinyin import syllables_parse


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("據(jù)報道", "据报道"),
        ("據（jù）報道", "据报道"),
        ("發展(fāzhǎn)", "发展"),
        ("發展(fā zhǎn)", "发展"),
        ("據(ju4)報", "据报"),
        ("綠(lǜ)色", "绿色"),
        ("綠(lv4)色", "绿色"),
        ("女(nǚ)子", "女子"),
        ("嗯(ńg)好", "嗯好"),
        ("額(e)度", "额度"),  # toneless, but it is how 額 reads
        ("的(de)确", "的确"),
    ],
)
def test_annotation_removed(raw: str, clean: str) -> None:
    result = clean_text(raw)
    assert result.text == clean + "\n"
    assert result.counts.annotations_removed == 1


@pytest.mark.parametrize(
    "text",
    [
        "（一）加快推进",
        "（2025年）",
        "地区生产总值（GDP）增长",
        "附件（a）",  # toneless and not how 件 reads
        "百千万工程（Baiqianwan Project）",
        "方案（下称《方案》）",
        "会议（hello）",
        "(see Annex A)",
    ],
)
def test_real_brackets_untouched(text: str) -> None:
    result = clean_text(text)
    assert result.counts.annotations_removed == 0
    assert all(change.kind is not ChangeKind.ANNOTATION for change in result.changes)


def test_annotation_needs_a_han_character_before_it() -> None:
    assert clean_text("step (jù) one").text == "step (jù) one\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("jù", (("jù",), True)),
        ("ju4", (("jù",), True)),
        ("lu:4", (("lǜ",), True)),
        ("zhong guo", (("zhong", "guo"), False)),
        ("GDP", None),
        ("2025年", None),
        ("hello", None),
        ("", None),
    ],
)
def test_syllables_parse(content: str, expected: object) -> None:
    assert syllables_parse(content) == expected
