"""Character classes shared by the cleaning rules."""

from __future__ import annotations

LOST_MARK = "□"  # the typesetter's mark for an illegible or missing character


def is_han(ch: str) -> bool:
    """Whether `ch` is a CJK unified ideograph (any extension) or a compatibility one.

    The empty string, which the rules pass for "no neighbour", is not.
    """
    code = ord(ch) if ch else 0
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x323AF
    )


# Punctuation that only appears in Chinese text; quotes “” and ‘’ count, as Chinese
# text uses them and English text mostly uses straight quotes.
_CJK_PUNCTUATION = frozenset("，。、；：？！（）《》〈〉【】「」『』“”‘’…—·～〔〕〖〗")


def is_cjk(ch: str) -> bool:
    """Whether `ch` marks its surroundings as Chinese text (Han, CJK punctuation, □)."""
    code = ord(ch) if ch else 0
    return (
        is_han(ch)
        or ch in _CJK_PUNCTUATION
        or ch == LOST_MARK
        or 0x3000 <= code <= 0x303F
        or 0xFF01 <= code <= 0xFF60
    )
