"""The web data-entry form (填报): the landing page, the grid, one cell's save and its history.

Views parse, call and render: reading is `entry_selectors`, writing `entry_services.cell_save`
(through `values.values_write`). A cell answers with itself (htmx swaps it in place) and, out
of band, the row's new version and its computed indicators.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require
from baiqianwan.core.listing import ListParamError
from baiqianwan.indicators.cells import value_shown
from baiqianwan.indicators.entry_markup import CellLabels, cell_html
from baiqianwan.indicators.entry_selectors import (
    cell_history_get,
    entry_overview,
    grid_dataset_period,
    grid_get,
    name_shown,
)
from baiqianwan.indicators.entry_services import cell_save
from baiqianwan.indicators.values import value_history

# What the cell answers, by outcome: htmx swaps 400 and 409 too (the page's htmx-config).
STATUS = {"saved": 200, "invalid": 400, "refused": 400, "conflict": 409}


def entry_home(request: HttpRequest) -> HttpResponse:
    """数据填报: the data sets the user's area reports, their periods and submissions."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    today = timezone.localdate()
    lines = entry_overview(user=request.user, today=today)
    context = {"lines": lines, "today": today, "demo": any(line.dataset.is_demo for line in lines)}
    return render(request, "indicators/entry_home.html", context)


def entry(request: HttpRequest, dataset: str, period: str) -> HttpResponse:
    """The grid of one data set and period for the user's units (`?within=` narrows it to a
    town or county of the area, `?page=` pages it)."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    found, span = grid_dataset_period(user=request.user, dataset_code=dataset, period_code=period)
    within = request.GET.get("within", "").strip()
    try:
        grid = grid_get(
            user=request.user,
            dataset=found,
            period=span,
            within_code=within,
            page=request.GET.get("page"),
            today=timezone.localdate(),
        )
    except ListParamError as error:
        context = {"dataset": found, "period": span, "error": str(error)}
        return render(request, "indicators/entry_error.html", context, status=400)
    labels = CellLabels.current()
    names = {column.indicator.code: column.name for column in grid.columns}
    rows = [
        (
            row,
            mark_safe(
                "".join(
                    cell_html(
                        unit_code=row.unit.code,
                        unit_name=row.unit.name,
                        indicator_code=cell.indicator.code,
                        indicator_name=names[cell.indicator.code],
                        text=cell.text,
                        stored_text=cell.text,
                        editable=cell.editable,
                        computed=cell.computed,
                        previous=cell.previous,
                        delta=cell.delta,
                        unusual=cell.unusual,
                        labels=labels,
                    )
                    for cell in row.cells
                )
            ),
        )
        for row in grid.rows
    ]
    context = {
        "grid": grid,
        "title": name_shown(found),
        "rows": rows,
        "demo": grid.demo,
        "query": urlencode({"within": within}) if within else "",
        # The JS puts the unit's and the indicator's codes in place of the markers.
        "cell_url": reverse("indicators:entry_cell", args=[found.code, span.code, "UNIT"]),
        "history_url": reverse(
            "indicators:entry_history", args=[found.code, span.code, "UNIT", "INDICATOR"]
        ),
    }
    return render(request, "indicators/entry.html", context)


def _reload_url(request: HttpRequest, dataset: str, period: str) -> str:
    """Where the conflict's reload link goes: the page the cell is on (htmx names it), or the
    grid's first page."""
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return current
    return reverse("indicators:entry", args=[dataset, period])


def entry_cell(request: HttpRequest, dataset: str, period: str, code: str) -> HttpResponse:
    """Save one cell of unit `code` (POST indicator, value, version); the cell answers with
    its state."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request.user, "indicators.enter")
    found, span = grid_dataset_period(user=request.user, dataset_code=dataset, period_code=period)
    unit, indicator = cell_history_get(
        user=request.user,
        dataset=found,
        period=span,
        unit_code=code,
        indicator_code=request.POST.get("indicator", "").strip(),
        action="indicators.enter",
    )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    raw = request.POST.get("value", "")
    if version < 0:
        outcome = None
        message = _("The form is incomplete; reload the page.")
    else:
        outcome = cell_save(
            actor=request.user,
            dataset=found,
            period=span,
            unit=unit,
            indicator=indicator,
            raw=raw,
            version=version,
            today=timezone.localdate(),
        )
        message = outcome.message
    status = outcome.status if outcome else "invalid"
    context = {
        "unit": unit,
        "outcome": outcome,
        "cell": cell_html(
            unit_code=unit.code,
            unit_name=unit.name,
            indicator_code=indicator.code,
            indicator_name=name_shown(indicator),
            text=outcome.text if outcome else raw,
            stored_text=outcome.stored_text if outcome else raw,
            editable=status != "refused",
            computed=False,
            previous=outcome.previous if outcome else "",
            delta=outcome.delta if outcome else "",
            unusual=outcome.unusual if outcome else False,
            labels=CellLabels.current(),
            status=status,
            message=message,
            warnings=outcome.warnings if outcome else (),
            reload_url=_reload_url(request, dataset, period),
        ),
    }
    return render(
        request, "indicators/entry_cell.html", context, status=STATUS[status] if outcome else 400
    )


def entry_history(
    request: HttpRequest, dataset: str, period: str, code: str, indicator: str
) -> HttpResponse:
    """One cell's changes, newest first: old → new, who, when, from where."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    found, span = grid_dataset_period(user=request.user, dataset_code=dataset, period_code=period)
    unit, chosen = cell_history_get(
        user=request.user, dataset=found, period=span, unit_code=code, indicator_code=indicator
    )
    if chosen.formula:
        raise Http404(_("A computed indicator has no history of its own."))
    changes = value_history(indicator_id=chosen.pk, unit_id=unit.pk, period=span)
    context: dict[str, Any] = {
        "dataset": found,
        "period": span,
        "unit": unit,
        "indicator": chosen,
        "changes": [
            {
                "change": change,
                "old": _shown(chosen, change.old),
                "new": _shown(chosen, change.new),
            }
            for change in changes
        ],
        "fragment": request.headers.get("HX-Request") == "true",
    }
    return render(request, "indicators/entry_history.html", context)


def _shown(indicator: Any, value: float | None) -> str:
    return value_shown(indicator, value, indicator.decimals) or "—"


urlpatterns: list[URLPattern] = [
    path("entry/", entry_home, name="entry_home"),
    path("entry/<str:dataset>/<str:period>/", entry, name="entry"),
    path("entry/<str:dataset>/<str:period>/<str:code>/cell/", entry_cell, name="entry_cell"),
    path(
        "entry/<str:dataset>/<str:period>/<str:code>/<str:indicator>/history/",
        entry_history,
        name="entry_history",
    ),
]
