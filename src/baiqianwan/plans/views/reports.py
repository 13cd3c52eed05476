"""Assignments: reporting progress, evidence, review, splitting, my tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.plans.choices import ProgressStatus
from baiqianwan.plans.evidence_store import evidence_get, evidence_max_bytes, evidence_max_files
from baiqianwan.plans.evidence_store import evidence_response as _evidence_response
from baiqianwan.plans.flows import report_review, report_submit
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.report_selectors import (
    assignment_page,
    mine_get,
    mine_querysets,
    report_get,
)
from baiqianwan.plans.selectors import assignment_get
from baiqianwan.plans.services import assignment_split
from baiqianwan.units.models import Unit


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    status: int = 200,
    report_form: dict[str, Any] | None = None,
    review_form: dict[str, Any] | None = None,
    split_form: dict[str, Any] | None = None,
) -> HttpResponse:
    """The assignment page; a refused form comes back with what the user typed and why."""
    page = assignment_page(user=request.user, assignment=assignment)
    context = {
        "page": page,
        "assignment": assignment,
        "plan": assignment.task.plan,
        "statuses": ProgressStatus.choices,
        "report_form": report_form or {"status": ProgressStatus.ON_TRACK},
        "review_form": review_form or {},
        "split_form": split_form or {"units": set()},
        "max_mb": evidence_max_bytes() // 2**20,
        "max_files": evidence_max_files(),
    }
    return render(request, "plans/assignment.html", context, status=status)


def assignment(request: HttpRequest, pk: int) -> HttpResponse:
    found = assignment_get(user=request.user, pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _page(request, found)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report progress: text, percent, status, evidence files (an htmx form, or a plain one)."""
    found = assignment_get(user=request.user, pk=pk, action="plans.report")
    if request.method != "POST":
        return redirect(reverse("plans:assignment", args=[found.pk]) + "#report")
    typed = {
        "text": request.POST.get("text", ""),
        "percent": request.POST.get("percent", ""),
        "status": request.POST.get("status", ""),
        "cycle": request.POST.get("cycle", ""),
    }
    try:
        report_submit(
            actor=request.user,
            assignment=found,
            text=typed["text"],
            percent=typed["percent"],
            status=typed["status"],
            cycle=typed["cycle"] or None,
            files=request.FILES.getlist("files"),
            today=timezone.localdate(),
        )
    except InputError as error:
        form = {**typed, "error": error.message, "field": error.field}
        if _is_htmx(request):
            context = {
                "assignment": found,
                "report_form": form,
                "statuses": ProgressStatus.choices,
                "max_mb": evidence_max_bytes() // 2**20,
                "max_files": evidence_max_files(),
            }
            return render(request, "plans/report_form.html", context, status=400)
        return _page(request, found, status=400, report_form=form)
    messages.success(request, _("Progress reported; the level above reviews it."))
    target = reverse("plans:assignment", args=[found.pk])
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or return a report; a concurrent review answers 409 and keeps the comment."""
    found = report_get(user=request.user, pk=pk, action="plans.review")
    target = reverse("plans:assignment", args=[found.assignment_id])
    if request.method != "POST":
        return redirect(target + "#review")
    decision = request.POST.get("decision", "")
    form: dict[str, Any] = {"comment": request.POST.get("comment", ""), "decision": decision}
    try:
        if decision not in ("accept", "return"):
            raise InputError(_("Choose to accept or to return the report."), field="decision")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            raise InputError(
                _("The form is incomplete; reload the page."), field="version"
            ) from None
        report_review(
            actor=request.user,
            report=found,
            accept=decision == "accept",
            comment=form["comment"],
            version=version,
            today=timezone.localdate(),
        )
    except Conflict as error:
        form["error"] = error.message
        return _page(request, found.assignment, status=409, review_form=form)
    except InputError as error:
        form["error"] = error.message
        return _page(request, found.assignment, status=400, review_form=form)
    if decision == "accept":
        messages.success(request, _("Report accepted."))
    else:
        messages.success(request, _("Report returned with your comment."))
    return redirect(target)


def _split_parse(request: HttpRequest, found: Assignment) -> tuple[list[Unit], Any, date | None]:
    ids = []
    for raw in request.POST.getlist("units"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise InputError(_("Choose units from the list."), field="units") from None
    units = list(Unit.objects.current().filter(pk__in=ids, parent_id=found.unit_id))
    if len(units) != len(set(ids)):
        raise InputError(_("Choose units from the list."), field="units")
    units.sort(key=lambda unit: unit.code)
    raw_weights = [request.POST.get(f"weight_{unit.pk}", "").strip() for unit in units]
    weights = [raw or "1" for raw in raw_weights] if any(raw_weights) else None
    raw_deadline = request.POST.get("deadline", "").strip()
    deadline = None
    if raw_deadline:
        try:
            deadline = date.fromisoformat(raw_deadline)
        except ValueError:
            raise InputError(
                _("The deadline must be a date (YYYY-MM-DD)."), field="deadline"
            ) from None
    return units, weights, deadline


def split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split the assignment into the units directly below (a county's into its towns')."""
    found = assignment_get(user=request.user, pk=pk, action="plans.assign")
    target = reverse("plans:assignment", args=[found.pk])
    if request.method != "POST":
        return redirect(target + "#split")
    form: dict[str, Any] = {
        "units": set(request.POST.getlist("units")),
        "weights": {key: value for key, value in request.POST.items() if key.startswith("weight_")},
        "deadline": request.POST.get("deadline", ""),
    }
    try:
        units, weights, deadline = _split_parse(request, found)
        created = assignment_split(
            actor=request.user,
            assignment=found,
            units=units,
            weights=weights,
            deadline=deadline,
            today=timezone.localdate(),
        )
    except InputError as error:
        form["error"] = error.message
        return _page(request, found, status=400, split_form=form)
    messages.success(
        request,
        _("Split into %(count)d more units; they report, and this assignment rolls up.")
        % {"count": len(created)},
    )
    return redirect(target)


def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, to users whose area covers its report."""
    found = evidence_get(user=request.user, pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _evidence_response(evidence=found)


def mine(request: HttpRequest) -> HttpResponse:
    """我的任务: what the signed-in unit must report, redo, review and answer."""
    today = timezone.localdate()
    context = {"mine": mine_get(user=request.user, today=today), "today": today}
    return render(request, "plans/mine.html", context)


def mine_export(request: HttpRequest) -> HttpResponse:
    """我的任务 as a workbook: every row of the four lists."""
    today = timezone.localdate()
    user: Any = request.user
    lists = mine_querysets(user=user, today=today)
    rows: list[list[Any]] = []

    def line(what: str, item: Assignment, detail: str) -> list[Any]:
        deadline = item.deadline or item.task.deadline
        return [
            what,
            item.task.plan.title,
            item.task.number,
            item.task.text,
            item.unit.name,
            item.get_light_display(),
            item.light_why,
            float(item.progress),
            deadline.isoformat() if deadline else item.task.deadline_text,
            detail,
        ]

    for item in lists["to_report"]:
        rows.append(line(_("To report"), item, item.last_cycle))
    for item in lists["returned"]:
        rows.append(line(_("Returned"), item, item.latest_comment))
    for report_ in lists["to_review"]:
        detail = f"{report_.cycle} · {report_.percent}% · {report_.get_status_display()}"
        rows.append(line(_("To review"), report_.assignment, detail))
    for notice in lists["notices"]:
        detail = _("%(number)s · reply by %(on)s · %(state)s") % {
            "number": notice.number,
            "on": f"{notice.reply_by:%Y-%m-%d}",
            "state": notice.get_state_display(),
        }
        rows.append(line(_("Notices"), notice.assignment, detail))
    headers = [
        _("List"),
        _("Plan"),
        _("No."),
        _("Task"),
        _("Unit"),
        _("Light"),
        _("Why"),
        _("Progress (%)"),
        _("Deadline"),
        _("Detail"),
    ]
    sheet = _("My tasks")
    body = xlsx_from_rows(sheet=sheet, headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{sheet}-{user.home_unit.name}-{today:%Y%m%d}.xlsx")


urlpatterns: list[URLPattern] = [
    path("mine/", mine, name="mine"),
    path("mine.xlsx", mine_export, name="mine_export"),
    path("assignments/<int:pk>/", assignment, name="assignment"),
    path("assignments/<int:pk>/report/", report, name="report"),
    path("assignments/<int:pk>/split/", split, name="split"),
    path("reports/<int:pk>/review/", review, name="review"),
    path("evidence/<int:pk>/", evidence, name="evidence"),
]
