"""Submissions: the approval page of the level above, a unit's own report with its submit
button and history, the reporting rate (with its Excel export), headquarters' lock, and the
lock exceptions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from baiqianwan.accounts.policy import refuse_out_of_scope, require, scope_prefix
from baiqianwan.audit.services import download_record
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.indicators.flows import submission_lock, submission_submit, submissions_decide
from baiqianwan.indicators.models import LockException
from baiqianwan.indicators.services import lock_exception_grant, lock_exception_revoke
from baiqianwan.indicators.submission_selectors import (
    Choice,
    approval_page,
    choice_read,
    reporting_rate,
    status_page,
    submission_get,
)
from baiqianwan.indicators.tree import period_tree
from baiqianwan.units.models import Unit

DECISIONS = ("approve", "return", "waive")


def _choice(request: HttpRequest, source: Any = None) -> Choice:
    source = source if source is not None else request.GET
    return choice_read(
        user=request.user,
        dataset_code=source.get("dataset", ""),
        period_code=source.get("period", ""),
    )


def _query(choice: Choice, **extra: str) -> str:
    params = {"dataset": choice.dataset.code if choice.dataset else ""}
    params["period"] = choice.period.code if choice.period else ""
    params.update(extra)
    return urlencode(params)


def _demo(choice: Choice) -> bool:
    return bool(choice.dataset and choice.dataset.is_demo)


def approvals(request: HttpRequest) -> HttpResponse:
    """The units directly below the viewer: state, completeness, rule counts, last change,
    and approve / return / waive, one by one or for all selected."""
    require(request.user, "indicators.approve")
    choice = _choice(request)
    page = None
    if choice.dataset is not None and choice.period is not None:
        page = approval_page(user=request.user, dataset=choice.dataset, period=choice.period)
    context = {
        "choice": choice,
        "page": page,
        "query": _query(choice),
        "demo": _demo(choice),
        "comment": request.GET.get("comment", ""),
    }
    return render(request, "indicators/approvals.html", context)


def _units_chosen(request: HttpRequest) -> list[tuple[int, int | None]]:
    """(unit id, version seen) for the row button pressed, or for every box ticked."""
    raw = request.POST.get("row", "")
    picked = [raw.partition(":")[2]] if raw else request.POST.getlist("units")
    chosen = []
    for value in picked:
        try:
            unit_id = int(value)
        except ValueError:
            raise InputError(_("Choose units from the list."), field="units") from None
        version_raw = request.POST.get(f"version_{unit_id}", "")
        chosen.append((unit_id, int(version_raw) if version_raw.isdigit() else None))
    if not chosen:
        raise InputError(_("Tick the units first."), field="units")
    return chosen


def decide(request: HttpRequest) -> HttpResponseBase:
    """Approve, return or waive the chosen reports; each is decided on its own and the page
    says which went through and which were refused, and why."""
    require(request.user, "indicators.approve")
    if request.method != "POST":
        return redirect("indicators:approvals")
    choice = _choice(request, request.POST)
    target = reverse("indicators:approvals") + "?" + _query(choice)
    if choice.dataset is None or choice.period is None:
        messages.error(request, _("Choose a data set and a period."))
        return redirect(target)
    row = request.POST.get("row", "")
    decision = row.partition(":")[0] if row else request.POST.get("decision", "")
    if decision not in DECISIONS:
        messages.error(request, _("Choose to approve, return or waive."))
        return redirect(target)
    comment = request.POST.get("comment", "")
    try:
        chosen = _units_chosen(request)
    except InputError as error:
        messages.error(request, error.message)
        return redirect(target)
    prefix = scope_prefix(request.user, "indicators.approve")
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=[pk for pk, _v in chosen], code__startswith=prefix)
    }
    if len(units) != len({pk for pk, _v in chosen}):
        messages.error(request, _("Choose units from the list."))
        return redirect(target)
    result = submissions_decide(
        actor=request.user,
        dataset=choice.dataset,
        period=choice.period,
        decision=decision,
        units=[(units[pk], version) for pk, version in chosen],
        comment=comment,
    )
    for unit, why in result.refused:
        messages.error(request, f"{unit.name}: {why}")
    done = [submission.unit.name for submission in result.done]
    if done:
        count, names = len(done), "、".join(done)
        if decision == "approve":
            text = ngettext(
                "%(count)d report approved: %(names)s.",
                "%(count)d reports approved: %(names)s.",
                count,
            )
        elif decision == "return":
            text = ngettext(
                "%(count)d report returned: %(names)s.",
                "%(count)d reports returned: %(names)s.",
                count,
            )
        else:
            text = ngettext(
                "%(count)d report waived: %(names)s.",
                "%(count)d reports waived: %(names)s.",
                count,
            )
        messages.success(request, text % {"count": count, "names": names})
    return redirect(target)


def _status_context(request: HttpRequest, choice: Choice, unit: Unit) -> dict[str, Any]:
    assert choice.dataset is not None and choice.period is not None
    tree = period_tree(choice.dataset, choice.period)
    node = tree.node_by_code(unit.code)
    status = status_page(tree=tree, node=node) if node and tree.submits(node.pk) else None
    return {
        "choice": choice,
        "unit": unit,
        "status": status,
        "query": _query(choice, unit=unit.code),
        "demo": _demo(choice),
    }


def status(request: HttpRequest) -> HttpResponse:
    """A unit's own report (the viewer's home unit, or `unit` of the area): state, values
    filled, the rule check, the submit button and the history."""
    require(request.user, "indicators.read")
    choice = _choice(request)
    code = request.GET.get("unit", "") or request.user.home_unit.code  # type: ignore[union-attr]
    prefix = scope_prefix(request.user, "indicators.read")
    unit = Unit.objects.filter(code=code, code__startswith=prefix, valid_to__isnull=True).first()
    if unit is None:
        refuse_out_of_scope(request.user, "indicators.read", code)
    context = {"choice": choice, "unit": unit, "status": None, "demo": _demo(choice)}
    if choice.dataset is not None and choice.period is not None:
        context = _status_context(request, choice, unit)
    return render(request, "indicators/status.html", context)


def submission(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A submission's page: its unit's report for that data set and period, with history."""
    found = submission_get(user=request.user, pk=pk)
    choice = choice_read(
        user=request.user, dataset_code=found.dataset.code, period_code=found.period.code
    )
    if choice.dataset is None or choice.period is None:
        choice = Choice(
            datasets=choice.datasets,
            dataset=found.dataset,
            periods=choice.periods,
            period=found.period,
        )
    return render(request, "indicators/status.html", _status_context(request, choice, found.unit))


def submit(request: HttpRequest) -> HttpResponseBase:
    """Submit a unit's report (or its total) to the level above."""
    require(request.user, "indicators.enter")
    if request.method != "POST":
        return redirect("indicators:status")
    choice = _choice(request, request.POST)
    code = request.POST.get("unit", "")
    prefix = scope_prefix(request.user, "indicators.enter")
    unit = Unit.objects.filter(code=code, code__startswith=prefix, valid_to__isnull=True).first()
    target = reverse("indicators:status") + "?" + _query(choice, unit=code)
    if unit is None or choice.dataset is None or choice.period is None:
        messages.error(request, _("Choose a data set, a period and a unit of your area."))
        return redirect(target)
    version_raw = request.POST.get("version", "")
    try:
        result = submission_submit(
            actor=request.user,
            dataset=choice.dataset,
            period=choice.period,
            unit=unit,
            version=int(version_raw) if version_raw.isdigit() else None,
        )
    except (InputError, Conflict) as error:
        messages.error(request, error.message)
        return redirect(target)
    messages.success(request, _("Submitted; the level above reviews it."))
    for warning in result.warnings:
        messages.warning(
            request,
            _("Warning: %(rule)s (%(left)g %(operator)s %(right)g)")
            % {
                "rule": warning.rule.name,
                "left": warning.left,
                "operator": warning.rule.get_operator_display(),
                "right": warning.right,
            },
        )
    return redirect(target)


def lock(request: HttpRequest) -> HttpResponseBase:
    """Headquarters locks the period of a data set once everything in it is settled."""
    require(request.user, "indicators.manage")
    if request.method != "POST":
        return redirect("indicators:approvals")
    choice = _choice(request, request.POST)
    target = reverse("indicators:approvals") + "?" + _query(choice)
    if choice.dataset is None or choice.period is None:
        messages.error(request, _("Choose a data set and a period."))
        return redirect(target)
    try:
        count = submission_lock(actor=request.user, dataset=choice.dataset, period=choice.period)
    except InputError as error:
        messages.error(request, error.message)
        return redirect(target)
    messages.success(
        request,
        ngettext("%(count)d report locked.", "%(count)d reports locked.", count) % {"count": count},
    )
    return redirect(target)


RATE_HEADERS = (
    gettext_lazy("Unit"),
    gettext_lazy("Code"),
    gettext_lazy("Expected"),
    gettext_lazy("Submitted"),
    gettext_lazy("On time"),
    gettext_lazy("Waived"),
    gettext_lazy("Reporting rate (%)"),
    gettext_lazy("On-time rate (%)"),
)


def reporting(request: HttpRequest) -> HttpResponse:
    """DHIS2's reporting rate summary for the units below the viewer; `?format=xlsx` exports
    it."""
    require(request.user, "indicators.read")
    choice = _choice(request)
    page = None
    if choice.dataset is not None and choice.period is not None:
        page = reporting_rate(user=request.user, dataset=choice.dataset, period=choice.period)
    if request.GET.get("format") == "xlsx" and page is not None:
        assert choice.dataset is not None and choice.period is not None
        rows = [
            [r.name, r.code, r.expected, r.submitted, r.on_time, r.waived, r.rate, r.on_time_rate]
            for r in [*page.rows, page.total]
        ]
        filename = f"{choice.dataset.code}-{choice.period.code}-reporting-rate.xlsx"
        body = xlsx_from_rows(
            sheet=_("Reporting rate"),
            headers=[str(h) for h in RATE_HEADERS],
            rows=rows,
            note=_("%(dataset)s · %(period)s · window closes %(date)s")
            % {
                "dataset": choice.dataset.name,
                "period": choice.period.code,
                "date": page.closes_on.isoformat() if page.closes_on else "—",
            },
        )
        download_record(filename=filename)
        return xlsx_response(body, filename=filename)
    context = {
        "choice": choice,
        "page": page,
        "headers": RATE_HEADERS,
        "query": _query(choice),
        "demo": _demo(choice),
    }
    return render(request, "indicators/reporting.html", context)


def lock_exceptions(request: HttpRequest) -> HttpResponse:
    """The lock exceptions of a data set and period, and the form granting one."""
    require(request.user, "indicators.manage")
    choice = _choice(request, request.POST if request.method == "POST" else request.GET)
    form: dict[str, Any] = {}
    status_code = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("unit", "until", "reason")}
        try:
            if choice.dataset is None or choice.period is None:
                raise InputError(_("Choose a data set and a period."), field="dataset")
            unit = Unit.objects.current().filter(code=form["unit"].strip()).first()
            if unit is None:
                raise InputError(
                    _("No unit with code %(code)s.") % {"code": form["unit"]}, field="unit"
                )
            try:
                until = date.fromisoformat(form["until"].strip())
            except ValueError:
                raise InputError(
                    _("The end date must be a date (YYYY-MM-DD)."), field="until"
                ) from None
            lock_exception_grant(
                actor=request.user,
                dataset=choice.dataset,
                period=choice.period,
                unit=unit,
                until=until,
                reason=form["reason"],
            )
        except InputError as error:
            form["error"] = error.message
            status_code = 400
        else:
            messages.success(request, _("Exception granted to %(unit)s.") % {"unit": unit.name})
            return redirect(reverse("indicators:lock_exceptions") + "?" + _query(choice))
    exceptions: list[LockException] = []
    if choice.dataset is not None and choice.period is not None:
        exceptions = list(
            LockException.objects.filter(dataset=choice.dataset, period=choice.period)
            .select_related("unit", "granted_by")
            .order_by("-granted_at", "-id")
        )
    context = {
        "choice": choice,
        "exceptions": exceptions,
        "form": form,
        "today": timezone.localdate(),
        "query": _query(choice),
        "demo": _demo(choice),
    }
    return render(request, "indicators/lock_exceptions.html", context, status=status_code)


def lock_exception_end(request: HttpRequest, pk: int) -> HttpResponseBase:
    require(request.user, "indicators.manage")
    prefix = scope_prefix(request.user, "indicators.manage")
    found = (
        LockException.objects.select_related("dataset", "period", "unit")
        .filter(pk=pk, unit__code__startswith=prefix)
        .first()
    )
    if found is None:
        raise Http404(_("Not found in your area."))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        lock_exception_revoke(actor=request.user, exception=found)
    except InputError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Exception of %(unit)s revoked.") % {"unit": found.unit.name})
    query = urlencode({"dataset": found.dataset.code, "period": found.period.code})
    return redirect(reverse("indicators:lock_exceptions") + "?" + query)


urlpatterns: list[URLPattern] = [
    path("approvals/", approvals, name="approvals"),
    path("approvals/decide/", decide, name="decide"),
    path("approvals/lock/", lock, name="lock"),
    path("status/", status, name="status"),
    path("status/submit/", submit, name="submit"),
    path("submissions/<int:pk>/", submission, name="submission"),
    path("reporting/", reporting, name="reporting"),
    path("lock-exceptions/", lock_exceptions, name="lock_exceptions"),
    path("lock-exceptions/<int:pk>/revoke/", lock_exception_end, name="lock_exception_revoke"),
]
