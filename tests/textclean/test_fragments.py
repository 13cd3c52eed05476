"""Damaged pinyin annotations: fragments beside Han characters go, Latin text stays."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, clean_text


@pytest.mark.parametrize(
    ("raw", "clean", "removed"),
    [
        ("據ù)報道", "据报道", ["ù)"]),  # bracket and first letter lost
        ("據jù)報道", "据报道", ["jù)"]),  # opening bracket lost
        ("據 jù)報道", "据报道", [" jù)"]),
        ("發展āzhǎn)很快", "发展很快", ["āzhǎn)"]),
        ("縣n)鎮", "县镇", ["n)"]),  # toneless, but the end of 縣's reading xian
        ("據(jù報道", "据报道", ["(jù"]),  # closing bracket lost
        ("據(j報道", "据报道", ["(j"]),  # and the rest of the syllable
        ("據jù報道", "据报道", ["jù"]),  # both brackets lost
        ("據ju4報道", "据报道", ["ju4"]),
        ("據(jù)報(bà道", "据报道", ["(bà"]),
    ],
)
def test_fragment_removed_and_reported(raw: str, clean: str, removed: list[str]) -> None:
    result = clean_text(raw)
    assert result.text == clean + "\n"
    fragments = [c for c in result.changes if c.rule == "pinyin-fragment"]
    assert [c.before for c in fragments] == removed
    assert all(c.kind is ChangeKind.ANNOTATION for c in fragments)
    for change in fragments:
        assert change.original.slice(raw) == change.before


@pytest.mark.parametrize(
    "text",
    [
        "附件a)",  # toneless and no part of 件's reading jian
        "維生素C)",  # capitals are never pinyin
        "(附件a)",  # a closed bracket
        "企業(a類)",
        "企業（a類",  # toneless, not 業's reading
        "A股上市",
        "e租寶平臺",
        "5G基站",
        "推進ju報",  # toneless between Han characters: may be anything
        "稱為a)項",
        "（一）加快推進",
        "step jù) one",  # no Han character before it
    ],
)
def test_latin_text_beside_han_kept(text: str) -> None:
    result = clean_text(text)
    assert not [c for c in result.changes if c.rule == "pinyin-fragment"]


def test_several_damaged_annotations_on_one_line() -> None:
    # The ( of (jù and the ) of āzhǎn) look like a pair; neither is one.
    raw = "據ù)報道，據(jù報道，據jù報道，發展āzhǎn)很快"
    result = clean_text(raw)
    assert result.text == "据报道，据报道，据报道，发展很快\n"
    assert [c.before for c in result.changes if c.rule == "pinyin-fragment"] == [
        "ù)",
        "(jù",
        "jù",
        "āzhǎn)",
    ]


def test_a_real_closing_bracket_stays_with_its_pair() -> None:
    result = clean_text("方案（下稱發展āzhǎn）")
    assert result.text == "方案（下称发展）\n"
    [change] = [c for c in result.changes if c.rule == "pinyin-fragment"]
    assert change.before == "āzhǎn"


def test_removing_a_fragment_uncovers_an_annotation() -> None:
    result = clean_text("據ù)(jù)報道")
    assert result.text == "据报道\n"
    assert [c.rule for c in result.changes if c.kind is ChangeKind.ANNOTATION] == [
        "pinyin-fragment",
        "pinyin",
    ]


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("推进县域经济發展，ìn)加快建设", "推进县域经济发展，加快建设\n"),
        ("發展，jìn）加快", "发展，加快\n"),
        # Kept: no tone (a list marker), a bracket that is open, nothing Chinese after it.
        ("说明：a)加快", "说明：a）加快\n"),
        ("方案（见下，ì)加快", "方案（见下，ì）加快\n"),
        ("发展，ìn)。", "发展，ìn）。\n"),
    ],
)
def test_a_toned_tail_after_a_clause_mark(text: str, clean: str) -> None:
    result = clean_text(text)
    assert result.text == clean
    assert clean_text(result.text).text == result.text
