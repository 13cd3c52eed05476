"""Reading for the web data-entry form (填报): the landing page's overview of what the user's area
reports, and the grid of units × indicators for one data set and period.

The grid is read in a fixed number of queries whatever the number of units on the page (the
values of the period and of the one before are two queries, the submissions one), and every
string a cell shows is prepared here, so the template only places them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import can, require, scope_prefix
from baiqianwan.core.listing import Page, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.cells import value_shown
from baiqianwan.indicators.choices import EDITABLE_STATES, SubmissionState
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    Indicator,
    Period,
    Submission,
)
from baiqianwan.indicators.periods import PeriodError, period_previous
from baiqianwan.indicators.selectors import (
    dataset_get,
    dataset_indicators,
    datasets_visible,
    expected_units,
    period_get,
    unit_in_area,
)
from baiqianwan.indicators.validation import values_matrix, violations
from baiqianwan.indicators.values import excepted_unit_ids, window_refusal
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# A change against the previous period beyond this share (either way) is pointed out.
UNUSUAL_CHANGE = 0.5
# Rows of the grid per page: a town's villages fit on one.
GRID_PAGE_SIZE = 60
# The order of the levels, from the top, to tell which lie between two.
LEVELS = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]


def name_shown(obj: Any) -> str:
    """An indicator's, dimension's or data set's name in the page's language: its English
    name on English pages when it has one, else its Chinese name."""
    english = str(getattr(obj, "name_en", "") or "") if get_language() == "en" else ""
    return english or str(obj.name)


# --- The landing page ---------------------------------------------------------------------


@dataclass(frozen=True)
class WindowLine:
    """One period of a data set, as the landing page lists it."""

    period: Period
    opens_on: date
    closes_on: date
    status: str  # "open", "upcoming" or "closed"
    expected: int
    # (state label, count), in the workflow's order; "not started" counts units with no values.
    counts: list[tuple[str, str, int]]


@dataclass(frozen=True)
class DataSetLine:
    dataset: DataSet
    name: str  # in the page's language
    windows: list[WindowLine]


def _window_status(window: CollectionWindow, today: date) -> str:
    if today < window.opens_on:
        return "upcoming"
    if today > window.closes_on:
        return "closed"
    return "open"


def entry_overview(*, user: Any, today: date) -> list[DataSetLine]:
    """The data sets that units of the user's area report, each with its collection windows
    (newest period first): open or closed and when, how many units are expected and how many
    submissions stand in each state. Data sets nothing in the area reports are left out."""
    prefix = scope_prefix(user, "indicators.read")
    datasets = list(datasets_visible(user=user).prefetch_related("assigned_to"))
    levels = {dataset.level for dataset in datasets}
    units = list(
        Unit.objects.filter(code__startswith=prefix, level__in=levels).values_list(
            "code", "level", "valid_from", "valid_to"
        )
    )
    windows_of: dict[int, list[CollectionWindow]] = {}
    for window in (
        CollectionWindow.objects.filter(dataset__in=datasets)
        .select_related("period")
        .order_by("-period__start", "period__type")
    ):
        windows_of.setdefault(window.dataset_id, []).append(window)
    counts: dict[tuple[int, int], Counter[str]] = {}
    for dataset_id, period_id, state in Submission.objects.filter(
        dataset__in=datasets, unit__code__startswith=prefix
    ).values_list("dataset_id", "period_id", "state"):
        counts.setdefault((dataset_id, period_id), Counter())[state] += 1
    lines = []
    for dataset in datasets:
        assigned = [unit.prefix for unit in dataset.assigned_to.all()]
        mine = [
            (valid_from, valid_to)
            for code, level, valid_from, valid_to in units
            if level == dataset.level and any(code.startswith(p) for p in assigned)
        ]
        if not mine:
            continue
        windows = []
        for window in windows_of.get(dataset.pk, []):
            end = window.period.end
            expected = sum(
                1 for start, stop in mine if start <= end and (stop is None or stop > end)
            )
            by_state = counts.get((dataset.pk, window.period_id), Counter())
            started = sum(by_state.values())
            line = [("none", _("Not started"), max(expected - started, 0))]
            line += [(state.value, str(state.label), by_state[state]) for state in SubmissionState]
            windows.append(
                WindowLine(
                    period=window.period,
                    opens_on=window.opens_on,
                    closes_on=window.closes_on,
                    status=_window_status(window, today),
                    expected=expected,
                    counts=line,
                )
            )
        lines.append(DataSetLine(dataset=dataset, name=name_shown(dataset), windows=windows))
    return lines


# --- The grid -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    indicator: Indicator
    computed: bool
    name: str


@dataclass(frozen=True)
class ColumnGroup:
    """A dimension over its indicators in the first header row."""

    name: str
    span: int


@dataclass(frozen=True)
class GridCell:
    indicator: Indicator
    text: str  # the value as the input shows it ("" for missing)
    computed: bool
    editable: bool
    previous: str  # the previous period's value, "" when it has none
    delta: str  # "+50 (+4.2%)", "" when there is nothing to compare
    unusual: bool  # beyond ±50 % of the previous period

    @property
    def stored_text(self) -> str:
        """What Esc restores: in the grid, the value as read."""
        return self.text


@dataclass(frozen=True)
class GridRow:
    unit: Unit
    state: str
    state_label: str
    version: int
    editable: bool
    why: str  # why the row is read-only, or what lets it be written (a lock exception)
    cells: list[GridCell]
    warnings: list[str]


@dataclass
class Grid:
    dataset: DataSet
    period: Period
    previous: Period | None
    columns: list[Column]
    groups: list[ColumnGroup]
    rows: list[GridRow]
    page: Page
    within: Unit | None
    choices: list[Unit]  # the units a user may narrow the grid to
    may_enter: bool
    refusal: str  # why the period is not open ("" when it is)
    window: CollectionWindow | None
    demo: bool


def delta_text(value: float | None, previous: float | None) -> tuple[str, bool]:
    """The change from `previous` to `value` as a cell shows it, and whether it is unusual
    (beyond ±`UNUSUAL_CHANGE`). Nothing to show when either is missing."""
    if value is None or previous is None:
        return "", False
    change = value - previous
    shown = f"{change:+,.2f}".rstrip("0").rstrip(".")
    if previous == 0:
        return shown, False
    share = change / abs(previous)
    return f"{shown} ({share:+.1%})", abs(share) > UNUSUAL_CHANGE


def _number(array: np.ndarray, row: int) -> float | None:
    value = float(array[row])
    return None if math.isnan(value) else value


def grid_dataset_period(
    *, user: Any, dataset_code: str, period_code: str
) -> tuple[DataSet, Period]:
    """The data set and period named in a grid's address: 404 when either is not there for the
    user (a period of another type than the data set's is not one of its periods)."""
    require(user, "indicators.read")
    try:
        dataset = dataset_get(user=user, code=dataset_code)
        period = period_get(period_code)
    except InputError as error:
        raise Http404(error.message) from None
    if period.type != dataset.period_type:
        raise Http404(_("No period %(code)s.") % {"code": period_code})
    return dataset, period


def _narrowing_choices(user: Any, dataset: DataSet) -> list[Unit]:
    """The units between the user's home unit and the data set's level (a county operator's
    towns; headquarters' counties and towns), to narrow a large grid to one of them."""
    home = user.home_unit
    try:
        top, bottom = LEVELS.index(Level(home.level)), LEVELS.index(Level(dataset.level))
    except ValueError:
        return []
    between = [level.value for level in LEVELS[top + 1 : bottom]]
    if not between:
        return []
    return list(
        Unit.objects.current()
        .filter(code__startswith=home.prefix, level__in=between)
        .order_by("code")
        .only("id", "code", "name", "level")
    )


def _row_state(
    *,
    submission: tuple[str, int] | None,
    may_enter: bool,
    refusal: str,
    liftable: bool,
    excepted: bool,
) -> tuple[str, str, int, bool, str]:
    """(state, label, version, editable, why) of one unit's row."""
    state, version = submission or (SubmissionState.DRAFT.value, 0)
    label = str(SubmissionState(state).label) if submission else _("Not started")
    if not may_enter:
        return (
            state,
            label,
            version,
            False,
            _("Your role reads the values; it does not enter them."),
        )
    if state not in EDITABLE_STATES:
        return (
            state,
            label,
            version,
            False,
            # The state shows beside it already.
            _("No longer open for changes; the level above can return it."),
        )
    if refusal:
        if liftable and excepted:
            return state, label, version, True, _("Open to this unit by a lock exception.")
        # The banner over the grid gives the dates; the row says it briefly.
        return state, label, version, False, _("Not open for entry now.")
    return state, label, version, True, ""


def grid_get(
    *,
    user: Any,
    dataset: DataSet,
    period: Period,
    within_code: str = "",
    page: Any = None,
    today: date,
) -> Grid:
    """The entry grid: the units of the user's area (or of `within_code` in it) expected to
    report `dataset` for `period`, a page of them, × the data set's indicators grouped by
    dimension, with each value, the previous period's and the change, each row's submission
    state and version, and whether the user may write it (and why not)."""
    prefix = scope_prefix(user, "indicators.read")
    may_enter = can(user, "indicators.enter")
    within = unit_in_area(user=user, code=within_code) if within_code else None
    units = expected_units(dataset, period, within=within.prefix if within else prefix)
    current_page = list_paginate(units, page=page, page_size=GRID_PAGE_SIZE)
    page_units: list[Unit] = list(current_page.items)
    unit_ids = [unit.pk for unit in page_units]

    indicators = dataset_indicators(dataset)
    first_seen: dict[Any, int] = {}
    for position, indicator in enumerate(indicators):
        first_seen.setdefault(indicator.dimension_id, position)
    indicators.sort(key=lambda i: first_seen[i.dimension_id])
    columns = [
        Column(indicator=i, computed=bool(i.formula), name=name_shown(i)) for i in indicators
    ]
    groups: list[ColumnGroup] = []
    last: Any = object()
    for indicator in indicators:
        if indicator.dimension_id != last:
            dimension = indicator.dimension
            name = _("Other") if dimension is None else name_shown(dimension)
            if dimension is not None and dimension.parent is not None:
                name = f"{name_shown(dimension.parent)} · {name}"
            groups.append(ColumnGroup(name=name, span=0))
            last = indicator.dimension_id
        groups[-1] = ColumnGroup(name=groups[-1].name, span=groups[-1].span + 1)

    matrix = values_matrix(period, unit_ids, indicators) if unit_ids else {}
    previous = None
    try:
        previous = Period.objects.filter(code=period_previous(period.code)).first()
    except PeriodError:
        previous = None
    before = values_matrix(previous, unit_ids, indicators) if previous and unit_ids else {}

    submissions = dict(
        (unit_id, (state, version))
        for unit_id, state, version in Submission.objects.filter(
            dataset=dataset, period=period, unit_id__in=unit_ids
        ).values_list("unit_id", "state", "version")
    )
    window = CollectionWindow.objects.filter(dataset=dataset, period=period).first()
    refusal, liftable = window_refusal(dataset, period, today=today)
    excepted = excepted_unit_ids(dataset, period, today=today) if liftable else set()
    warnings: dict[int, list[str]] = {}
    for violation in violations(dataset, period, unit_ids):
        rule = violation.rule
        text = rule.message or rule.name
        if violation.blocking:
            text = _("%(rule)s (blocks submission)") % {"rule": text}
        warnings.setdefault(violation.unit_id, []).append(text)

    rows = []
    for row, unit in enumerate(page_units):
        state, label, version, editable, why = _row_state(
            submission=submissions.get(unit.pk),
            may_enter=may_enter,
            refusal=refusal,
            liftable=liftable,
            excepted=unit.pk in excepted,
        )
        cells = []
        for column in columns:
            indicator = column.indicator
            array = matrix.get(indicator.code)
            value = _number(array, row) if array is not None else None
            old_array = before.get(indicator.code)
            old = _number(old_array, row) if old_array is not None else None
            change, unusual = (
                delta_text(value, old) if indicator.value_type != "yes_no" else ("", False)
            )
            cells.append(
                GridCell(
                    indicator=indicator,
                    text=value_shown(indicator, value, indicator.decimals),
                    computed=column.computed,
                    editable=editable and not column.computed,
                    previous=value_shown(indicator, old, indicator.decimals),
                    delta=change,
                    unusual=unusual,
                )
            )
        rows.append(
            GridRow(
                unit=unit,
                state=state,
                state_label=label,
                version=version,
                editable=editable,
                why=why,
                cells=cells,
                warnings=warnings.get(unit.pk, []),
            )
        )
    return Grid(
        dataset=dataset,
        period=period,
        previous=previous,
        columns=columns,
        groups=groups,
        rows=rows,
        page=current_page,
        within=within,
        choices=_narrowing_choices(user, dataset),
        may_enter=may_enter,
        refusal=refusal,
        window=window,
        demo=dataset.is_demo,
    )


def cell_history_get(
    *,
    user: Any,
    dataset: DataSet,
    period: Period,
    unit_code: str,
    indicator_code: str,
    action: str = "indicators.read",
) -> tuple[Unit, Indicator]:
    """The unit (in the user's area for `action`) and the indicator (of the data set) of one
    cell; 404 otherwise."""
    unit = unit_in_area(user=user, code=unit_code, action=action)
    indicator = next((i for i in dataset_indicators(dataset) if i.code == indicator_code), None)
    if indicator is None:
        raise Http404(_("No indicator %(code)s in this data set.") % {"code": indicator_code})
    return unit, indicator


__all__ = [
    "UNUSUAL_CHANGE",
    "Column",
    "ColumnGroup",
    "DataSetLine",
    "Grid",
    "GridCell",
    "GridRow",
    "WindowLine",
    "cell_history_get",
    "delta_text",
    "entry_overview",
    "grid_dataset_period",
    "grid_get",
    "name_shown",
]
