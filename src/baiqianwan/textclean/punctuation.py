"""Punctuation and white space, set the way a government document is typeset.

In Chinese text punctuation is full-width (GB/T 15834-2011); numbers and Latin letters are
half-width; there is no space between Chinese and a number or a Latin word, nor around
full-width punctuation. English text and numbers (``1,000``, ``3.5``, ``10:30``) keep
their ASCII punctuation, decided by the nearest non-space neighbours of each mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from baiqianwan.textclean._edits import Edit
from baiqianwan.textclean.chars import is_cjk, is_han
from baiqianwan.textclean.report import ChangeKind

_SIMPLE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_MARKS = re.compile(r'[,;:?!()"]|\.{3,}|(?<!…)…(?!…)|\.|--+|[０-９Ａ-Ｚａ-ｚ％]')
_FULL_WIDTH_ALNUM = str.maketrans(
    "０１２３４５６７８９％"
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B)),
    "0123456789%ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
_CLOSING = frozenset("”’）》」』】〕")
# The same test as `is_cjk`, run by the regex engine over a whole line at once.
_ANY_CJK = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
    "\u3000-\u303f\uff01-\uff60□，。、；：？！（）《》〈〉【】「」『』“”‘’…—·～〔〕〖〗]"
)

_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_BLANKS = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")
_EXTRA_LINES = re.compile(r"\n{3,}")
# Tables flattened to text with blanks between the columns. A gap is wide when it is two
# blanks or more, or an ideographic space; a line with two wide gaps or more, next to
# another such line (or a line with tabs), is a row whose wide gaps part its columns.
_INNER_GAP = re.compile(
    r"(?<=[^ \t\u00a0\u3000\u2000-\u200a\u202f\u205f])" + _BLANKS.pattern + r"(?=\S)"
)
_WIDE_GAP = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f]{2,}|\u3000")
# A header row of a task table parted by single blanks (序号 工作任务 牵头单位 …) and the
# numbered rows under it: their blanks are kept, since one between 1 and 新建 parts
# two cells, and a reader of the clean text should see the columns.
_TABLE_HEADER = re.compile(r"(?:序号|编号)(?:[ \u3000]+[\u4e00-\u9fff]{2,6}){2,}")
_TABLE_ROW = re.compile(r"\d{1,3}[.．、]?[ \t\u3000]")


def _left(line: str, at: int) -> str:
    index = at - 1
    while index >= 0 and _BLANKS.match(line[index]):
        index -= 1
    return line[index] if index >= 0 else ""


def _right(line: str, at: int) -> str:
    index = at
    while index < len(line) and _BLANKS.match(line[index]):
        index += 1
    return line[index] if index < len(line) else ""


def _chinese(ch: str) -> bool:
    return bool(ch) and is_cjk(ch)


def _bracket_pairs(line: str) -> dict[int, bool]:
    """Offset of each ASCII bracket -> whether its pair sits in Chinese text."""
    decided: dict[int, bool] = {}
    stack: list[int] = []
    for index, ch in enumerate(line):
        if ch == "(":
            stack.append(index)
        elif ch == ")" and stack:
            opening = stack.pop()
            inner = line[opening + 1 : index]
            chinese = (
                _chinese(_left(line, opening))
                or _chinese(_right(line, index + 1))
                or any(is_han(c) for c in inner)
            )
            decided[opening] = decided[index] = chinese
    return decided


def _line_marks(line: str, offset: int) -> list[Edit]:
    edits: list[Edit] = []
    if not _ANY_CJK.search(line):
        return edits
    brackets = _bracket_pairs(line) if "(" in line or ")" in line else {}
    quotes = line.count('"')
    quote_open = True
    for found in _MARKS.finditer(line):
        mark, at, end = found.group(), found.start(), found.end()
        left, right = _left(line, at), _right(line, end)
        near_chinese = _chinese(left) or _chinese(right)
        replacement, rule = "", ""
        if mark in _SIMPLE:
            numeric = left.isdigit() and right.isdigit()
            if near_chinese and not numeric:
                replacement, rule = _SIMPLE[mark], "full-width"
        elif mark in "()":
            paired = brackets.get(at)
            if paired or (paired is None and near_chinese):
                replacement, rule = ("（" if mark == "(" else "）"), "full-width-bracket"
        elif mark == '"':
            if quotes % 2 == 0:
                replacement, rule = ("“" if quote_open else "”"), "full-width-quote"
            quote_open = not quote_open
        elif mark == ".":
            if (is_han(left) or left in _CLOSING) and not right.isalnum():
                replacement, rule = "。", "full-width"
        elif mark[0] in ".…":
            if near_chinese:
                replacement, rule = "……", "ellipsis"
        elif mark[0] == "-":
            if _chinese(left) and _chinese(right):
                replacement, rule = "——", "dash"
        else:
            replacement, rule = mark.translate(_FULL_WIDTH_ALNUM), "half-width-alnum"
        if rule:
            edits.append(Edit(offset + at, offset + end, replacement, ChangeKind.PUNCTUATION, rule))
    return edits


def punctuation_edits(text: str) -> list[Edit]:
    """Full-width punctuation in Chinese text; half-width digits and Latin letters."""
    edits: list[Edit] = []
    offset = 0
    for line in text.split("\n"):
        edits.extend(_line_marks(line, offset))
        offset += len(line) + 1
    return edits


def _space_needed(left: str, right: str) -> bool:
    """Whether the single space between `left` and `right` belongs in the clean text."""
    if not left or not right:
        return False
    if is_han(left) and is_han(right):
        return True  # a spaced byline (纸 鸢) or the two halves of a plan's title
    return not (is_cjk(left) or is_cjk(right))


def newline_edits(text: str) -> list[Edit]:
    """Unix newlines and no zero-width characters, before any other rule looks at lines."""
    edits = [
        Edit(found.start(), found.end(), "\n", ChangeKind.WHITESPACE, "newline")
        for found in _NEWLINES.finditer(text)
    ]
    edits.extend(
        Edit(found.start(), found.end(), "", ChangeKind.WHITESPACE, "zero-width")
        for found in _ZERO_WIDTH.finditer(text)
    )
    return sorted(edits, key=lambda edit: edit.start)


def _table_lines(text: str) -> list[tuple[int, int, str]]:
    """The table lines of `text` as (start, end, kind), in order: ``columns`` for a line
    whose wide gaps part columns, ``blank-parted`` for a line of a task table parted by
    single blanks (its header and the numbered rows under it)."""
    found: list[tuple[int, int, str]] = []
    if "  " not in text and "\u3000" not in text and "序号" not in text and "编号" not in text:
        return found
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    # A row: two wide gaps or more, or tabs between its cells.
    rows = [
        "\t" in line.strip()
        or sum(1 for gap in _INNER_GAP.findall(line) if _WIDE_GAP.search(gap)) >= 2
        for line in lines
    ]
    in_table = False
    for index, line in enumerate(lines):
        start, end = starts[index], starts[index] + len(line)
        beside = (index > 0 and rows[index - 1]) or (index + 1 < len(rows) and rows[index + 1])
        stripped = line.strip(" \t\u3000")
        if rows[index] and beside and "\t" not in line.strip():
            found.append((start, end, "columns"))
            in_table = in_table and bool(_TABLE_ROW.match(stripped))
        elif _TABLE_HEADER.fullmatch(stripped):
            in_table = True
            found.append((start, end, "blank-parted"))
        elif in_table and _TABLE_ROW.match(stripped):
            found.append((start, end, "blank-parted"))
        else:
            in_table = False
    return found


def whitespace_edits(text: str) -> list[Edit]:
    """Single spaces only where they belong; no blanks at the ends of lines.

    A run of blanks with a tab in it becomes one tab, which parts the columns of a table
    row, wherever it stands; so does a wide gap (two blanks or more, an ideographic space)
    in a table flattened with blanks. In a task table parted by single blanks (a header
    row from 序号, numbered rows) every gap stays a space, even beside Chinese.

    Runs after the annotations are gone, so the space in ``行動(dòng) 加快`` is seen
    between two Han characters and kept.
    """
    edits: list[Edit] = []

    def add(start: int, end: int, replacement: str, rule: str) -> None:
        edits.append(Edit(start, end, replacement, ChangeKind.WHITESPACE, rule))

    tables = _table_lines(text)
    table_starts = [start for start, _end, _kind in tables]
    for found in _BLANKS.finditer(text):
        start, end = found.start(), found.end()
        left = text[start - 1] if start > 0 else "\n"
        right = text[end] if end < len(text) else "\n"
        line = ""
        if tables:
            index = bisect_right(table_starts, start) - 1
            if index >= 0 and start < tables[index][1]:
                line = tables[index][2]
        if left in "\r\n" or right in "\r\n":
            add(start, end, "", "line-edge")
        elif "\t" in found.group():
            # A tab parts the columns of a table row (Word, HTML and pasted tables alike).
            if found.group() != "\t":
                add(start, end, "\t", "tab")
        elif line == "columns" and _WIDE_GAP.search(found.group()):
            add(start, end, "\t", "column-gap")
        elif line == "blank-parted" or _space_needed(left, right):
            if found.group() != " ":
                add(start, end, " ", "single-space")
        else:
            add(start, end, "", "cjk-space")
    return edits


def lines_edits(text: str) -> list[Edit]:
    """Collapse blank-line runs to one and trim the text to end with exactly one newline."""
    edits: list[Edit] = []
    lead = len(text) - len(text.lstrip("\n"))
    if lead:
        edits.append(Edit(0, lead, "", ChangeKind.WHITESPACE, "text-edge"))
    body_end = len(text.rstrip("\n"))
    for found in _EXTRA_LINES.finditer(text, lead, body_end):
        edits.append(Edit(found.start(), found.end(), "\n\n", ChangeKind.WHITESPACE, "blank-lines"))
    if body_end > lead and text[body_end:] != "\n":
        edits.append(Edit(body_end, len(text), "\n", ChangeKind.WHITESPACE, "text-edge"))
    return edits
