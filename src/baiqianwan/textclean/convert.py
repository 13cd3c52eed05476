"""Traditional to simplified characters with OpenCC's ``t2s`` configuration."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from functools import lru_cache

import opencc

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.report import ChangeKind


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in simplified characters (OpenCC ``t2s``, phrase-aware)."""
    return str(_converter().convert(text))


def _runs(before: str, after: str, offset: int, origin: Sequence[int]) -> list[Edit]:
    """Edits for the runs of differing characters of two equally long strings.

    A run is contiguous in the original text as well (`origin` maps each offset of the
    text to it): a removed annotation between two converted characters (據(jù)發) splits
    them, so a change's original span holds only converted characters.
    """
    differing = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    edits: list[Edit] = []
    if not differing:
        return edits
    run_start = previous = differing[0]
    for index in differing[1:]:
        if index != previous + 1 or origin[offset + index] != origin[offset + previous] + 1:
            edits.append(_edit(after, run_start, previous + 1, offset))
            run_start = index
        previous = index
    edits.append(_edit(after, run_start, previous + 1, offset))
    return edits


def _edit(after: str, start: int, end: int, offset: int) -> Edit:
    return Edit(offset + start, offset + end, after[start:end], ChangeKind.CONVERSION, "t2s")


def conversion_edits(text: str, origin: Sequence[int] | None = None) -> list[Edit]:
    """Edits that turn `text` into simplified characters, one per run of changed ones.

    `origin` maps each offset of `text` to the original text (`Tracked.origin`); runs
    are split where it skips, so no change spans characters removed before.
    """
    origin = range(len(text) + 1) if origin is None else origin
    converted = simplified(text)
    if converted == text:
        return []
    if len(converted) == len(text):
        return _runs(text, converted, 0, origin)
    # A phrase conversion changed the length somewhere: align line by line instead.
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        new = simplified(line)
        if len(new) == len(line):
            edits.extend(_runs(line, new, offset, origin))
        else:
            matcher = difflib.SequenceMatcher(None, line, new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "replace" and i2 - i1 == j2 - j1:
                    edits.extend(_runs(line[i1:i2], new[j1:j2], offset + i1, origin))
                elif tag != "equal":
                    edits.append(
                        Edit(offset + i1, offset + i2, new[j1:j2], ChangeKind.CONVERSION, "t2s")
                    )
        offset += len(line) + 1
    return edits
