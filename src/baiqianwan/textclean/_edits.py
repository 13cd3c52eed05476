"""Applying a stage's edits while remembering where each character came from.

Every stage sees the text the previous stage left and returns edits in that text's
offsets. `Tracked` keeps, for each current character, the offset of the original character
it descends from, so a change found at any stage can be located in the original text and,
once all stages have run, in the clean text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from baiqianwan.textclean.report import Change, ChangeKind, Span


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with `replacement`; made by the rule named `rule`."""

    start: int
    end: int
    replacement: str
    kind: ChangeKind
    rule: str


@dataclass(frozen=True, slots=True)
class _Pending:
    kind: ChangeKind
    rule: str
    original: Span
    before: str
    after: str


@dataclass(slots=True)
class Tracked:
    """A text being cleaned, with its origin map and the changes made so far."""

    text: str
    origin: list[int] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.origin:
            self.origin = list(range(len(self.text) + 1))

    def original_span(self, start: int, end: int) -> Span:
        """Locate ``[start, end)`` of the current text in the original text."""
        if end > start:
            return Span(self.origin[start], self.origin[end - 1] + 1)
        return Span(self.origin[start], self.origin[start])

    def apply(self, edits: list[Edit]) -> None:
        """Apply non-overlapping `edits`, sorted by start, and record them as changes.

        Inserted characters inherit the origin of the start of what they replace, which
        keeps the origin map non-decreasing (the clean spans rely on it).
        """
        if not edits:
            return
        text, origin = self.text, self.origin
        parts: list[str] = []
        new_origin: list[int] = []
        cursor = 0
        for edit in edits:
            parts.append(text[cursor : edit.start])
            new_origin.extend(origin[cursor : edit.start])
            parts.append(edit.replacement)
            new_origin.extend([origin[edit.start]] * len(edit.replacement))
            self.pending.append(
                _Pending(
                    edit.kind,
                    edit.rule,
                    self.original_span(edit.start, edit.end),
                    text[edit.start : edit.end],
                    edit.replacement,
                )
            )
            cursor = edit.end
        parts.append(text[cursor:])
        new_origin.extend(origin[cursor:])
        self.text = "".join(parts)
        self.origin = new_origin

    def clean_position(self, original: int) -> int:
        """The offset in the current text of the first character at or after `original`."""
        return bisect_left(self.origin, original, hi=len(self.origin) - 1)

    def changes(self) -> tuple[Change, ...]:
        """Every recorded change, located in the original and the current text."""
        ordered = sorted(self.pending, key=lambda p: (p.original.start, p.original.end))
        return tuple(
            Change(
                kind=p.kind,
                rule=p.rule,
                original=p.original,
                clean=Span(
                    self.clean_position(p.original.start),
                    max(
                        self.clean_position(p.original.start),
                        self.clean_position(p.original.end),
                    ),
                ),
                before=p.before,
                after=p.after,
            )
            for p in ordered
        )
