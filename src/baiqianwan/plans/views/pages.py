"""Plan, task, board and comparison pages.

Pages that change a plan (create, settings, issue, close, assign) look the plan up within the
user's area first, so a plan elsewhere answers 404 to every method, then ask the policy for
`plans.manage` (403 for a reader such as a leader, or a county operator on headquarters' plan).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from baiqianwan.accounts.policy import can, require
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.plans import reading
from baiqianwan.plans.choices import Light, PlanStatus, ReportCycle
from baiqianwan.plans.models import Plan, TaskParty
from baiqianwan.plans.selectors import plan_get, task_get, tasks_visible
from baiqianwan.plans.services import (
    PLAN_SETTINGS,
    plan_close,
    plan_create,
    plan_issue,
    plan_problems,
    plan_update,
    tasks_assign,
)
from baiqianwan.units.models import Unit

# --- Forms -------------------------------------------------------------------------------------

_MILESTONE = re.compile(r"^\s*(\d{4})\s*(?:年)?\s*[:：、,，\s]?\s*(.*)$")


def milestones_parse(text: str) -> list[dict[str, Any]]:
    """Milestones as typed, one a line: ``2025 三年初见成效`` (the year, then what it marks).

    Raises `forms.ValidationError` naming the line that does not start with a year.
    """
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _MILESTONE.match(line)
        if match is None:
            raise forms.ValidationError(
                _("Line %(n)d “%(line)s” does not start with a year, as in “2025 三年初见成效”.")
                % {"n": number, "line": line.strip()[:40]}
            )
        result.append({"year": int(match.group(1)), "text": match.group(2).strip()})
    return result


def milestones_text(milestones: list[dict[str, Any]]) -> str:
    return "\n".join(f"{m.get('year')} {m.get('text', '')}".strip() for m in milestones)


class PlanForm(forms.Form):
    """A plan's title, 文号, years and milestones."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    year_start = forms.IntegerField(label=gettext_lazy("First year"))
    year_end = forms.IntegerField(label=gettext_lazy("Last year"))
    milestones = forms.CharField(
        label=gettext_lazy("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: the year, then what it marks (2025 三年初见成效)."),
    )

    def clean_milestones(self) -> list[dict[str, Any]]:
        return milestones_parse(self.cleaned_data.get("milestones") or "")


class PlanSettingsForm(PlanForm):
    """The plan's details and its light rule's parameters, with the version that was read."""

    report_cycle = forms.ChoiceField(
        label=gettext_lazy("Reporting cycle"), choices=ReportCycle.choices
    )
    report_due_day = forms.IntegerField(label=gettext_lazy("Report due by day"))
    warning_days = forms.IntegerField(label=gettext_lazy("Warning window (days)"))
    red_returns = forms.IntegerField(label=gettext_lazy("Returns that turn red"))
    notice_reply_days = forms.IntegerField(label=gettext_lazy("Notice reply time (days)"))
    escalation_days = forms.IntegerField(label=gettext_lazy("Grace before escalation (days)"))
    interview_days = forms.IntegerField(label=gettext_lazy("Grace before interview (days)"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def of(cls, plan: Plan) -> PlanSettingsForm:
        initial = {name: getattr(plan, name) for name in (*PLAN_SETTINGS, "report_cycle")}
        initial.update(
            title=plan.title,
            document_number=plan.document_number,
            year_start=plan.year_start,
            year_end=plan.year_end,
            milestones=milestones_text(plan.milestones),
            version=plan.version,
        )
        return cls(initial=initial)


def _input_error_to_form(form: forms.Form, error: InputError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _today() -> date:
    return timezone.localdate()


def _manage(request: HttpRequest, plan: Plan) -> None:
    """403 unless the user may manage this plan (a plan they only read included)."""
    require(request.user, "plans.manage")
    if not can(request.user, "plans.manage", plan):
        raise PermissionDenied(_("Only the issuing unit's managers change this plan."))


def _export_name(title: str, what: str) -> str:
    return f"{title[:60]}-{what}-{_today():%Y%m%d}.xlsx"


# --- The plan list -----------------------------------------------------------------------------


def plan_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in PlanStatus.values:
        status = ""
    text = request.GET.get("q", "")[:100]
    plans = reading.plans_listed(user=request.user, status=status, text=text)
    try:
        page = list_paginate(plans, page=request.GET.get("page"))
    except ListParamError as exc:
        return render(request, "plans/plan_list.html", {"error": str(exc)}, status=400)
    context = {
        "page": page,
        "rows": reading.plan_rows(user=request.user, plans=list(page.items)),
        "status": status,
        "q": text,
        "query": urlencode({"status": status, "q": text}),
        "statuses": PlanStatus.choices,
        "can_manage": can(request.user, "plans.manage"),
    }
    return render(request, "plans/plan_list.html", context)


def plan_list_export(request: HttpRequest) -> HttpResponse:
    plans = list(reading.plans_listed(user=request.user))
    headers = [
        _("Title"),
        _("Document number"),
        _("Issued by"),
        _("Years"),
        _("Status"),
        _("Issued on"),
        _("Tasks"),
        *[str(light.label) for light in reading.LIGHTS],
        _("Demo data"),
    ]
    rows = [
        [
            row.plan.title,
            row.plan.document_number,
            row.plan.issuer_name or row.plan.issuer.name,
            row.plan.years,
            row.plan.get_status_display(),
            f"{row.plan.issued_on:%Y-%m-%d}" if row.plan.issued_on else "",
            row.tasks,
            *[count for _light, _label, count in row.counts.items()],
            _("yes") if row.plan.is_demo else "",
        ]
        for row in reading.plan_rows(user=request.user, plans=plans)
    ]
    body = xlsx_from_rows(sheet=_("Plans"), headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{_('Plans')}-{_today():%Y%m%d}.xlsx")


def plan_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.manage")
    issuer = request.user.home_unit  # type: ignore[union-attr]
    if request.method != "POST":
        form = PlanForm(initial={"year_start": _today().year, "year_end": _today().year})
        return render(request, "plans/plan_form.html", {"form": form, "issuer": issuer})
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = plan_create(
                actor=request.user,
                title=data["title"],
                issuer=issuer,
                issuer_name=issuer.name,
                document_number=data["document_number"],
                year_start=data["year_start"],
                year_end=data["year_end"],
                milestones=data["milestones"],
            )
        except InputError as exc:
            _input_error_to_form(form, exc)
        else:
            messages.success(request, _("Plan created as a draft. Add its tasks and assign them."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "issuer": issuer}, status=400)


# --- The plan page -----------------------------------------------------------------------------


def _filters(request: HttpRequest) -> reading.TaskFilters:
    return reading.TaskFilters.of(request.GET)


def _tree_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    filters = _filters(request)
    page, groups = reading.task_tree(
        user=request.user, plan=plan, filters=filters, page=request.GET.get("page")
    )
    return {"plan": plan, "filters": filters, "page": page, "groups": groups}


def _plan_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    may_manage = can(request.user, "plans.manage", plan)
    return {
        "plan": plan,
        "counts": reading.plan_counts(user=request.user, plan=plan),
        "categories": reading.plan_categories(user=request.user, plan=plan),
        "units": reading.plan_units(user=request.user, plan=plan),
        "lights": [(light.value, light.label) for light in reading.LIGHTS],
        "unassigned": reading.UNASSIGNED,
        "can_manage": may_manage,
        "problems": plan_problems(plan=plan)
        if may_manage and plan.status == PlanStatus.DRAFT
        else [],
        "active": "tasks",
    }


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    try:
        tree = _tree_context(request, plan)
    except (InputError, ListParamError) as exc:
        if request.headers.get("HX-Request"):
            # htmx swaps only successful answers: the refusal shows in place of the tree.
            return render(request, "plans/plan_tree_error.html", {"error": str(exc)})
        context = {
            **_plan_context(request, plan),
            "filters": reading.TaskFilters(),
            "error": str(exc),
        }
        return render(request, "plans/plan_detail.html", context, status=400)
    if request.headers.get("HX-Request"):
        return render(request, "plans/plan_tree.html", tree)
    return render(request, "plans/plan_detail.html", {**_plan_context(request, plan), **tree})


def plan_tasks_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    try:
        filters = _filters(request)
        rows = reading.task_rows_all(user=request.user, plan=plan, filters=filters)
    except InputError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    headers = [
        _("Category"),
        _("Number"),
        _("Task"),
        _("Lead units"),
        _("Deadline as written"),
        _("Deadline"),
        _("Light"),
        _("Progress (%)"),
        *[str(light.label) for light in reading.LIGHTS],
    ]
    body = xlsx_from_rows(
        sheet=pgettext("the list of tasks", "Tasks"),
        headers=headers,
        note=f"{plan.title}" + (f" · {filters.query()}" if filters.active else ""),
        rows=[
            [
                row.task.category,
                row.task.number,
                row.task.text,
                "、".join(row.leads),
                row.task.deadline_text,
                f"{row.task.deadline:%Y-%m-%d}" if row.task.deadline else "",
                _light_label(row.light),
                row.progress,
                *[count for _light, _label, count in row.counts.items()],
            ]
            for row in rows
        ],
    )
    return xlsx_response(
        body, filename=_export_name(plan.title, pgettext("the list of tasks", "Tasks"))
    )


def _light_label(light: str) -> str:
    if light in Light.values:
        return str(Light(light).label)
    return _("not assigned")


# --- Changing a plan ---------------------------------------------------------------------------


def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    _manage(request, plan)
    context: dict[str, Any] = {"plan": plan, "active": "settings"}
    if request.method != "POST":
        return render(
            request, "plans/plan_settings.html", {**context, "form": PlanSettingsForm.of(plan)}
        )
    form = PlanSettingsForm(request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            plan_update(actor=request.user, plan=plan, version=version, **data)
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = 409
        except InputError as exc:
            _input_error_to_form(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_settings.html", {**context, "form": form}, status=status)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise InputError(
            _("The form lacks the plan's version; reload the page."), field="version"
        ) from None


def plan_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    _manage(request, plan)
    if request.method != "POST":
        return redirect("plans:detail", pk=plan.pk)
    return _plan_step(request, plan, step=plan_issue, done=_("Plan issued."))


def plan_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    _manage(request, plan)
    if request.method != "POST":
        return redirect("plans:detail", pk=plan.pk)
    return _plan_step(request, plan, step=plan_close, done=_("Plan closed."))


def _plan_step(request: HttpRequest, plan: Plan, *, step: Any, done: str) -> HttpResponse:
    """Issue or close; a refusal shows the plan page again with why (400, or 409)."""
    try:
        step(actor=request.user, plan=plan, version=_version(request), today=_today())
    except (InputError, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        context = {
            **_plan_context(request, plan),
            **_tree_context(request, plan),
            "refused": exc.message,
        }
        return render(request, "plans/plan_detail.html", context, status=status)
    messages.success(request, done)
    return redirect("plans:detail", pk=plan.pk)


def plan_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign all or chosen tasks to the units directly below the issuer."""
    plan = plan_get(user=request.user, pk=pk)
    _manage(request, plan)
    tasks = list(tasks_visible(user=request.user, plan=plan).order_by("order", "id"))
    units = list(
        Unit.objects.current().filter(parent=plan.issuer).order_by("code").only("code", "name")
    )
    context: dict[str, Any] = {"plan": plan, "tasks": tasks, "units": units, "active": "assign"}
    if request.method != "POST":
        chosen = set(request.GET.getlist("task"))
        context.update(chosen_tasks=chosen, chosen_units=set(), all_tasks=not chosen)
        return render(request, "plans/plan_assign.html", context)
    chosen_tasks = set(request.POST.getlist("task"))
    chosen_units = set(request.POST.getlist("unit"))
    all_tasks = bool(request.POST.get("all_tasks"))
    all_units = bool(request.POST.get("all_units"))
    context.update(chosen_tasks=chosen_tasks, chosen_units=chosen_units, all_tasks=all_tasks)
    errors = []
    picked_tasks = tasks if all_tasks else [t for t in tasks if str(t.pk) in chosen_tasks]
    picked_units = units if all_units else [u for u in units if u.code in chosen_units]
    if not picked_tasks:
        errors.append(_("Choose at least one task, or all tasks."))
    unknown = chosen_units - {u.code for u in units}
    if unknown:
        errors.append(
            _("%(codes)s: not units directly below %(issuer)s.")
            % {"codes": ", ".join(sorted(unknown)), "issuer": plan.issuer.name}
        )
    deadline = None
    raw = request.POST.get("deadline", "").strip()
    if raw:
        try:
            deadline = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("The deadline “%(value)s” is not a date.") % {"value": raw[:20]})
    if not errors:
        try:
            created = tasks_assign(
                actor=request.user,
                tasks=picked_tasks,
                units=picked_units,
                deadline=deadline,
                today=_today(),
            )
        except InputError as exc:
            errors.append(exc.message)
        else:
            messages.success(
                request,
                _("%(n)d assignments made; tasks already given to a unit keep theirs.")
                % {"n": created},
            )
            return redirect("plans:detail", pk=plan.pk)
    context["errors"] = errors
    return render(request, "plans/plan_assign.html", context, status=400)


# --- The task page -----------------------------------------------------------------------------


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = task_get(user=request.user, pk=pk)
    parties = list(
        TaskParty.objects.filter(task=task)
        .select_related("unit", "department")
        .order_by("role", "order", "id")
    )
    nodes = reading.assignment_tree(user=request.user, task=task)
    context = {
        "task": task,
        "plan": task.plan,
        "leads": [p for p in parties if p.role == "lead"],
        "partners": [p for p in parties if p.role == "partner"],
        "nodes": nodes,
        "can_manage": can(request.user, "plans.manage", task.plan)
        and task.plan.status != PlanStatus.CLOSED,
    }
    return render(request, "plans/task.html", context)


# --- The board and the comparison --------------------------------------------------------------


def board(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    by_unit = request.GET.get("by") == "county"
    try:
        filters = reading.TaskFilters() if by_unit else _filters(request)
        if by_unit:
            page, rows = None, reading.board_by_unit(user=request.user, plan=plan)
        else:
            page, rows = reading.board_by_task(
                user=request.user, plan=plan, filters=filters, page=request.GET.get("page")
            )
    except (InputError, ListParamError) as exc:
        return render(
            request,
            "plans/board.html",
            {"plan": plan, "error": str(exc), "active": "board"},
            status=400,
        )
    if request.GET.get("export") == "xlsx":
        return _board_export(plan, rows, by_unit=by_unit)
    context = {
        "plan": plan,
        "axis": reading.timeline_of(plan),
        "rows": rows,
        "page": page,
        "by_unit": by_unit,
        "filters": filters,
        "today": _today(),
        "today_at": reading.timeline_of(plan).at(_today()),
        "active": "board",
        "can_manage": can(request.user, "plans.manage", plan),
    }
    return render(request, "plans/board.html", context)


def _board_export(plan: Plan, rows: list[reading.BoardRow], *, by_unit: bool) -> HttpResponse:
    headers = [
        _("Unit") if by_unit else _("Task"),
        _("Tasks") if by_unit else _("Lead units"),
        _("Deadline as written"),
        _("Deadline"),
        _("Light"),
        _("Progress (%)"),
        *[str(light.label) for light in reading.LIGHTS],
    ]
    body = xlsx_from_rows(
        sheet=_("Board"),
        headers=headers,
        note=plan.title,
        rows=[
            [
                row.label,
                row.sublabel,
                row.deadline_text,
                f"{row.deadline:%Y-%m-%d}" if row.deadline else "",
                _light_label(row.light),
                row.progress,
                *[count for _light, _label, count in row.counts.items()],
            ]
            for row in rows
        ],
    )
    return xlsx_response(body, filename=_export_name(plan.title, _("Board")))


def compare(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    try:
        parent = reading.compare_parent(user=request.user, code=request.GET.get("unit", ""))
    except InputError as exc:
        return render(
            request,
            "plans/compare.html",
            {"plan": plan, "error": exc.message, "active": "compare"},
            status=400,
        )
    rows = reading.comparison(user=request.user, plan=plan, parent=parent)
    if request.GET.get("export") == "xlsx":
        return _compare_export(plan, rows, parent)
    context = {
        "plan": plan,
        "rows": rows,
        "parent": parent,
        "active": "compare",
        "can_manage": can(request.user, "plans.manage", plan),
    }
    return render(request, "plans/compare.html", context)


def _compare_export(
    plan: Plan, rows: list[reading.CompareRow], parent: Unit | None
) -> HttpResponse:
    headers = [
        _("Rank"),
        _("Unit"),
        _("Code"),
        _("Assignments"),
        _("Done"),
        _("Completion rate (%)"),
        _("Done on time"),
        _("On-time rate (%)"),
        _("Mean progress (%)"),
        _("Red"),
        _("Yellow"),
    ]
    body = xlsx_from_rows(
        sheet=_("Comparison"),
        headers=headers,
        note=plan.title + (f" · {parent.name}" if parent else ""),
        rows=[
            [
                row.rank,
                row.name,
                row.code,
                row.assignments,
                row.done,
                row.completion,
                row.on_time,
                row.on_time_rate,
                row.progress,
                row.red,
                row.yellow,
            ]
            for row in rows
        ],
    )
    return xlsx_response(body, filename=_export_name(plan.title, _("Comparison")))


urlpatterns: list[URLPattern] = [
    path("", plan_list, name="list"),
    path("new/", plan_new, name="create"),
    path("plans.xlsx", plan_list_export, name="list_export"),
    path("<int:pk>/", plan_detail, name="detail"),
    path("<int:pk>/tasks.xlsx", plan_tasks_export, name="tasks_export"),
    path("<int:pk>/settings/", plan_settings, name="settings"),
    path("<int:pk>/issue/", plan_issue_view, name="issue"),
    path("<int:pk>/close/", plan_close_view, name="close"),
    path("<int:pk>/assign/", plan_assign, name="assign"),
    path("<int:pk>/board/", board, name="board"),
    path("<int:pk>/compare/", compare, name="compare"),
    path("tasks/<int:pk>/", task_detail, name="task"),
]
