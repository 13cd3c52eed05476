"""Reads of the evaluation app, always through the user's area.

A user sees the schemes and runs of their own area and those of the areas above it (a county
operator sees the city's county ranking), but of a run above their area only the rows of
their own units (`run_scores`). Anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from baiqianwan.accounts.policy import refuse_out_of_scope, scope_prefix
from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.models import Run, RunScore, Scheme, UnitTrack


def _visible(user: Any, field: str) -> Q:
    """Objects whose area lies within the user's, or contains it."""
    prefix = scope_prefix(user, "evaluation.read")
    home = user.home_unit.code
    above = {home[:n].ljust(12, "0") for n in (2, 4, 6, 9)}
    return Q(**{f"{field}__code__startswith": prefix}) | Q(**{f"{field}__code__in": above})


def schemes_visible(*, user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.filter(_visible(user, "unit")).select_related("unit")


def scheme_get(*, user: Any, pk: int) -> Scheme:
    found = schemes_visible(user=user).filter(pk=pk).first()
    if found is None:
        scheme = Scheme.objects.filter(pk=pk).select_related("unit").first()
        refuse_out_of_scope(user, "evaluation.read", scheme.unit.code if scheme else "")
    return found


def runs_visible(*, user: Any) -> QuerySet[Run]:
    return Run.objects.filter(_visible(user, "unit")).select_related("scheme", "unit", "created_by")


def run_get(*, user: Any, pk: int) -> Run:
    found = runs_visible(user=user).filter(pk=pk).first()
    if found is None:
        run = Run.objects.filter(pk=pk).select_related("unit").first()
        refuse_out_of_scope(user, "evaluation.read", run.unit.code if run else "")
    return found


def run_scores(*, user: Any, run: Run, period: str | None = None) -> QuerySet[RunScore]:
    """The run's scores that the user may see (only their own units' of a run above their
    area), for one period (default: the run's last)."""
    prefix = scope_prefix(user, "evaluation.read")
    return (
        RunScore.objects.filter(
            run=run, period=period or run.last_period, unit__code__startswith=prefix
        )
        .select_related("unit")
        .order_by("rank", "unit__code")
    )


def run_latest(*, user: Any, level: str | None = None, scheme: Scheme | None = None) -> Run | None:
    """The newest finished run the user may see (of a scheme or a level)."""
    runs = runs_visible(user=user).filter(state=RunState.DONE)
    if scheme is not None:
        runs = runs.filter(scheme=scheme)
    if level:
        runs = runs.filter(scheme__level=level)
    return runs.order_by("-finished_at", "-id").first()


def tracks_latest_year(*, user: Any) -> int | None:
    """The latest year with a track set within the user's area; None before any."""
    prefix = scope_prefix(user, "evaluation.read")
    found = UnitTrack.objects.filter(unit__code__startswith=prefix).order_by("-year").first()
    return found.year if found else None


def tracks_of(*, user: Any, year: int) -> dict[str, str]:
    """unit code → track for the year, within the user's area."""
    prefix = scope_prefix(user, "evaluation.read")
    return dict(
        UnitTrack.objects.filter(year=year, unit__code__startswith=prefix).values_list(
            "unit__code", "track"
        )
    )
