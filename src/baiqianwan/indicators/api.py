"""Indicators in the JSON API: the indicator system, data sets, values of the caller's area,
and DHIS2 data value sets in and out. Writes go through `values.values_write` only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.audit.services import download_record
from baiqianwan.core.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, list_paginate
from baiqianwan.core.problems import InputError, problem_response
from baiqianwan.core.schemas import READ_ERRORS, ProblemOut
from baiqianwan.indicators import interchange
from baiqianwan.indicators.cells import CellProblem, cell_value
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    DataValue,
    DerivedValue,
    Indicator,
    Target,
)
from baiqianwan.indicators.schemas import (
    DataSetDetailOut,
    DataSetPageOut,
    DataValuePageOut,
    DataValueSetIn,
    DataValueSetOut,
    DataValuesIn,
    DataValuesWrittenOut,
    ImportSummaryOut,
    IndicatorDetailOut,
    IndicatorPageOut,
)
from baiqianwan.indicators.selectors import (
    dataset_get,
    datasets_visible,
    expected_units,
    period_get,
    unit_in_area,
)
from baiqianwan.indicators.values import Cell, values_write
from baiqianwan.units.choices import Level

router = Router()

# A query parameter that may be repeated (period=2023&period=2024), as DHIS2's are.
MANY = Query([])
WRITE_ERRORS: dict[int, type[ProblemOut]] = {**READ_ERRORS, 409: ProblemOut}


def _page(result: Any, items: list[Any]) -> dict[str, Any]:
    return {"count": result.count, "page": result.number, "pages": result.num_pages, "items": items}


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        **{
            name: getattr(indicator, name)
            for name in (
                "code",
                "name",
                "name_en",
                "measure",
                "value_type",
                "direction",
                "aggregation",
                "levels",
                "period_type",
                "binding",
                "source",
                "formula",
                "is_computed",
                "decimals",
                "minimum",
                "maximum",
                "baseline_year",
            )
        },
        "weight_indicator": indicator.weight_indicator.code if indicator.weight_indicator else None,
        "dimension": indicator.dimension.code if indicator.dimension else None,
        "dimension_name": indicator.dimension.name if indicator.dimension else None,
    }


def _level_checked(level: str) -> str:
    if level and level not in Level.values:
        raise InputError(
            _("level must be one of %(levels)s") % {"levels": ", ".join(Level.values)},
            field="level",
        )
    return level


@router.get("/indicators", response={200: IndicatorPageOut, **READ_ERRORS}, summary="Indicators")
def indicators_list(
    request: HttpRequest,
    level: str = "",
    dataset: str = "",
    dimension: str = "",
    q: str = "",
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The active indicators, filtered by the level that reports them, a data set of your
    area, a dimension code (its sub-dimensions included) or `q` (code or name)."""
    require(request.user, "indicators.read")
    found = Indicator.objects.filter(is_active=True).select_related("dimension", "weight_indicator")
    if dataset:
        chosen = dataset_get(user=request.user, code=dataset)
        found = found.filter(datasets=chosen)
    if dimension:
        found = found.filter(dimension__code=dimension) | found.filter(
            dimension__parent__code=dimension
        )
    if q:
        found = found.filter(code__icontains=q) | found.filter(name__icontains=q)
    if _level_checked(level):
        # levels is a JSON list; SQLite has no JSON containment, and the system is small.
        found = found.filter(
            pk__in=[pk for pk, levels in found.values_list("pk", "levels") if level in levels]
        )
    result = list_paginate(
        found.distinct().order_by("order", "code"), page=page, page_size=page_size
    )
    return _page(result, [_indicator_out(indicator) for indicator in result.items])


@router.get(
    "/indicators/{code}",
    response={200: IndicatorDetailOut, **READ_ERRORS},
    summary="One indicator with its targets",
)
def indicator_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    """The indicator, the data sets of your area that hold it, and its targets: the level
    defaults and the units' own for units of your area."""
    prefix = scope_prefix(request.user, "indicators.read")
    indicator = (
        Indicator.objects.select_related("dimension", "weight_indicator").filter(code=code).first()
    )
    if indicator is None:
        raise Http404(_("No indicator %(code)s.") % {"code": code})
    targets = Target.objects.filter(indicator=indicator).select_related("unit")
    visible = datasets_visible(user=request.user).filter(members__indicator=indicator)
    return {
        **_indicator_out(indicator),
        "definition": indicator.definition,
        "citation": indicator.citation,
        "datasets": list(visible.values_list("code", flat=True)),
        "targets": [
            {
                "year": target.year,
                "level": target.level,
                "unit_code": target.unit.code if target.unit else None,
                "unit_name": target.unit.name if target.unit else None,
                "value": target.value,
                "note": target.note,
            }
            for target in targets.order_by("year", "level", "unit__code")
            if target.unit is None or target.unit.code.startswith(prefix)
        ],
    }


def _dataset_out(dataset: DataSet) -> dict[str, Any]:
    return {
        **{
            name: getattr(dataset, name)
            for name in ("code", "name", "name_en", "level", "period_type", "due_days", "is_demo")
        },
        "owner_code": dataset.owner.code,
        "owner_name": dataset.owner.name,
        "assigned_to": [unit.code for unit in dataset.assigned_to.all()],
    }


@router.get("/datasets", response={200: DataSetPageOut, **READ_ERRORS}, summary="Data sets")
def datasets_list(
    request: HttpRequest,
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The data sets assigned to your area or to an area containing it."""
    found = (
        datasets_visible(user=request.user).select_related("owner").prefetch_related("assigned_to")
    )
    result = list_paginate(found, page=page, page_size=page_size)
    return _page(result, [_dataset_out(dataset) for dataset in result.items])


@router.get(
    "/datasets/{code}",
    response={200: DataSetDetailOut, **READ_ERRORS},
    summary="One data set with its indicators and periods",
)
def dataset_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    dataset = datasets_visible(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404(_("No data set %(code)s in your area.") % {"code": code})
    members = dataset.members.select_related("indicator__dimension").order_by("order", "id")
    windows = CollectionWindow.objects.filter(dataset=dataset).select_related("period")
    return {
        **_dataset_out(dataset),
        "indicators": [
            {
                "code": m.indicator.code,
                "name": m.indicator.name,
                "measure": m.indicator.measure,
                "value_type": m.indicator.value_type,
                "dimension": m.indicator.dimension.code if m.indicator.dimension else None,
                "is_computed": m.indicator.is_computed,
            }
            for m in members
        ],
        "periods": [
            {
                "period": w.period.code,
                "type": w.period.type,
                "start": w.period.start,
                "end": w.period.end,
                "opens_on": w.opens_on,
                "closes_on": w.closes_on,
            }
            for w in windows.order_by("-period__start")
        ],
    }


class _Chained:
    """Two querysets read as one list (entered values, then derived ones), so that the one
    paginate helper can page through both without a UNION of unlike tables."""

    ordered = True

    def __init__(self, first: QuerySet[Any], second: QuerySet[Any] | None) -> None:
        self.parts: Sequence[QuerySet[Any]] = [first] + ([second] if second is not None else [])
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = window.start or 0, window.stop
        items: list[Any] = []
        for part, size in zip(self.parts, self.counts(), strict=True):
            if stop is not None and stop <= 0:
                break
            if start < size:
                items.extend(part[start:stop])
            start = max(0, start - size)
            stop = None if stop is None else stop - size
        return items


def _value_out(value: Any) -> dict[str, Any]:
    derived = isinstance(value, DerivedValue)
    return {
        "indicator": value.indicator.code,
        "indicator_name": value.indicator.name,
        "unit_code": value.unit.code,
        "unit_name": value.unit.name,
        "level": value.unit.level,
        "period": value.period.code,
        "value": value.value,
        "measure": value.indicator.measure,
        "source": value.kind if derived else value.source,
        "derived": value.kind if derived else "",
        "stored_at": value.computed_at if derived else value.stored_at,
        "reported": value.reported if derived else None,
        "expected": value.expected if derived else None,
        "is_demo": False if derived else value.is_demo,
    }


@router.get(
    "/datavalues", response={200: DataValuePageOut, **READ_ERRORS}, summary="Values of your area"
)
def datavalues_list(
    request: HttpRequest,
    indicator: str = "",
    unit: str = "",
    period: str = "",
    level: str = "",
    dataset: str = "",
    derived: str = Query("false", pattern="^(true|false|only)$"),
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Values of `unit` and the units below it (by default your home unit's subtree; a unit
    outside your area is 404), optionally of one `level`, `indicator`, `period` or `dataset`.
    `derived`: false (entered values), true (also the totals and computed values), only."""
    prefix = scope_prefix(request.user, "indicators.read")
    if unit:
        prefix = unit_in_area(user=request.user, code=unit).prefix
    where: dict[str, Any] = {"unit__code__startswith": prefix}
    if indicator:
        found = Indicator.objects.filter(code=indicator).first()
        if found is None:
            raise InputError(_("No indicator %(code)s.") % {"code": indicator}, field="indicator")
        where["indicator"] = found
    if period:
        where["period"] = period_get(period)
    if _level_checked(level):
        where["unit__level"] = level
    if dataset:
        where["indicator__in"] = dataset_get(user=request.user, code=dataset).indicators.all()
    order = ("-period__start", "unit__code", "indicator__order", "indicator__code")
    related = ("indicator", "unit", "period")
    entered = DataValue.objects.filter(**where).select_related(*related).order_by(*order)
    others = DerivedValue.objects.filter(**where).select_related(*related).order_by(*order)
    if derived == "only":
        rows: Any = _Chained(others, None)
    else:
        rows = _Chained(entered, others if derived == "true" else None)
    result = list_paginate(rows, page=page, page_size=page_size)
    return _page(result, [_value_out(value) for value in result.items])


@router.post(
    "/datavalues",
    response={200: DataValuesWrittenOut, **WRITE_ERRORS},
    summary="Store a small batch of values",
)
def datavalues_write(request: HttpRequest, body: DataValuesIn) -> dict[str, Any]:
    """Up to 1,000 values of one data set and period, all-or-nothing, through the one write
    path (area, window, submission state, history). With `expected_versions` a unit changed
    since you read it makes the answer 409 and nothing is stored. A unit outside your area
    is 404; a bad value is 400 naming `values[i].value`."""
    require(request.user, "indicators.enter")
    dataset = dataset_get(user=request.user, code=body.dataset)
    period = period_get(body.period)
    members = {indicator.code: indicator for indicator in dataset.indicators.all()}
    units: dict[str, Any] = {}
    cells = []
    for index, item in enumerate(body.values):
        indicator = members.get(item.indicator)
        if indicator is None:
            raise InputError(
                _("%(code)s is not in %(dataset)s")
                % {"code": item.indicator, "dataset": dataset.code},
                field=f"values[{index}].indicator",
            )
        if item.unit not in units:
            units[item.unit] = unit_in_area(
                user=request.user, code=item.unit, action="indicators.enter"
            )
        try:
            value = cell_value(indicator, item.value)
        except CellProblem as exc:
            raise InputError(str(exc), field=f"values[{index}].value") from None
        cells.append(Cell(units[item.unit].pk, indicator.pk, value))
    expected = None
    if body.expected_versions is not None:
        ids = dict(expected_units(dataset, period).filter(code__in=units).values_list("code", "id"))
        expected = {ids[c]: v for c, v in body.expected_versions.items() if c in ids}
    result = values_write(
        actor=request.user,
        dataset=dataset,
        period=period,
        cells=cells,
        source="api",
        expected_versions=expected,
    )
    codes = {unit.pk: code for code, unit in units.items()}
    return {
        "new": result.new,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "cleared": result.cleared,
        "versions": {codes[pk]: version for pk, version in result.versions.items()},
    }


def exchange_scope(
    *,
    user: Any,
    dataset: str,
    data_elements: Sequence[str],
    periods: Sequence[str],
    unit: str,
) -> tuple[Any, list[Indicator], list[Any], Any]:
    """The data set (or indicators), periods and unit an export names, checked: a unit
    outside the caller's area is 404, an unknown code 400."""
    if not dataset and not data_elements:
        raise InputError(_("Name a data set or some indicators."), field="dataSet")
    chosen = dataset_get(user=user, code=dataset) if dataset else None
    indicators: list[Indicator] = []
    if data_elements:
        found = {i.code: i for i in Indicator.objects.filter(code__in=data_elements)}
        unknown = [code for code in data_elements if code not in found]
        if unknown:
            raise InputError(
                _("No indicator %(code)s.") % {"code": ", ".join(unknown)}, field="dataElement"
            )
        indicators = [found[code] for code in data_elements]
    if not periods:
        raise InputError(_("Name at least one period."), field="period")
    chosen_periods = [period_get(code) for code in periods]
    home = unit or user.home_unit.code
    return chosen, indicators, chosen_periods, unit_in_area(user=user, code=home)


@router.get(
    "/dataValueSets",
    response={200: DataValueSetOut, **READ_ERRORS},
    summary="Export a DHIS2 data value set",
    exclude_none=True,
)
def datavaluesets_export(
    request: HttpRequest,
    dataSet: str = "",
    dataElement: list[str] = MANY,
    period: list[str] = MANY,
    orgUnit: str = "",
    children: bool = True,
    derived: bool = False,
    idScheme: str = "",
) -> dict[str, Any]:
    """DHIS2's JSON for a data set (or `dataElement` indicator codes), one or more periods,
    and `orgUnit` (default your home unit) with the units below it (`children`). Codes are the
    identifiers (idScheme CODE). `derived` adds totals and computed values, marked."""
    interchange.id_scheme_check({"idScheme": idScheme})
    dataset, indicators, periods, unit = exchange_scope(
        user=request.user, dataset=dataSet, data_elements=dataElement, periods=period, unit=orgUnit
    )
    rows = interchange.exchange_rows(
        user=request.user,
        unit=unit,
        periods=periods,
        dataset=dataset,
        indicators=indicators,
        children=children,
        derived=derived,
    )
    # An export through the API is a download like any other: the audit trail keeps it.
    download_record(
        filename=f"dataValueSets {dataSet or ','.join(dataElement)} {','.join(period)} {unit.code}"
    )
    return interchange.dhis2_export(
        rows=rows, dataset=dataset, periods=periods, unit=unit, children=children
    )


@router.post(
    "/dataValueSets",
    response={200: ImportSummaryOut, **WRITE_ERRORS},
    summary="Import a DHIS2 data value set",
)
def datavaluesets_import(
    request: HttpRequest,
    body: DataValueSetIn,
    dryRun: bool = False,
    idScheme: str = "",
    dataElementIdScheme: str = "",
    orgUnitIdScheme: str = "",
) -> Any:
    """Import DHIS2 JSON (codes as identifiers) all-or-nothing, or with `dryRun` only report
    what would be stored. Any conflict stores nothing: the answer is 400 problem+json carrying
    the import summary's `importCount` and `conflicts`."""
    require(request.user, "indicators.enter")
    options = {
        "idScheme": idScheme,
        "dataElementIdScheme": dataElementIdScheme,
        "orgUnitIdScheme": orgUnitIdScheme,
    }
    items = interchange.dhis2_read(json.loads(request.body), options=options)
    plan = interchange.import_plan(user=request.user, items=items)
    summary = interchange.import_apply(user=request.user, plan=plan, source="dhis2", dry_run=dryRun)
    if summary.conflicts_total and not dryRun:
        return _refused(summary)
    return summary.as_dhis2()


def _refused(summary: interchange.ImportSummary) -> HttpResponse:
    body = summary.as_dhis2()
    first = summary.conflicts[0]
    return problem_response(
        status=400,
        detail=f"{summary.description} {first}",
        importCount=body["importCount"],
        conflicts=body["conflicts"],
        conflictsTotal=body["conflictsTotal"],
    )
