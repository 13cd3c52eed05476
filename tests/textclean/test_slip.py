"""GBK byte slips: debris beside a lost character read back in step, or marked lost."""

from __future__ import annotations

import pytest

from baiqianwan.textclean import ChangeKind, ProposalBasis, clean_text
from baiqianwan.textclean.chars import LOST_MARK
from baiqianwan.textclean.slip import debris, lead_chars, slip_edits


def slipped(text: str, at: int) -> str:
    """`text` as a page shows it when GBK byte `at` is read twice, then cut at the next
    ASCII byte, as the sample's source did: the decoder reads out of step until a lead
    byte meets ASCII and gives up with ``?``.
    """
    data = text.encode("gbk")
    return (data[: at + 1] + data[at:]).decode("gbk", errors="replace").replace("\ufffd", "?")


def test_simulated_slip_matches_the_sample() -> None:
    # 變為潛力板, with 變's last byte read twice: the sample's own debris.
    assert slipped("把短板變為潛力板,在", 7).startswith("把短板變優闈摿Π?")


@pytest.mark.parametrize(
    ("raw", "clean", "slips"),
    [
        # The annotator read the first out-of-step pair (優, 節) and kept its reading.
        ("把短板變?yōu)闈摿Π?,在產業", "把短板变为潜力□，在产业", [("□闈摿Π", "為潛力")]),
        ("釋放縣城發展?jié)撃?。要抓住", "释放县城发展潜□。要抓住", [("□撃", "潛")]),
        # Without the reading, the debris alone is read in step after the lost one.
        ("把短板變?闈摿Π?,在產業", "把短板变□潜力□，在产业", [("闈摿Π", "潛力")]),
    ],
)
def test_debris_read_back_in_step(raw: str, clean: str, slips: list[tuple[str, str]]) -> None:
    result = clean_text(raw)
    assert result.text == clean + "\n"
    assert [(c.before, c.after) for c in result.changes if c.rule == "byte-slip"] == slips
    assert all(c.kind is ChangeKind.LOST for c in result.changes if c.rule == "byte-slip")
    assert result.suspects == ()
    assert result.counts.lost_characters == clean.count(LOST_MARK)


def test_the_lead_byte_left_over_proposes_characters() -> None:
    [lost] = clean_text("釋放縣城發展?jié)撃?。").lost
    assert lost.lead_byte == "C4"
    assert lost.reading == ""
    assert lost.proposals[0].char == "能"
    assert lost.proposals[0].word == "潜能"
    assert all(p.basis is ProposalBasis.LEAD_BYTE for p in lost.proposals)
    assert all(ch.encode("gbk")[0] == 0xC4 for ch in (p.char for p in lost.proposals))
    assert "潜能" not in clean_text("釋放縣城發展?jié)撃?。").text  # never filled in


def test_debris_that_reads_as_nothing_is_marked_lost() -> None:
    # 摿 and 撃 beside a lost character, but no shift of their bytes makes words here.
    result = clean_text("全市撃摿?加快推進")
    assert result.text == "全市□□□加快推进\n"
    rules = [c.rule for c in result.changes if c.kind is ChangeKind.LOST]
    assert rules == ["byte-slip-lost", "lost"]
    assert [lost.mark for lost in result.lost] == ["撃", "摿", "?"]
    assert result.suspects == ()


@pytest.mark.parametrize(
    "text",
    [
        "王堃同志主持會議",  # a rare character in a name, no lost character near it
        "城鄉?設",  # a lost character without debris
        "π值約為3.14",  # a Greek letter in a formula, no lost character near it
        "會議由王堃主持。肇慶市加快推進典型鎮村建設?",
    ],
)
def test_rare_characters_away_from_lost_ones_untouched(text: str) -> None:
    result = clean_text(text)
    assert not [c for c in result.changes if c.rule.startswith("byte-slip")]


def test_slip_edits_need_a_lost_character() -> None:
    assert slip_edits("變優闈摿Π", {}) == ([], [])


def test_debris_and_lead_chars() -> None:
    assert debris("摿") and debris("Π") and debris("撃") and debris("ア")
    assert not any(debris(ch) for ch in "据據发發，。A1 □")
    assert "能" in lead_chars(0xC4) and "板" in lead_chars(0xB0)
