"""Supervision notices: the list and its export, the notice (printable 督办单) with its reply
and close forms, and the issue form on an assignment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from baiqianwan.accounts.policy import can, in_scope, refuse_out_of_scope
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.plans.choices import NoticeState
from baiqianwan.plans.models import Assignment, Notice
from baiqianwan.plans.selectors import assignment_get
from baiqianwan.plans.supervision import (
    AWAITING,
    MAX_TEXT,
    notice_close,
    notice_get,
    notice_issue,
    notice_repliers_may,
    notice_reply,
    notices_listed,
)
from baiqianwan.units.models import Unit


class NoticeForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Requirement"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What the unit must do, and what its reply must say."),
    )
    reply_by = forms.DateField(
        label=gettext_lazy("Reply by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty for the plan's reply time."),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"), max_length=MAX_TEXT, required=False, widget=forms.TextInput
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoticeFilter(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("Any state")), *NoticeState.choices],
    )
    unit = forms.CharField(label=gettext_lazy("Unit code"), required=False, max_length=12)
    overdue = forms.BooleanField(label=gettext_lazy("Reply overdue"), required=False)


def _unit_in_area(request: HttpRequest, code: str) -> Unit | None:
    """The current unit of `code` when it lies in the user's area; 404 when it does not."""
    if not code:
        return None
    unit = Unit.objects.current().filter(code=code).first()
    if unit is None or not in_scope(request.user, unit):
        refuse_out_of_scope(request.user, "plans.read", code)
    return unit


def _listed(request: HttpRequest) -> tuple[NoticeFilter, Any]:
    """The filter form and the notices it keeps; InputError naming the field when wrong."""
    form = NoticeFilter(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InputError(f"{form.fields[field].label}: {errors[0]}", field=field)
    today = timezone.localdate()
    notices = notices_listed(
        user=request.user,
        state=form.cleaned_data["state"],
        unit=_unit_in_area(request, form.cleaned_data["unit"].strip()),
        overdue=form.cleaned_data["overdue"],
        today=today,
    )
    return form, notices


def notices(request: HttpRequest) -> HttpResponse:
    try:
        form, listed = _listed(request)
        page = list_paginate(listed, page=request.GET.get("page"))
    except (InputError, ListParamError) as exc:
        context = {"form": NoticeFilter(request.GET), "error": str(exc)}
        return render(request, "plans/notices.html", context, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "awaiting": AWAITING,
    }
    return render(request, "plans/notices.html", context)


def notices_export(request: HttpRequest) -> HttpResponse:
    try:
        _form, listed = _listed(request)
    except InputError as exc:
        return render(
            request,
            "plans/notices.html",
            {"form": NoticeFilter(request.GET), "error": str(exc)},
            status=400,
        )
    rows = [
        [
            notice.number,
            notice.assignment.task.plan.title,
            notice.assignment.task.number,
            notice.addressee.name,
            notice.addressee.code,
            notice.issuer.name,
            notice.issued_on.isoformat(),
            notice.reply_by.isoformat(),
            notice.get_state_display(),
            notice.escalated_to.name if notice.escalated_to else "",
            notice.replied_on.isoformat() if notice.replied_on else "",
            notice.text,
            notice.reply,
        ]
        for notice in listed
    ]
    headers = [
        pgettext("notice", "Number"),
        _("Plan"),
        _("Task"),
        pgettext("notice addressee", "To"),
        _("Unit code"),
        _("Issued by"),
        pgettext("notice", "Issued on"),
        _("Reply by"),
        _("State"),
        _("Escalated to"),
        _("Replied on"),
        _("Requirement"),
        _("Reply"),
    ]
    sheet = _("Supervision notices")
    body = xlsx_from_rows(sheet=sheet, headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{sheet}-{timezone.localdate():%Y%m%d}.xlsx")


def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_get(user=request.user, pk=pk, action="plans.notice")
    if request.method != "POST":
        default = timezone.localdate() + timedelta(days=assignment.task.plan.notice_reply_days)
        return _new_render(request, assignment, NoticeForm(initial={"reply_by": default}))
    form = NoticeForm(request.POST)
    if not form.is_valid():
        return _new_render(request, assignment, form, status=400)
    try:
        notice = notice_issue(
            actor=request.user,
            assignment=assignment,
            text=form.cleaned_data["text"],
            reply_by=form.cleaned_data["reply_by"],
            today=timezone.localdate(),
        )
    except InputError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _new_render(request, assignment, form, status=400)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _new_render(request, assignment, form, status=409)
    messages.success(request, _("Notice %(number)s issued.") % {"number": notice.number})
    return redirect("plans:notice", pk=notice.pk)


def _new_render(
    request: HttpRequest, assignment: Assignment, form: NoticeForm, status: int = 200
) -> HttpResponse:
    context = {"assignment": assignment, "plan": assignment.task.plan, "form": form}
    return render(request, "plans/notice_new.html", context, status=status)


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice; a POST is the issuer closing it."""
    found = notice_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _notice_render(request, found)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _notice_render(request, found, form, which="close", status=400)
    try:
        notice_close(
            actor=request.user,
            notice=found,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
            today=timezone.localdate(),
        )
    except InputError as exc:
        form.add_error(None, exc.message)
        return _notice_render(request, found, form, which="close", status=400)
    except Conflict as exc:
        return _notice_render(
            request, *_after_conflict(found, request, CloseForm, exc), status=409, which="close"
        )
    messages.success(request, _("Notice %(number)s closed.") % {"number": found.number})
    return redirect("plans:notice", pk=found.pk)


def notice_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = notice_get(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect("plans:notice", pk=found.pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _notice_render(request, found, form, which="reply", status=400)
    try:
        notice_reply(
            actor=request.user,
            notice=found,
            reply=form.cleaned_data["reply"],
            version=form.cleaned_data["version"],
            today=timezone.localdate(),
        )
    except InputError as exc:
        form.add_error("reply" if exc.field == "reply" else None, exc.message)
        return _notice_render(request, found, form, which="reply", status=400)
    except Conflict as exc:
        return _notice_render(
            request, *_after_conflict(found, request, ReplyForm, exc), status=409, which="reply"
        )
    messages.success(request, _("Reply sent."))
    return redirect("plans:notice", pk=found.pk)


def _after_conflict(
    found: Notice, request: HttpRequest, form_class: type[forms.Form], exc: Conflict
) -> tuple[Notice, forms.Form]:
    """The notice as it stands now, and the user's form with their text kept and the version
    they now see: sending it again is a decision taken knowing what changed."""
    found.refresh_from_db()
    data = request.POST.copy()
    data["version"] = str(found.version)
    form = form_class(data)
    form.is_valid()
    form.add_error(None, exc.message)
    return found, form


def _notice_render(
    request: HttpRequest,
    found: Notice,
    form: forms.Form | None = None,
    *,
    which: str = "",
    status: int = 200,
) -> HttpResponse:
    """The notice page; a refused form keeps what the user typed (with the version they read,
    so a second try after a 409 says what changed rather than overwriting it)."""
    user: Any = request.user
    today: date = timezone.localdate()
    may_reply = (
        found.state in AWAITING
        and can(user, "plans.report", found)
        and notice_repliers_may(actor=user, notice=found)
    )
    may_close = (
        found.state != NoticeState.CLOSED
        and can(user, "plans.notice", found)
        and user.home_unit_id == found.issuer_id
    )
    context = {
        "notice": found,
        "plan": found.assignment.task.plan,
        "task": found.assignment.task,
        "steps": found.steps.select_related("unit", "actor"),
        "overdue": found.state in AWAITING and found.reply_by < today,
        "reply_form": form
        if which == "reply" and form
        else ReplyForm(initial={"version": found.version}),
        "close_form": form
        if which == "close" and form
        else CloseForm(initial={"version": found.version}),
        "may_reply": may_reply,
        "may_close": may_close,
    }
    return render(request, "plans/notice.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("notices/", notices, name="notices"),
    path("notices.xlsx", notices_export, name="notices_export"),
    path("assignments/<int:pk>/notice/", notice_new, name="notice_new"),
    path("notices/<int:pk>/", notice, name="notice"),
    path("notices/<int:pk>/reply/", notice_reply_view, name="notice_reply"),
]
