"""What a finished run shows beyond its tabs: one unit against the others, two runs
compared, and every table as Excel (one table, or the whole run one sheet per result)."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import refuse_out_of_scope, scope_prefix
from baiqianwan.core.excel import xlsx_from_tables
from baiqianwan.core.problems import InputError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.compare import runs_compare
from baiqianwan.evaluation.engine import Inputs, milestone_next, target_status
from baiqianwan.evaluation.exports import (
    about_table,
    balance_table,
    convergence_table,
    coupling_table,
    indicator_names,
    ranking_table,
    targets_table,
    weak_table,
    weights_table,
)
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.selectors import run_get, run_scores, runs_visible
from baiqianwan.evaluation.services import run_inputs

# A light's order when a unit's indicators are listed.
LIGHTS = ("green", "yellow", "red")


def _done(request: HttpRequest, pk: int) -> Run:
    run = run_get(user=request.user, pk=pk)
    if run.state != RunState.DONE:
        raise Http404(_("This run has no results."))
    return run


def _unit_lights(inputs: Inputs, row: int, period: int) -> tuple[str, list[str]]:
    """The unit's status per indicator against the next milestone not yet past ("" where no
    target applies), and that milestone."""
    if not inputs.targets:
        return "", [""] * len(inputs.indicators)
    milestone = milestone_next(inputs.years[period], list(inputs.targets))
    benefit = np.array([d != "negative" for d in inputs.directions])
    status, _achievement, _usable = target_status(
        inputs.values[period, row], inputs.targets[milestone][row], benefit
    )
    return str(milestone), [str(s) for s in status]


def run_unit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One unit of a run: its values against the other units', its weak points and its
    target lights per indicator."""
    run = _done(request, pk)
    prefix = scope_prefix(request.user, "evaluation.read")
    if not code.startswith(prefix):
        refuse_out_of_scope(request.user, "evaluation.read", code)
    period = request.GET.get("period", "")
    period = period if period in run.periods else run.last_period
    score = (
        RunScore.objects.filter(run=run, period=period, unit__code=code)
        .select_related("unit")
        .first()
    )
    if score is None or not run.inputs:
        raise Http404(_("This unit is not in the run."))
    inputs = run_inputs(run)
    if code not in inputs.units:
        raise Http404(_("This unit is not in the run."))
    position = {unit: index for index, unit in enumerate(inputs.units)}
    p, row = inputs.periods.index(period), position[code]
    kept = [
        position[c]
        for c in RunScore.objects.filter(run=run, period=period).values_list(
            "unit__code", flat=True
        )
    ]
    others = inputs.values[p, kept]
    milestone, lights = _unit_lights(inputs, row, p)
    names = dict(zip(inputs.indicators, inputs.indicator_names, strict=True))
    with np.errstate(all="ignore"):
        rows = [
            {
                "code": c,
                "name": inputs.indicator_names[j],
                "direction": inputs.directions[j],
                "value": inputs.values[p, row, j],
                "mean": float(np.nanmean(others[:, j])),
                "median": float(np.nanmedian(others[:, j])),
                "low": float(np.nanmin(others[:, j])),
                "high": float(np.nanmax(others[:, j])),
                "weight": run.summary.get("weights", {}).get(period, {}).get(c),
                "light": lights[j],
            }
            for j, c in enumerate(inputs.indicators)
        ]
    context = {
        "run": run,
        "score": score,
        "period": period,
        "rows": rows,
        "milestone": milestone,
        "weak": [(names.get(c, c), d) for c, d in score.weak],
        "weak_dimensions": score.weak_dimensions,
        "counts": {light: lights.count(light) for light in LIGHTS},
    }
    return render(request, "evaluation/run_unit.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """Two runs side by side: ranks, their change and what it owes to weights and values."""
    prefix = scope_prefix(request.user, "evaluation.read")
    done = (
        runs_visible(user=request.user).filter(state=RunState.DONE).order_by("-finished_at", "-id")
    )
    choices = list(done[:200])
    context: dict[str, Any] = {
        "choices": choices,
        "a": request.GET.get("a", ""),
        "b": request.GET.get("b", ""),
    }
    context["sides"] = [("a", context["a"]), ("b", context["b"])]
    status = 200
    if context["a"] and context["b"]:
        if not (context["a"].isdigit() and context["b"].isdigit()):
            raise Http404(_("Not found in your area."))
        a = _done(request, int(context["a"]))
        b = _done(request, int(context["b"]))
        try:
            found = runs_compare(a=a, b=b)
        except InputError as exc:
            context["error"] = exc.message
            status = 400
        else:
            context.update(
                comparison=found,
                compared=[("A", a), ("B", b)],
                rows=found.rows(prefix),
                weights=list(
                    zip(
                        found.indicators,
                        found.indicator_names,
                        found.weights_a,
                        found.weights_b,
                        strict=True,
                    )
                ),
            )
    return render(request, "evaluation/compare.html", context, status=status)


def _names(run: Run) -> dict[str, str]:
    return indicator_names([i["code"] for i in run.parameters.get("indicators", [])])


def _file(run: Run, what: str) -> str:
    return (
        f"评价-{run.parameters.get('scheme', {}).get('code', run.scheme_id)}-{run.pk}-{what}.xlsx"
    )


def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One table of a run as .xlsx (`?table=` ranking of a period, weights, balance,
    targets), or without `table` the whole run."""
    table = request.GET.get("table", "")
    if not table:
        return _export_all(request, pk)
    run = _done(request, pk)
    prefix = scope_prefix(request.user, "evaluation.read")
    names = _names(run)
    if table == "ranking":
        period = request.GET.get("period", "")
        period = period if period in run.periods else run.last_period
        scores = run_scores(user=request.user, run=run, period=period)
        county = request.GET.get("county", "")
        if county:
            scores = scores.filter(unit__code__startswith=county[:6])
        found = ranking_table(run, list(scores), names)
    elif table == "weights":
        found = weights_table(run, names)
    elif table == "balance":
        found = balance_table(run, prefix if len(prefix) > len(run.unit.prefix) else "")
    elif table == "targets":
        found = targets_table(run, names)
    else:
        raise Http404(_("No such table."))
    return xlsx_response(xlsx_from_tables([found]), filename=_file(run, found[0]))


def _export_all(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole run: 说明, 排名, 权重, 短板, 耦合, 均衡, 收敛, 目标, one sheet each."""
    run = _done(request, pk)
    prefix = scope_prefix(request.user, "evaluation.read")
    names = _names(run)
    scores = [
        s for period in run.periods for s in run_scores(user=request.user, run=run, period=period)
    ]
    tables = [
        about_table(run),
        ranking_table(run, scores, names),
        weights_table(run, names),
        weak_table(scores, names),
        coupling_table(scores),
        balance_table(run, prefix if len(prefix) > len(run.unit.prefix) else ""),
        convergence_table(run),
        targets_table(run, names),
    ]
    return xlsx_response(xlsx_from_tables(tables), filename=_file(run, _("whole run")))


urlpatterns: list[URLPattern] = [
    path("runs/<int:pk>/units/<str:code>/", run_unit, name="run_unit"),
    path("runs/<int:pk>/export/", run_export, name="run_export"),
    path("compare/", compare, name="compare"),
]
