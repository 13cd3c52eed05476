from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from baiqianwan.core.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, list_paginate
from baiqianwan.core.schemas import READ_ERRORS
from baiqianwan.units.models import Unit
from baiqianwan.units.schemas import UnitDetailOut, UnitOut, UnitPageOut
from baiqianwan.units.selectors import unit_children, unit_get, units_search

router = Router()


def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "kind": unit.kind,
        "parent_code": unit.parent.code if unit.parent else None,
        "urban_rural_class": unit.urban_rural_class,
        "edition": unit.edition,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


@router.get("", response={200: UnitPageOut, **READ_ERRORS}, summary="List and search units")
def units_list(
    request: HttpRequest,
    parent: str = "",
    level: str = "",
    q: str = "",
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    include_retired: bool = False,
) -> dict[str, Any]:
    """Units in your area. `parent`: a 12-digit code; `level`: province, city, county, town or
    village; `q`: part of a name or the start of a code (「怀集」, 「441224」; full-width
    「４４１２２４」 is read as 441224). Each item names its county and town."""
    qs = units_search(
        user=request.user, q=q, parent=parent, level=level, include_retired=include_retired
    )
    result = list_paginate(qs, page=page, page_size=page_size)
    return {
        "count": result.count,
        "page": result.number,
        "pages": result.num_pages,
        "items": [
            {**unit_out(u), "county": u.county_name, "town": u.town_name} for u in result.items
        ],
    }


@router.get("/{code}", response={200: UnitDetailOut, **READ_ERRORS}, summary="One unit")
def unit_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    unit = unit_get(user=request.user, code=code)
    return {
        **unit_out(unit),
        "ancestors": [unit_out(a) for a in unit.ancestors()],
        "children_count": unit_children(user=request.user, unit=unit).count(),
    }


@router.get(
    "/{code}/children",
    response={200: list[UnitOut], **READ_ERRORS},
    summary="A unit's current children",
)
def unit_children_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    unit = unit_get(user=request.user, code=code)
    return [
        unit_out(u) for u in unit_children(user=request.user, unit=unit).select_related("parent")
    ]
