"""The Excel template and its upload: choose a data set, period and area; download the
template; upload it filled; see the preview (what would change, every problem by sheet!cell);
store it or discard it; see the result. Large uploads are checked and stored in the
background while the page polls their state."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baiqianwan.accounts.policy import require
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.indicators.models import DataSet, UploadState
from baiqianwan.indicators.selectors import dataset_get, datasets_visible, period_get, unit_in_area
from baiqianwan.indicators.upload import MAX_UPLOAD_BYTES
from baiqianwan.indicators.upload_selectors import (
    uploads_recent,
    workbook_periods,
    workbook_scopes,
)
from baiqianwan.indicators.uploads import (
    upload_confirm,
    upload_create,
    upload_discard,
    upload_get,
)
from baiqianwan.indicators.workbook import template_build, template_filename

# The states in which the page polls until the worker is done.
WORKING = (UploadState.CHECKING, UploadState.STORING)


def _choice(request: HttpRequest, datasets: list[DataSet]) -> dict[str, Any]:
    """The chosen data set, period and area (GET or POST), defaulting to the first of each."""
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("dataset", "")
    dataset = next((d for d in datasets if d.code == code), datasets[0] if datasets else None)
    periods = workbook_periods(dataset) if dataset else []
    wanted = source.get("period", "")
    period = next((p for p in periods if p.code == wanted), periods[0] if periods else None)
    scopes = workbook_scopes(user=request.user, dataset=dataset) if dataset else []
    wanted = source.get("scope", "")
    scope = next((s for s in scopes if s.code == wanted), scopes[0] if scopes else None)
    return {
        "datasets": datasets,
        "dataset": dataset,
        "periods": periods,
        "period": period,
        "scopes": scopes,
        "scope": scope,
    }


def _datasets(request: HttpRequest) -> list[DataSet]:
    """The data sets of the user's area that the user has an area to report for."""
    return [
        dataset
        for dataset in datasets_visible(user=request.user)
        if workbook_scopes(user=request.user, dataset=dataset)
    ]


def _picked(request: HttpRequest, source: Any) -> tuple[Any, Any, Any]:
    dataset = dataset_get(user=request.user, code=source.get("dataset", ""))
    period = period_get(source.get("period", ""))
    scope = unit_in_area(user=request.user, code=source.get("scope", ""), action="indicators.enter")
    return dataset, period, scope


@require_GET
def workbook(request: HttpRequest) -> HttpResponse:
    """Choose a data set, period and area; download its template or upload it filled."""
    require(request.user, "indicators.enter")
    context = _choice(request, _datasets(request))
    context |= {
        "uploads": uploads_recent(user=request.user),
        "max_mb": MAX_UPLOAD_BYTES // 2**20,
    }
    return render(request, "indicators/workbook.html", context)


@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The template of the chosen data set, period and area, filled with stored values."""
    require(request.user, "indicators.enter")
    try:
        dataset, period, scope = _picked(request, request.GET)
        body = template_build(dataset=dataset, period=period, scope=scope)
    except InputError as refused:
        messages.error(request, refused.message)
        return redirect(reverse("indicators:workbook") + "?" + request.GET.urlencode())
    return xlsx_response(
        body, filename=template_filename(dataset=dataset, period=period, scope=scope)
    )


def upload_new(request: HttpRequest) -> HttpResponse:
    """Take a filled template and show its preview (or queue its check when large)."""
    require(request.user, "indicators.enter")
    if request.method != "POST":
        return redirect("indicators:workbook")
    datasets = _datasets(request)
    file = request.FILES.get("file")
    try:
        dataset, period, scope = _picked(request, request.POST)
        if file is None:
            raise InputError(_("Choose the filled workbook to upload."), field="file")
        if file.size and file.size > MAX_UPLOAD_BYTES:
            raise InputError(
                _("The file is %(size)d MB; at most %(limit)d MB is accepted.")
                % {"size": file.size // 2**20, "limit": MAX_UPLOAD_BYTES // 2**20},
                field="file",
            )
        upload = upload_create(
            user=request.user,
            dataset=dataset,
            period=period,
            scope=scope,
            filename=file.name or "upload.xlsx",
            data=file.read(),
        )
    except InputError as refused:
        context = _choice(request, datasets) | {
            "uploads": uploads_recent(user=request.user),
            "max_mb": MAX_UPLOAD_BYTES // 2**20,
            "upload_error": refused.message,
        }
        return render(request, "indicators/workbook.html", context, status=400)
    return redirect("indicators:upload", pk=upload.pk)


def _upload_context(request: HttpRequest, upload: Any) -> dict[str, Any]:
    return {
        "upload": upload,
        "working": upload.state in WORKING,
        "can_store": upload.state == UploadState.PREVIEWED
        and upload.uploaded_by_id == request.user.pk,
        "can_discard": upload.state in (UploadState.PREVIEWED, UploadState.REFUSED),
        "more_problems": max(upload.problem_count - len(upload.problems), 0),
        "more_changes": max(
            upload.summary.get("changed", 0)
            + upload.summary.get("new", 0)
            + upload.summary.get("cleared", 0)
            - len(upload.changes),
            0,
        ),
    }


@require_GET
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's preview, its problems, or its result."""
    found = upload_get(user=request.user, pk=pk)
    return render(request, "indicators/upload.html", _upload_context(request, found))


@require_GET
def upload_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The state card that the page polls while the worker checks or stores; once done, the
    whole page reloads."""
    found = upload_get(user=request.user, pk=pk)
    response = render(request, "indicators/_upload_state.html", _upload_context(request, found))
    if found.state not in WORKING and request.GET.get("was") in WORKING:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def upload_store(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the previewed upload, all-or-nothing."""
    found = upload_get(user=request.user, pk=pk)
    try:
        done = upload_confirm(user=request.user, upload=found)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("indicators:upload", pk=found.pk)
    except InputError as refused:
        messages.error(request, refused.message)
        return redirect("indicators:upload", pk=found.pk)
    except PermissionDenied:
        raise
    if done.state == UploadState.STORED:
        messages.success(request, _("The values are stored."))
    return redirect("indicators:upload", pk=found.pk)


@require_POST
def upload_drop(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard the upload: nothing is stored."""
    found = upload_get(user=request.user, pk=pk)
    try:
        upload_discard(user=request.user, upload=found)
    except InputError as refused:
        messages.error(request, refused.message)
        return redirect("indicators:upload", pk=found.pk)
    messages.info(request, _("The upload is discarded; nothing was stored."))
    return redirect("indicators:workbook")


urlpatterns: list[URLPattern] = [
    path("workbook/", workbook, name="workbook"),
    path("workbook/template.xlsx", template, name="workbook_template"),
    path("workbook/upload/", upload_new, name="workbook_upload"),
    path("uploads/<int:pk>/", upload, name="upload"),
    path("uploads/<int:pk>/state/", upload_state, name="upload_state"),
    path("uploads/<int:pk>/store/", upload_store, name="upload_store"),
    path("uploads/<int:pk>/discard/", upload_drop, name="upload_discard"),
]
