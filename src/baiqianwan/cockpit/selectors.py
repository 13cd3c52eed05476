"""Reads of the cockpit (领导驾驶舱): every figure of the page and the API, within the user's
area, cached until the data it was computed from changes.

The scope is the user's home unit (the city for headquarters and leaders, a county for its
operator, a town for its operator) and its rows the units one level below it. A value of an
indicator for a unit and period is its rolled-up or computed total (`DerivedValue`, made from
approved values at approval) or, where the unit reports the indicator itself, its own value
(`DataValue`) once its report is approved or locked; values not yet approved are not shown. A
total is provisional while fewer units reported than were expected.

Each read is a handful of queries whatever the number of units (values by indicator and
level, never per unit) and is cached with `core.freshness.cached`, keyed by the scope, the
parameters and the versions of the data areas it reads, so an approval, a stored value, a
finished run or a report shows on the next call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import require, scope_prefix
from baiqianwan.analysis.results import ranks_of
from baiqianwan.cockpit.cards import CARDS, DEFAULT_INDICATORS, SHARE, Card
from baiqianwan.cockpit.numbers import measure_split, number_cn
from baiqianwan.core.freshness import cached
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.engine import milestone_next, target_status
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.selectors import run_latest, run_scores
from baiqianwan.indicators.choices import Direction
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSet,
    DataValue,
    DerivedValue,
    Indicator,
    Period,
    Submission,
)
from baiqianwan.indicators.rollup import COUNTED_STATES
from baiqianwan.indicators.selectors import datasets_visible, period_get, unit_in_area
from baiqianwan.indicators.submission_selectors import reporting_rate
from baiqianwan.indicators.targets import targets_for
from baiqianwan.indicators.tree import indicator_reaches
from baiqianwan.plans.choices import Light, PlanStatus
from baiqianwan.plans.lights import OVERDUE, overdue_days
from baiqianwan.plans.selectors import assignments_visible
from baiqianwan.plans.supervision import AWAITING, notices_visible
from baiqianwan.units.choices import Level
from baiqianwan.units.codes import SEGMENT_END
from baiqianwan.units.models import Unit

ACTION = "evaluation.read"
SCORE = "score"
LEVEL_BELOW: dict[str, str] = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWN,
    Level.TOWN: Level.VILLAGE,
}
# How many units the top and bottom lists name, and overdue assignments the summary lists.
TOP = 5
OVERDUE_SHOWN = 20
INDICATOR_AREAS = ("indicators", "units")


@dataclass(frozen=True)
class Scope:
    """The unit a user's cockpit shows and the level of its rows (None for a village)."""

    unit: Unit
    below: str | None

    def key(self, *parts: object) -> str:
        return ":".join(["cockpit", self.unit.code, *map(str, parts)])


@dataclass(frozen=True)
class Figure:
    value: float
    reported: int
    expected: int

    @property
    def provisional(self) -> bool:
        return self.reported < self.expected


def scope_of(*, user: Any) -> Scope:
    """The user's cockpit scope; 403 for a role that may not read it."""
    require(user, ACTION)
    unit = user.home_unit
    return Scope(unit=unit, below=LEVEL_BELOW.get(unit.level))


def indicators_at(level: str | None) -> list[Indicator]:
    """The active indicators with values at `level`, in the system's order."""
    if level is None:
        return []
    found = Indicator.objects.filter(is_active=True).order_by("order", "code")
    return [indicator for indicator in found if indicator_reaches(indicator, level)]


# What an indicator code and a period code look like; anything else is refused before it
# becomes part of a cache key.
CODE = re.compile(r"[A-Za-z0-9_]{1,32}")
PERIOD = re.compile(r"[0-9A-Za-z]{4,8}")


def params_checked(indicator: str, period: str = "") -> tuple[str, str]:
    """The indicator and period asked for, or a 400 naming the field."""
    if indicator and not CODE.fullmatch(indicator):
        raise InputError(_("No indicator %(code)s.") % {"code": indicator[:40]}, field="indicator")
    if period and not PERIOD.fullmatch(period):
        raise InputError(_("No period %(code)s.") % {"code": period[:40]}, field="period")
    return indicator, period.upper()


def indicator_get(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=(code or "").strip(), is_active=True).first()
    if indicator is None:
        raise InputError(_("No indicator %(code)s.") % {"code": code}, field="indicator")
    return indicator


def indicator_default(scope: Scope, choices: list[dict[str, Any]] | None = None) -> str:
    """The code the map shows first: the first card's indicator that exists for the rows.
    `choices`: the scope's `indicator_choices`, when the caller has them (one query less)."""
    available = (
        {choice["code"] for choice in choices}
        if choices is not None
        else {indicator.code for indicator in indicators_at(scope.below)}
    )
    for code in DEFAULT_INDICATORS:
        if code in available:
            return code
    return next(iter(sorted(available)), "")


def _benefit(indicator: Indicator) -> bool:
    return indicator.direction != Direction.NEGATIVE


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "measure": indicator.measure,
        "decimals": indicator.decimals,
        "direction": indicator.direction,
    }


def _unit_ids(level: str, prefix: str) -> QuerySet[Unit, int]:
    return Unit.objects.current().within(prefix).filter(level=level).values_list("id", flat=True)


def _settled() -> Exists:
    """The value's unit has its report of a data set holding the indicator approved or
    locked for the value's period."""
    return Exists(
        Submission.objects.filter(
            unit=OuterRef("unit"),
            period=OuterRef("period"),
            state__in=COUNTED_STATES,
            dataset__members__indicator=OuterRef("indicator"),
        )
    )


def _figures(indicator: Indicator, *, level: str, prefix: str) -> dict[tuple[int, int], Figure]:
    """(unit id, period id) → the approved figure, for the current units of `level` within
    `prefix`: at most two queries (totals and computed values; own values whose report is
    approved or locked), each read by indicator and unit from the unique index."""
    units = _unit_ids(level, prefix)
    found: dict[tuple[int, int], Figure] = {}
    entered_here = not indicator.is_computed and level in indicator.levels
    if not (entered_here and list(indicator.levels) == [level]):
        for unit_id, period_id, value, reported, expected in (
            DerivedValue.objects.filter(indicator=indicator, unit__in=units)
            .values_list("unit_id", "period_id", "value", "reported", "expected")
            .iterator(chunk_size=5000)
        ):
            found[(unit_id, period_id)] = Figure(value, reported, expected)
    if entered_here:
        for unit_id, period_id, value in (
            DataValue.objects.filter(indicator=indicator, unit__in=units)
            .filter(_settled())
            .values_list("unit_id", "period_id", "value")
            .iterator(chunk_size=5000)
        ):
            found.setdefault((unit_id, period_id), Figure(value, 1, 1))
    return found


def _periods(ids: Iterable[int]) -> list[Period]:
    """The periods in time order."""
    return list(Period.objects.filter(pk__in=set(ids)).order_by("start", "end"))


def _units(level: str, prefix: str) -> list[dict[str, Any]]:
    found = (
        Unit.objects.current()
        .within(prefix)
        .filter(level=level)
        .order_by("code")
        .values_list("id", "code", "name")
    )
    return [{"id": pk, "code": code, "name": name} for pk, code, name in found]


def _light(value: float | None, target: float | None, benefit: bool) -> str:
    """green / yellow / red against the target, "" where none applies (`target_status`)."""
    status, _achievement, _usable = target_status(
        np.nan if value is None else value, np.nan if target is None else target, benefit
    )
    return str(status[0])


def _shown(value: float | None, indicator: Indicator) -> str:
    return number_cn(value, indicator.measure, indicator.decimals)


def _demo_values() -> bool:
    return DataSet.objects.filter(is_demo=True).exists()


# ---- Cards ----------------------------------------------------------------------------


def _own_series(indicator: Indicator, unit: Unit) -> list[tuple[Period, Figure]]:
    found = _figures(indicator, level=unit.level, prefix=unit.code)
    periods = _periods(period_id for (_unit, period_id) in found)
    return [(period, found[(unit.pk, period.pk)]) for period in periods]


def _share_series(card: Card, indicator: Indicator, unit: Unit) -> list[tuple[Period, Figure]]:
    """Per period: the percentage of the scope's villages (approved values) at or above the
    card's threshold, converted to the indicator's unit of measure; one query."""
    multiple, _base = measure_split(indicator.measure)
    threshold = float(card.at_least or 0) / multiple
    rows = (
        DataValue.objects.filter(indicator=indicator, unit__in=_unit_ids(card.counted, unit.prefix))
        .filter(_settled())
        .values("period_id")
        .annotate(reported=Count("id"), reached=Count("id", filter=Q(value__gte=threshold)))
    )
    expected = _unit_ids(card.counted, unit.prefix).count()
    by_period = {row["period_id"]: row for row in rows}
    series = []
    for period in _periods(by_period):
        row = by_period[period.pk]
        share = 100.0 * row["reached"] / row["reported"] if row["reported"] else np.nan
        series.append(
            (period, Figure(float(share), row["reported"], max(expected, row["reported"])))
        )
    return [(period, figure) for period, figure in series if np.isfinite(figure.value)]


def _card(
    card: Card,
    indicator: Indicator,
    series: list[tuple[Period, Figure]],
    target_of: Indicator,
    unit: Unit,
) -> dict[str, Any]:
    measure = "%" if card.kind == SHARE else indicator.measure
    decimals = 1 if card.kind == SHARE else indicator.decimals
    out: dict[str, Any] = {
        "key": card.key,
        "indicator": indicator.code,
        "title": str(card.title) or indicator.name,
        "measure": measure,
        "decimals": decimals,
        "direction": indicator.direction,
        "trend": [{"period": p.code, "value": f.value} for p, f in series],
        "period": None,
        "value": None,
        "shown": number_cn(None),
        "reported": None,
        "expected": None,
        "provisional": False,
        "target": None,
        "target_year": None,
        "target_shown": number_cn(None),
        "light": "",
    }
    if not series:
        return out
    period, figure = series[-1]
    year = milestone_next(period.end.year)
    target = float(targets_for(indicator=target_of, units=[unit], year=year)[0])
    target_value = target if np.isfinite(target) else None
    out.update(
        period=period.code,
        value=figure.value,
        shown=number_cn(figure.value, measure, decimals),
        reported=figure.reported,
        expected=figure.expected,
        provisional=figure.provisional,
        target=target_value,
        target_year=year if target_value is not None else None,
        target_shown=number_cn(target_value, measure, decimals),
        light=_light(figure.value, target_value, _benefit(target_of)),
    )
    return out


def _summary(scope: Scope) -> dict[str, Any]:
    codes = {card.indicator for card in CARDS} | {c.target_from for c in CARDS if c.target_from}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes, is_active=True)}
    cards = []
    for card in CARDS:
        indicator = indicators.get(card.indicator)
        if indicator is None:
            continue
        if card.kind == SHARE:
            if not indicator_reaches(indicator, card.counted) or scope.unit.level == card.counted:
                continue
            series = _share_series(card, indicator, scope.unit)
            target_of = indicators.get(card.target_from, indicator)
        else:
            if not indicator_reaches(indicator, scope.unit.level):
                continue
            series = _own_series(indicator, scope.unit)
            target_of = indicator
        cards.append(_card(card, indicator, series, target_of, scope.unit))
    return {
        "unit": {"code": scope.unit.code, "name": scope.unit.name, "level": scope.unit.level},
        "cards": cards,
        "demo": _demo_values(),
    }


def summary(*, user: Any) -> dict[str, Any]:
    """The key indicator cards of the user's scope."""
    scope = scope_of(user=user)
    return cached(scope.key("summary"), INDICATOR_AREAS, lambda: _summary(scope))


# ---- Values of the rows: the map, a unit's drill-down, the trends ---------------------


def _ranked(rows: list[dict[str, Any]], benefit: bool) -> list[dict[str, Any]]:
    """Rows with a value ranked best first (1 = best; equal values share a rank:
    `analysis.results.ranks_of`), the rows without one after them, unranked."""
    valued = [row for row in rows if row["value"] is not None]
    values = np.array([row["value"] for row in valued], dtype=np.float64)
    for row, rank in zip(valued, ranks_of(values, ascending=not benefit).tolist(), strict=True):
        row["rank"] = rank
    valued.sort(key=lambda row: (row["rank"], row["code"]))
    rest = [row for row in rows if row["value"] is None]
    for row in rest:
        row["rank"] = None
    return valued + rest


def _indicator_rows(
    indicator: Indicator, *, level: str, prefix: str, period: str, with_targets: bool = True
) -> tuple[Period | None, list[Period], list[dict[str, Any]]]:
    """The units of `level` within `prefix` with their figure of the period (default: the
    latest with any), ranked; the periods with data."""
    units = _units(level, prefix)
    found = _figures(indicator, level=level, prefix=prefix)
    periods = _periods(period_id for (_unit, period_id) in found)
    chosen = period_get(period) if period else (periods[-1] if periods else None)
    targets = np.full(len(units), np.nan)
    if chosen is not None and with_targets and units:
        stand_ins = [_UnitRef(u["id"], level) for u in units]
        targets = targets_for(
            indicator=indicator, units=stand_ins, year=milestone_next(chosen.end.year)
        )
    benefit = _benefit(indicator)
    rows = []
    for unit, target in zip(units, targets.tolist(), strict=True):
        figure = found.get((unit["id"], chosen.pk)) if chosen is not None else None
        value = figure.value if figure else None
        target_value = target if np.isfinite(target) else None
        rows.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "value": value,
                "shown": _shown(value, indicator),
                "provisional": bool(figure and figure.provisional),
                "target": target_value,
                "light": _light(value, target_value, benefit),
            }
        )
    return chosen, periods, _ranked(rows, benefit)


@dataclass(frozen=True)
class _UnitRef:
    """What `targets_for` reads of a unit: its id and level."""

    pk: int
    level: str


def _score_light(lights: list[int]) -> str:
    """A unit's light from its count of targets green / yellow / red: the most common, the
    worse on a tie."""
    if not lights or not sum(lights):
        return ""
    green, yellow, red = [*lights, 0, 0, 0][:3]
    most = max(green, yellow, red)
    return "red" if red == most else "yellow" if yellow == most else "green"


def _run_out(run: Run | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "scheme": run.scheme.name,
        "periods": list(run.periods),
        "provisional": run.provisional,
        "demo": run.is_demo,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def _score_rows(scores: Iterable[RunScore]) -> list[dict[str, Any]]:
    return [
        {
            "code": score.unit.code,
            "name": score.unit.name,
            "value": round(score.score, 4),
            "shown": f"{score.score:.3f}",
            "provisional": False,
            "target": None,
            "light": _score_light(score.lights),
            "rank": score.rank,
            "change": score.change,
        }
        for score in scores
    ]


def _score_of(
    user: Any, level: str, prefix: str, period: str
) -> tuple[Run | None, list[dict[str, Any]]]:
    """The newest finished run of `level` the user may see, and its scores within `prefix`."""
    run = run_latest(user=user, level=level)
    if run is None:
        return None, []
    if period and period not in run.periods:
        raise InputError(
            _("The latest evaluation has no period %(period)s.") % {"period": period},
            field="period",
        )
    scores = run_scores(user=user, run=run, period=period or None).filter(
        unit__code__startswith=prefix
    )
    return run, _score_rows(scores)


def _map(user: Any, scope: Scope, indicator: str, period: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": {"code": scope.unit.code, "name": scope.unit.name, "level": scope.unit.level},
        "level": scope.below,
        "mode": SCORE if indicator == SCORE else "indicator",
        "indicator": None,
        "period": None,
        "periods": [],
        "run": None,
        "rows": [],
        "demo": _demo_values(),
    }
    if scope.below is None:
        return out
    if indicator == SCORE:
        run, rows = _score_of(user, scope.below, scope.unit.prefix, period)
        out.update(
            run=_run_out(run),
            rows=rows,
            period=(period or run.last_period) if run else None,
            periods=list(run.periods) if run else [],
            demo=bool(run and run.is_demo),
        )
        return out
    chosen = indicator_get(indicator)
    if not indicator_reaches(chosen, scope.below):
        raise InputError(
            _("%(indicator)s has no values for the units of this level.")
            % {"indicator": chosen.name},
            field="indicator",
        )
    period_found, periods, rows = _indicator_rows(
        chosen, level=scope.below, prefix=scope.unit.prefix, period=period
    )
    out.update(
        indicator=_indicator_out(chosen),
        period=period_found.code if period_found else None,
        periods=[p.code for p in periods],
        rows=rows,
    )
    return out


def map_data(*, user: Any, indicator: str = "", period: str = "") -> dict[str, Any]:
    """The rows of the user's scope (the counties of a city) with the indicator's value (or
    the latest evaluation score: `indicator="score"`), rank and light, for the map."""
    scope = scope_of(user=user)
    indicator, period = params_checked(indicator, period)
    indicator = indicator or indicator_default(scope)
    areas = ("evaluation",) if indicator == SCORE else INDICATOR_AREAS
    return cached(
        scope.key("map", indicator, period), areas, lambda: _map(user, scope, indicator, period)
    )


def _drill(user: Any, unit: Unit, indicator: str, period: str) -> dict[str, Any]:
    below = LEVEL_BELOW.get(unit.level)
    levels = [lv for lv in (below, Level.VILLAGE if below == Level.TOWN else None) if lv]
    out: dict[str, Any] = {
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level},
        "mode": SCORE if indicator == SCORE else "indicator",
        "indicator": None,
        "period": None,
        "parts": [],
        "note": "",
    }
    if indicator == SCORE:
        for level in levels:
            run, rows = _score_of(user, level, unit.prefix, period)
            out["parts"].append(
                {
                    "level": level,
                    "label": str(Level(level).label),
                    "run": _run_out(run),
                    "rows": rows,
                }
            )
        if not any(part["rows"] for part in out["parts"]):
            out["note"] = _("No evaluation of the towns or villages of %(unit)s yet.") % {
                "unit": unit.name
            }
        return out
    chosen = indicator_get(indicator)
    out["indicator"] = _indicator_out(chosen)
    for level in levels:
        if not indicator_reaches(chosen, level):
            continue
        found, _periods_seen, rows = _indicator_rows(
            chosen, level=level, prefix=unit.prefix, period=period
        )
        out["period"] = out["period"] or (found.code if found else None)
        out["parts"].append(
            {"level": level, "label": str(Level(level).label), "run": None, "rows": rows}
        )
    if not levels:
        out["note"] = _("%(unit)s has no units below it.") % {"unit": unit.name}
    elif not out["parts"]:
        out["note"] = _(
            "%(indicator)s is reported by counties: its towns and villages have no values."
        ) % {"indicator": chosen.name}
    return out


def unit_drill(*, user: Any, code: str, indicator: str = "", period: str = "") -> dict[str, Any]:
    """A unit of the user's area (a county clicked on the map) with its towns and villages
    ranked by the indicator or their latest evaluation score; 404 outside the area."""
    scope = scope_of(user=user)
    indicator, period = params_checked(indicator, period)
    unit = unit_in_area(user=user, code=code, action=ACTION)
    indicator = indicator or indicator_default(Scope(unit, LEVEL_BELOW.get(unit.level)))
    areas = ("evaluation",) if indicator == SCORE else INDICATOR_AREAS
    return cached(
        scope.key("drill", unit.code, indicator, period),
        areas,
        lambda: _drill(user, unit, indicator, period),
    )


def _trends(user: Any, scope: Scope, indicator: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": {"code": scope.unit.code, "name": scope.unit.name},
        "mode": SCORE if indicator == SCORE else "indicator",
        "indicator": None,
        "periods": [],
        "own": None,
        "series": [],
    }
    if indicator == SCORE:
        run = run_latest(user=user, level=scope.below) if scope.below else None
        if run is None:
            return out
        prefix = scope_prefix(user, ACTION)
        grid: dict[str, dict[str, float]] = {}
        names: dict[str, str] = {}
        for code, name, period, score in (
            RunScore.objects.filter(run=run, unit__code__startswith=prefix)
            .filter(unit__code__startswith=scope.unit.prefix)
            .values_list("unit__code", "unit__name", "period", "score")
        ):
            grid.setdefault(code, {})[period] = score
            names[code] = name
        out["periods"] = list(run.periods)
        out["series"] = [
            {"code": code, "name": names[code], "values": [grid[code].get(p) for p in run.periods]}
            for code in sorted(grid)
        ]
        return out
    chosen = indicator_get(indicator)
    out["indicator"] = _indicator_out(chosen)
    own = _figures(chosen, level=scope.unit.level, prefix=scope.unit.code)
    rows: dict[tuple[int, int], Figure] = {}
    units: list[dict[str, Any]] = []
    if scope.below and indicator_reaches(chosen, scope.below):
        rows = _figures(chosen, level=scope.below, prefix=scope.unit.prefix)
        units = _units(scope.below, scope.unit.prefix)
    periods = _periods([p for (_u, p) in own] + [p for (_u, p) in rows])
    out["periods"] = [p.code for p in periods]
    if own:
        out["own"] = {
            "code": scope.unit.code,
            "name": scope.unit.name,
            "values": [_value(own.get((scope.unit.pk, p.pk))) for p in periods],
        }
    out["series"] = [
        {
            "code": unit["code"],
            "name": unit["name"],
            "values": [_value(rows.get((unit["id"], p.pk))) for p in periods],
        }
        for unit in units
    ]
    return out


def _value(figure: Figure | None) -> float | None:
    return figure.value if figure is not None else None


def trends(*, user: Any, indicator: str = "") -> dict[str, Any]:
    """The indicator (or score) over the periods: the scope's own line and one per row."""
    scope = scope_of(user=user)
    indicator, _period = params_checked(indicator)
    indicator = indicator or indicator_default(scope)
    areas = ("evaluation",) if indicator == SCORE else INDICATOR_AREAS
    return cached(scope.key("trends", indicator), areas, lambda: _trends(user, scope, indicator))


# ---- Supervision, completeness, top and bottom ---------------------------------------


def _supervision(user: Any, scope: Scope, today: date) -> dict[str, Any]:
    assignments = assignments_visible(user=user).filter(task__plan__status=PlanStatus.ISSUED)
    rows: list[dict[str, Any]] = []
    if scope.below is not None:
        width = SEGMENT_END[Level(scope.below)]
        # Count each assignment once per row: the topmost one within the row's subtree (a
        # split assignment's light is already the worst of its children's).
        counted = (
            assignments.filter(unit__code__startswith=scope.unit.prefix)
            .annotate(
                row=Substr("unit__code", 1, width),
                parent_row=Substr("parent__unit__code", 1, width),
            )
            .filter(Q(parent__isnull=True) | ~Q(row=F("parent_row")))
            .values("row", "light")
            .annotate(n=Count("id"))
        )
        units = _units(scope.below, scope.unit.prefix)
        by_prefix = {unit["code"][:width]: unit for unit in units}
        table = {
            unit["code"]: {
                "code": unit["code"],
                "name": unit["name"],
                **dict.fromkeys(Light.values, 0),
            }
            for unit in units
        }
        own = {
            "code": scope.unit.code,
            "name": _("%(unit)s itself") % {"unit": scope.unit.name},
            **dict.fromkeys(Light.values, 0),
        }
        for item in counted:
            unit = by_prefix.get(item["row"])
            target = table[unit["code"]] if unit else own
            target[item["light"]] += item["n"]
        rows = list(table.values())
        if any(own[light] for light in Light.values):
            rows.insert(0, own)
    overdue = (
        assignments.filter(light=Light.RED, light_reason__startswith=f"{OVERDUE}:")
        .select_related("task", "task__plan", "unit")
        .annotate(due=Coalesce("deadline", "task__deadline"))
        .order_by("due", "unit__code", "id")
    )
    listed = [
        {
            "assignment": a.pk,
            "task": a.task.number,
            "text": a.task.text[:120],
            "plan": a.task.plan.title,
            "unit": a.unit.name,
            "unit_code": a.unit.code,
            "deadline": a.due.isoformat() if a.due else None,
            "days": overdue_days(a.light_reason),
            "why": a.light_why,
        }
        for a in overdue[:OVERDUE_SHOWN]
    ]
    totals = {light: sum(row[light] for row in rows) for light in Light.values}
    return {
        "unit": {"code": scope.unit.code, "name": scope.unit.name},
        "rows": rows,
        "totals": totals,
        "overdue": listed,
        "overdue_count": overdue.count() if len(listed) == OVERDUE_SHOWN else len(listed),
        "notices_awaiting": notices_visible(user=user).filter(state__in=AWAITING).count(),
        "today": today.isoformat(),
        "demo": assignments.filter(task__plan__is_demo=True).exists(),
    }


def supervision(*, user: Any) -> dict[str, Any]:
    """Plans' lights by row (red / yellow / green / done) and the overdue assignments."""
    scope = scope_of(user=user)
    scope_prefix(user, "plans.read")
    today = timezone.localdate()
    return cached(
        scope.key("supervision", today.isoformat()),
        ("plans", "units"),
        lambda: _supervision(user, scope, today),
    )


def _completeness(user: Any, scope: Scope, today: date) -> dict[str, Any]:
    sets = []
    for dataset in datasets_visible(user=user):
        window = (
            CollectionWindow.objects.filter(dataset=dataset, opens_on__lte=today)
            .select_related("period")
            .order_by("-period__start")
            .first()
        )
        if window is None:
            continue
        page = reporting_rate(user=user, dataset=dataset, period=window.period)
        sets.append(
            {
                "code": dataset.code,
                "name": dataset.name,
                "level": dataset.level,
                "period": window.period.code,
                "closes_on": window.closes_on.isoformat(),
                "total": _rate_out(page.total),
                "rows": [_rate_out(row) for row in page.rows],
                "demo": dataset.is_demo,
            }
        )
    return {"unit": {"code": scope.unit.code, "name": scope.unit.name}, "datasets": sets}


def _rate_out(row: Any) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "expected": row.expected,
        "submitted": row.submitted,
        "on_time": row.on_time,
        "waived": row.waived,
        "rate": row.rate,
    }


def completeness(*, user: Any) -> dict[str, Any]:
    """Each data set's reporting rate by row for its current period (the latest whose
    window has opened), from the indicators app's reporting-rate selector."""
    scope = scope_of(user=user)
    scope_prefix(user, "indicators.read")
    today = timezone.localdate()
    return cached(
        scope.key("completeness", today.isoformat()),
        INDICATOR_AREAS,
        lambda: _completeness(user, scope, today),
    )


def _rankings(user: Any, scope: Scope, indicator: str) -> dict[str, Any]:
    """The ends of the map's rows (read through `map_data`, so a page that shows both works
    them out once)."""
    if scope.below is not None and not indicator:
        scores = map_data(user=user, indicator=SCORE)
        if scores["run"] is not None and scores["rows"]:
            return _ends(scope, scores)
        indicator = indicator_default(scope)
    if scope.below is None or not indicator:
        empty: dict[str, Any] = {"mode": "indicator", "indicator": None, "rows": [], "run": None}
        return _ends(scope, {**empty, "period": None, "demo": _demo_values()})
    return _ends(scope, map_data(user=user, indicator=indicator))


def _ends(scope: Scope, data: dict[str, Any]) -> dict[str, Any]:
    """The best and worst `TOP` of the map's `data` rows that have a rank."""
    ranked = sorted(
        (r for r in data["rows"] if r["rank"] is not None), key=lambda r: (r["rank"], r["code"])
    )
    return {
        "unit": {"code": scope.unit.code, "name": scope.unit.name, "level": scope.unit.level},
        "demo": data["demo"],
        "by": data["mode"],
        "indicator": data["indicator"],
        "run": data["run"],
        "period": data["period"],
        "top": ranked[:TOP],
        "bottom": list(reversed(ranked[-TOP:])) if len(ranked) > TOP else list(reversed(ranked)),
    }


def rankings(*, user: Any, indicator: str = "") -> dict[str, Any]:
    """The best and worst rows: by the latest evaluation score, or by the indicator when
    one is asked for or no evaluation exists."""
    scope = scope_of(user=user)
    indicator, _period = params_checked(indicator)
    return cached(
        scope.key("rankings", indicator),
        ("evaluation", *INDICATOR_AREAS),
        lambda: _rankings(user, scope, indicator),
    )


def indicator_choices(*, user: Any) -> list[dict[str, Any]]:
    """What the map's select box offers: the indicators with values for the scope's rows."""
    scope = scope_of(user=user)
    return [_indicator_out(i) for i in indicators_at(scope.below)]


__all__ = [
    "SCORE",
    "Scope",
    "completeness",
    "indicator_choices",
    "indicator_default",
    "map_data",
    "rankings",
    "scope_of",
    "summary",
    "supervision",
    "trends",
    "unit_drill",
]
