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


def test_furniture_removed_byline_kept(cleaned: CleanResult) -> None:
    assert "评论" not in cleaned.text
    assert cleaned.text.endswith("纸 鸢\n")
    furniture = [c for c in cleaned.changes if c.kind is ChangeKind.FURNITURE]
    assert [c.rule for c in furniture] == ["comment-counter"]


def test_title_keeps_its_inner_space(cleaned: CleanResult) -> None:
    assert "示范突破年行动 加快实现“三年初见成效”工作方案" in cleaned.text


def test_punctuation_is_full_width(cleaned: CleanResult) -> None:
    assert "," not in cleaned.text
    assert "报道，近日，肇庆市" in cleaned.text


def test_lost_characters_reported_with_context_and_readings(cleaned: CleanResult) -> None:
    assert cleaned.counts.lost_characters == 6
    assert [lost.reading for lost in cleaned.lost] == ["qǐng", "bào", "yōu", "", "jié", ""]
    for lost in cleaned.lost:
        assert cleaned.text[lost.clean_position] == LOST_MARK
        assert cleaned.original[lost.original_position] == "?"
        assert LOST_MARK in lost.context
    assert cleaned.text.count(LOST_MARK) == 6


def test_proposals_are_marked_and_make_words(cleaned: CleanResult) -> None:
    daily = cleaned.lost[1]
    assert daily.proposals[0].char == "报"
    assert daily.proposals[0].basis is ProposalBasis.WORD
    assert daily.proposals[0].word == "日报"
    assert all(not lost.proposals for lost in cleaned.lost if not lost.reading)
    # 《西江日□□》: no character read qǐng makes a word after 西江日, so none is proposed.
    assert cleaned.lost[0].reading == "qǐng" and cleaned.lost[0].proposals == ()
    for lost in cleaned.lost:
        assert all(p.basis is ProposalBasis.WORD and p.char in p.word for p in lost.proposals)
    # Proposals are never applied: the text keeps the mark.
    assert "日报" not in cleaned.text


def test_decoding_debris_is_flagged(cleaned: CleanResult) -> None:
    assert {suspect.char for suspect in cleaned.suspects} == {"摿", "Π", "撃"}


def test_change_spans_locate_both_texts(cleaned: CleanResult) -> None:
    located = 0
    for change in cleaned.changes:
        assert change.original.slice(cleaned.original).startswith(change.before[:1])
        # A change inside a line that furniture removed later has no place in the clean text.
        if change.clean.end > change.clean.start and change.kind is not ChangeKind.WHITESPACE:
            assert change.clean.slice(cleaned.text).startswith(change.after[:1])
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
    assert data["counts"]["lost_characters"] == 6
    assert data["lost"][1]["proposals"][0] == {"char": "报", "basis": "word", "word": "日报"}
    first = data["changes"][0]
    assert set(first) == {"kind", "rule", "original", "clean", "before", "after"}
    assert set(first["original"]) == {"start", "end"}
