"""The frozen records a cleaning run returns: spans, changes, lost characters and counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets in a text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        """Return the part of `text` this span covers."""
        return text[self.start : self.end]


class ChangeKind(StrEnum):
    """What a cleaning rule did; one value per stage of the pipeline."""

    ANNOTATION = "annotation"
    LOST = "lost"
    CONVERSION = "conversion"
    FURNITURE = "furniture"
    PUNCTUATION = "punctuation"
    WHITESPACE = "whitespace"


@dataclass(frozen=True, slots=True)
class Change:
    """One edit, located in both texts so a page can highlight it on either side.

    Attributes
    ----------
    kind : ChangeKind
        The stage that made the edit.
    rule : str
        The named rule within the stage, e.g. ``"comment-counter"`` or ``"ascii-comma"``.
    original : Span
        Where the edit sits in the text that was given to `clean_text`.
    clean : Span
        Where its result sits in the clean text (empty for a deletion).
    before, after : str
        The text the rule replaced and what it put there, as the stage saw them.
    """

    kind: ChangeKind
    rule: str
    original: Span
    clean: Span
    before: str
    after: str


def changes_make(
    *,
    kinds: Iterable[ChangeKind],
    rules: Iterable[str],
    originals: Iterable[tuple[int, int]],
    cleans: Iterable[tuple[int, int]],
    befores: Iterable[str],
    afters: Iterable[str],
) -> tuple[Change, ...]:
    """Changes made from parallel columns, equal to ``Change(kind, rule, Span(*original), …)``.

    A megabyte of damaged text makes a hundred thousand changes. A frozen dataclass's own
    ``__init__`` sets each field through ``object.__setattr__``, which made building them a
    quarter of the cleaning time; this sets the slots through their descriptors instead.
    """
    new = object.__new__
    span_start, span_end = (vars(Span)[name].__set__ for name in ("start", "end"))
    set_kind, set_rule, set_original, set_clean, set_before, set_after = (
        vars(Change)[name].__set__
        for name in ("kind", "rule", "original", "clean", "before", "after")
    )
    made: list[Change] = []
    for kind, rule, (first, last), (start, end), before, after in zip(
        kinds, rules, originals, cleans, befores, afters, strict=True
    ):
        original = new(Span)
        span_start(original, first)
        span_end(original, last)
        clean = new(Span)
        span_start(clean, start)
        span_end(clean, end)
        change = new(Change)
        set_kind(change, kind)
        set_rule(change, rule)
        set_original(change, original)
        set_clean(change, clean)
        set_before(change, before)
        set_after(change, after)
        made.append(change)
    return tuple(made)


class ProposalBasis(StrEnum):
    """Why a character was proposed for a lost one."""

    WORD = "word"  # the reading matches and the character makes a dictionary word here
    LEAD_BYTE = "lead-byte"  # its GBK lead byte survived and it makes a dictionary word here


@dataclass(frozen=True, slots=True)
class Proposal:
    """A character a person may put in place of a lost one. Never applied automatically."""

    char: str
    basis: ProposalBasis
    word: str = ""


@dataclass(frozen=True, slots=True)
class LostCharacter:
    """A character lost as ``?`` in the source, kept as ``□`` in the clean text.

    Attributes
    ----------
    clean_position, original_position : int
        Offset of the ``□`` in the clean text and of the mark in the original.
    mark : str
        What stood for the character in the original: ``?``, ``？`` or ``□``.
    reading : str
        The pinyin that survived next to it (tone marks), or ``""``.
    context : str
        Up to eight characters of clean text either side.
    proposals : tuple of Proposal
        Candidate characters for a person to choose from; empty without a reading or a
        surviving byte, or when no character with them makes a dictionary word here.
    lead_byte : str
        The first GBK byte of the character, as two hex digits (``"C4"``), when a byte
        slip left it over (see `baiqianwan.textclean.slip`); else ``""``.
    """

    clean_position: int
    original_position: int
    mark: str
    reading: str
    context: str
    proposals: tuple[Proposal, ...] = ()
    lead_byte: str = ""


@dataclass(frozen=True, slots=True)
class Suspect:
    """A character in the clean text that looks like decoding debris (rare or foreign)."""

    clean_position: int
    char: str
    reason: str


@dataclass(frozen=True, slots=True)
class CleanCounts:
    """How many edits of each kind a cleaning run made."""

    annotations_removed: int
    characters_converted: int
    furniture_lines_removed: int
    punctuation_normalised: int
    whitespace_normalised: int
    lost_characters: int
    suspect_characters: int


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The outcome of `clean_text`: both texts, every change, and what needs a person."""

    original: str
    text: str
    changes: tuple[Change, ...]
    lost: tuple[LostCharacter, ...]
    suspects: tuple[Suspect, ...]
    counts: CleanCounts

    @property
    def changed(self) -> bool:
        """Whether cleaning altered the text at all."""
        return self.text != self.original
