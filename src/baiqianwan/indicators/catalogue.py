"""Reading the indicator system for its pages: indicators grouped by the dimension tree,
formulas written with indicator names, a data set's indicators by dimension and its windows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.formula import CODE
from baiqianwan.indicators.models import CollectionWindow, DataSet, Dimension, Indicator
from baiqianwan.indicators.selectors import dataset_get, dataset_indicators, datasets_visible
from baiqianwan.units.choices import Level

REPORTING_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE)
MAX_TEXT = 100


@dataclass
class Group:
    """A dimension with its indicators; `depth` 0 for a top dimension."""

    dimension: Dimension | None
    depth: int
    indicators: list[Indicator] = field(default_factory=list)


def indicators_filtered(
    *, user: Any, level: str = "", dataset: str = "", text: str = "", inactive: bool = False
) -> QuerySet[Indicator]:
    """The indicators a filter keeps: reported at `level`, in the data set `dataset` (a code
    in the user's area), whose code, name or source contains `text`."""
    require(user, "indicators.read")
    indicators = Indicator.objects.select_related("dimension", "weight_indicator", "system")
    if not inactive:
        indicators = indicators.filter(is_active=True)
    if level:
        if level not in REPORTING_LEVELS:
            raise InputError(
                _("%(level)r is not a reporting level.") % {"level": level}, field="level"
            )
        # JSON list membership, portable across SQLite and PostgreSQL: the quoted level.
        indicators = indicators.filter(levels__icontains=f'"{level}"')
    if dataset:
        indicators = indicators.filter(datasets=dataset_get(user=user, code=dataset))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise InputError(_("Search for at most %(n)d characters.") % {"n": MAX_TEXT}, field="q")
    if text:
        indicators = indicators.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(name_en__icontains=text)
            | Q(source__icontains=text)
        )
    return indicators.order_by("system__code", "order", "code")


def indicators_grouped(indicators: list[Indicator]) -> list[Group]:
    """The indicators under their dimensions, in the tree's order (a parent before its
    children); dimensions with no indicator kept are left out, except as the heading of a
    child that has some."""
    dimensions = list(
        Dimension.objects.filter(system__in={i.system_id for i in indicators}).order_by(
            "system__code", "order", "code"
        )
    )
    children: dict[int | None, list[Dimension]] = {}
    for dimension in dimensions:
        children.setdefault(dimension.parent_id, []).append(dimension)
    by_dimension: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        by_dimension.setdefault(indicator.dimension_id, []).append(indicator)
    groups: list[Group] = []

    def walk(dimension: Dimension, depth: int) -> bool:
        group = Group(dimension, depth, by_dimension.get(dimension.pk, []))
        at = len(groups)
        groups.append(group)
        found = bool(group.indicators)
        for child in children.get(dimension.pk, []):
            found = walk(child, depth + 1) or found
        if not found:
            del groups[at:]
        return found

    for top in children.get(None, []):
        walk(top, 0)
    if by_dimension.get(None):
        groups.append(Group(None, 0, by_dimension[None]))
    return groups


def indicator_get(*, user: Any, code: str) -> Indicator:
    """An indicator by its code (inactive ones too: their values remain); 404 for none."""
    require(user, "indicators.read")
    indicator = (
        Indicator.objects.select_related("dimension__parent", "weight_indicator", "system")
        .filter(code=code)
        .first()
    )
    if indicator is None:
        raise Http404(_("No indicator %(code)s.") % {"code": code})
    return indicator


def formula_named(indicator: Indicator) -> str:
    """The indicator's formula with each code replaced by the indicator's name."""
    if not indicator.formula:
        return ""
    codes = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", indicator.formula)) - {"min", "max", "abs"}
    names = dict(
        Indicator.objects.filter(code__in=[c for c in codes if CODE.match(c)]).values_list(
            "code", "name"
        )
    )
    return re.sub(
        r"[A-Za-z][A-Za-z0-9_]*",
        lambda match: f"〔{names[match.group(0)]}〕" if match.group(0) in names else match.group(0),
        indicator.formula,
    )


def indicator_datasets(*, user: Any, indicator: Indicator) -> list[DataSet]:
    """The data sets of the user's area that report the indicator."""
    return list(datasets_visible(user=user).filter(members__indicator=indicator).distinct())


def dataset_for_page(*, user: Any, code: str) -> DataSet:
    """A data set of the user's area; 404 (as if missing) otherwise."""
    require(user, "indicators.read")
    try:
        return dataset_get(user=user, code=code)
    except InputError as exc:
        raise Http404(exc.message) from None


def dataset_groups(dataset: DataSet) -> list[Group]:
    """The data set's indicators in its order, under their dimensions (a heading each time
    the dimension changes)."""
    groups: list[Group] = []
    for position, indicator in enumerate(dataset_indicators(dataset), start=1):
        indicator.position = position  # type: ignore[attr-defined]  # its number on the form
        if not groups or groups[-1].dimension != indicator.dimension:
            groups.append(Group(indicator.dimension, 0))
        groups[-1].indicators.append(indicator)
    return groups


@dataclass(frozen=True)
class WindowRow:
    window: CollectionWindow
    state: str  # "upcoming", "open" or "closed"


def dataset_windows(dataset: DataSet, *, today: date) -> list[WindowRow]:
    """The data set's periods with their windows, latest first, and whether each is open."""
    rows = []
    for window in CollectionWindow.objects.filter(dataset=dataset).select_related("period"):
        if today < window.opens_on:
            state = "upcoming"
        elif today > window.closes_on:
            state = "closed"
        else:
            state = "open"
        rows.append(WindowRow(window, state))
    rows.sort(key=lambda row: row.window.period.start, reverse=True)
    return rows


__all__ = [
    "Group",
    "WindowRow",
    "dataset_for_page",
    "dataset_groups",
    "dataset_windows",
    "formula_named",
    "indicator_datasets",
    "indicator_get",
    "indicators_filtered",
    "indicators_grouped",
]
