"""The 「数据交换」 page: download a data set's values as DHIS2 JSON or tidy CSV, and upload
either (file → preview → confirm), through the same services as the API."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import can, require, scope_prefix
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import JSON, attachment_response
from baiqianwan.indicators import interchange
from baiqianwan.indicators.models import CollectionWindow, Period, Upload
from baiqianwan.indicators.selectors import (
    dataset_get,
    datasets_visible,
    period_get,
    unit_in_area,
)
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

CSV = "text/csv; charset=utf-8"
# The scopes a download may name: the user's unit and the counties and towns below it.
SCOPE_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN)


def _choices(request: HttpRequest) -> dict[str, Any]:
    """The data sets, periods and scopes the page offers."""
    # Only the data sets reported at or below the user's level: a town has no county values.
    levels = list(Level.values)
    home = levels.index(request.user.home_unit.level)  # type: ignore[union-attr]
    datasets = [
        dataset
        for dataset in datasets_visible(user=request.user)
        if levels.index(dataset.level) >= home
    ]
    periods = (
        Period.objects.filter(
            pk__in=CollectionWindow.objects.filter(dataset__in=datasets).values("period_id")
        )
        .order_by("-start", "type")
        .distinct()
    )
    prefix = scope_prefix(request.user, "indicators.read")
    scopes = (
        Unit.objects.current()
        .within(prefix)
        .filter(level__in=SCOPE_LEVELS)
        .order_by("code")
        .only("code", "name", "level")
    )
    return {
        "datasets": datasets,
        "periods": list(periods),
        "scopes": list(scopes),
        "demo": any(dataset.is_demo for dataset in datasets),
    }


def exchange(request: HttpRequest) -> HttpResponse:
    require(request.user, "indicators.read")
    context = {**_choices(request), "may_upload": can(request.user, "indicators.enter")}
    return render(request, "indicators/exchange.html", context)


def exchange_download(request: HttpRequest) -> HttpResponse:
    """One data set, period and scope as DHIS2 JSON or tidy CSV."""
    require(request.user, "indicators.read")
    kind = request.GET.get("format", "dhis2")
    try:
        if kind not in ("dhis2", "csv"):
            raise InputError(_("Choose DHIS2 JSON or tidy CSV."), field="format")
        dataset = dataset_get(user=request.user, code=request.GET.get("dataset", ""))
        period = period_get(request.GET.get("period", ""))
    except InputError as exc:
        context = {**_choices(request), "may_upload": can(request.user, "indicators.enter")}
        context["download_error"] = exc.message
        return render(request, "indicators/exchange.html", context, status=400)
    home = request.user.home_unit.code  # type: ignore[union-attr]
    unit = unit_in_area(user=request.user, code=request.GET.get("unit") or home)
    derived = request.GET.get("derived") == "on"
    rows = interchange.exchange_rows(
        user=request.user,
        unit=unit,
        periods=[period],
        dataset=dataset,
        children=True,
        derived=derived,
    )
    stem = f"{dataset.code}-{period.code}-{unit.code}"
    if kind == "csv":
        return attachment_response(
            interchange.csv_export(rows), filename=f"{stem}.csv", content_type=CSV
        )
    body = interchange.dhis2_export(
        rows=rows, dataset=dataset, periods=[period], unit=unit, children=True
    )
    return attachment_response(
        json.dumps(body, ensure_ascii=False, indent=1),
        filename=f"{stem}.json",
        content_type=JSON,
    )


def exchange_upload(request: HttpRequest) -> HttpResponse:
    """Keep the file and show what storing it would do; nothing is stored yet."""
    require(request.user, "indicators.enter")
    if request.method != "POST":
        return redirect("indicators:exchange")
    context: dict[str, Any] = {**_choices(request), "may_upload": True}
    upload_file = request.FILES.get("file")
    try:
        if upload_file is None:
            raise InputError(_("Choose a file."), field="file")
        if upload_file.size and upload_file.size > interchange.MAX_IMPORT_BYTES:
            raise InputError(
                _("The file is %(size)d bytes; an import may be at most %(limit)d bytes.")
                % {"size": upload_file.size, "limit": interchange.MAX_IMPORT_BYTES},
                field="file",
            )
        dataset = dataset_get(user=request.user, code=request.POST.get("dataset", ""))
        period = period_get(request.POST.get("period", ""))
        upload, summary = interchange.exchange_upload_preview(
            user=request.user,
            dataset=dataset,
            period=period,
            filename=upload_file.name or "upload",
            data=upload_file.read(interchange.MAX_IMPORT_BYTES + 1),
        )
    except InputError as exc:
        context["upload_error"] = exc.message
        context["posted"] = request.POST
        return render(request, "indicators/exchange.html", context, status=400)
    context.update({"upload": upload, "summary": summary})
    # A preview is an answer even when it lists problems: the file was read and tried.
    return render(request, "indicators/exchange_preview.html", context)


def _own_upload(request: HttpRequest) -> Upload:
    """A previewed upload of the signed-in user's; anyone else's is not found."""
    pk = request.POST.get("upload", "")
    found = (
        Upload.objects.select_related("dataset", "period")
        .filter(pk=int(pk), uploaded_by_id=request.user.pk)
        .first()
        if pk.isdigit()
        else None
    )
    if found is None:
        raise Http404(_("No such upload."))
    return found


def exchange_confirm(request: HttpRequest) -> HttpResponse:
    """Store a previewed upload, or drop it."""
    require(request.user, "indicators.enter")
    if request.method != "POST":
        return redirect("indicators:exchange")
    upload = _own_upload(request)
    if request.POST.get("action") == "discard":
        interchange.exchange_upload_discard(user=request.user, upload=upload)
        messages.info(request, _("The upload was dropped; nothing was stored."))
        return redirect("indicators:exchange")
    try:
        summary = interchange.exchange_upload_confirm(user=request.user, upload=upload)
    except (InputError, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("indicators:exchange")
    if not summary.stored:
        context = {**_choices(request), "may_upload": True, "upload": upload}
        context["summary"] = summary
        return render(request, "indicators/exchange_preview.html", context, status=400)
    messages.success(
        request,
        _(
            "Stored: %(new)d new, %(changed)d changed, %(cleared)d cleared, "
            "%(unchanged)d unchanged, %(ignored)d ignored."
        )
        % {
            "new": summary.imported,
            "changed": summary.updated,
            "cleared": summary.deleted,
            "unchanged": summary.unchanged,
            "ignored": summary.ignored,
        },
    )
    return redirect("indicators:exchange")


urlpatterns: list[URLPattern] = [
    path("exchange/", exchange, name="exchange"),
    path("exchange/download/", exchange_download, name="exchange_download"),
    path("exchange/upload/", exchange_upload, name="exchange_upload"),
    path("exchange/confirm/", exchange_confirm, name="exchange_confirm"),
]
