"""Applying a stage's edits while remembering where each character came from.

Every stage sees the text the previous stage left and returns edits in that text's
offsets. `Tracked` keeps, for each current character, the offset of the original character
it descends from, so a change found at any stage can be located in the original text and,
once all stages have run, in the clean text.

A megabyte of damaged text makes a hundred thousand edits, so edits are tuples, and each
stage's edits are located in the original text as arrays, in one step per stage.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

import numpy as np

from baiqianwan.textclean.report import Change, ChangeKind, changes_make


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with `replacement`; made by the rule named `rule`."""

    start: int
    end: int
    replacement: str
    kind: ChangeKind
    rule: str


class _Applied(NamedTuple):
    """One stage's edits, located in the original text (``[first, last)`` each)."""

    firsts: np.ndarray
    lasts: np.ndarray
    kinds: tuple[ChangeKind, ...]
    rules: tuple[str, ...]
    befores: list[str]
    afters: tuple[str, ...]


class Tracked:
    """A text being cleaned, with its origin map and the changes made so far."""

    __slots__ = ("_applied", "_origin", "_origin_list", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._origin = np.arange(len(text) + 1, dtype=np.int64)
        self._origin_list: list[int] | None = None
        self._applied: list[_Applied] = []

    @property
    def origin(self) -> list[int]:
        """For each offset of the current text and its end, the original offset it comes from."""
        if self._origin_list is None:
            self._origin_list = self._origin.tolist()
        return self._origin_list

    def apply(self, edits: list[Edit]) -> None:
        """Apply non-overlapping `edits`, sorted by start, and record them as changes.

        Inserted characters inherit the origin of the start of what they replace, which
        keeps the origin map non-decreasing (the clean spans rely on it). When no edit
        changes a length, as in character conversion, the map stays as it is.
        """
        if not edits:
            return
        text, origin = self.text, self._origin
        count = len(edits)
        starts_, ends_, replacements, kinds, rules = zip(*edits, strict=True)
        starts = np.fromiter(starts_, dtype=np.int64, count=count)
        ends = np.fromiter(ends_, dtype=np.int64, count=count)
        # An edit's original span runs from its first character's origin to just after its
        # last one's; an insertion's is empty, at the origin of the character it precedes.
        firsts = origin[starts]
        lasts = np.where(ends > starts, origin[np.maximum(ends - 1, starts)] + 1, firsts)
        befores = [text[start:end] for start, end in zip(starts_, ends_, strict=True)]
        self._applied.append(_Applied(firsts, lasts, kinds, rules, befores, replacements))
        parts: list[str] = [""] * (2 * count + 1)
        parts[0::2] = [
            text[start:end] for start, end in zip((0, *ends_), (*starts_, len(text)), strict=True)
        ]
        parts[1::2] = replacements
        self.text = "".join(parts)
        sizes = np.fromiter(map(len, replacements), dtype=np.int64, count=count)
        if np.array_equal(sizes, ends - starts):
            return
        # Each character keeps its origin once, a replaced run's first character repeats its
        # origin len(replacement) times (an insertion's position once more), the rest of a
        # replaced run is dropped: one np.repeat instead of a Python loop.
        marks = np.zeros(len(origin) + 1, dtype=np.int64)
        np.add.at(marks, starts, 1)
        np.add.at(marks, ends, -1)
        repeats = np.where(np.cumsum(marks[:-1]) > 0, 0, 1)
        np.add.at(repeats, starts, sizes)
        self._origin = np.repeat(origin, repeats)
        self._origin_list = None

    def clean_position(self, original: int) -> int:
        """The offset in the current text of the first character at or after `original`."""
        return bisect_left(self.origin, original, hi=len(self.origin) - 1)

    def changes(self) -> tuple[Change, ...]:
        """Every recorded change, located in the original and the current text.

        In original order; changes at the same span keep the order they were made in.
        """
        if not self._applied:
            return ()
        firsts = np.concatenate([applied.firsts for applied in self._applied])
        lasts = np.concatenate([applied.lasts for applied in self._applied])
        order = np.lexsort((lasts, firsts))  # stable: ties keep the order of the stages
        # The origin map never decreases, so one sorted search places them all.
        origin = self._origin[:-1]
        cleans = np.searchsorted(origin, firsts[order], side="left").tolist()
        ends = np.searchsorted(origin, lasts[order], side="left").tolist()
        picked = order.tolist()
        kinds = [kind for applied in self._applied for kind in applied.kinds]
        rules = [rule for applied in self._applied for rule in applied.rules]
        befores = [before for applied in self._applied for before in applied.befores]
        afters = [after for applied in self._applied for after in applied.afters]
        return changes_make(
            kinds=[kinds[i] for i in picked],
            rules=[rules[i] for i in picked],
            originals=zip(firsts[order].tolist(), lasts[order].tolist(), strict=True),
            cleans=zip(cleans, ends, strict=True),
            befores=[befores[i] for i in picked],
            afters=[afters[i] for i in picked],
        )
