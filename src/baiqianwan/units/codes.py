"""NBS 12-digit statistical division codes (统计用区划代码): levels, prefixes, kinds.

A code is five segments: province (2), city (2), county (2), town (3), village (3). Its
level is its last non-zero segment, and the digits up to there (its prefix) name all of its
ancestors, so a subtree is the set of codes that start with the prefix.
"""

from __future__ import annotations

import re

from baiqianwan.units.choices import Kind, Level

CODE_LENGTH = 12
# End index of each level's segment within the 12 digits.
SEGMENT_END = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
}
LEVEL_BY_NATIVE_LENGTH = {end: level for level, end in SEGMENT_END.items()}
LEVEL_ORDER = list(SEGMENT_END)
_DIGITS = re.compile(r"^\d+$")


class CodeError(ValueError):
    """A code is malformed; the message says how."""


def code12(raw: str) -> str:
    """Pad a native NBS code (2, 4, 6, 9 or 12 digits) to the 12-digit form."""
    code = raw.strip()
    if not _DIGITS.match(code):
        raise CodeError(f"code {raw!r} must contain digits only")
    if len(code) not in LEVEL_BY_NATIVE_LENGTH:
        raise CodeError(f"code {raw!r} has {len(code)} digits; expected 2, 4, 6, 9 or 12")
    return code.ljust(CODE_LENGTH, "0")


def level_of(code: str) -> Level:
    """The level of a 12-digit code: its last non-zero segment."""
    if len(code) != CODE_LENGTH or not _DIGITS.match(code):
        raise CodeError(f"code {code!r} is not a 12-digit code")
    if code[:2] == "00":
        raise CodeError(f"code {code!r} has no province")
    level = Level.PROVINCE
    start = 2
    for candidate in LEVEL_ORDER[1:]:
        end = SEGMENT_END[candidate]
        if code[start:end].strip("0"):
            level = candidate
        start = end
    return level


def gaps_of(code: str) -> list[Level]:
    """Levels above the code's own whose segment is all zeros (441200101000 skips the county).

    Only a town under a city with no county level (东莞, 中山) may skip one: its county."""
    level = level_of(code)
    gaps = []
    start = SEGMENT_END[Level.PROVINCE]
    for candidate in LEVEL_ORDER[1 : LEVEL_ORDER.index(level)]:
        end = SEGMENT_END[candidate]
        if not code[start:end].strip("0"):
            gaps.append(candidate)
        start = end
    return gaps


def prefix_of(code: str, level: Level | str | None = None) -> str:
    """The digits that every descendant's code starts with."""
    return code[: SEGMENT_END[Level(level) if level else level_of(code)]]


def parent_code_of(code: str) -> str | None:
    """The 12-digit code of the parent named by the prefix, or None for a province.

    The nominal parent may be a placeholder (东莞 441900 for towns directly under a city);
    the loader resolves that.
    """
    level = level_of(code)
    index = LEVEL_ORDER.index(level)
    if index == 0:
        return None
    parent_end = SEGMENT_END[LEVEL_ORDER[index - 1]]
    return code[:parent_end].ljust(CODE_LENGTH, "0")


def kind_of(code: str, name: str, level: Level | str) -> Kind:
    """The unit's kind by the NBS code-segment rules (towns, villages) or its name (counties).

    Town digits 7-9: 001-099 街道, 100-199 镇, 200-399 乡, 400-599 similar units.
    Village digits 10-12: 001-199 居委会, 200-399 村委会, 400-499 居委会-like, 500-599 村委会-like.
    """
    level = Level(level)
    if level == Level.PROVINCE:
        return Kind.PROVINCE
    if level == Level.CITY:
        return Kind.CITY
    if level == Level.COUNTY:
        if name.endswith("区"):
            return Kind.DISTRICT
        if name.endswith(("县", "旗")):
            return Kind.COUNTY
        if name.endswith("市"):
            return Kind.COUNTY_CITY
        return Kind.COUNTY_OTHER
    if level == Level.TOWN:
        segment = int(code[6:9])
        if segment < 100:
            return Kind.SUBDISTRICT
        if segment < 200:
            return Kind.TOWN
        if segment < 400:
            return Kind.TOWNSHIP
        return Kind.TOWN_LIKE
    segment = int(code[9:12])
    if segment < 200:
        return Kind.RESIDENTS_COMMITTEE
    if segment < 400:
        return Kind.VILLAGERS_COMMITTEE
    if segment < 500:
        return Kind.RESIDENTS_LIKE
    return Kind.VILLAGERS_LIKE


def is_placeholder_county(native_code: str) -> bool:
    """NBS lists 东莞 (441900) and 中山 (442000) as county rows because they have no county
    level: a 6-digit code whose county segment is 00. Padded, it is the city's own code, and
    the towns under it belong to the city itself."""
    code = native_code.strip()
    return len(code) == SEGMENT_END[Level.COUNTY] and code.endswith("00")
