"""Matching the names a plan writes for its lead and partner units (牵头单位, 配合单位) to units
of the register and to departments.

A plan writes 市农业农村局, 农业农村局, 怀集县人民政府, 怀集县, 怀城街道, 各县（市、区）. A
`NameMatcher` is built once per plan from two queries (the current units of the issuer's city
and the active departments there) and answers each name by dictionary look-ups, so a ledger of
2,000 rows × 3 names matches in milliseconds.

How a name is read
------------------
- It is normalised first (`name_key`): full-width characters folded (（）→ ()), spaces, quotes
  and trailing punctuation dropped.
- **Units**: a unit's name, with 人民政府 / 政府 after it (街道 also with 办事处 / 办); a
  county-level unit also by its other suffix (四会县 or 四会 for 四会市, 高要市 for 高要区); the
  city also as 市政府 / 市人民政府. When several units share a name, the higher level wins
  (a county over a town over a village), then the one inside the issuer's own area; a tie
  beyond that is ambiguous and left for the reviewer.
- **Departments**: the name and each alias, with or without the leading 市 (农业农村局 for
  市农业农村局) and with the unit's full name in front (肇庆市农业农村局). When two units'
  departments share a name, the issuer's own wins, then its nearest ancestor's.
- **Collective names**: 各县（市、区） (with or without 人民政府 / 政府 / 党委和政府) stands for
  every current county-level unit under the issuer; 各镇（街道） for every current town-level
  unit under it. Decision: such a name is *expanded* into one party per unit, each keeping the
  name as written, so every county is a matched party of the task (an assignment needs a
  unit), and writing the parties back (`names_join`) gives the name once, as written.
- Anything else (有关部门, a unit of another city, a misspelling) is unmatched: the reviewer
  chooses a unit or department for it on the parties page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from baiqianwan.plans.models import Department
from baiqianwan.units.choices import Level
from baiqianwan.units.codes import prefix_of
from baiqianwan.units.models import Unit

# Level order for ties: a name shared by a county and a village names the county.
_LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3, Level.VILLAGE: 4}
# Longest first: 党委和政府 before 政府.
_GOVERNMENT_SUFFIXES = ("党委和政府", "党委、政府", "人民政府", "党委政府", "政府", "党委")
_COUNTY_SUFFIXES = ("县", "市", "区")
_DROPPED = re.compile(r"[\s“”\"'‘’「」『』《》〈〉]+")
_TRAILING = "。，,；;：:、.!！"
# The collective names, as `name_key` leaves them once a government suffix is cut.
_ALL_COUNTIES = frozenset(
    {
        "各县(市、区)",
        "各县(区、市)",
        "各县(市)区",
        "各县(市区)",
        "各县市区",
        "各县区",
        "各区县",
        "各县(市、区)委",
    }
)
_ALL_TOWNS = frozenset({"各镇(街道)", "各乡镇(街道)", "各镇街", "各镇(街)", "各乡镇", "各镇"})


def name_key(text: str) -> str:
    """A written name folded for look-up: NFKC (full-width brackets and letters to their
    ASCII forms), no white space or quotes, no trailing punctuation."""
    folded = unicodedata.normalize("NFKC", text)
    return _DROPPED.sub("", folded).rstrip(_TRAILING)


def _without_government(key: str) -> str:
    for suffix in _GOVERNMENT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What one written name was matched to.

    `unit_ids` holds one unit, or several for a collective name (`collective`); `ambiguous`
    says the name fits several units or departments equally and none was chosen.
    """

    name: str
    unit_ids: tuple[int, ...] = ()
    department_id: int | None = None
    collective: bool = False
    ambiguous: bool = False

    @property
    def matched(self) -> bool:
        return bool(self.unit_ids) or self.department_id is not None


@dataclass(frozen=True, slots=True)
class _Entry:
    rank: tuple[int, ...]
    pk: int


def _best(entries: Sequence[_Entry]) -> tuple[int | None, bool]:
    """The pk of the best-ranked entry, and whether a tie made the name ambiguous."""
    if not entries:
        return None, False
    top = min(entry.rank for entry in entries)
    best = sorted({entry.pk for entry in entries if entry.rank == top})
    if len(best) > 1:
        return None, True
    return best[0], False


def city_prefix(issuer: Unit) -> str:
    """The code prefix of the city the issuer lies in (the province's for a province)."""
    if issuer.level == Level.PROVINCE:
        return str(issuer.prefix)
    return str(issuer.code)[:4]


class NameMatcher:
    """Matches written names to the units and departments of the issuer's city.

    Build it with `matcher_for` (two queries); `match` then reads no database.
    """

    def __init__(
        self,
        *,
        issuer: Unit,
        units: Iterable[tuple[int, str, str, str]],
        departments: Iterable[tuple[int, str, list[str], str, str, str]],
    ) -> None:
        """`units`: (pk, code, name, level) rows; `departments`: (pk, name, aliases, unit
        code, unit name, unit level) rows."""
        self.issuer = issuer
        self._issuer_prefix = str(issuer.prefix)
        self._units: dict[str, list[_Entry]] = defaultdict(list)
        self._departments: dict[str, list[_Entry]] = defaultdict(list)
        self._counties: list[int] = []
        self._towns: list[int] = []
        self._memo: dict[str, NameMatch] = {}
        for pk, code, name, level in units:
            self._unit_add(pk, code, name, Level(level))
        for pk, name, aliases, unit_code, unit_name, unit_level in departments:
            owner = prefix_of(unit_code, unit_level)
            self._department_add(pk, [name, *aliases], unit_code, owner, unit_name)

    def _unit_add(self, pk: int, code: str, name: str, level: Level) -> None:
        inside = code.startswith(self._issuer_prefix)
        rank = (_LEVEL_RANK[level], 0 if inside else 1)
        key = name_key(name)
        keys = {key}
        if level == Level.COUNTY and key.endswith(_COUNTY_SUFFIXES) and len(key) > 2:
            stem = key[:-1]
            keys |= {stem, *(stem + suffix for suffix in _COUNTY_SUFFIXES)}
        if level == Level.CITY:
            keys |= {"市", "市委市政府", "市委、市政府"}
        if key.endswith("街道"):
            keys |= {key + "办事处", key + "办"}
        for each in list(keys):
            self._units[each].append(_Entry(rank, pk))
        if inside and code != self.issuer.code:
            if level == Level.COUNTY:
                self._counties.append(pk)
            elif level == Level.TOWN:
                self._towns.append(pk)

    def _department_add(
        self, pk: int, names: list[str], unit_code: str, owner: str, unit_name: str
    ) -> None:
        issuer_code = str(self.issuer.code)
        if unit_code == issuer_code:
            rank: tuple[int, ...] = (0,)
        elif issuer_code.startswith(owner):
            rank = (1, -len(owner))  # the nearest ancestor first
        else:
            rank = (2,)
        keys: set[str] = set()
        full = name_key(unit_name)
        for written in names:
            key = name_key(written)
            if not key:
                continue
            keys.add(key)
            if key.startswith(full):  # 肇庆市农业农村局 → 市农业农村局, 农业农村局
                key = key[len(full) - 1 :] if full.endswith("市") else key[len(full) :]
                keys.add(key)
            if key.startswith("市") and len(key) > 2:
                keys.add(key[1:])
                keys.add(full + key[1:])
        for key in keys:
            self._departments[key].append(_Entry(rank, pk))

    def match(self, name: str) -> NameMatch:
        """The unit(s) or department a written name stands for, or an unmatched result."""
        found = self._memo.get(name)
        if found is None:
            found = self._match(name)
            self._memo[name] = found
        return found

    def _match(self, name: str) -> NameMatch:
        key = name_key(name)
        bare = _without_government(key)
        if bare in _ALL_COUNTIES:
            return NameMatch(name, tuple(self._counties), collective=True)
        if bare in _ALL_TOWNS:
            return NameMatch(name, tuple(self._towns), collective=True)
        ambiguous = False
        for table, candidate in (
            (self._units, key),
            (self._units, bare),
            (self._departments, key),
            (self._departments, bare),
        ):
            pk, tie = _best(table.get(candidate, ()))
            ambiguous = ambiguous or tie
            if pk is not None:
                if table is self._units:
                    return NameMatch(name, (pk,))
                return NameMatch(name, department_id=pk)
        return NameMatch(name, ambiguous=ambiguous)


def matcher_for(*, issuer: Unit) -> NameMatcher:
    """A matcher for the plans of `issuer`: the current units and active departments of its
    city, read in two queries."""
    prefix = city_prefix(issuer)
    units = Unit.objects.current().within(prefix).values_list("pk", "code", "name", "level")
    departments = (
        Department.objects.filter(is_active=True, unit__code__startswith=prefix)
        .values_list("pk", "name", "aliases", "unit__code", "unit__name", "unit__level")
        .order_by("pk")
    )
    return NameMatcher(issuer=issuer, units=list(units), departments=list(departments))


def names_join(names: Iterable[str]) -> tuple[str, ...]:
    """The distinct written names in their order: a collective name expanded into several
    parties is written back once."""
    return tuple(dict.fromkeys(names))


__all__ = ["NameMatch", "NameMatcher", "city_prefix", "matcher_for", "name_key"]
