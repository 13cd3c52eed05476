"""Plans from ledgers (intake review, xlsx import), ledger export, departments."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baiqianwan.accounts.policy import OutOfScope, can, require, scope_prefix
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.ledger import LedgerDataError, ledger_from_document
from baiqianwan.intake.selectors import intake_get
from baiqianwan.plans.choices import PartyRole, PlanStatus
from baiqianwan.plans.departments import aliases_split, department_update
from baiqianwan.plans.ledger import (
    MAX_LEDGER_BYTES,
    ledger_read,
    parties_match_name,
    plan_from_ledger,
    plan_ledger_workbook,
    plan_unmatched,
    tasks_lead_set,
)
from baiqianwan.plans.matching import city_prefix
from baiqianwan.plans.models import Department, Plan, Task
from baiqianwan.plans.selectors import plan_get
from baiqianwan.plans.services import department_create
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit


def _input_error_to_form(form: forms.Form, error: InputError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, 404 outside the user's area, 403 for one they only read."""
    plan = plan_get(user=request.user, pk=pk)
    require(request.user, "plans.manage")
    if not can(request.user, "plans.manage", plan):
        raise PermissionDenied(_("Only the issuing unit's managers change this plan."))
    return plan


def _imported_message(request: HttpRequest, plan: Plan, tasks: int, unmatched: int) -> None:
    if unmatched:
        messages.warning(
            request,
            _(
                "Draft plan made with %(tasks)d tasks. %(n)d names of units were not found in "
                "the register: match them below."
            )
            % {"tasks": tasks, "n": unmatched},
        )
    else:
        messages.success(
            request,
            _("Draft plan made with %(tasks)d tasks; every unit was matched.") % {"tasks": tasks},
        )


# --- Import from a file ------------------------------------------------------------------------


class LedgerImportForm(forms.Form):
    upload = forms.FileField(
        label=gettext_lazy("Ledger workbook"),
        help_text=gettext_lazy(
            "An .xlsx (or .xls, .ods) file in the task-ledger layout: the columns 序号, "
            "工作任务 and 牵头单位 at least, as the ledger downloaded from the intake page."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Left empty, the title written above the ledger's header."),
    )
    document_number = forms.CharField(
        label=gettext_lazy("Document number"), max_length=100, required=False
    )
    issuer_name = forms.CharField(
        label=gettext_lazy("Issued by (as written)"), max_length=200, required=False
    )
    year_start = forms.IntegerField(label=gettext_lazy("First year"))
    year_end = forms.IntegerField(label=gettext_lazy("Last year"))


def ledger_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.manage")
    issuer = request.user.home_unit  # type: ignore[union-attr]
    context: dict[str, Any] = {"issuer": issuer, "limit_mb": MAX_LEDGER_BYTES // (1024 * 1024)}
    if request.method != "POST":
        year = timezone.localdate().year
        context["form"] = LedgerImportForm(initial={"year_start": year, "year_end": year})
        return render(request, "plans/ledger_import.html", context)
    form = LedgerImportForm(request.POST, request.FILES)
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        upload = data["upload"]
        try:
            if upload.size > MAX_LEDGER_BYTES:
                raise InputError(
                    _("The file is %(size)d bytes; a ledger may be at most %(limit)d bytes.")
                    % {"size": upload.size, "limit": MAX_LEDGER_BYTES},
                    field="upload",
                )
            sheet = ledger_read(data=upload.read(MAX_LEDGER_BYTES + 1), name=upload.name)
            ledger = sheet.plan
            if data["issuer_name"]:
                ledger = replace(ledger, issuer=data["issuer_name"])
            made = plan_from_ledger(
                actor=request.user,
                plan=ledger,
                rows=sheet.rows,
                issuer=issuer,
                today=timezone.localdate(),
                title=data["title"] or None,
                year_start=data["year_start"],
                year_end=data["year_end"],
                document_number=data["document_number"],
                row_numbers=sheet.row_numbers,
                sheet=sheet.sheet,
            )
        except InputError as exc:
            form.add_error(
                exc.field
                if exc.field in form.fields
                else "upload"
                if exc.field == "file"
                else None,
                exc.message,
            )
        else:
            _imported_message(request, made.plan, made.tasks, len(made.unmatched))
            return redirect("plans:parties", pk=made.plan.pk)
    return render(request, "plans/ledger_import.html", context, status=400)


# --- From the intake review page ---------------------------------------------------------------


@require_POST
def from_intake(request: HttpRequest, pk: int) -> HttpResponse:
    document = intake_get(user=request.user, pk=pk)
    require(request.user, "plans.manage", document.unit)
    back = redirect("intake:detail", pk=document.pk)
    if document.status != IntakeStatus.DONE:
        messages.error(request, _("The text is not cleaned and drafted yet."))
        return back
    earlier = Plan.objects.filter(source_document=document, status=PlanStatus.DRAFT).first()
    if earlier is not None and can(request.user, "plans.manage", earlier):
        messages.info(
            request,
            _("A draft plan was made from this text already; it is shown here."),
        )
        return redirect("plans:parties", pk=earlier.pk)
    try:
        ledger, rows = ledger_from_document(document.ledger)
        made = plan_from_ledger(
            actor=request.user,
            plan=ledger,
            rows=rows,
            issuer=request.user.home_unit,  # type: ignore[union-attr]
            today=timezone.localdate(),
            source_document=document,
            title=ledger.title or document.title,
        )
    except LedgerDataError as exc:
        messages.error(request, _("The saved ledger cannot be read: %(error)s") % {"error": exc})
        return back
    except InputError as exc:
        messages.error(request, exc.message)
        return back
    _imported_message(request, made.plan, made.tasks, len(made.unmatched))
    return redirect("plans:parties", pk=made.plan.pk)


# --- Matching the names the import could not -----------------------------------------------------


def _choices(plan: Plan) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a name may be matched to: the active departments, county- and town-level units of
    the issuer's city, grouped for a select."""
    prefix = city_prefix(plan.issuer)
    departments = Department.objects.filter(
        is_active=True, unit__code__startswith=prefix
    ).select_related("unit")
    units = (
        Unit.objects.current()
        .within(prefix)
        .filter(level__in=(Level.CITY, Level.COUNTY, Level.TOWN))
        .with_places()
        .order_by("code")
    )
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        (
            _("Departments"),
            [(f"department:{d.pk}", f"{d.name}（{d.unit.name}）") for d in departments],
        )
    ]
    levels: dict[str, list[tuple[str, str]]] = {}
    for unit in units:
        county = getattr(unit, "county_name", None)  # annotated by with_places
        label = f"{county} · {unit.name}" if county else unit.name
        levels.setdefault(unit.get_level_display(), []).append((f"unit:{unit.pk}", label))
    groups.extend(levels.items())
    return groups


def _choice(plan: Plan, value: str) -> tuple[Unit | None, Department | None]:
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit():
        raise InputError(_("Choose a unit or a department."), field="choice")
    prefix = city_prefix(plan.issuer)
    if kind == "unit":
        unit = Unit.objects.current().within(prefix).filter(pk=int(pk)).first()
        if unit is not None:
            return unit, None
    elif kind == "department":
        found = (
            Department.objects.filter(unit__code__startswith=prefix, pk=int(pk))
            .select_related("unit")
            .first()
        )
        if found is not None:
            return None, found
    raise InputError(_("Choose a unit or a department of the list."), field="choice")


def parties(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    error = ""
    status = 200
    posted: dict[str, str] = {}
    if request.method == "POST" and request.POST.get("action") == "lead":
        posted = {"lead_choice": request.POST.get("choice", "").strip()}
        try:
            unit, department = _choice(plan, posted["lead_choice"])
            count = tasks_lead_set(
                actor=request.user,
                plan=plan,
                task_ids=[int(v) for v in request.POST.getlist("task") if v.isdigit()],
                unit=unit,
                department=department,
            )
        except InputError as exc:
            error = exc.message
            status = 400
        else:
            messages.success(request, _("%(n)d tasks were given their lead unit.") % {"n": count})
            return redirect("plans:parties", pk=plan.pk)
    elif request.method == "POST":
        posted = {key: request.POST.get(key, "").strip() for key in ("name", "choice", "new")}
        try:
            unit, department = None, None
            if posted["new"]:
                department = department_create(
                    actor=request.user, unit=plan.issuer, name=posted["new"]
                )
            else:
                unit, department = _choice(plan, posted["choice"])
            count = parties_match_name(
                actor=request.user,
                plan=plan,
                name=posted["name"],
                unit=unit,
                department=department,
            )
        except InputError as exc:
            error = exc.message
            status = 400
        else:
            chosen = unit.name if unit is not None else department.name if department else ""
            messages.success(
                request,
                _("%(name)s is now %(chosen)s in %(n)d places.")
                % {"name": posted["name"], "chosen": chosen, "n": count},
            )
            return redirect("plans:parties", pk=plan.pk)
    tasks = plan.tasks.order_by("order", "id")
    leadless = tasks.exclude(parties__role=PartyRole.LEAD).only("number", "text", "source_row")
    flagged = tasks.filter(deadline_flagged=True).only(
        "number", "text", "deadline_text", "source_row"
    )
    context = {
        "plan": plan,
        "unmatched": plan_unmatched(plan=plan),
        "leadless": list(leadless[:200]),
        "flagged": list(flagged[:200]),
        "choices": _choices(plan) if plan.status == PlanStatus.DRAFT else [],
        "error": error,
        "posted": posted,
        "task_count": Task.objects.filter(plan=plan).count(),
    }
    return render(request, "plans/ledger_parties.html", context, status=status)


def ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get(user=request.user, pk=pk)
    data = plan_ledger_workbook(plan=plan, today=timezone.localdate())
    return xlsx_response(data, filename=f"{plan.title}-任务台账.xlsx")


# --- Departments -------------------------------------------------------------------------------


def _department_get(request: HttpRequest, pk: Any) -> Department:
    prefix = scope_prefix(request.user, "plans.manage")
    try:
        number = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("No such department.")) from None
    found = Department.objects.select_related("unit").filter(pk=number).first()
    if found is None:
        raise Http404(_("No such department."))
    if not found.unit.code.startswith(prefix):
        raise OutOfScope(
            user=request.user,
            action="plans.manage",
            code=found.unit.code,
            message=_("No such department."),
        )
    return found


def _departments_in_area(request: HttpRequest) -> Any:
    prefix = scope_prefix(request.user, "plans.manage")
    return Department.objects.filter(unit__code__startswith=prefix).select_related("unit")


def departments(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.manage")
    error = ""
    status = 200
    if request.method == "POST":
        department = _department_get(request, request.POST.get("department"))
        try:
            department_update(
                actor=request.user,
                department=department,
                version=request.POST.get("version", ""),
                aliases=aliases_split(request.POST.get("aliases", "")),
                is_active=request.POST.get("is_active") == "on",
            )
        except Conflict as exc:
            error, status = exc.message, 409
        else:
            messages.success(request, _("%(name)s saved.") % {"name": department.name})
            return redirect("plans:departments")
    rows = _departments_in_area(request).order_by("unit__code", "-is_active", "name")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            xlsx_from_rows(
                sheet=_("Departments"),
                headers=[_("Unit code"), _("Unit"), _("Name"), _("Other names"), _("Active")],
                rows=(
                    [
                        d.unit.code,
                        d.unit.name,
                        d.name,
                        "、".join(d.aliases),
                        _("yes") if d.is_active else _("no"),
                    ]
                    for d in rows
                ),
            ),
            filename=_("departments") + ".xlsx",
        )
    context = {"departments": rows, "error": error}
    return render(request, "plans/departments.html", context, status=status)


class DepartmentForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("Unit"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    aliases = forms.CharField(
        label=gettext_lazy("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Separated by 、 or one a line: 肇庆市农业农村局、农业农村局."),
    )


def _department_units(request: HttpRequest) -> list[tuple[str, str]]:
    """The units a user may keep departments for: their own and the county-level ones below."""
    prefix = scope_prefix(request.user, "plans.manage")
    units = (
        Unit.objects.current()
        .within(prefix)
        .filter(level__in=(Level.PROVINCE, Level.CITY, Level.COUNTY))
        .order_by("code")
    )
    return [(unit.code, unit.name) for unit in units]


def department_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "plans.manage")
    choices = _department_units(request)
    form = DepartmentForm(request.POST or None)
    form.fields["unit"].choices = choices  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.current().get(code=data["unit"])
        try:
            department_create(
                actor=request.user,
                unit=unit,
                name=data["name"],
                aliases=aliases_split(data["aliases"]),
            )
        except InputError as exc:
            _input_error_to_form(form, exc)
        else:
            messages.success(request, _("Department %(name)s added.") % {"name": data["name"]})
            return redirect("plans:departments")
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/department_form.html", {"form": form}, status=status)


urlpatterns: list[URLPattern] = [
    path("import/", ledger_import, name="import"),
    path("from-intake/<int:pk>/", from_intake, name="from_intake"),
    path("<int:pk>/parties/", parties, name="parties"),
    path("<int:pk>/ledger.xlsx", ledger_xlsx, name="ledger_xlsx"),
    path("departments/", departments, name="departments"),
    path("departments/new/", department_new, name="department_create"),
]
