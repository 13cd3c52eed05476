from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from baiqianwan.core.excel import columns_filled, xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.units.choices import Kind, Level
from baiqianwan.units.models import Unit
from baiqianwan.units.selectors import (
    search_text,
    unit_ancestors_visible,
    unit_children,
    unit_children_village_counts,
    unit_children_with_counts,
    unit_descendant_counts,
    unit_get,
    unit_lineage,
    unit_versions,
    units_search,
)


def browse(request: HttpRequest) -> HttpResponse:
    """The tree starts at the user's home unit."""
    return redirect("units:detail", code=request.user.home_unit.code)  # type: ignore[union-attr]


def _map_spec(request: HttpRequest, unit: Unit) -> dict[str, Any] | None:
    """The county map of a city, when its GeoJSON was built into static/vendor/maps."""
    if unit.level != Level.CITY:
        return None
    path = f"vendor/maps/{unit.code[:6]}.json"
    if finders.find(path) is None:
        return None
    counts = unit_children_village_counts(user=request.user, unit=unit)
    children = {c.code: c for c in unit_children(user=request.user, unit=unit)}
    return {
        "geojson": static(path),
        "data": {
            "map": unit.code,
            "label": str(_("Villages")),
            "regions": {
                code: {
                    "name": child.name,
                    "value": counts.get(code, 0),
                    "url": reverse("units:detail", kwargs={"code": code}),
                }
                for code, child in children.items()
            },
        },
    }


def detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(user=request.user, code=code)
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors_visible(user=request.user, unit=unit),
            "counts": unit_descendant_counts(unit=unit),
            "children": unit_children_with_counts(user=request.user, unit=unit),
            "lineage": unit_lineage(user=request.user, unit=unit),
            "versions": unit_versions(unit=unit),
            "map": _map_spec(request, unit),
        },
    )


def _places_shown(units: Sequence[Unit]) -> dict[str, bool]:
    """Which of the optional columns some listed unit fills; an always-empty one is not shown."""
    return {
        "county": any(getattr(u, "county_name", None) for u in units),
        "town": any(getattr(u, "town_name", None) for u in units),
        "urban_rural_class": any(u.urban_rural_class for u in units),
    }


def _level_error(level: str) -> str:
    """The page's word for a level that is not in the list (the API names the values)."""
    if not level or level in Level.values:
        return ""
    return _("There is no level “%(level)s”: choose one from the list.") % {"level": level}


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    error = _level_error(level)
    page = None
    if (q or level) and not error:
        try:
            page = list_paginate(
                units_search(user=request.user, q=q, level=level), page=request.GET.get("page")
            )
        except (ListParamError, InputError) as exc:
            error = str(exc)
    template = "units/_results.html" if request.headers.get("HX-Request") else "units/search.html"
    return render(
        request,
        template,
        {
            "q": q,
            "level": level,
            "page": page,
            "shown": _places_shown(page.items if page else []),
            "error": error,
            "levels": Level.choices,
        },
    )


def _export(units: list[Unit]) -> tuple[list[str], list[list[str]]]:
    """The columns of a unit list in Excel, without the ones that no unit fills."""
    headers = [
        _("Code"),
        _("Name"),
        _("Level"),
        _("Kind"),
        pgettext("column", "County"),
        pgettext("column", "Town"),
        _("Parent code"),
        _("Urban-rural class"),
        _("Edition"),
    ]
    rows = [
        [
            u.code,
            u.name,
            str(Level(u.level).label),
            str(Kind(u.kind).label),
            getattr(u, "county_name", None) or "",
            getattr(u, "town_name", None) or "",
            u.parent.code if u.parent else "",
            u.urban_rural_class,
            u.edition,
        ]
        for u in units
    ]
    return columns_filled(headers, rows)


def children_export(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(user=request.user, code=code)
    units = list(unit_children(user=request.user, unit=unit).select_related("parent").with_places())
    headers, rows = _export(units)
    body = xlsx_from_rows(sheet=unit.name, headers=headers, rows=rows)
    what = _("Subordinate units")
    return xlsx_response(body, filename=f"{unit.name}-{what}.xlsx")


def search_export(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    error = _level_error(level)
    if error:
        return render(
            request,
            "units/search.html",
            {"q": q, "level": level, "error": error, "levels": Level.choices},
            status=400,
        )
    units = list(units_search(user=request.user, q=q, level=level))
    headers, rows = _export(units)
    body = xlsx_from_rows(sheet=_("Units"), headers=headers, rows=rows)
    what = _("Units")
    about = search_text(q) or (str(Level(level).label) if level else _("all"))
    return xlsx_response(body, filename=f"{what}-{about}.xlsx")
