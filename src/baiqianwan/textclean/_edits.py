"""Applying a stage's edits while remembering where each character came from.

Every stage sees the text the previous stage left and returns edits in that text's
offsets. `Tracked` keeps, for each current character, the offset of the original character
it descends from, so a change found at any stage can be located in the original text and,
once all stages have run, in the clean text.

Edits and pending changes are tuples, not dataclasses: a megabyte of damaged text makes
a hundred thousand of them, and their construction cost is most of the cleaning time.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from baiqianwan.textclean.report import Change, ChangeKind, Span


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with `replacement`; made by the rule named `rule`."""

    start: int
    end: int
    replacement: str
    kind: ChangeKind
    rule: str


# (original start, original end, kind, rule, before, after)
_Pending = tuple[int, int, ChangeKind, str, str, str]


@dataclass(slots=True)
class Tracked:
    """A text being cleaned, with its origin map and the changes made so far."""

    text: str
    origin: list[int] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.origin:
            self.origin = list(range(len(self.text) + 1))

    def apply(self, edits: list[Edit]) -> None:
        """Apply non-overlapping `edits`, sorted by start, and record them as changes.

        Inserted characters inherit the origin of the start of what they replace, which
        keeps the origin map non-decreasing (the clean spans rely on it). When no edit
        changes a length, as in character conversion, the map stays as it is.
        """
        if not edits:
            return
        text, origin, pending = self.text, self.origin, self.pending
        parts: list[str] = []
        cursor = 0
        same_length = True
        for start, end, replacement, kind, rule in edits:
            parts.append(text[cursor:start])
            parts.append(replacement)
            first = origin[start]
            last = origin[end - 1] + 1 if end > start else first
            pending.append((first, last, kind, rule, text[start:end], replacement))
            same_length = same_length and len(replacement) == end - start
            cursor = end
        parts.append(text[cursor:])
        self.text = "".join(parts)
        if same_length:
            return
        # Each character keeps its origin once, a replaced run's first character repeats its
        # origin len(replacement) times (an insertion's position once more), the rest of a
        # replaced run is dropped: one np.repeat instead of a Python loop.
        starts = np.fromiter((edit[0] for edit in edits), dtype=np.int64, count=len(edits))
        ends = np.fromiter((edit[1] for edit in edits), dtype=np.int64, count=len(edits))
        sizes = np.fromiter((len(edit[2]) for edit in edits), dtype=np.int64, count=len(edits))
        marks = np.zeros(len(origin) + 1, dtype=np.int64)
        np.add.at(marks, starts, 1)
        np.add.at(marks, ends, -1)
        counts = np.where(np.cumsum(marks[:-1]) > 0, 0, 1)
        np.add.at(counts, starts, sizes)
        self.origin = np.repeat(np.asarray(origin, dtype=np.int64), counts).tolist()

    def clean_position(self, original: int) -> int:
        """The offset in the current text of the first character at or after `original`."""
        return bisect_left(self.origin, original, hi=len(self.origin) - 1)

    def changes(self) -> tuple[Change, ...]:
        """Every recorded change, located in the original and the current text."""
        top = len(self.origin) - 1
        pending = sorted(self.pending)
        if not pending:
            return ()
        # Changes come in original order and the origin map never decreases, so one sorted
        # search places them all.
        origin = np.asarray(self.origin[:top], dtype=np.int64)
        firsts = np.fromiter((p[0] for p in pending), dtype=np.int64, count=len(pending))
        lasts = np.fromiter((p[1] for p in pending), dtype=np.int64, count=len(pending))
        cleans = np.searchsorted(origin, firsts, side="left").tolist()
        ends = np.searchsorted(origin, lasts, side="left").tolist()
        return tuple(
            Change(kind, rule, Span(first, last), Span(clean, end), before, after)
            for (first, last, kind, rule, before, after), clean, end in zip(
                pending, cleans, ends, strict=True
            )
        )
