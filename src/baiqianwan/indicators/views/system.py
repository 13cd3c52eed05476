"""The indicator system's pages: the indicator list (grouped by dimension, with its Excel
export), an indicator (definition, formula, targets and headquarters' overrides), the data
sets and a data set (its indicators, units and periods, and headquarters' window editor)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.accounts.policy import can, require
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.indicators.catalogue import (
    REPORTING_LEVELS,
    dataset_for_page,
    dataset_groups,
    dataset_windows,
    formula_named,
    indicator_datasets,
    indicator_get,
    indicators_filtered,
    indicators_grouped,
)
from baiqianwan.indicators.models import CollectionWindow, Indicator
from baiqianwan.indicators.selectors import datasets_visible, expected_units, unit_in_area
from baiqianwan.indicators.targets import (
    overrides_visible,
    target_override_set,
    targets_by_level,
)
from baiqianwan.indicators.windows import window_update
from baiqianwan.units.choices import Level


class IndicatorFilter(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", gettext_lazy("Any level"))]
        + [(level.value, level.label) for level in REPORTING_LEVELS],
    )
    dataset = forms.CharField(label=gettext_lazy("Data set"), required=False, max_length=32)
    q = forms.CharField(label=gettext_lazy("Code, name or source"), required=False, max_length=100)


class OverrideForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit code"), max_length=12, min_length=12)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    value = forms.FloatField(
        label=gettext_lazy("Target"),
        required=False,
        help_text=gettext_lazy("Leave empty to clear the unit's own target."),
    )
    # The override the editor saw ("" for none): a change made meanwhile is refused.
    seen = forms.CharField(required=False, widget=forms.HiddenInput)


class WindowForm(forms.Form):
    period = forms.CharField(max_length=8, widget=forms.HiddenInput)
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    seen_opens = forms.DateField(widget=forms.HiddenInput)
    seen_closes = forms.DateField(widget=forms.HiddenInput)


def _filtered(request: HttpRequest) -> tuple[IndicatorFilter, list[Indicator]]:
    form = IndicatorFilter(request.GET)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InputError(f"{form.fields[field].label}: {errors[0]}", field=field)
    data = form.cleaned_data
    found = indicators_filtered(
        user=request.user, level=data["level"], dataset=data["dataset"].strip(), text=data["q"]
    )
    return form, list(found)


def indicator_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "indicators.read")
    datasets = datasets_visible(user=request.user)
    try:
        form, found = _filtered(request)
    except InputError as exc:
        context = {"form": IndicatorFilter(request.GET), "error": exc.message, "datasets": datasets}
        return render(request, "indicators/indicator_list.html", context, status=400)
    context = {
        "form": form,
        "groups": indicators_grouped(found),
        "count": len(found),
        "datasets": datasets,
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/indicator_list.html", context)


def indicator_list_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "indicators.read")
    try:
        _form, found = _filtered(request)
    except InputError as exc:
        context = {
            "form": IndicatorFilter(request.GET),
            "error": exc.message,
            "datasets": datasets_visible(user=request.user),
        }
        return render(request, "indicators/indicator_list.html", context, status=400)
    rows = []
    for group in indicators_grouped(found):
        for indicator in group.indicators:
            dimension = indicator.dimension
            rows.append(
                [
                    dimension.parent.name if dimension and dimension.parent else "",
                    dimension.name if dimension else "",
                    indicator.code,
                    indicator.name,
                    indicator.name_en,
                    indicator.measure,
                    indicator.get_value_type_display(),
                    indicator.get_direction_display(),
                    indicator.get_aggregation_display(),
                    indicator.weight_indicator.code if indicator.weight_indicator else "",
                    "、".join(str(Level(level).label) for level in indicator.levels),
                    indicator.get_binding_display(),
                    indicator.formula,
                    indicator.source,
                    indicator.citation,
                ]
            )
    headers = [
        _("Dimension"),
        _("Sub-dimension"),
        _("Code"),
        _("Name"),
        _("English name"),
        _("Unit of measure"),
        _("Value type"),
        _("Direction"),
        _("Aggregation"),
        _("Weighted by"),
        _("Reported at"),
        _("Binding or indicative"),
        _("Formula"),
        _("Source"),
        _("Where it comes from"),
    ]
    sheet = _("Indicators")
    body = xlsx_from_rows(sheet=sheet, headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{sheet}-{timezone.localdate():%Y%m%d}.xlsx")


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = indicator_get(user=request.user, code=code)
    return _indicator_render(request, indicator, OverrideForm())


def _indicator_render(
    request: HttpRequest, indicator: Indicator, form: OverrideForm, status: int = 200
) -> HttpResponse:
    years, by_level = targets_by_level(indicator)
    context = {
        "indicator": indicator,
        "formula_named": formula_named(indicator),
        "levels": [Level(level).label for level in indicator.levels],
        "years": years,
        "by_level": [
            {"level": Level(row["level"]).label, "values": row["values"]} for row in by_level
        ],
        "overrides": overrides_visible(user=request.user, indicator=indicator),
        "datasets": indicator_datasets(user=request.user, indicator=indicator),
        "may_manage": can(request.user, "indicators.manage"),
        "form": form,
    }
    return render(request, "indicators/indicator_detail.html", context, status=status)


def indicator_targets(request: HttpRequest, code: str) -> HttpResponse:
    """Headquarters sets or clears a unit's own target (POST); GET goes to the indicator."""
    indicator = indicator_get(user=request.user, code=code)
    if request.method != "POST":
        return redirect("indicators:indicator", code=indicator.code)
    require(request.user, "indicators.manage")
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _indicator_render(request, indicator, form, status=400)
    data = form.cleaned_data
    unit = unit_in_area(user=request.user, code=data["unit"], action="indicators.manage")
    try:
        seen = float(data["seen"]) if data["seen"] not in ("", None) else None
    except ValueError:
        seen = None
    try:
        target_override_set(
            actor=request.user,
            indicator=indicator,
            unit=unit,
            year=data["year"],
            value=data["value"],
            seen=seen,
        )
    except InputError as exc:
        form.add_error("value" if exc.field == "value" else None, exc.message)
        return _indicator_render(request, indicator, form, status=400)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _indicator_render(request, indicator, form, status=409)
    if data["value"] is None:
        messages.success(
            request,
            _("%(unit)s's own %(year)d target is cleared; its level's applies.")
            % {"unit": unit.name, "year": data["year"]},
        )
    else:
        messages.success(
            request,
            _("%(unit)s's %(year)d target is %(value)g.")
            % {"unit": unit.name, "year": data["year"], "value": data["value"]},
        )
    return redirect("indicators:indicator", code=indicator.code)


def dataset_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "indicators.read")
    datasets = datasets_visible(user=request.user).prefetch_related("assigned_to", "members")
    return render(request, "indicators/dataset_list.html", {"datasets": datasets})


def _dataset_context(request: HttpRequest, code: str) -> dict[str, Any]:
    dataset = dataset_for_page(user=request.user, code=code)
    today = timezone.localdate()
    windows = dataset_windows(dataset, today=today)
    latest = windows[0].window.period if windows else None
    prefix = request.user.home_unit.prefix  # type: ignore[union-attr]
    return {
        "dataset": dataset,
        "demo": dataset.is_demo,
        "groups": dataset_groups(dataset),
        "assigned": list(dataset.assigned_to.order_by("code")),
        "expected": expected_units(dataset, latest, within=prefix).count() if latest else 0,
        "latest": latest,
        "windows": windows,
        "today": today,
        "may_manage": can(request.user, "indicators.manage", dataset),
    }


def dataset_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "indicators/dataset_detail.html", _dataset_context(request, code))


def dataset_windows_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Headquarters moves the collection windows' dates, one period at a time."""
    context = _dataset_context(request, code)
    dataset = context["dataset"]
    require(request.user, "indicators.manage", dataset)
    if request.method != "POST":
        return _windows_render(request, context)
    form = WindowForm(request.POST)
    if not form.is_valid():
        return _windows_render(request, context, form, status=400)
    data = form.cleaned_data
    window = (
        CollectionWindow.objects.filter(dataset=dataset, period__code=data["period"])
        .select_related("period", "dataset")
        .first()
    )
    if window is None:
        form.add_error(None, _("No window for %(period)s.") % {"period": data["period"]})
        return _windows_render(request, context, form, status=400)
    try:
        window_update(
            actor=request.user,
            window=window,
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            seen=(data["seen_opens"], data["seen_closes"]),
        )
    except InputError as exc:
        form.add_error(None, exc.message)
        return _windows_render(request, context, form, status=400)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _windows_render(request, _dataset_context(request, code), form, status=409)
    messages.success(
        request,
        _("%(period)s is open from %(opens)s to %(closes)s.")
        % {
            "period": window.period.code,
            "opens": data["opens_on"].isoformat(),
            "closes": data["closes_on"].isoformat(),
        },
    )
    return redirect("indicators:dataset_windows", code=dataset.code)


def _windows_render(
    request: HttpRequest,
    context: dict[str, Any],
    form: WindowForm | None = None,
    status: int = 200,
) -> HttpResponse:
    refused_period = form.data.get("period", "") if form is not None else ""
    context = {**context, "form": form, "refused_period": refused_period}
    return render(request, "indicators/dataset_windows.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("", indicator_list, name="list"),
    path("indicators.xlsx", indicator_list_export, name="list_export"),
    path("indicator/<str:code>/", indicator_detail, name="indicator"),
    path("indicator/<str:code>/targets/", indicator_targets, name="indicator_targets"),
    path("datasets/", dataset_list, name="datasets"),
    path("datasets/<str:code>/", dataset_detail, name="dataset"),
    path("datasets/<str:code>/windows/", dataset_windows_edit, name="dataset_windows"),
]
