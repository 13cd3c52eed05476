"""Reads from the unit register, always within the reader's scope (the home unit's subtree)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import in_scope, refuse_out_of_scope, scope_prefix
from baiqianwan.core.problems import InputError
from baiqianwan.units.choices import Level
from baiqianwan.units.codes import CODE_LENGTH, LEVEL_ORDER, SEGMENT_END
from baiqianwan.units.models import Unit, UnitLineage, UnitQuerySet


def units_visible(*, user: Any, include_retired: bool = False) -> UnitQuerySet:
    qs = Unit.objects.within(scope_prefix(user, "units.read"))
    return qs if include_retired else qs.current()


def unit_get(*, user: Any, code: str, include_retired: bool = True) -> Unit:
    """The current version of `code` (or its latest closed one), or 404 if out of scope
    (`OutOfScope` when the code exists elsewhere)."""
    unit = (
        units_visible(user=user, include_retired=include_retired)
        .filter(code=code)
        .select_related("parent")
        .order_by(F("valid_to").asc(nulls_first=True), "-valid_from")
        .first()
    )
    if unit is None:
        refuse_out_of_scope(
            user, "units.read", code, _("No unit %(code)s in your area.") % {"code": code}
        )
    return unit


def search_text(q: str) -> str:
    """A search query as the register spells: NFKC-folded (full-width to half-width), with
    every kind of space removed."""
    return "".join(unicodedata.normalize("NFKC", q).split())


def units_search(
    *, user: Any, q: str = "", parent: str = "", level: str = "", include_retired: bool = False
) -> UnitQuerySet:
    """Filter by parent code, level and a partial name or code ("怀集", "441224").

    The query is read as typed on any keyboard: full-width digits and letters become
    half-width (NFKC: ４４１２２４ is 441224) and spaces go (no unit name has one). Each unit
    carries the names of its county and town (`UnitQuerySet.with_places`).
    """
    qs = units_visible(user=user, include_retired=include_retired)
    if parent:
        parent_unit = unit_get(user=user, code=parent)
        qs = qs.filter(parent=parent_unit)
    if level:
        if level not in Level.values:
            raise InputError(
                _("There is no level “%(level)s”: choose one of %(allowed)s")
                % {
                    "level": level,
                    "allowed": ", ".join(f"{lv.value} ({lv.label})" for lv in Level),
                },
                field="level",
            )
        qs = qs.filter(level=level)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    # A code may have several versions (with retired ones); id makes paging deterministic.
    return qs.select_related("parent").with_places().order_by("code", "-valid_from", "id")


def unit_children(*, user: Any, unit: Unit) -> UnitQuerySet:
    return units_visible(user=user).filter(parent=unit).order_by("code")


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    count: int


def unit_descendant_counts(*, unit: Unit) -> list[LevelCount]:
    """How many current units of each level lie under `unit`."""
    below = LEVEL_ORDER[LEVEL_ORDER.index(Level(unit.level)) + 1 :]
    rows = (
        Unit.objects.current()
        .within(unit.prefix)
        .filter(level__in=below)
        .values("level")
        .annotate(n=Count("id"))
    )
    counts = {row["level"]: row["n"] for row in rows}
    return [
        LevelCount(level=lv.value, label=str(lv.label), count=counts.get(lv.value, 0))
        for lv in below
    ]


def unit_children_with_counts(*, user: Any, unit: Unit) -> list[tuple[Unit, int]]:
    """Children with the number of their own current children, for the tree browser."""
    children = unit_children(user=user, unit=unit).annotate(
        n_children=Count("children", filter=Q(children__valid_to__isnull=True))
    )
    return [(child, child.n_children) for child in children]


@dataclass(frozen=True)
class LineageEntry:
    """One lineage link as the reader may see it: the other unit is named only when it lies
    in the reader's area."""

    link: UnitLineage
    other: Unit | None


def unit_lineage(*, user: Any, unit: Unit) -> dict[str, list[LineageEntry]]:
    versions = Unit.objects.filter(code=unit.code).values_list("pk", flat=True)

    def entry(link: UnitLineage, other: Unit) -> LineageEntry:
        return LineageEntry(link=link, other=other if in_scope(user, other) else None)

    return {
        "predecessors": [
            entry(link, link.predecessor)
            for link in UnitLineage.objects.filter(successor__in=versions).select_related(
                "predecessor"
            )
        ],
        "successors": [
            entry(link, link.successor)
            for link in UnitLineage.objects.filter(predecessor__in=versions).select_related(
                "successor"
            )
        ],
    }


def unit_versions(*, unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(code=unit.code).order_by("valid_from"))


def unit_ancestors_visible(*, user: Any, unit: Unit) -> list[tuple[Unit, bool]]:
    """The parent chain, each with whether the user may open it (above the home unit: no)."""
    return [(a, in_scope(user, a)) for a in unit.ancestors()]


def unit_children_village_counts(*, user: Any, unit: Unit) -> dict[str, int]:
    """Current villages under each child, keyed by the child's 12-digit code (for the map).

    One query: villages grouped by the prefix that names the child they lie under.
    """
    below = LEVEL_ORDER[LEVEL_ORDER.index(Level(unit.level)) + 1]
    width = SEGMENT_END[below]
    rows = (
        units_visible(user=user)
        .within(unit.prefix)
        .filter(level=Level.VILLAGE)
        .annotate(child=Substr("code", 1, width))
        .values("child")
        .annotate(n=Count("id"))
    )
    return {row["child"].ljust(CODE_LENGTH, "0"): row["n"] for row in rows}
