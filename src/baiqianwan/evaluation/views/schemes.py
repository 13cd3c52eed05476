"""Evaluation schemes: the list, the form (indicators by dimension, weighting, the AHP
pairwise matrix whose consistency is computed as it is typed) and a scheme's page with its
runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from baiqianwan import analysis as an
from baiqianwan.accounts.policy import can, require
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.evaluation.choices import AhpOver, MissingRule, Weighting
from baiqianwan.evaluation.forms import (
    JUDGEMENTS,
    Member,
    SchemeForm,
    ahp_labels,
    ahp_matrix,
    ahp_parse,
    judgement_parse,
    judgement_text,
    members_parse,
)
from baiqianwan.evaluation.models import Scheme
from baiqianwan.evaluation.selectors import scheme_get, schemes_visible
from baiqianwan.evaluation.services import scheme_save
from baiqianwan.indicators.models import Indicator
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit


def missing_help() -> list[tuple[str, str, str]]:
    """Each missing-value rule with what it does, for the form and the failed run's page."""
    said = {
        MissingRule.RAISE: _("The run stops and names the units and indicators lacking values."),
        MissingRule.DROP: _(
            "Units lacking any value are left out of the ranking (named in the notes)."
        ),
        MissingRule.MEAN: _("A lacking value takes the mean of the other units in that period."),
        MissingRule.MEDIAN: _(
            "A lacking value takes the median of the other units in that period (robust to "
            "outliers)."
        ),
    }
    return [(rule.value, str(rule.label), said[rule]) for rule in MissingRule]


def _areas(user: Any) -> list[tuple[str, str]]:
    """The areas a scheme of the user's may rank: their home unit and, for a city, its
    counties."""
    home = user.home_unit
    found = [(home.code, home.name)]
    if home.level == Level.CITY:
        found += list(
            Unit.objects.current()
            .within(home.prefix)
            .filter(level=Level.COUNTY)
            .order_by("code")
            .values_list("code", "name")
        )
    return found


def indicators_at(level: str, held: frozenset[str] = frozenset()) -> list[Indicator]:
    """The active indicators reported at `level`, and those the scheme already `held`, by
    dimension. A scheme may hold one rolled up to its level (`scheme_save` allows it, as the
    demo's town scheme does): the form offers it again, so saving never drops it."""
    found = Indicator.objects.filter(is_active=True).select_related("dimension")
    return sorted(
        (i for i in found if not i.levels or level in i.levels or i.code in held),
        key=lambda i: (i.dimension.order if i.dimension_id else 999, i.dimension_id or 0, i.code),
    )


def ahp_result(grid: list[list[str]]) -> dict[str, Any]:
    """Weights, λmax, CI, CR and the verdict of the judgements as typed."""
    if len(grid) < 2:
        return {"error": _("The matrix needs at least two criteria.")}
    try:
        result = an.ahp_weights(ahp_matrix(grid), accept_inconsistent=True)
    except (ValueError, an.AnalysisInputError) as exc:
        return {"error": str(exc)}
    return {
        "weights": [float(w) for w in result.weights],
        "lambda_max": result.lambda_max,
        "ci": result.ci,
        "cr": result.cr,
        "consistent": result.consistent,
    }


def _ahp_rows(
    labels: list[str], grid: list[list[str]], result: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The matrix as the form draws it: inputs above the diagonal, their reciprocals
    mirrored below, and each criterion's weight."""
    weights = (result or {}).get("weights") or [None] * len(labels)
    names = dict(Indicator.objects.filter(code__in=labels).values_list("code", "name"))
    rows = []
    for i, label in enumerate(labels):
        cells = []
        for j in range(len(labels)):
            if j > i:
                cells.append({"kind": "input", "name": f"ahp_{i}_{j}", "value": grid[i][j]})
            elif j < i:
                cells.append(
                    {"kind": "mirror", "value": judgement_text(1 / judgement_parse(grid[j][i]))}
                )
            else:
                cells.append({"kind": "diagonal", "value": "1"})
        rows.append({"label": names.get(label, label), "cells": cells, "weight": weights[i]})
    return rows


def _state(request: HttpRequest, scheme: Scheme | None, level: str) -> dict[str, Any]:
    """The indicator rows and the AHP block as posted (or as the scheme stands)."""
    held = (
        frozenset(scheme.members.values_list("indicator__code", flat=True))
        if scheme is not None and scheme.level == level
        else frozenset()
    )
    indicators = indicators_at(level, held)
    data = request.POST if request.method == "POST" else None
    if data is not None:
        members, errors = members_parse(data, indicators)
        over = data.get("ahp_over") or AhpOver.DIMENSIONS
    else:
        stored = (
            {
                m.indicator.code: (m.order, m.weight, m.subsystem)
                for m in scheme.members.select_related("indicator")
            }
            if scheme
            else {}
        )
        fake = QueryDict(mutable=True)
        for code, (order, weight, subsystem) in stored.items():
            fake.appendlist("indicator", code)
            fake[f"order_{code}"] = str(order + 1)
            fake[f"weight_{code}"] = "" if weight is None else f"{weight:g}"
            fake[f"subsystem_{code}"] = subsystem
        members, errors = members_parse(fake, indicators)
        over = scheme.ahp_over if scheme else AhpOver.DIMENSIONS
    labels = ahp_labels(members, over)
    grid, ahp_errors = ahp_parse(data, labels, scheme.ahp_matrix if scheme else None)
    result = None if ahp_errors else ahp_result(grid)
    return {
        "members": members,
        "member_errors": errors,
        "ahp": {
            "labels": labels,
            "grid": grid,
            "errors": ahp_errors,
            "result": result,
            "judgements": JUDGEMENTS,
            "rows": _ahp_rows(labels, grid, result),
            "labels_text": "\n".join(labels),
        },
    }


def _render(
    request: HttpRequest,
    form: SchemeForm,
    scheme: Scheme | None,
    *,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    level = str(form["level"].value() or Level.COUNTY)
    context = {
        "form": form,
        "scheme": scheme,
        "error": error,
        "missing_rules": missing_help(),
        **_state(request, scheme, level),
    }
    return render(request, "evaluation/scheme_form.html", context, status=status)


def _initial(scheme: Scheme) -> dict[str, Any]:
    names = [n for n in SchemeForm.base_fields if n not in ("unit", "version")]
    initial = {name: getattr(scheme, name) for name in names}
    initial.update(unit=scheme.unit.code, version=scheme.version)
    return initial


def _options_checked(data: dict[str, Any], chosen: list[Member]) -> list[str]:
    """What the options need of the indicators and the area, said before any run: the
    units ranked lie below the area, given weights are given, coupling has two subsystems."""
    problems = []
    area_level = Unit.objects.get(code=data["unit"], valid_to__isnull=True).level
    order: list[str] = [Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]
    if area_level in order and order.index(data["level"]) <= order.index(area_level):
        problems.append(
            _("The units ranked must lie below the area: choose a lower level or a wider area.")
        )
    if data["weighting"] == Weighting.GIVEN:
        lacking = [m.indicator.name for m in chosen if not m.weight]
        if lacking:
            problems.append(
                _("Given weights are missing for: %(names)s.") % {"names": "、".join(lacking)}
            )
    if data["coupling"]:
        subsystems = {
            m.subsystem or (m.indicator.dimension.name if m.indicator.dimension_id else "")
            for m in chosen
        }
        if len(subsystems) < 2:
            problems.append(
                _("Coupling needs indicators of at least two subsystems (or dimensions).")
            )
    return problems


def _save(request: HttpRequest, scheme: Scheme | None) -> HttpResponse:
    form = SchemeForm(request.POST, areas=_areas(request.user))
    state = _state(request, scheme, str(request.POST.get("level") or Level.COUNTY))
    if not form.is_valid():
        return _render(request, form, scheme, status=400)
    data = form.cleaned_data
    problems = list(state["member_errors"])
    chosen = [m for m in state["members"] if m.chosen]
    if not chosen:
        problems.append(_("Choose at least one indicator."))
    others = Scheme.objects.filter(code=data["code"])
    if (others.exclude(pk=scheme.pk) if scheme else others).exists():
        form.add_error("code", _("Another scheme has the code %(code)s.") % {"code": data["code"]})
    uses_ahp = data["weighting"] in (Weighting.AHP, Weighting.COMBINED)
    if uses_ahp:
        problems += state["ahp"]["errors"]
        if len(state["ahp"]["labels"]) < 2:
            problems.append(_("AHP needs at least two criteria to compare."))
    problems += _options_checked(data, chosen)
    if problems or form.errors:
        return _render(request, form, scheme, status=400, error=" ".join(problems))
    fields = {k: v for k, v in data.items() if k != "version"}
    fields["unit"] = Unit.objects.get(code=data["unit"], valid_to__isnull=True)
    fields["ahp_matrix"] = ahp_matrix(state["ahp"]["grid"]) if uses_ahp else []
    indicators = [
        {
            "code": m.indicator.code,
            "weight": float(m.weight) if m.weight else None,
            "subsystem": m.subsystem,
        }
        for m in chosen
    ]
    try:
        saved = scheme_save(
            user=request.user,
            fields=fields,
            indicators=indicators,
            scheme=scheme,
            version=data.get("version"),
        )
    except InputError as exc:
        return _render(request, form, scheme, status=400, error=exc.message)
    except Conflict as exc:
        assert scheme is not None
        scheme.refresh_from_db()
        fresh = SchemeForm(initial=_initial(scheme), areas=_areas(request.user))
        request.method = "GET"  # the form as the scheme now stands
        return _render(request, fresh, scheme, status=409, error=exc.message)
    messages.success(request, _("Scheme %(name)s saved.") % {"name": saved.name})
    return redirect("evaluation:scheme_detail", pk=saved.pk)


def schemes(request: HttpRequest) -> HttpResponse:
    listed = schemes_visible(user=request.user).order_by("unit__code", "code")
    return render(request, "evaluation/schemes.html", {"schemes": listed})


def scheme_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.manage")
    if request.method == "POST":
        return _save(request, None)
    form = SchemeForm(
        initial={"unit": request.user.home_unit.code, "balance_by_county": True},  # type: ignore[union-attr]
        areas=_areas(request.user),
    )
    return _render(request, form, None)


def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = scheme_get(user=request.user, pk=pk)
    require(request.user, "evaluation.manage", scheme.unit)
    if request.method == "POST":
        return _save(request, scheme)
    return _render(
        request, SchemeForm(initial=_initial(scheme), areas=_areas(request.user)), scheme
    )


def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = scheme_get(user=request.user, pk=pk)
    context = {
        "scheme": scheme,
        "members": scheme.members.select_related("indicator__dimension"),
        "runs": scheme.runs.select_related("created_by").order_by("-created_at")[:50],
        "may_manage": can(request.user, "evaluation.manage", scheme.unit),
        "may_run": can(request.user, "evaluation.run", scheme.unit),
    }
    return render(request, "evaluation/scheme_detail.html", context)


def scheme_ahp(request: HttpRequest) -> HttpResponse:
    """The pairwise matrix block redrawn from the form as it stands (htmx posts it): the
    mirrored lower triangle, the weights, λmax, CI and CR, and whether the judgements are
    consistent. With `part=live` (a judgement changed) only the figures are redrawn, so the
    judgement inputs are never replaced while someone types. A GET draws the empty block."""
    require(request.user, "evaluation.manage")
    level = str(request.POST.get("level") or Level.COUNTY)
    context = {**_state(request, None, level), "oob": True}
    if request.GET.get("part") == "live":
        return render(request, "evaluation/_ahp_live.html", context)
    return render(request, "evaluation/_ahp.html", context)


def scheme_indicators(request: HttpRequest) -> HttpResponse:
    """The indicator rows for another level (htmx), and the emptied pairwise matrix out of
    band (no indicator of the new level is chosen yet)."""
    require(request.user, "evaluation.manage")
    level = str(request.GET.get("level") or Level.COUNTY)
    state = _state(request, None, level)
    members = render_to_string("evaluation/_members.html", state, request)
    matrix = render_to_string("evaluation/_ahp.html", {**state, "swap_oob": True}, request)
    return HttpResponse(members + matrix)


urlpatterns: list[URLPattern] = [
    path("schemes/", schemes, name="schemes"),
    path("schemes/new/", scheme_create, name="scheme_create"),
    path("schemes/ahp/", scheme_ahp, name="scheme_ahp"),
    path("schemes/indicators/", scheme_indicators, name="scheme_indicators"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", scheme_edit, name="scheme_edit"),
]
