"""The cockpit in the JSON API (`/api/cockpit/...`): what the page's charts load, each chart's
data also as an Excel download (`.xlsx`, audited). Everything is answered within the caller's
area: a unit elsewhere is 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from baiqianwan.cockpit import exports, selectors
from baiqianwan.cockpit.schemas import (
    CompletenessOut,
    DrillOut,
    IndicatorRefOut,
    MapOut,
    RankingsOut,
    SummaryOut,
    SupervisionOut,
    TrendsOut,
)
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.responses import xlsx_response
from baiqianwan.core.schemas import READ_ERRORS

router = Router()


def _xlsx(
    data: dict[str, Any], table: Callable[[dict[str, Any]], exports.Table], name: str
) -> HttpResponse:
    sheet, headers, rows = table(data)
    unit = data.get("unit", {}).get("name", "")
    note = exports.note_of(data, f"{unit} · {sheet} · {timezone.localtime():%Y-%m-%d %H:%M}")
    body = xlsx_from_rows(sheet=sheet, headers=headers, rows=rows, note=note)
    return xlsx_response(body, filename=f"{_('cockpit')}-{unit}-{name}.xlsx")


@router.get("/summary", response={200: SummaryOut, **READ_ERRORS}, summary="Key indicator cards")
def cockpit_summary(request: HttpRequest) -> dict[str, Any]:
    """The scope unit's key indicators: value in the latest period with approved data, the
    next milestone's target, the light and the trend."""
    return selectors.summary(user=request.user)


@router.get("/summary.xlsx", response={200: None, **READ_ERRORS}, summary="Key indicators (Excel)")
def cockpit_summary_xlsx(request: HttpRequest) -> HttpResponse:
    return _xlsx(selectors.summary(user=request.user), exports.summary_table, _("key indicators"))


@router.get(
    "/indicators", response={200: list[IndicatorRefOut], **READ_ERRORS}, summary="Map indicators"
)
def cockpit_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """The indicators with values for the units of your scope's rows (the map's choices)."""
    return selectors.indicator_choices(user=request.user)


@router.get("/map", response={200: MapOut, **READ_ERRORS}, summary="Map data")
def cockpit_map_data(request: HttpRequest, indicator: str = "", period: str = "") -> dict[str, Any]:
    """Your scope's rows (the counties of a city) with the indicator's value, rank and light;
    `indicator=score` for the latest evaluation's scores. `period` defaults to the latest with
    approved data."""
    return selectors.map_data(user=request.user, indicator=indicator, period=period)


@router.get("/map.xlsx", response={200: None, **READ_ERRORS}, summary="Map data (Excel)")
def cockpit_map_xlsx(request: HttpRequest, indicator: str = "", period: str = "") -> HttpResponse:
    data = selectors.map_data(user=request.user, indicator=indicator, period=period)
    return _xlsx(data, exports.map_table, _("map"))


# The download first: `{code}` alone would also match "….xlsx".
@router.get(
    "/units/{code}.xlsx", response={200: None, **READ_ERRORS}, summary="A unit's rows (Excel)"
)
def cockpit_unit_drill_xlsx(
    request: HttpRequest, code: str, indicator: str = "", period: str = ""
) -> HttpResponse:
    data = selectors.unit_drill(user=request.user, code=code, indicator=indicator, period=period)
    return _xlsx(data, exports.drill_table, data["unit"]["code"])


@router.get("/units/{code}", response={200: DrillOut, **READ_ERRORS}, summary="A unit's rows")
def cockpit_unit_drill(
    request: HttpRequest, code: str, indicator: str = "", period: str = ""
) -> dict[str, Any]:
    """A unit of your area (a county clicked on the map): its towns and villages ranked by the
    indicator, or by their latest evaluation score. Another area's unit: 404."""
    return selectors.unit_drill(user=request.user, code=code, indicator=indicator, period=period)


@router.get("/trends", response={200: TrendsOut, **READ_ERRORS}, summary="Trends")
def cockpit_trends(request: HttpRequest, indicator: str = "") -> dict[str, Any]:
    """The indicator (or `score`) over the periods: your unit's line and one per row."""
    return selectors.trends(user=request.user, indicator=indicator)


@router.get("/trends.xlsx", response={200: None, **READ_ERRORS}, summary="Trends (Excel)")
def cockpit_trends_xlsx(request: HttpRequest, indicator: str = "") -> HttpResponse:
    data = selectors.trends(user=request.user, indicator=indicator)
    return _xlsx(data, exports.trends_table, _("trends"))


@router.get("/supervision", response={200: SupervisionOut, **READ_ERRORS}, summary="Supervision")
def cockpit_supervision(request: HttpRequest) -> dict[str, Any]:
    """Plans' assignments by light for each row, and the overdue ones."""
    return selectors.supervision(user=request.user)


@router.get("/supervision.xlsx", response={200: None, **READ_ERRORS}, summary="Supervision (Excel)")
def cockpit_supervision_xlsx(request: HttpRequest) -> HttpResponse:
    data = selectors.supervision(user=request.user)
    return _xlsx(data, exports.supervision_table, _("supervision"))


@router.get("/overdue.xlsx", response={200: None, **READ_ERRORS}, summary="Overdue (Excel)")
def cockpit_overdue_xlsx(request: HttpRequest) -> HttpResponse:
    data = selectors.supervision(user=request.user)
    return _xlsx(data, exports.overdue_table, _("overdue"))


@router.get("/completeness", response={200: CompletenessOut, **READ_ERRORS}, summary="Completeness")
def cockpit_completeness(request: HttpRequest) -> dict[str, Any]:
    """Each data set's reporting rate by row for its current period."""
    return selectors.completeness(user=request.user)


@router.get(
    "/completeness.xlsx", response={200: None, **READ_ERRORS}, summary="Completeness (Excel)"
)
def cockpit_completeness_xlsx(request: HttpRequest) -> HttpResponse:
    data = selectors.completeness(user=request.user)
    return _xlsx(data, exports.completeness_table, _("completeness"))


@router.get("/rankings", response={200: RankingsOut, **READ_ERRORS}, summary="Top and bottom")
def cockpit_rankings(request: HttpRequest, indicator: str = "") -> dict[str, Any]:
    """The best and worst five rows by the latest evaluation score, or by the indicator."""
    return selectors.rankings(user=request.user, indicator=indicator)


@router.get("/rankings.xlsx", response={200: None, **READ_ERRORS}, summary="Top and bottom (Excel)")
def cockpit_rankings_xlsx(request: HttpRequest, indicator: str = "") -> HttpResponse:
    data = selectors.rankings(user=request.user, indicator=indicator)
    return _xlsx(data, exports.rankings_table, _("top and bottom"))
