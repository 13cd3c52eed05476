"""Proposals for lost characters, from their surviving reading and their neighbours.

A proposal is a character whose reading (pypinyin's dictionary) matches the reading that
survived and that makes a word of jieba's dictionary with the characters around it. A
reading alone proposes nothing: 请, 顷 and 苘 all read qǐng. Both data sets ship inside
their wheels; nothing is fetched.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from importlib import resources

from pypinyin import pinyin_dict

from baiqianwan.textclean.chars import LOST_MARK, is_han
from baiqianwan.textclean.report import Proposal, ProposalBasis

_MAX_WORD = 4
_NEIGHBOURS = 3
MAX_PROPOSALS = 5


def _common(ch: str) -> bool:
    # GB 2312 holds the 6,763 characters of everyday simplified text; a proposal outside
    # it is almost never what was lost.
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def _chars_by_reading() -> dict[str, tuple[str, ...]]:
    """Reading -> the GB 2312 characters pypinyin reads that way."""
    table: defaultdict[str, list[str]] = defaultdict(list)
    for code, readings in pinyin_dict.pinyin_dict.items():
        ch = chr(code)
        if is_han(ch) and _common(ch):
            for reading in readings.split(","):
                table[reading].append(ch)
    return {reading: tuple(chars) for reading, chars in table.items()}


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's dictionary, words of at most four characters: frequencies and tags."""
    words: dict[str, int] = {}
    tags: dict[str, str] = {}
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, frequency, *tag = line.split(" ")
        if len(word) <= _MAX_WORD:
            words[word] = int(frequency)
            tags[word] = tag[0] if tag else ""
    return words, tags


def words_known() -> dict[str, int]:
    """jieba's dictionary: word of at most four characters -> frequency."""
    return _dictionary()[0]


def word_tags() -> dict[str, str]:
    """jieba's dictionary: word of at most four characters -> part of speech (``v``, ``n`` …)."""
    return _dictionary()[1]


def neighbours_take(text: str, position: int) -> tuple[str, str]:
    """The Han characters around `position`, skipping other lost characters.

    Lost neighbours are skipped rather than stopping the run, so ``日□□`` still offers
    ``日`` to the second character: sites often lose two characters for one.
    """
    left: list[str] = []
    index = position - 1
    while index >= 0 and len(left) < _NEIGHBOURS:
        ch = text[index]
        if is_han(ch):
            left.append(ch)
        elif ch != LOST_MARK:
            break
        index -= 1
    right: list[str] = []
    index = position + 1
    while index < len(text) and len(right) < _NEIGHBOURS:
        ch = text[index]
        if is_han(ch):
            right.append(ch)
        elif ch != LOST_MARK:
            break
        index += 1
    return "".join(reversed(left)), "".join(right)


def best_word(ch: str, left: str, right: str) -> tuple[str, int] | None:
    """The longest, then most frequent dictionary word that `ch` makes with its neighbours."""
    words = words_known()
    best: tuple[str, int] | None = None
    for take_left in range(len(left) + 1):
        for take_right in range(len(right) + 1):
            if take_left + take_right == 0 or take_left + take_right + 1 > _MAX_WORD:
                continue
            word = left[len(left) - take_left :] + ch + right[:take_right]
            frequency = words.get(word)
            if frequency is not None and (
                best is None or (len(word), frequency) > (len(best[0]), best[1])
            ):
                best = (word, frequency)
    return best


def proposals_make(*, reading: str, left: str, right: str) -> tuple[Proposal, ...]:
    """Propose characters for one lost character.

    Parameters
    ----------
    reading : str
        The surviving pinyin with tone marks, e.g. ``"bào"``; ``""`` gives no proposals.
    left, right : str
        The Han characters just before and after it (see `neighbours_take`).

    Returns
    -------
    tuple of Proposal
        Characters with that reading that make a dictionary word with the neighbours,
        longest, then most frequent word first, at most five. Empty when none does: a
        character that only sounds right is a guess, not a proposal.
    """
    scored = []
    for ch in _chars_by_reading().get(reading, ()):
        found = best_word(ch, left, right)
        if found is not None:
            scored.append((len(found[0]), found[1], ch, found[0]))
    scored.sort(reverse=True)
    return tuple(
        Proposal(ch, ProposalBasis.WORD, word) for _, _, ch, word in scored[:MAX_PROPOSALS]
    )
