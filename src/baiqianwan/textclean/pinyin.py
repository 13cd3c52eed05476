"""Pinyin annotations: recognising them, removing them, and reading the lost ``?`` marks.

Sites that rewrite articles into traditional characters put the pinyin of some characters
behind them in brackets, ``據(jù)``. Where a character was lost the mark ``?`` stands in its
place, sometimes with its annotation (``?(bào)``) and sometimes with the annotation's
opening bracket lost too (``?bào)``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import pinyin_dict
from pypinyin.contrib.tone_convert import to_normal, to_tone

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.chars import LOST_MARK, is_han
from baiqianwan.textclean.report import ChangeKind

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTERS = "a-zü" + _TONED
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")

# Blanks before the bracket go with it: once they are gone, 據 (jù) would read 據(jù).
_BRACKETED = re.compile(r"[ \t\u3000\u00a0]*[(（]([^()（）\n]{1,48})[)）]")
# A lost mark, with the rest of its annotation if the opening bracket was lost as well.
_LOST = re.compile(rf"[?？](?:([{_LETTERS}]{{1,6}}[1-5１-５]?)[)）])?")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SYLLABLE_CHUNK = re.compile(rf"[{_LETTERS}v]+[1-5]?|[1-5]")
_SEPARATORS = re.compile(r"[\s']+")

# A "?" after one of these ends a real question, so it is not read as a lost character.
_QUESTION_ENDINGS = frozenset("吗呢么吧啊呀否谁何哪嗎麼")
_CLAUSE_MARKS = frozenset(",，。、；;：:")
_BLANK_CHARS = frozenset(" \t\u3000\u00a0")


@lru_cache(maxsize=1)
def syllables_known() -> frozenset[str]:
    """All toneless pinyin syllables (``ü`` written ``v``) that pypinyin knows."""
    found: set[str] = set()
    for readings in pinyin_dict.pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading))
    return frozenset(found)


def readings_of(ch: str) -> frozenset[str]:
    """The toneless readings of a character, traditional or simplified."""
    readings = pinyin_dict.pinyin_dict.get(ord(ch), "")
    return frozenset(to_normal(r) for r in readings.split(",") if r)


def _segment(toneless: str) -> list[int] | None:
    """Split a toneless letter run into known syllables; return the cut points or None."""
    known = syllables_known()
    best: list[list[int] | None] = [None] * (len(toneless) + 1)
    best[0] = []
    for end in range(1, len(toneless) + 1):
        for start in range(max(0, end - 6), end):
            previous = best[start]
            if previous is not None and toneless[start:end] in known:
                best[end] = [*previous, end]
                break
    return best[len(toneless)]


@lru_cache(maxsize=4096)
def syllables_parse(content: str) -> tuple[tuple[str, ...], bool] | None:
    """Read `content` as a run of pinyin syllables.

    Returns
    -------
    (syllables, toned) or None
        The syllables in tone-mark form and whether any carried a tone (mark or digit);
        None if `content` is not pinyin, e.g. English, numbers or Chinese.
    """
    # Full-width tone digits (jù１) read as the half-width ones cleaning makes of them.
    content = unicodedata.normalize("NFC", content.strip()).replace("u:", "ü")
    content = content.translate(_FULL_WIDTH_DIGITS)
    if not content or content != content.lower():
        return None
    syllables: list[str] = []
    toned = False
    for chunk in _SEPARATORS.split(content):
        if not chunk:
            continue
        for piece in _SYLLABLE_CHUNK.findall(chunk):
            if piece.isdigit():
                return None
            toneless = piece.translate(_TONELESS)
            digit = toneless[-1] if toneless[-1].isdigit() else ""
            letters = toneless.rstrip("12345")
            cuts = _segment(letters)
            if cuts is None or (digit and len(cuts) != 1):
                return None
            start = 0
            for cut in cuts:
                raw = piece[start:cut]
                toned = toned or raw != letters[start:cut] or bool(digit)
                syllables.append(to_tone(raw + digit) if digit else raw)
                start = cut
        if "".join(_SYLLABLE_CHUNK.findall(chunk)) != chunk:
            return None
    return (tuple(syllables), toned) if syllables else None


def _annotates(text: str, start: int, syllables: tuple[str, ...], toned: bool) -> bool:
    """Whether `syllables` annotate the Han characters just before offset `start`."""
    count = len(syllables)
    before = text[max(0, start - count) : start]
    if len(before) != count or not all(is_han(ch) for ch in before):
        return False
    if toned:
        return True
    # A toneless word in brackets is pinyin only if it is how those characters read.
    return all(to_normal(s) in readings_of(ch) for s, ch in zip(syllables, before, strict=True))


def _lost_bare(text: str, at: int) -> bool:
    """Whether a ``?`` with no annotation at `at` stands for a lost character."""
    # Neighbours across blanks, as the spacing rules will remove those blanks.
    right = at + 1
    while right < len(text) and text[right] in _BLANK_CHARS:
        right += 1
    left = at - 1
    while left >= 0 and text[left] in _BLANK_CHARS:
        left -= 1
    after = text[right] if right < len(text) else ""
    before = text[left] if left >= 0 else ""
    if after in _CLAUSE_MARKS:
        return True  # a question mark never precedes another clause mark
    # Between two Han characters only the ASCII mark is suspect: scraped text that lost
    # characters as "?" is the text that also lost its full-width punctuation.
    return (
        text[at] == "?"
        and bool(before)
        and bool(after)
        and is_han(before)
        and is_han(after)
        and before not in _QUESTION_ENDINGS
    )


def annotation_edits(text: str) -> tuple[list[Edit], list[tuple[int, str, str]]]:
    """Find pinyin annotations to remove and ``?`` marks that stand for lost characters.

    Returns
    -------
    edits : list of Edit
        Annotations to delete and lost marks (with any annotation) to replace by ``□``.
    lost : list of (offset, mark, reading)
        For each lost character, its offset in `text`, the mark and the surviving reading.
    """
    edits: list[Edit] = []
    lost: list[tuple[int, str, str]] = []
    position = 0
    bracket = _BRACKETED.search(text)
    mark = _LOST.search(text)
    while True:
        # Search again only once scanning has passed a match: marks are sparse, and
        # searching for each from every bracket would rescan the same text.
        if bracket is not None and bracket.start() < position:
            bracket = _BRACKETED.search(text, position)
        if mark is not None and mark.start() < position:
            mark = _LOST.search(text, position)
        if bracket is None and mark is None:
            break
        if mark is not None and (bracket is None or mark.start() < bracket.start()):
            position = _lost_take(text, mark, edits, lost)
            continue
        assert bracket is not None
        parsed = syllables_parse(bracket.group(1))
        if parsed is not None and _annotates(text, bracket.start(), *parsed):
            edits.append(Edit(bracket.start(), bracket.end(), "", ChangeKind.ANNOTATION, "pinyin"))
        position = bracket.end()
    for found in re.finditer(LOST_MARK, text):
        lost.append((found.start(), LOST_MARK, ""))
    lost.sort()
    return edits, lost


def annotations_chained(text: str, edits: list[Edit]) -> bool:
    """Whether a removed annotation is followed at once by another bracket (據(jù)(jù))."""
    return any(
        _BRACKETED.match(text, edit.end) is not None
        for edit in edits
        if edit.kind is ChangeKind.ANNOTATION
    )


def _lost_take(
    text: str, mark: re.Match[str], edits: list[Edit], lost: list[tuple[int, str, str]]
) -> int:
    """Classify one ``?`` (with any orphan annotation); return where scanning resumes."""
    start = mark.start()
    orphan = mark.group(1)
    if orphan is not None:
        parsed = syllables_parse(orphan)
        if parsed is not None and parsed[1] and len(parsed[0]) == 1:
            edits.append(Edit(start, mark.end(), LOST_MARK, ChangeKind.LOST, "lost-annotated"))
            lost.append((start, text[start], parsed[0][0]))
            return mark.end()
    bracket = _BRACKETED.match(text, start + 1)
    if bracket is not None:
        parsed = syllables_parse(bracket.group(1))
        if parsed is not None and len(parsed[0]) == 1:
            edits.append(Edit(start, bracket.end(), LOST_MARK, ChangeKind.LOST, "lost-annotated"))
            lost.append((start, text[start], parsed[0][0]))
            return bracket.end()
    if _lost_bare(text, start):
        edits.append(Edit(start, start + 1, LOST_MARK, ChangeKind.LOST, "lost"))
        lost.append((start, text[start], ""))
    return start + 1


# What is left of an annotation that lost a bracket or its first letters, right after a Han
# character: 據ù)報, 據jù)報, 據(jù報, 據(j報, 據jù報. Group 1 is an opening bracket, 2 the
# letters, 3 a closing bracket.
_FRAGMENT = re.compile(
    # Any blank that cleaning removes later (an ideographic space too) may stand between.
    # After a clause mark only a toned tail with its closing bracket is taken (see below).
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff，。、；：！？,.;:!?])[ \t\u3000\u00a0]*([(（]?)"
    # blanks before the closing bracket go with it, as cleaning removes them later
    rf"([{_LETTERS}]{{1,24}}[1-5]?)((?:[ \t\u3000\u00a0]*[)）])?)"
)
_OPENING = frozenset("(（")
_CLOSING = frozenset(")）")


@lru_cache(maxsize=1)
def _syllable_ends() -> tuple[frozenset[str], frozenset[str]]:
    """Every non-empty prefix and every non-empty suffix of the known syllables."""
    prefixes: set[str] = set()
    suffixes: set[str] = set()
    for syllable in syllables_known():
        for cut in range(1, len(syllable) + 1):
            prefixes.add(syllable[:cut])
            suffixes.add(syllable[-cut:])
    return frozenset(prefixes), frozenset(suffixes)


def _toned(letters: str) -> bool:
    return letters[-1].isdigit() or any(ch in _TONED for ch in letters)


def _tail_of_annotation(letters: str, before: str) -> bool:
    """Whether `letters` end an annotation that lost its first letters (ù, ù zhǎn).

    The letters are the end of a syllable followed by whole syllables; without a tone,
    they must end a reading of the Han character before them.
    """
    toneless = unicodedata.normalize("NFC", letters).translate(_TONELESS).rstrip("12345")
    suffixes = _syllable_ends()[1]
    for cut in range(1, len(toneless) + 1):
        if toneless[:cut] not in suffixes:
            continue
        rest = letters[cut:]
        if rest and syllables_parse(rest) is None:
            continue
        if _toned(letters) or any(r.endswith(toneless) for r in readings_of(before)):
            return True
    return False


def _head_of_annotation(letters: str, before: str) -> bool:
    """Whether `letters` begin an annotation that lost its end (j, jù)."""
    if syllables_parse(letters) is not None and _toned(letters):
        return True
    toneless = unicodedata.normalize("NFC", letters).translate(_TONELESS).rstrip("12345")
    if toneless not in _syllable_ends()[0]:
        return False
    return _toned(letters) or any(r.startswith(toneless) for r in readings_of(before))


def _bracket_open(line: str, at: int, removed: set[int]) -> bool:
    """Whether an opening bracket is still open at offset `at` of `line`.

    Brackets at the offsets in `removed` (fragments already taken) do not count.
    """
    depth = 0
    for index, ch in enumerate(line[:at]):
        if index in removed:
            continue
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING and depth:
            depth -= 1
    return depth > 0


def _bracket_closed(line: str, at: int) -> bool:
    """Whether the opening bracket at `at` of `line` is closed later on the line."""
    depth = 0
    for ch in line[at:]:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth -= 1
            if depth == 0:
                return True
    return False


def fragment_edits(text: str) -> list[Edit]:
    """Edits removing damaged pinyin annotations beside Han characters (``pinyin-fragment``).

    An annotation that lost its opening bracket and maybe its first letters (據ù)報,
    據jù)報): letters that end a syllable, maybe more syllables, and a closing bracket that
    closes nothing. One that lost its closing bracket (據(jù報, 據(j報): an opening bracket
    that closes nothing, then the start of a syllable, before a Han character. One that
    lost both (據jù報): whole syllables with a tone between Han characters. Without a
    tone mark or digit the letters must belong to a reading of the character before
    them, so Latin words (附件a), 5G, A股) stay.
    """
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        # Full-width tone digits (jù１) read as the half-width ones cleaning makes of them;
        # one character for one, so offsets stay.
        line = line.translate(_FULL_WIDTH_DIGITS)
        removed: set[int] = set()  # offsets in `line` of brackets taken with a fragment
        for found in _FRAGMENT.finditer(line):
            span = _fragment_span(line, found, removed)
            if span is not None:
                edits.append(
                    Edit(
                        offset + span[0],
                        offset + span[1],
                        "",
                        ChangeKind.ANNOTATION,
                        "pinyin-fragment",
                    )
                )
        offset += len(line) + 1
    return edits


def _fragment_span(line: str, found: re.Match[str], removed: set[int]) -> tuple[int, int] | None:
    """What of a `_FRAGMENT` match to remove, as offsets in `line`; None to keep it all.

    A closing bracket inside a real bracket stays, and only toned letters before it go
    (方案（下称發展āzhǎn） keeps its ）). An opening bracket closed later on the line stays
    unless the letters after it carry a tone (a real bracket never starts so).
    """
    opening, letters, closing = found.groups()
    before = line[found.start() - 1]
    # Blanks between the fragment and a Han character (or the line's end) do not count:
    # cleaning removes them later, and a second cleaning must find the same fragment.
    after = line[found.end() :].lstrip(" \t\u3000\u00a0")[:1]
    if opening and closing:
        return None  # a whole bracket that the annotation rule kept
    if not is_han(before):
        # After a clause mark (发展，ìn)加快): the character it annotated is gone, so only
        # letters with a tone, a closing bracket that closes nothing and Chinese after it.
        if (
            closing
            and _toned(letters)
            and is_han(after)
            and _tail_of_annotation(letters, before)
            and not _bracket_open(line, found.start(), removed)
        ):
            return found.start(), found.end()
        return None
    if closing:
        if not _tail_of_annotation(letters, before):
            return None
        if not _bracket_open(line, found.start(), removed):
            return found.start(), found.end()
        return (found.start(), found.end() - 1) if _toned(letters) else None
    if opening:
        at = found.start() + found.group().index(opening)
        if (
            (is_han(after) or not after)
            and _head_of_annotation(letters, before)
            and (_toned(letters) or not _bracket_closed(line, at))
        ):
            removed.add(at)
            return found.start(), found.end()
        return None
    if (is_han(after) or not after) and _toned(letters) and syllables_parse(letters) is not None:
        return found.start(), found.end()
    return None
