"""Cleaning scraped policy texts: pinyin annotations, traditional characters, furniture.

The module knows nothing of Django; the CLI and the intake page both call `clean_text`.

>>> result = clean_text("據(jù)《西江日?qǐng)?bào)》報(bào)道,近日")
>>> result.text
'据《西江日□□》报道，近日\\n'
>>> [lost.reading for lost in result.lost]
['qǐng', 'bào']
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from gettext import gettext as _
from typing import Any

from baiqianwan.textclean._edits import Tracked
from baiqianwan.textclean.chars import LOST_MARK, is_han
from baiqianwan.textclean.convert import conversion_edits, simplified
from baiqianwan.textclean.errors import (
    DocxDamage,
    IntakeErrorCode,
    IntakeErrorReason,
    IntakeInputError,
    empty_error,
    too_large_error,
)
from baiqianwan.textclean.furniture import furniture_edits
from baiqianwan.textclean.lost import neighbours_take, proposals_make
from baiqianwan.textclean.pinyin import annotation_edits, annotations_chained, fragment_edits
from baiqianwan.textclean.punctuation import (
    lines_edits,
    newline_edits,
    punctuation_edits,
    whitespace_edits,
)
from baiqianwan.textclean.report import (
    Change,
    ChangeKind,
    CleanCounts,
    CleanResult,
    LostCharacter,
    Proposal,
    ProposalBasis,
    Span,
    Suspect,
)
from baiqianwan.textclean.slip import proposals_by_lead, slip_edits
from baiqianwan.textclean.zhe import zhe_edits

__all__ = [
    "MAX_TEXT_CHARS",
    "Change",
    "ChangeKind",
    "CleanCounts",
    "CleanResult",
    "DocxDamage",
    "IntakeErrorCode",
    "IntakeErrorReason",
    "IntakeInputError",
    "LostCharacter",
    "Proposal",
    "ProposalBasis",
    "Span",
    "Suspect",
    "clean_data",
    "clean_text",
    "simplified",
]

# Two million characters: a long plan is a few hundred thousand, and cleaning the limit
# takes a few seconds. Larger input is a paste gone wrong.
MAX_TEXT_CHARS = 2_000_000
_CONTEXT = 8
_SLIP_ROUNDS = 4
_FOREIGN_LETTER_BLOCKS = ((0x0370, 0x03FF), (0x0400, 0x04FF))


def clean_text(text: str, /, *, max_chars: int = MAX_TEXT_CHARS) -> CleanResult:
    """Clean a scraped policy text into simplified Chinese typeset as a document.

    Stages, in order: newlines; pinyin annotations and lost ``?`` marks (replaced by
    ``□``); damaged annotations; GBK byte slips (debris beside a lost character read back
    in step or marked lost); traditional to simplified (OpenCC ``t2s``); 著 or 着 by
    context; page furniture; punctuation; spaces; blank lines. Cleaning clean text
    changes nothing.

    Parameters
    ----------
    text : str
        The text as received.
    max_chars : int
        Refuse longer texts.

    Returns
    -------
    CleanResult
        Original and clean text, every change with its span in both, the lost characters
        with proposals, suspect characters and counts.

    Raises
    ------
    IntakeInputError
        If `text` is empty or blank (``EMPTY``) or longer than `max_chars` (``TOO_LARGE``).
    """
    if len(text) > max_chars:
        raise too_large_error(size=len(text), limit=max_chars, unit="characters")
    if not text.strip():
        raise empty_error()
    with _collection_paused():
        return _clean(text)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state afterwards.

    A megabyte of damaged text makes some 300,000 small records, none in a cycle; the
    collector's passes over them took a third of the cleaning time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# What is known of each lost character, keyed by the original offset its □ descends from
# and its rank among the □ that descend from that offset: (mark, reading, lead byte).
_LostInfo = dict[tuple[int, int], tuple[str, str, str]]


def _clean(text: str) -> CleanResult:
    doc = Tracked(text)
    doc.apply(newline_edits(doc.text))
    edits, lost_marks = annotation_edits(doc.text)
    info: _LostInfo = {(doc.origin[at], 0): (mark, reading, "") for at, mark, reading in lost_marks}
    while True:
        # 據(jù)(jù): removing one annotation can bring the next to a Han character.
        while edits:
            chained = annotations_chained(doc.text, edits)
            doc.apply(edits)
            edits = annotation_edits(doc.text)[0] if chained else []
        # 據ù)(jù): so can removing a damaged one.
        fragments = fragment_edits(doc.text)
        if not fragments:
            break
        doc.apply(fragments)
        edits, lost_marks = annotation_edits(doc.text)
        for at, mark, reading in lost_marks:
            info.setdefault((doc.origin[at], 0), (mark, reading, ""))
    # A □ that a repair puts in is a lost character that more debris may be beside: repeat
    # until none is found, as a second cleaning would (a few rounds at most).
    for _round in range(_SLIP_ROUNDS):
        if not _slips_repair(doc, info):
            break
    doc.apply(conversion_edits(doc.text, doc.origin))
    doc.apply(zhe_edits(doc.text))
    doc.apply(furniture_edits(doc.text))
    # A converted mark changes its neighbours' context (据,, -> 据，,), so repeat to a fixpoint;
    # no rule matches what a rule puts in, so each round leaves fewer marks and it ends.
    edits = punctuation_edits(doc.text)
    while edits:
        doc.apply(edits)
        edits = punctuation_edits(doc.text)
    doc.apply(whitespace_edits(doc.text))
    doc.apply(lines_edits(doc.text))
    if not doc.text:
        raise IntakeInputError(
            IntakeErrorCode.EMPTY,
            _("Nothing is left of the text once page furniture is removed."),
            reason=IntakeErrorReason.FURNITURE_ONLY,
        )
    changes = doc.changes()
    lost = _lost_report(doc, info)
    suspects = _suspects_find(doc.text)
    return CleanResult(
        original=text,
        text=doc.text,
        changes=changes,
        lost=lost,
        suspects=suspects,
        counts=_counts(changes, lost, suspects),
    )


def _slips_repair(doc: Tracked, info: _LostInfo) -> bool:
    """Re-decode the debris of GBK byte slips beside lost characters, or mark it lost;
    return whether a □ was put in.

    Records in `info` what each new □ stood for and the lead byte a slip left over, under
    the key `_lost_report` will look it up by once the edits are applied.
    """
    readings = {
        found.start(): info.get((doc.origin[found.start()], 0), ("", "", ""))[1]
        for found in re.finditer(LOST_MARK, doc.text)
    }
    if not readings:
        return False
    edits, leads = slip_edits(doc.text, readings)
    if not edits:
        return False
    byte_of = {(start, index): f"{byte:02X}" for start, index, byte in leads}
    # What each □ an edit puts in stood for: the debris character there, or the last one
    # for a □ added after the debris; and the □ just after an edit that gets a lead byte.
    made: list[tuple[int, int, tuple[str, str, str]]] = []  # (edit, offset in it, info)
    following: list[tuple[int, str]] = []  # (edit, lead byte of the □ after it)
    for number, edit in enumerate(edits):
        for index, ch in enumerate(edit.replacement):
            if ch == LOST_MARK:
                source = doc.text[edit.start + min(index, edit.end - edit.start - 1)]
                lead = byte_of.get((edit.start, index), "")
                made.append((number, index, (source, "", lead)))
        if (edit.start, -1) in byte_of:
            following.append((number, byte_of[(edit.start, -1)]))
    old_info = {number: info.get((doc.origin[edits[number].end], 0)) for number, _ in following}
    shifts = [0]
    for edit in edits:
        shifts.append(shifts[-1] + len(edit.replacement) - (edit.end - edit.start))
    doc.apply(edits)
    for number, index, record in made:
        info[_lost_key(doc, edits[number].start + shifts[number] + index)] = record
    for number, lead in following:
        mark, reading, _lead = old_info[number] or (LOST_MARK, "", "")
        at = edits[number].end + shifts[number + 1]
        info[_lost_key(doc, at)] = (mark, reading, lead)
    return bool(made)


def _lost_key(doc: Tracked, position: int) -> tuple[int, int]:
    """The key of the □ at `position`: its origin and how many □ before it share that origin."""
    origin = doc.origin[position]
    rank = 0
    at = position - 1
    while at >= 0 and doc.origin[at] == origin:
        rank += doc.text[at] == LOST_MARK
        at -= 1
    return origin, rank


def _lost_report(doc: Tracked, info: _LostInfo) -> tuple[LostCharacter, ...]:
    report = []
    for found in re.finditer(LOST_MARK, doc.text):
        position = found.start()
        key = _lost_key(doc, position)
        original = key[0]
        mark, reading, lead = info.get(key, (LOST_MARK, "", ""))
        left, right = neighbours_take(doc.text, position)
        if reading:
            proposals = proposals_make(reading=reading, left=left, right=right)
        elif lead:
            proposals = proposals_by_lead(byte=int(lead, 16), left=left, right=right)
        else:
            proposals = ()
        report.append(
            LostCharacter(
                clean_position=position,
                original_position=original,
                mark=mark,
                reading=reading,
                context=doc.text[max(0, position - _CONTEXT) : position + _CONTEXT + 1],
                proposals=proposals,
                lead_byte=lead,
            )
        )
    return tuple(report)


def _suspect_reason(ch: str, cache: dict[str, str]) -> str:
    reason = cache.get(ch)
    if reason is None:
        reason = ""
        code = ord(ch)
        if is_han(ch):
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                reason = "rare-han"
        elif any(low <= code <= high for low, high in _FOREIGN_LETTER_BLOCKS):
            reason = "foreign-letter"
        cache[ch] = reason
    return reason


def _suspects_find(text: str) -> tuple[Suspect, ...]:
    """Characters outside GB 2312 or Greek and Cyrillic letters: likely decoding debris."""
    found: list[Suspect] = []
    cache: dict[str, str] = {}
    offset = 0
    for line in text.split("\n"):
        try:
            line.encode("gb2312")
        except UnicodeEncodeError:
            for index, ch in enumerate(line):
                reason = _suspect_reason(ch, cache)
                if reason:
                    found.append(Suspect(offset + index, ch, reason))
        offset += len(line) + 1
    return tuple(found)


def _counts(
    changes: tuple[Change, ...], lost: tuple[LostCharacter, ...], suspects: tuple[Suspect, ...]
) -> CleanCounts:
    by_kind = Counter(change.kind for change in changes)
    converted = sum(len(c.after) for c in changes if c.kind is ChangeKind.CONVERSION)
    return CleanCounts(
        annotations_removed=by_kind[ChangeKind.ANNOTATION],
        characters_converted=converted,
        furniture_lines_removed=by_kind[ChangeKind.FURNITURE],
        punctuation_normalised=by_kind[ChangeKind.PUNCTUATION],
        whitespace_normalised=by_kind[ChangeKind.WHITESPACE],
        lost_characters=len(lost),
        suspect_characters=len(suspects),
    )


def clean_data(*, result: CleanResult) -> dict[str, Any]:
    """The result as JSON-ready data: clean text, counts, lost, suspects and changes.

    Spans become ``{"start": …, "end": …}``; the original text is left out, as the caller
    has it.
    """
    return {
        "text": result.text,
        "counts": asdict(result.counts),
        "lost": [asdict(lost) for lost in result.lost],
        "suspects": [asdict(suspect) for suspect in result.suspects],
        "changes": [asdict(change) for change in result.changes],
    }
