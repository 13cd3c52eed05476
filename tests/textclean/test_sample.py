"""The sample document, cleaned: what the issue asks to prove on it."""

from __future__ import annotations

import json
import re

import pytest

from baiqianwan.textclean import (
    ChangeKind,
    CleanResult,
    ProposalBasis,
    clean_data,
    clean_text,
    simplified,
)
from baiqianwan.textclean.chars import LOST_MARK

PINYIN_ANNOTATION = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+[1-5]?[)）]")
ORPHAN_ANNOTATION = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+[)）]")


@pytest.fixture(scope="module")
def cleaned(sample_text: str) -> CleanResult:
    return clean_text(sample_text)


def test_no_pinyin_annotation_survives(cleaned: CleanResult) -> None:
    assert not PINYIN_ANNOTATION.search(cleaned.text)
    assert not ORPHAN_ANNOTATION.search(cleaned.text)
    assert cleaned.counts.annotations_removed == 185


def test_no_traditional_character_survives(cleaned: CleanResult) -> None:
    assert simplified(cleaned.text) == cleaned.text
    assert "据《西江日" in cleaned.text
    assert "发展" in cleaned.text and "發" not in cleaned.text


def test_real_brackets_are_kept(cleaned: CleanResult) -> None:
    assert "（下称《方案》）" in cleaned.text


def test_furniture_removed_with_the_pen_name(cleaned: CleanResult) -> None:
    assert "评论" not in cleaned.text and "纸 鸢" not in cleaned.text
    assert cleaned.text.endswith("激发释放县镇村发展活力潜能。\n")
    furniture = [c for c in cleaned.changes if c.kind is ChangeKind.FURNITURE]
    assert [(c.rule, c.before.strip()) for c in furniture] == [
        ("byline", "纸 鸢"),
        ("comment-counter", "已有0人发表了评论"),
    ]


def test_title_keeps_its_inner_space(cleaned: CleanResult) -> None:
    assert "示范突破年行动 加快实现“三年初见成效”工作方案" in cleaned.text


def test_punctuation_is_full_width(cleaned: CleanResult) -> None:
    assert "," not in cleaned.text
    assert "报道，近日，肇庆市" in cleaned.text


def test_lost_characters_reported_with_context_and_readings(cleaned: CleanResult) -> None:
    assert cleaned.counts.lost_characters == 4
    assert [lost.reading for lost in cleaned.lost] == ["qǐng", "bào", "", ""]
    assert [lost.lead_byte for lost in cleaned.lost] == ["", "", "B0", "C4"]
    for lost in cleaned.lost:
        assert cleaned.text[lost.clean_position] == LOST_MARK
        assert cleaned.original[lost.original_position] == "?"
        assert LOST_MARK in lost.context
    assert cleaned.text.count(LOST_MARK) == 4


def test_proposals_are_marked_and_make_words(cleaned: CleanResult) -> None:
    daily = cleaned.lost[1]
    assert daily.proposals[0].char == "报"
    assert daily.proposals[0].basis is ProposalBasis.WORD
    assert daily.proposals[0].word == "日报"
    assert all(not lost.proposals for lost in cleaned.lost if not (lost.reading or lost.lead_byte))
    # 《西江日□□》: no character read qǐng makes a word after 西江日, so none is proposed.
    assert cleaned.lost[0].reading == "qǐng" and cleaned.lost[0].proposals == ()
    for lost in cleaned.lost:
        basis = ProposalBasis.WORD if lost.reading else ProposalBasis.LEAD_BYTE
        assert all(p.basis is basis and p.char in p.word for p in lost.proposals)
    # Proposals are never applied: the text keeps the mark.
    assert "日报" not in cleaned.text


def test_byte_slips_are_read_in_step(cleaned: CleanResult) -> None:
    # 變?yōu)闈摿Π?, and 發展?jié)撃?。: the debris and the readings of the characters the
    # annotator made of it are gone; 变为潜力 and 发展潜 are read back, the rest is lost.
    assert "肇庆不断把短板变为潜力□，在产业发展" in cleaned.text
    assert "进一步释放县城发展潜□。" in cleaned.text
    assert cleaned.suspects == ()
    assert not set("闱闈摿Π撃") & set(cleaned.text)
    slips = [c for c in cleaned.changes if c.rule == "byte-slip"]
    assert [(c.before, c.after) for c in slips] == [("□闈摿Π", "為潛力"), ("□撃", "潛")]
    potential = cleaned.lost[3]
    assert potential.proposals[0].char == "能"
    assert potential.proposals[0].basis is ProposalBasis.LEAD_BYTE
    assert potential.proposals[0].word == "潜能"


def test_change_spans_locate_both_texts(cleaned: CleanResult) -> None:
    located = 0
    for change in cleaned.changes:
        first = change.original.slice(cleaned.original)[:1]
        # Where the original has ?, an earlier rule put □ and a byte slip may have read a
        # character there (?yōu) -> □ -> 為 -> 为).
        # Furniture is judged after conversion (紙 鳶 -> 纸 鸢).
        assert simplified(first) in (simplified(change.before[:1]), "?")
        # A change inside a line that furniture removed later has no place in the clean text.
        if change.clean.end > change.clean.start and change.kind is not ChangeKind.WHITESPACE:
            clean = change.clean.slice(cleaned.text)
            if first == "?":
                # Characters read back from a byte slip share the offset of that ?: the
                # clean span of each holds them all, converted; the □ first put there is gone.
                assert simplified(change.after[:1]) in clean or change.rule == "lost-annotated"
            else:
                assert clean.startswith(change.after[:1])
            located += 1
    assert located > 250


def test_cleaning_is_idempotent(cleaned: CleanResult) -> None:
    again = clean_text(cleaned.text)
    assert again.text == cleaned.text
    assert again.changes == ()
    assert [lost.clean_position for lost in again.lost] == [
        lost.clean_position for lost in cleaned.lost
    ]


def test_clean_data_is_json_ready(cleaned: CleanResult) -> None:
    data = json.loads(json.dumps(clean_data(result=cleaned), ensure_ascii=False))
    assert data["text"] == cleaned.text
    assert data["counts"]["lost_characters"] == 4
    assert data["lost"][3]["lead_byte"] == "C4"
    assert data["lost"][1]["proposals"][0] == {"char": "报", "basis": "word", "word": "日报"}
    first = data["changes"][0]
    assert set(first) == {"kind", "rule", "original", "clean", "before", "after"}
    assert set(first["original"]) == {"start", "end"}
