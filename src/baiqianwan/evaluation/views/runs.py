"""Runs: the list, the form that asks for one, its page (a progress bar while the worker
computes; the results in tabs once done; the reason when it failed), re-running it, and the
tracks page where headquarters sets each county's 创先/进位/消薄 for a year."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baiqianwan.accounts.policy import can, require, scope_prefix
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.choices import RunState, Source, Track
from baiqianwan.evaluation.exports import group_visible, indicator_names, weak_text
from baiqianwan.evaluation.forms import RunForm, judgement_text
from baiqianwan.evaluation.models import Run, RunScore, Scheme
from baiqianwan.evaluation.selectors import (
    run_get,
    run_scores,
    runs_visible,
    schemes_visible,
    tracks_latest_year,
    tracks_of,
)
from baiqianwan.evaluation.services import (
    PARAMETERS,
    STALE_AFTER,
    run_request,
    runs_reap,
    track_set,
)
from baiqianwan.evaluation.views.schemes import missing_help
from baiqianwan.indicators.models import DataValue, DerivedValue, Period
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# A run's tabs, in the order the page shows them.
TABS = ("ranking", "weights", "balance", "trend", "targets", "notes")
# Rows of a ranking page; village runs have tens of thousands.
RANKING_PAGE = 100
SORTS = {
    "rank": ["rank", "unit__code"],
    "change": ["-change", "rank"],
    "name": ["unit__name", "unit__code"],
    "code": ["unit__code"],
}
# How many periods the run form ticks by default.
DEFAULT_PERIODS = 3


def runs(request: HttpRequest) -> HttpResponse:
    listed = runs_visible(user=request.user).order_by("-created_at", "-id")
    try:
        page = list_paginate(listed, page=request.GET.get("page"))
    except ListParamError as exc:
        messages.error(request, str(exc))
        page = list_paginate(listed)
    context = {"page": page, "may_run": can(request.user, "evaluation.run")}
    return render(request, "evaluation/runs.html", context)


def _runnable(user: Any) -> list[Scheme]:
    prefix = scope_prefix(user, "evaluation.run")
    return list(
        schemes_visible(user=user)
        .filter(unit__code__startswith=prefix, is_active=True)
        .order_by("unit__code", "code")
    )


def _year_periods(scheme: Scheme | None) -> tuple[list[Period], list[str]]:
    """The year periods, oldest first, and the codes of the last three that hold values of
    the scheme's indicators (the form's default)."""
    periods = list(Period.objects.filter(type="year").order_by("start"))
    if scheme is None:
        return periods, []
    ids = list(scheme.members.values_list("indicator_id", flat=True))
    with_data = Period.objects.filter(type="year").filter(
        Exists(DataValue.objects.filter(period=OuterRef("pk"), indicator_id__in=ids))
        | Exists(DerivedValue.objects.filter(period=OuterRef("pk"), indicator_id__in=ids))
    )
    codes = [p.code for p in with_data.order_by("start")]
    return periods, codes[-DEFAULT_PERIODS:]


def run_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "evaluation.run")
    schemes = _runnable(request.user)
    chosen_id = request.POST.get("scheme") or request.GET.get("scheme") or ""
    chosen = next((s for s in schemes if str(s.pk) == chosen_id), None)
    if chosen_id and chosen is None and request.method != "POST":
        raise Http404(_("Not found in your area."))
    if not chosen_id and request.method != "POST" and schemes:
        chosen = schemes[0]
    periods, default = _year_periods(chosen)
    options = {
        "schemes": [(str(s.pk), f"{s.name}（{s.unit.name}）") for s in schemes],
        "periods": [(p.code, p.code) for p in periods],
    }
    if request.method != "POST":
        initial = {
            "scheme": str(chosen.pk) if chosen else "",
            "periods": default,
            "source": Source.APPROVED,
        }
        form = RunForm(initial=initial, **options)
        return _run_form(request, form, chosen)
    form = RunForm(request.POST, request.FILES, **options)
    if not form.is_valid():
        return _run_form(request, form, chosen, status=400)
    assert chosen is not None
    try:
        run = run_request(
            user=request.user,
            scheme=chosen,
            periods=form.cleaned_data["periods"],
            source=form.cleaned_data["source"],
            upload=form.cleaned_data.get("upload"),
            provisional=form.cleaned_data["provisional"],
        )
    except InputError as exc:
        form.add_error(None, exc.message)
        return _run_form(request, form, chosen, status=400)
    return redirect("evaluation:run_detail", pk=run.pk)


def _run_form(
    request: HttpRequest, form: RunForm, scheme: Scheme | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "evaluation/run_form.html", {"form": form, "scheme": scheme}, status=status
    )


def _drill(run: Run, user: Any) -> dict[str, tuple[str, str]]:
    """For a city's county ranking: county code → (link, what it opens): the latest town run
    of that county's own scheme, else the city's town run filtered to the county."""
    if run.scheme.level != Level.COUNTY:
        return {}
    done = runs_visible(user=user).filter(state=RunState.DONE, scheme__level=Level.TOWN)
    found: dict[str, tuple[str, str]] = {}
    city_run = done.filter(unit=run.unit).order_by("-finished_at", "-id").first()
    for own in done.filter(unit__level=Level.COUNTY).order_by("finished_at", "id"):
        found[own.unit.code] = (
            reverse("evaluation:run_detail", args=[own.pk]),
            _("Towns: latest run of %(scheme)s") % {"scheme": own.scheme.name},
        )
    if city_run is None:
        return found
    for code in RunScore.objects.filter(run=run).values_list("unit__code", flat=True).distinct():
        found.setdefault(
            code,
            (
                reverse("evaluation:run_detail", args=[city_run.pk]) + f"?county={code[:6]}",
                _("Towns: %(scheme)s filtered to this county") % {"scheme": city_run.scheme.name},
            ),
        )
    return found


def _ranking(request: HttpRequest, run: Run, period: str) -> dict[str, Any]:
    scores = run_scores(user=request.user, run=run, period=period)
    county = request.GET.get("county", "")
    if county:
        scores = scores.filter(unit__code__startswith=county[:6])
    sort = request.GET.get("sort", "rank")
    scores = scores.order_by(*SORTS.get(sort, SORTS["rank"]))
    page = list_paginate(scores, page=request.GET.get("page"), page_size=RANKING_PAGE)
    names = indicator_names([i["code"] for i in run.parameters.get("indicators", [])])
    drill = _drill(run, request.user)
    tracks = dict(Track.choices)
    rows = [
        {
            "score": s,
            "track": tracks.get(s.track, ""),
            "weak": weak_text(s.weak, names),
            "weak_dimensions": weak_text(s.weak_dimensions, {}),
            "drill": drill.get(s.unit.code),
        }
        for s in page.items
    ]
    counties = []
    if run.scheme.level != Level.COUNTY:
        prefix = scope_prefix(request.user, "evaluation.read")
        within = prefix if len(prefix) > len(run.unit.prefix) else run.unit.prefix
        counties = list(
            Unit.objects.current()
            .within(within)
            .filter(level=Level.COUNTY)
            .order_by("code")
            .values_list("code", "name")
        )
    query = urlencode(
        {k: request.GET[k] for k in ("tab", "period", "county", "sort") if request.GET.get(k)}
    )
    return {
        "rows": rows,
        "page": page,
        "county": county,
        "counties": counties,
        "sort": sort,
        "sorts": [
            ("rank", _("Rank")),
            ("change", _("Rank change")),
            ("name", _("Name")),
            ("code", _("Code")),
        ],
        "query": query,
        "has_coupling": bool(run.parameters.get("coupling")),
        "has_tracks": bool(run.parameters.get("by_track")),
    }


def _weights(run: Run) -> dict[str, Any]:
    weights = run.summary.get("weights", {})
    codes = [i["code"] for i in run.parameters.get("indicators", [])]
    names = indicator_names(codes)
    rows = [
        {
            "code": code,
            "name": names[code],
            "values": [weights.get(p, {}).get(code) for p in run.periods],
            "constant": any(weights.get(p, {}).get(code) == 0 for p in run.periods),
        }
        for code in codes
    ]
    return {"weight_rows": rows, "weighting": run.summary.get("weighting", {})}


def _balance(request: HttpRequest, run: Run) -> dict[str, Any]:
    prefix = scope_prefix(request.user, "evaluation.read")
    narrower = len(prefix) > len(run.unit.prefix)
    balance = {
        period: {
            **entry,
            "groups": [
                g
                for g in entry.get("groups", [])
                if not narrower or group_visible(g["code"], prefix)
            ],
        }
        for period, entry in run.summary.get("balance", {}).items()
    }
    return {"balance": balance, "groups_hidden": narrower}


def _targets(run: Run) -> dict[str, Any]:
    targets = run.summary.get("targets", {})
    codes = {code for table in targets.values() for code in table}
    names = indicator_names(sorted(codes))
    return {
        "targets": {
            milestone: [
                {"code": code, "name": names[code], **counts} for code, counts in table.items()
            ]
            for milestone, table in targets.items()
        }
    }


def _trend(run: Run) -> dict[str, Any]:
    found = run.summary.get("convergence", {})
    chart = {"periods": run.periods, "sigma": found.get("sigma", [])}
    return {
        "convergence": found,
        "chart": chart,
        "sigma_rows": list(zip(run.periods, chart["sigma"], strict=False)),
    }


def _reaped(run: Run) -> Run:
    """The run, marked failed first if its worker died (no progress for STALE_AFTER), so
    its page never waits for ever."""
    stale = timezone.now() - STALE_AFTER
    if run.state == RunState.RUNNING and run.started_at and run.started_at < stale:
        runs_reap()
        run.refresh_from_db()
    return run


def _parameters(run: Run) -> list[tuple[str, Any]]:
    """The run's parameters as a reader names them: the scheme's field labels and choices."""
    params = run.parameters
    scheme = params.get("scheme", {})
    rows: list[tuple[str, Any]] = [
        (_("Scheme"), f"{scheme.get('name', '')}（{scheme.get('code', '')}）"),
        (_("Version"), scheme.get("version", "")),
    ]
    for name in PARAMETERS:
        if name not in params:
            continue
        field: Any = Scheme._meta.get_field(name)
        value = params[name]
        if field.choices:
            shown = dict(field.choices).get(value, value)
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif name == "ahp_matrix":
            shown = "；".join("、".join(judgement_text(v) for v in row) for row in value) or "—"
        else:
            shown = value
        rows.append((str(field.verbose_name), shown))
    names = indicator_names([i["code"] for i in params.get("indicators", [])])
    rows.append((_("Indicators"), "、".join(names.values())))
    return rows


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _reaped(run_get(user=request.user, pk=pk))
    tab = request.GET.get("tab", "ranking")
    tab = tab if tab in TABS else "ranking"
    period = request.GET.get("period", "")
    period = period if period in run.periods else run.last_period
    context: dict[str, Any] = {
        "run": run,
        "tab": tab,
        "tabs": TABS,
        "period": period,
        "may_run": can(request.user, "evaluation.run", run.unit),
        "missing_rules": missing_help(),
    }
    if run.state == RunState.DONE:
        try:
            if tab == "ranking":
                context.update(_ranking(request, run, period))
        except ListParamError as exc:
            messages.error(request, str(exc))
            return redirect("evaluation:run_detail", pk=run.pk)
        if tab == "weights":
            context.update(_weights(run))
        elif tab == "balance":
            context.update(_balance(request, run))
        elif tab == "trend":
            context.update(_trend(run))
        elif tab == "targets":
            context.update(_targets(run))
        elif tab == "notes":
            context["parameters"] = _parameters(run)
    return render(request, "evaluation/run_detail.html", context)


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (htmx, every second); once the run is done or failed the page
    reloads itself to show the result or the reason."""
    run = _reaped(run_get(user=request.user, pk=pk))
    response = render(request, "evaluation/_progress.html", {"run": run})
    if run.state not in (RunState.QUEUED, RunState.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """The same scheme, periods and data asked for again (the scheme as it now stands)."""
    run = run_get(user=request.user, pk=pk)
    try:
        again = run_request(
            user=request.user,
            scheme=run.scheme,
            periods=list(run.periods),
            source=run.source,
            provisional=run.provisional,
            rerun_of=run,
        )
    except InputError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:run_detail", pk=run.pk)
    messages.success(request, _("Run #%(old)s asked for again.") % {"old": run.pk})
    return redirect("evaluation:run_detail", pk=again.pk)


def tracks(request: HttpRequest) -> HttpResponse:
    """Each county's track for a year (headquarters)."""
    require(request.user, "evaluation.tracks")
    years = sorted(
        {p.end.year for p in Period.objects.filter(type="year")} | {timezone.localdate().year}
    )
    raw = request.POST.get("year") or request.GET.get("year") or ""
    # Unasked, the latest year with tracks (the year being evaluated), else this year.
    latest = tracks_latest_year(user=request.user)
    fallback = latest if latest in years else timezone.localdate().year
    year = int(raw) if raw.isdigit() and int(raw) in years else fallback
    counties = list(
        Unit.objects.current()
        .within(request.user.home_unit.prefix)  # type: ignore[union-attr]
        .filter(level=Level.COUNTY)
        .order_by("code")
    )
    current = tracks_of(user=request.user, year=year)
    status = 200
    if request.method == "POST":
        changed = 0
        for county in counties:
            wanted = request.POST.get(f"track_{county.code}", "")
            if wanted == current.get(county.code, ""):
                continue
            try:
                track_set(user=request.user, unit=county, year=year, track=wanted)
                changed += 1
            except InputError as exc:
                messages.error(request, f"{county.name}：{exc.message}")
                status = 400
        if status == 200:
            messages.success(
                request, _("%(count)d tracks of %(year)d saved.") % {"count": changed, "year": year}
            )
            return redirect(f"{request.path}?year={year}")
        current = tracks_of(user=request.user, year=year)
    rows = [(county, current.get(county.code, "")) for county in counties]
    context = {"year": year, "years": years, "rows": rows, "choices": Track.choices}
    return render(request, "evaluation/tracks.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("", runs, name="runs"),
    path("runs/new/", run_create, name="run_create"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", run_progress, name="run_progress"),
    path("runs/<int:pk>/rerun/", run_rerun, name="run_rerun"),
    path("tracks/", tracks, name="tracks"),
]
