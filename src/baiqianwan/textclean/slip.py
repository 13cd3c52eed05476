"""Characters decoded out of step after a GBK byte slip: re-decoded, or marked lost.

When a page in GBK loses or repeats one byte, the decoder reads every following pair of
bytes across two characters until it meets ASCII or gives up with ``?``. What shows is a
run of rare characters and letters beside the ``?``: the sample's 變?yōu)闈摿Π?, (where
变为潜力 stood) and 發展?jié)撃?。 (发展潜能). The pinyin annotator even read the first
out-of-step pair as a character (優, 節) and annotated it before it was lost.

For each run of such debris next to a lost character (``□``), this stage takes the
run's GB18030 bytes, together with up to `_MAX_BEFORE` characters before it (a ``□``
that kept its reading stands for each character with that reading), drops the first byte
and reads the rest in step. A reading is kept when every character is an everyday one
(GB 2312 or common Big5) and each makes a word of jieba's dictionary with its neighbours
in simplified form; the best one restores most characters and loses fewest. The first
byte dropped is the repeated last byte of the character before (變 is D7 83, and the
slipped run starts at 83), or else what is left of a lost character (a new ``□``); a
lead byte left over at the end belongs to the next character, which is lost (the ``□``
after the run keeps it, and proposals are characters with that lead byte that make a
word). When no reading fits, the debris itself is marked lost, one ``□`` a character,
so junk never flows on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import pinyin_dict

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.chars import LOST_MARK, is_han
from baiqianwan.textclean.convert import simplified
from baiqianwan.textclean.decode import everyday_char
from baiqianwan.textclean.lost import MAX_PROPOSALS as _MAX_PROPOSALS
from baiqianwan.textclean.lost import words_known
from baiqianwan.textclean.report import ChangeKind, Proposal, ProposalBasis

_MAX_BEFORE = 2  # characters before the debris that the slip may have started in
_REACH = 3  # how far from the debris a lost character may be
_BLANKS = frozenset(" \t\u3000\u00a0")
_WORD = 4  # longest dictionary word tried
_FOREIGN = ((0x0370, 0x03FF), (0x0400, 0x04FF), (0x3040, 0x30FF), (0xE000, 0xF8FF))


@lru_cache(maxsize=8192)
def debris(ch: str) -> bool:
    """Whether `ch` is what out-of-step GBK bytes decode to: rare, foreign or private."""
    code = ord(ch)
    if code < 0x80 or ch == LOST_MARK or ch.isspace():
        return False
    if any(low <= code <= high for low, high in _FOREIGN):
        return True
    return not everyday_char(ch)


def _gbk(ch: str) -> bytes | None:
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


@lru_cache(maxsize=512)
def _reading_bytes(reading: str) -> tuple[bytes, ...]:
    """The GBK bytes of every character that reads `reading` (tone marks as given)."""
    found: list[bytes] = []
    for code, readings in pinyin_dict.pinyin_dict.items():
        if reading in readings.split(","):
            encoded = _gbk(chr(code))
            if encoded is not None:
                found.append(encoded)
    return tuple(found)


@lru_cache(maxsize=256)
def lead_chars(byte: int) -> tuple[str, ...]:
    """The everyday characters, simplified, whose GBK encoding starts with `byte`."""
    found: list[str] = []
    for trail in range(0x40, 0xFF):
        try:
            ch = bytes((byte, trail)).decode("gbk")
        except UnicodeDecodeError:
            continue
        if is_han(ch) and everyday_char(ch):
            found.append(simplified(ch))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=1)
def _everyday_han() -> frozenset[str]:
    """The Han characters of GB 2312 and of common Big5 that GBK holds in two bytes."""
    found: set[str] = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                ch = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if is_han(ch) and everyday_char(ch):
                found.add(ch)
    return frozenset(found)


def _in_step(data: bytes) -> str | None:
    """`data` read as GBK pairs, every one an everyday Han character; None otherwise."""
    try:
        chars = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    if 2 * len(chars) != len(data) or not _everyday_han().issuperset(chars):
        return None
    return chars


def _uncovered(line: str, first: int, count: int) -> list[int]:
    """Offsets in ``line[first:first + count]`` that lie in no dictionary word of `line`."""
    words = words_known()
    covered = [False] * count
    for start in range(max(0, first - _WORD + 1), min(len(line), first + count)):
        for end in range(max(start + 2, first + 1), min(len(line), start + _WORD) + 1):
            if line[start:end] in words:
                for at in range(max(start, first), min(end, first + count)):
                    covered[at - first] = True
    return [first + i for i, done in enumerate(covered) if not done]


@dataclass(frozen=True, slots=True)
class _Reading:
    start: int  # offset in the text of the first character replaced
    end: int
    chars: str  # the characters read in step
    lost_before: bool  # the dropped first byte is what is left of a lost character
    lead: int | None  # a lead byte left over at the end


def _candidates(text: str, start: int, end: int, readings: dict[int, str]) -> list[list[bytes]]:
    """For each character of ``text[start:end]``, the bytes it may have been."""
    options: list[list[bytes]] = []
    for at in range(start, end):
        ch = text[at]
        if ch == LOST_MARK:
            reading = readings.get(at, "")
            if not reading:
                return []
            options.append(list(_reading_bytes(reading)))
        else:
            encoded = _gbk(ch)
            if encoded is None:
                return []
            options.append([encoded])
    return options


def _assignments(options: list[list[bytes]]) -> list[bytes]:
    found = [b""]
    for choices in options:
        found = [done + choice for done in found for choice in choices]
    return found


def _best(
    text: str, first: int, last: int, readings: dict[int, str], floor: int
) -> _Reading | None:
    """The best in-step reading of the debris ``text[first:last]`` and what precedes it.

    The reading may take characters before the debris, but none before `floor`. Every
    character is two bytes and one is dropped, so taking one more character before the
    debris reads one more back: the longest start that reads at all wins, and within it
    a reading whose dropped byte repeats the character before.
    """
    starts = [first]
    while (
        len(starts) <= _MAX_BEFORE
        and starts[-1] - 1 >= floor
        and (is_han(text[starts[-1] - 1]) or text[starts[-1] - 1] == LOST_MARK)
    ):
        starts.append(starts[-1] - 1)
    for start in reversed(starts):
        options = _candidates(text, start, last, readings)
        if not options:
            continue
        previous = text[start - 1] if start > 0 else ""
        previous_bytes = _gbk(previous) if is_han(previous) else None
        repeat = previous_bytes[-1] if previous_bytes is not None else None
        left = text[max(0, start - _WORD) : start]
        right = text[last : last + _WORD]
        found: _Reading | None = None
        # Readings whose dropped byte repeats the last byte of the character before first.
        for data in sorted(_assignments(options), key=lambda data: data[0] != repeat):
            repeated = data[0] == repeat
            if found is not None and not repeated:
                break
            body = data[1:]
            lead = body[-1] if len(body) % 2 else None
            chars = _in_step(body[: len(body) - (lead is not None)])
            if not chars or not _fits(left, chars, right, lead):
                continue
            lost_before = not repeated and previous != LOST_MARK
            found = _Reading(start, last, chars, lost_before, lead)
            if repeated:
                break
        if found is not None:
            return found
    return None


def _fits(left: str, chars: str, right: str, lead: int | None) -> bool:
    """Whether `chars` make words with their neighbours; a leftover `lead` byte starts the next.

    With a `lead` byte the characters after are lost, so those at the end may make their
    word with a character that starts with that byte instead.
    """
    if lead is None:
        return not _uncovered(simplified(left + chars + right), len(left), len(chars))
    line = simplified(left + chars)
    missing = _uncovered(line, len(left), len(chars))
    if not missing:
        return True
    starts = _lead_word_starts(lead)
    return any(
        line[start:] in starts for start in range(max(0, len(line) - _WORD + 1), missing[0] + 1)
    )


@lru_cache(maxsize=256)
def _lead_word_starts(byte: int) -> frozenset[str]:
    """Dictionary words that end in a character with GBK lead `byte`, without that character."""
    ends = frozenset(lead_chars(byte))
    return frozenset(word[:-1] for word in words_known() if len(word) > 1 and word[-1] in ends)


def proposals_by_lead(*, byte: int, left: str, right: str) -> tuple[Proposal, ...]:
    """Characters whose GBK lead byte is `byte` and that make a word with the neighbours.

    Words of two to four characters with up to three neighbours either side; longest,
    then most frequent word first, at most five; empty when none makes a word.
    """
    slots = _lead_word_slots(byte)
    best: dict[str, tuple[int, int, str]] = {}
    for take_left in range(min(len(left), _WORD - 1) + 1):
        for take_right in range(min(len(right), _WORD - 1 - take_left) + 1):
            if take_left + take_right == 0:
                continue
            key = (left[len(left) - take_left :], right[:take_right])
            for ch, frequency in slots.get(key, ()):
                word = key[0] + ch + key[1]
                score = (len(word), frequency, word)
                if ch not in best or score > best[ch]:
                    best[ch] = score
    ranked = sorted(((score, ch) for ch, score in best.items()), reverse=True)
    return tuple(
        Proposal(ch, ProposalBasis.LEAD_BYTE, score[2]) for score, ch in ranked[:_MAX_PROPOSALS]
    )


@lru_cache(maxsize=64)
def _lead_word_slots(byte: int) -> dict[tuple[str, str], tuple[tuple[str, int], ...]]:
    """(before, after) -> the characters with GBK lead `byte` that make a word between them."""
    ends = frozenset(lead_chars(byte))
    slots: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for word, frequency in words_known().items():
        if len(word) < 2:
            continue
        for at, ch in enumerate(word):
            if ch in ends:
                slots.setdefault((word[:at], word[at + 1 :]), []).append((ch, frequency))
    return {key: tuple(found) for key, found in slots.items()}


def slip_edits(
    text: str, readings: dict[int, str]
) -> tuple[list[Edit], list[tuple[int, int, int]]]:
    """Re-decode or mark lost the debris of GBK byte slips beside lost characters.

    Parameters
    ----------
    text : str
        The text after pinyin annotations and lost marks (``□``) were handled.
    readings : dict
        Offset of each ``□`` in `text` -> the reading that survived beside it, or ``""``.

    Returns
    -------
    edits : list of Edit
        ``byte-slip`` edits replacing debris (and the ``□`` read into it) with the
        characters read in step; ``byte-slip-lost`` edits replacing debris with ``□``.
    leads : list of (int, int, int)
        Lost characters whose lead byte survived: the start of the edit, the offset of
        their ``□`` in its replacement (-1 for the ``□`` just after the edit), the byte.
    """
    edits: list[Edit] = []
    leads: list[tuple[int, int, int]] = []
    done = 0
    for mark in sorted(readings):
        for first, last in _debris_runs(text, mark):
            if first < done:
                continue
            found = _best(text, first, last, readings, done)
            if found is None:
                lost = LOST_MARK * (last - first)
                edits.append(Edit(first, last, lost, ChangeKind.LOST, "byte-slip-lost"))
                done = last
                continue
            replacement = (LOST_MARK if found.lost_before else "") + found.chars
            if found.lead is not None:
                if found.end < len(text) and text[found.end] == LOST_MARK:
                    leads.append((found.start, -1, found.lead))  # the □ after the edit
                else:
                    leads.append((found.start, len(replacement), found.lead))
                    replacement += LOST_MARK
            edits.append(Edit(found.start, found.end, replacement, ChangeKind.LOST, "byte-slip"))
            done = found.end
    return edits, leads


def _joins(ch: str) -> bool:
    """Whether `ch` may sit between debris and its lost character: Han, □, debris, blank."""
    return is_han(ch) or ch == LOST_MARK or ch in _BLANKS or debris(ch)


def _steps_after(ch: str, steps: int) -> int:
    """The count of characters towards `_REACH` once `ch` is passed."""
    if ch == LOST_MARK or debris(ch):
        return 0
    return steps + (ch not in _BLANKS)


def _debris_runs(text: str, mark: int) -> list[tuple[int, int]]:
    """Runs of debris joined to the lost character at `mark` within `_REACH` characters.

    Only Han characters, lost ones, debris and blanks may come between: punctuation ends
    what a slip can reach. Blanks do not count, since later rules remove some; debris (and
    a lost character) starts the count again, since debris marked lost is a lost character
    that the next cleaning would reach from (so cleaning the clean text finds no more).
    """
    low = mark
    steps = 0
    while low > 0 and steps < _REACH and _joins(text[low - 1]):
        low -= 1
        steps = _steps_after(text[low], steps)
    high = mark + 1
    steps = 0
    while high < len(text) and steps < _REACH and _joins(text[high]):
        steps = _steps_after(text[high], steps)
        high += 1
    runs: list[tuple[int, int]] = []
    at = low
    while at < high:
        if debris(text[at]):
            first = at
            while at < len(text) and debris(text[at]):
                at += 1
            runs.append((first, at))
        else:
            at += 1
    return runs
