"""Pages of the briefings app: the list of generated documents, a document with its preview
and downloads, the form that asks for one, the office's templates and the schedules; parse,
call, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baiqianwan.accounts.policy import can, require
from baiqianwan.briefings import selectors, services
from baiqianwan.briefings.choices import Cadence, DocumentState, Kind
from baiqianwan.briefings.samples import sample_context
from baiqianwan.briefings.word import shipped_template
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.core.responses import attachment_response
from baiqianwan.plans.selectors import assignment_get
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _home(request: HttpRequest) -> Unit:
    user: Any = request.user
    return user.home_unit


def _areas(user: Any) -> list[Unit]:
    """The areas a user may write documents for: their home unit and the counties below it."""
    prefix = user.home_unit.prefix
    return list(
        Unit.objects.current()
        .filter(code__startswith=prefix, level__in=[Level.CITY, Level.COUNTY])
        .order_by("code")
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Document"),
        choices=[(Kind.BRIEFING, Kind.BRIEFING.label), (Kind.RANKING, Kind.RANKING.label)],
    )
    unit = forms.CharField(label=gettext_lazy("Area"))
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=8,
        help_text=gettext_lazy("2025 (a year), 2025Q3 (a quarter) or 2025-11 (a month)"),
    )


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=Kind.choices)
    file = forms.FileField(label=gettext_lazy("Word template (.docx)"))


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Document"),
        choices=[(Kind.BRIEFING, Kind.BRIEFING.label), (Kind.RANKING, Kind.RANKING.label)],
    )
    cadence = forms.ChoiceField(label=gettext_lazy("Cadence"), choices=Cadence.choices)
    day = forms.IntegerField(label=gettext_lazy("Day of the month"), min_value=1, max_value=28)


def _form_error(form: forms.Form, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def documents(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    found = selectors.documents_visible(user=request.user, kind=kind if kind in Kind.values else "")
    try:
        page = list_paginate(found, page=request.GET.get("page"))
    except ListParamError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return render(
        request,
        "briefings/documents.html",
        {
            "page": page,
            "kinds": Kind.choices,
            "kind": kind,
            "can_manage": can(request.user, "briefings.manage"),
        },
    )


def document_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "briefings.manage")
    areas = _areas(request.user)
    if request.method != "POST":
        form = DocumentForm(initial={"unit": _home(request).code, "kind": Kind.BRIEFING})
        return render(request, "briefings/document_new.html", {"form": form, "areas": areas})
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            unit = selectors.area_get(user=request.user, code=form.cleaned_data["unit"])
            document = services.document_request(
                user=request.user,
                kind=form.cleaned_data["kind"],
                unit=unit,
                period=form.cleaned_data["period"],
            )
        except InputError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The document is being written."))
            return redirect("briefings:document", pk=document.pk)
    return render(
        request, "briefings/document_new.html", {"form": form, "areas": areas}, status=400
    )


@require_POST
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A supervision notice for one assignment, from the task page."""
    assignment = assignment_get(user=request.user, pk=pk)
    try:
        document = services.document_request(
            user=request.user,
            kind=Kind.NOTICE,
            unit=_home(request),
            assignment=assignment,
        )
    except InputError as exc:
        messages.error(request, exc.message)
        return redirect("plans:task", pk=assignment.task_id)
    messages.success(request, _("The supervision notice is being written."))
    return redirect("briefings:document", pk=document.pk)


def document(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.document_get(user=request.user, pk=pk)
    waiting = found.state in (DocumentState.QUEUED, DocumentState.RUNNING)
    template = (
        "briefings/_state.html" if request.headers.get("HX-Request") else "briefings/document.html"
    )
    return render(
        request,
        template,
        {
            "document": found,
            "waiting": waiting,
            "versions": selectors.documents_visible(user=request.user)
            .filter(kind=found.kind, unit=found.unit, period=found.period)
            .exclude(pk=found.pk)
            .order_by("-version"),
        },
    )


def _file(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    found = selectors.document_get(user=request.user, pk=pk)
    stored = getattr(found, field)
    if found.state != DocumentState.DONE or not stored:
        return HttpResponse(_("This document has no file yet."), status=404)
    with stored.open("rb") as handle:
        body = handle.read()
    name = f"{found.number}{found.title}（第{found.version}版）.{field}"
    content_type = DOCX if field == "docx" else "application/pdf"
    return attachment_response(body, filename=name, content_type=content_type)


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "docx")


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(request, pk, "pdf")


def document_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Page 1 as a picture, shown on the page (not a download)."""
    found = selectors.document_get(user=request.user, pk=pk)
    if not found.preview:
        return HttpResponse(status=404)
    with found.preview.open("rb") as handle:
        return HttpResponse(handle.read(), content_type="image/png")


def templates(request: HttpRequest) -> HttpResponse:
    can_manage = can(request.user, "briefings.manage")
    form = TemplateForm()
    status = 200
    if request.method == "POST":
        require(request.user, "briefings.manage")
        form = TemplateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.template_upload(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    unit=_home(request),
                    upload=form.cleaned_data["file"],
                )
            except InputError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The template is in use from now on."))
                return redirect("briefings:templates")
        status = 400
    return render(
        request,
        "briefings/templates.html",
        {
            "form": form,
            "can_manage": can_manage,
            "templates": selectors.templates_visible(user=request.user),
            "kinds": [
                (value, label, sorted(sample_context(value))) for value, label in Kind.choices
            ],
        },
        status=status,
    )


def template_shipped(request: HttpRequest, kind: str) -> HttpResponse:
    require(request.user, "briefings.read")
    if kind not in Kind.values:
        return HttpResponse(status=404)
    return attachment_response(
        shipped_template(kind), filename=f"{Kind(kind).label}.docx", content_type=DOCX
    )


def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.template_get(user=request.user, pk=pk)
    with found.file.open("rb") as handle:
        return attachment_response(handle.read(), filename=found.name, content_type=DOCX)


@require_POST
def template_retire(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.template_get(user=request.user, pk=pk)
    services.template_retire(user=request.user, template=found)
    messages.success(request, _("The template is no longer used."))
    return redirect("briefings:templates")


def schedules(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(initial={"day": 5})
    status = 200
    if request.method == "POST":
        require(request.user, "briefings.manage")
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                services.schedule_save(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    unit=_home(request),
                    cadence=form.cleaned_data["cadence"],
                    day=form.cleaned_data["day"],
                )
            except InputError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Schedule saved."))
                return redirect("briefings:schedules")
        status = 400
    return render(
        request,
        "briefings/schedules.html",
        {
            "form": form,
            "schedules": selectors.schedules_visible(user=request.user),
            "can_manage": can(request.user, "briefings.manage"),
        },
        status=status,
    )


@require_POST
def schedule_stop(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.schedules_visible(user=request.user).filter(pk=pk).first()
    if found is None:
        return HttpResponse(status=404)
    services.schedule_stop(user=request.user, schedule=found)
    messages.success(request, _("Schedule stopped."))
    return redirect("briefings:schedules")
