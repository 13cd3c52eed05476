"""数据质量: for a data set, period and area, the rules each unit breaks and the values that look
unusual, with counts per county and both lists in Excel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.indicators.choices import Severity
from baiqianwan.indicators.models import CollectionWindow, DataSet, Period
from baiqianwan.indicators.outliers import CHANGE_THRESHOLD
from baiqianwan.indicators.quality import (
    COMPARE_PREVIOUS,
    COMPARE_YEAR,
    METHOD_CHANGE,
    METHOD_Z,
    PEERS_AREA,
    PEERS_SIBLINGS,
    QualityReport,
    quality_report,
)
from baiqianwan.indicators.selectors import datasets_visible, period_get, unit_in_area
from baiqianwan.units.models import Unit

SHOW_VIOLATIONS = "violations"
SHOW_OUTLIERS = "outliers"


class QualityFilter(forms.Form):
    dataset = forms.CharField(label=gettext_lazy("Data set"), required=False, max_length=32)
    period = forms.CharField(label=gettext_lazy("Period"), required=False, max_length=8)
    unit = forms.CharField(label=gettext_lazy("County or town"), required=False, max_length=12)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        required=False,
        choices=[("", gettext_lazy("Any severity")), *Severity.choices],
    )
    rule = forms.CharField(label=gettext_lazy("Rule"), required=False, max_length=32)
    indicator = forms.CharField(label=gettext_lazy("Indicator"), required=False, max_length=32)
    method = forms.ChoiceField(
        label=gettext_lazy("Outliers by"),
        required=False,
        choices=[
            ("", gettext_lazy("Change or z-score")),
            (METHOD_CHANGE, gettext_lazy("Change only")),
            (METHOD_Z, gettext_lazy("Z-score only")),
        ],
    )
    compare = forms.ChoiceField(
        label=gettext_lazy("Change against"),
        required=False,
        choices=[
            (COMPARE_YEAR, gettext_lazy("Same period last year")),
            (COMPARE_PREVIOUS, gettext_lazy("Previous period")),
        ],
    )
    peers = forms.ChoiceField(
        label=gettext_lazy("Peers"),
        required=False,
        choices=[
            (PEERS_SIBLINGS, gettext_lazy("Units under the same parent")),
            (PEERS_AREA, gettext_lazy("All units of the list")),
        ],
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("Change threshold (%)"), required=False, min_value=1, max_value=1000
    )
    show = forms.ChoiceField(
        required=False,
        choices=[(SHOW_VIOLATIONS, SHOW_VIOLATIONS), (SHOW_OUTLIERS, SHOW_OUTLIERS)],
    )


@dataclass(frozen=True)
class Chosen:
    form: QualityFilter
    datasets: list[DataSet]
    periods: list[Period]
    areas: list[Unit]
    report: QualityReport | None
    show: str


def _areas(user: Any) -> list[Unit]:
    """The counties and towns of the user's area, for the area filter."""
    prefix = scope_prefix(user, "indicators.read")
    return list(
        Unit.objects.filter(
            valid_to__isnull=True, level__in=["county", "town"], code__startswith=prefix
        ).order_by("code")
    )


def _chosen(request: HttpRequest) -> Chosen:
    """The filter as asked, with the data set and period it defaults to; InputError naming
    the field when a parameter is wrong, 404 for an area outside the user's."""
    form = QualityFilter(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label or field
        raise InputError(f"{label}: {errors[0]}", field=field)
    data = form.cleaned_data
    datasets = list(datasets_visible(user=request.user))
    show = data["show"] or SHOW_VIOLATIONS
    areas = _areas(request.user)
    if not datasets:
        return Chosen(form, [], [], areas, None, show)
    code = data["dataset"].strip()
    dataset = next((d for d in datasets if d.code == code), None) if code else datasets[0]
    if dataset is None:
        raise InputError(_("No data set %(code)s in your area.") % {"code": code}, field="dataset")
    windows = CollectionWindow.objects.filter(dataset=dataset).select_related("period")
    periods = [w.period for w in windows.order_by("-period__start")]
    if data["period"].strip():
        period = period_get(data["period"])
    elif periods:
        period = periods[0]
    else:
        return Chosen(form, datasets, [], areas, None, show)
    within = unit_in_area(user=request.user, code=data["unit"].strip()) if data["unit"] else None
    report = quality_report(
        user=request.user,
        dataset=dataset,
        period=period,
        within=within,
        severity=data["severity"],
        rule=data["rule"].strip(),
        indicator=data["indicator"].strip(),
        method=data["method"],
        compare=data["compare"] or COMPARE_YEAR,
        peers=data["peers"] or PEERS_SIBLINGS,
        threshold=(data["threshold"] or round(CHANGE_THRESHOLD * 100)) / 100,
    )
    return Chosen(form, datasets, periods, areas, report, show)


def quality(request: HttpRequest) -> HttpResponse:
    try:
        chosen = _chosen(request)
        report = chosen.report
        listed: list[Any] = []
        if report is not None:
            listed = report.violations if chosen.show == SHOW_VIOLATIONS else report.outliers
        page = list_paginate(cast(Any, listed), page=request.GET.get("page"))
    except (InputError, ListParamError) as exc:
        context = {
            "form": QualityFilter(request.GET),
            "error": str(exc),
            "areas": _areas(request.user),
        }
        return render(request, "indicators/quality.html", context, status=400)
    tab_query = request.GET.copy()
    tab_query.pop("page", None)
    tab_query.pop("show", None)
    context = {
        "form": chosen.form,
        "datasets": chosen.datasets,
        "periods": chosen.periods,
        "areas": chosen.areas,
        "report": report,
        "show": chosen.show,
        "page": page,
        "query": _without_page(request),
        "tab_query": tab_query.urlencode(),
        "demo": report is not None and report.dataset.is_demo,
        "threshold": chosen.form.cleaned_data.get("threshold") or round(CHANGE_THRESHOLD * 100),
    }
    return render(request, "indicators/quality.html", context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _number(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def quality_export(request: HttpRequest) -> HttpResponse:
    """The list shown (violations or outliers) under the same filter, as a workbook."""
    try:
        chosen = _chosen(request)
    except InputError as exc:
        context = {
            "form": QualityFilter(request.GET),
            "error": str(exc),
            "areas": _areas(request.user),
        }
        return render(request, "indicators/quality.html", context, status=400)
    report = chosen.report
    if report is None:
        context = {
            "form": chosen.form,
            "error": _("There is no data set and period to export."),
            "areas": chosen.areas,
        }
        return render(request, "indicators/quality.html", context, status=400)
    note = _("%(dataset)s · %(period)s · %(units)d units") % {
        "dataset": report.dataset.name,
        "period": report.period.code,
        "units": report.units,
    }
    if report.dataset.is_demo:
        note += " · " + _("Demo data")
    if chosen.show == SHOW_OUTLIERS:
        sheet = _("Outliers")
        headers = [
            _("County"),
            _("Unit code"),
            _("Unit"),
            _("Indicator code"),
            _("Indicator"),
            _("Unit of measure"),
            _("Value"),
            _("Previous value"),
            _("Change (%)"),
            _("Why"),
            _("Median of peers"),
            _("Modified z-score"),
        ]
        rows: list[list[Any]] = [
            [
                o.unit.county,
                o.unit.code,
                o.unit.name,
                o.indicator.code,
                o.indicator.name,
                o.indicator.measure,
                o.value,
                o.previous,
                _number(None if o.change is None else o.change * 100, 1),
                o.why,
                o.median,
                _number(o.z) if o.by_z else None,
            ]
            for o in report.outliers
        ]
    else:
        sheet = _("Rule violations")
        headers = [
            _("County"),
            _("Unit code"),
            _("Unit"),
            _("Rule code"),
            _("Rule"),
            _("Left side"),
            _("Left value"),
            _("Comparison sign"),
            _("Right side"),
            _("Right value"),
            _("Severity"),
            _("Message to the reporter"),
        ]
        rows = [
            [
                v.unit.county,
                v.unit.code,
                v.unit.name,
                v.rule.code,
                v.rule.name,
                v.rule.left,
                v.left,
                v.rule.get_operator_display(),
                v.rule.right,
                v.right,
                v.rule.get_severity_display(),
                v.rule.message,
            ]
            for v in report.violations
        ]
    body = xlsx_from_rows(sheet=sheet, headers=headers, rows=rows, note=note)
    filename = f"{report.dataset.name}-{report.period.code}-{sheet}.xlsx"
    return xlsx_response(body, filename=filename)


urlpatterns: list[URLPattern] = [
    path("quality/", quality, name="quality"),
    path("quality.xlsx", quality_export, name="quality_export"),
]
