"""Traditional to simplified characters with OpenCC's ``t2s`` configuration."""

from __future__ import annotations

import difflib
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


def _runs(before: str, after: str, offset: int) -> list[Edit]:
    """Edits for the runs of differing characters of two equally long strings."""
    differing = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    edits: list[Edit] = []
    if not differing:
        return edits
    run_start = previous = differing[0]
    for index in differing[1:]:
        if index != previous + 1:
            edits.append(_edit(after, run_start, previous + 1, offset))
            run_start = index
        previous = index
    edits.append(_edit(after, run_start, previous + 1, offset))
    return edits


def _edit(after: str, start: int, end: int, offset: int) -> Edit:
    return Edit(offset + start, offset + end, after[start:end], ChangeKind.CONVERSION, "t2s")


def conversion_edits(text: str) -> list[Edit]:
    """Edits that turn `text` into simplified characters, one per run of changed ones."""
    converted = simplified(text)
    if converted == text:
        return []
    if len(converted) == len(text):
        return _runs(text, converted, 0)
    # A phrase conversion changed the length somewhere: align line by line instead.
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        new = simplified(line)
        if len(new) == len(line):
            edits.extend(_runs(line, new, offset))
        else:
            matcher = difflib.SequenceMatcher(None, line, new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    edits.append(
                        Edit(offset + i1, offset + i2, new[j1:j2], ChangeKind.CONVERSION, "t2s")
                    )
        offset += len(line) + 1
    return edits
