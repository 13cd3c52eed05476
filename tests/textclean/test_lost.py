"""Lost characters: every one reported, none guessed silently."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ProposalBasis, clean_text
from baiqianwan.textclean.lost import neighbours_take, proposals_make, words_known


@pytest.mark.parametrize(
    ("raw", "clean", "reading"),
    [
        ("西江日?(bào)社", "西江日□社", "bào"),
        ("西江日?bào)社", "西江日□社", "bào"),
        ("西江日?bao4)社", "西江日□社", "bào"),
        ("城乡?设", "城乡□设", ""),
        ("潜力?,在", "潜力□，在", ""),
        ("潜力?。", "潜力□。", ""),
    ],
)
def test_lost_mark_reported(raw: str, clean: str, reading: str) -> None:
    result = clean_text(raw)
    assert result.text == clean + "\n"
    [lost] = result.lost
    assert lost.reading == reading
    assert lost.mark == "?"
    assert lost.original_position == raw.index("?")
    assert result.text[lost.clean_position] == "□"


@pytest.mark.parametrize(
    "text",
    ["你去吗?我去", "为什么要这样做？这是因为", "干什么？”", "How? Why?"],
)
def test_real_question_marks_are_not_lost(text: str) -> None:
    assert clean_text(text).lost == ()


def test_proposal_makes_a_word_with_neighbours() -> None:
    [lost] = clean_text("西江日?(bào)社论").lost
    assert lost.proposals[0].char == "报"
    assert lost.proposals[0].word.startswith("日报")
    assert lost.proposals[0].basis is ProposalBasis.WORD


@pytest.mark.parametrize(
    ("reading", "left", "right"),
    [
        ("qǐng", "西江日", ""),  # 请, 顷, 苘 read qǐng, but none makes a word here
        ("yōu", "", ""),
        ("yōu", "闱", ""),
        ("", "日", ""),
        ("xyz", "日", ""),
    ],
)
def test_no_proposal_without_a_word(reading: str, left: str, right: str) -> None:
    assert proposals_make(reading=reading, left=left, right=right) == ()


def test_every_proposal_makes_a_word_with_its_neighbours() -> None:
    proposals = proposals_make(reading="bào", left="西江日", right="社论")
    assert proposals
    for proposal in proposals:
        assert proposal.basis is ProposalBasis.WORD
        assert proposal.char in proposal.word
        assert proposal.word in "西江日" + proposal.char + "社论"
        assert proposal.word in words_known()


def test_a_lost_character_without_a_word_is_still_reported() -> None:
    [lost] = clean_text("《西江日?(qǐng)》").lost
    assert (lost.reading, lost.proposals) == ("qǐng", ())


def test_neighbours_skip_other_lost_characters() -> None:
    assert neighbours_take("《西江日□□》", 5) == ("西江日", "")
    assert neighbours_take("甲乙□丙丁戊己", 2) == ("甲乙", "丙丁戊")


def test_existing_marks_are_reported_again() -> None:
    result = clean_text("城乡□设\n")
    assert result.changes == ()
    assert [lost.mark for lost in result.lost] == ["□"]
