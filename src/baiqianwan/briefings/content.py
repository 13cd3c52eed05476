"""What a document says: the figures of one area and period, read through the other apps'
selectors (always as the user who asked, so nothing outside their area comes in).

The result is plain data (`dict`, lists, strings and numbers already written as a reader
expects them: 「12.3%」, 「↑2」), the same for the Word template (docxtpl) and the Typst one,
so an office that edits its template finds the same names as docs/briefings.md lists. A part
with no data says so in words (`gaps`) instead of failing.

The documents are Chinese official documents: their fixed words are those of the shipped
templates and of this module, whatever language the page that asked for them spoke.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from baiqianwan.evaluation.engine import milestone_next
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.selectors import run_latest, run_scores, runs_visible
from baiqianwan.indicators.choices import Direction
from baiqianwan.indicators.interchange import exchange_rows
from baiqianwan.indicators.models import CollectionWindow, Indicator, Period
from baiqianwan.indicators.periods import period_parse
from baiqianwan.indicators.selectors import datasets_visible
from baiqianwan.indicators.submission_selectors import reporting_rate
from baiqianwan.indicators.targets import targets_for
from baiqianwan.plans.choices import Light, PlanStatus
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.reading import comparison
from baiqianwan.plans.selectors import assignments_visible, plans_visible
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# How many headline indicators a briefing shows (each with its chart by county).
HEADLINES = 6
# The longest red list a briefing prints; the rest is counted.
RED_LIST_MAX = 200
CHINESE_DIGITS = "〇一二三四五六七八九"
DEMO_MARK = "演示数据"


@dataclass
class Charts:
    """The figures a document asks the chart module to draw, by name."""

    specs: dict[str, dict[str, Any]] = field(default_factory=dict)


def chinese_date(day: date) -> str:
    """2025年12月5日, as a document dates itself (GB/T 9704 7.3.5.1: Arabic numerals)."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_label(code: str) -> str:
    """2025年11月, 2025年第三季度, 2025年上半年, 2025年度."""
    span = period_parse(code)
    year = span.start.year
    if span.type == "month":
        return f"{year}年{span.start.month}月"
    if span.type == "quarter":
        return f"{year}年第{CHINESE_DIGITS[(span.start.month + 2) // 3]}季度"
    if span.type == "half":
        return f"{year}年{'上' if span.start.month == 1 else '下'}半年"
    return f"{year}年度"


def number_text(value: float | None, decimals: int = 2) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def organ_of(unit: Unit) -> str:
    """The issuing organ: the area's programme headquarters office."""
    return f"{unit.name}百县千镇万村高质量发展工程指挥部办公室"


def organ_short_of(unit: Unit) -> str:
    """The organ as the 版记 names it, short enough for one line: 肇庆市百千万工程指挥部办公室."""
    return f"{unit.name}百千万工程指挥部办公室"


def addressees_of(unit: Unit) -> str:
    """Who a notice of the area is sent to: the units directly below it."""
    if unit.level == Level.CITY:
        return "各县（市、区）百县千镇万村高质量发展工程指挥部"
    return "各镇（街道）"


def copies_of(unit: Unit) -> str:
    """The 版记's 抄送 line of an area's documents."""
    below = "各县（市、区）" if unit.level == Level.CITY else "各镇（街道）"
    return f"{unit.name}百千万工程指挥部成员单位，{below}"


def number_prefix(unit: Unit) -> str:
    """The organ's short mark in a document number: 肇 for 肇庆市, 怀 for 怀集县."""
    return f"{unit.name[:1]}百千万办"


def _below(unit: Unit) -> list[Unit]:
    """The current units directly below `unit` (a city's counties), or the unit itself when
    it is a county or lower (its own row)."""
    if unit.level == Level.CITY:
        return list(Unit.objects.current().filter(parent=unit).order_by("code"))
    return [unit]


def _met(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == Direction.NEGATIVE else value >= target


# -- indicators ---------------------------------------------------------------------------


def indicators_part(*, user: Any, unit: Unit, year: int, charts: Charts) -> dict[str, Any]:
    """Headline county indicators against the next milestone's targets: the area's value,
    its target, how many units below meet theirs; a chart per indicator by unit."""
    period = Period.objects.filter(code=str(year)).first()
    milestone = milestone_next(year)
    candidates = [
        indicator
        for indicator in Indicator.objects.filter(is_active=True).order_by("order", "code")
        if Level.COUNTY in (indicator.levels or [])
    ]
    below = _below(unit)
    found: dict[str, dict[str, float]] = defaultdict(dict)
    if period is not None and candidates:
        for row in exchange_rows(
            user=user,
            unit=unit,
            periods=[period],
            indicators=candidates,
            children=unit.level == Level.CITY,
            derived=True,
        ):
            # An entered value wins over a total of the same unit (rows come entered first).
            found[row.indicator_code].setdefault(row.unit_code, row.value)
    rows = []
    for indicator in candidates:
        values = found.get(indicator.code, {})
        by_unit = np.array([values.get(u.code, np.nan) for u in below], dtype=float)
        if np.isnan(by_unit).all():
            continue
        targets = targets_for(indicator=indicator, units=below, year=milestone)
        own_target = targets_for(indicator=indicator, units=[unit], year=milestone)[0]
        judged = ~np.isnan(by_unit) & ~np.isnan(targets)
        met = sum(_met(by_unit[i], targets[i], indicator.direction) for i in np.flatnonzero(judged))
        own = values.get(unit.code)
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "measure": indicator.measure or "",
                "value": number_text(own, indicator.decimals),
                "target": number_text(own_target, indicator.decimals),
                "met": "—"
                if own is None or np.isnan(own_target)
                else ("达标" if _met(own, own_target, indicator.direction) else "未达标"),
                "units_met": f"{met}/{int(judged.sum())}" if judged.any() else "—",
                "reported": f"{int((~np.isnan(by_unit)).sum())}/{len(below)}",
            }
        )
        if len(rows) <= HEADLINES:
            charts.specs[f"indicator_{len(rows)}"] = {
                "type": "bars_target",
                "title": f"{indicator.name}（{indicator.measure}）"
                if indicator.measure
                else indicator.name,
                "labels": [u.name for u in below],
                "values": by_unit.tolist(),
                "targets": targets.tolist(),
                "target_label": f"{milestone}年目标",
            }
    note = (
        f"指标数据为{year}年度各单位报送值（含审核中的数据），目标为{milestone}年目标值。"
        if rows
        else f"{year}年度暂无已报送的县级指标数据。"
    )
    return {
        "has": bool(rows),
        "rows": rows,
        "headline": rows[:HEADLINES],
        "year": year,
        "milestone": milestone,
        "note": note,
        "charts": [f"indicator_{i}" for i in range(1, min(len(rows), HEADLINES) + 1)],
    }


# -- evaluation ---------------------------------------------------------------------------


def _run_for(*, user: Any, unit: Unit) -> Run | None:
    """The newest finished run ranking the units directly below `unit` (a city's counties, a
    county's towns), else the city's county ranking (a county reads its own row)."""
    below = Level.COUNTY if unit.level == Level.CITY else Level.TOWN
    own = (
        runs_visible(user=user)
        .filter(unit=unit, state="done", scheme__level=below)
        .order_by("-finished_at", "-id")
        .first()
    )
    return own or run_latest(user=user, level=Level.COUNTY)


def _period_of(run: Run, year: int) -> str:
    """The run's last period that ends in `year` or before (its first if none does)."""
    usable = [p for p in run.periods if period_parse(p).end.year <= year]
    return usable[-1] if usable else run.periods[0]


def ranking_part(*, user: Any, unit: Unit, year: int, charts: Charts) -> dict[str, Any]:
    """The latest finished evaluation run of the area: ranks, scores and rank changes in its
    period for `year`, the trend over the run's periods, the county map by score."""
    run = _run_for(user=user, unit=unit)
    if run is None or not run.periods:
        return {"has": False, "rows": [], "note": "暂无已完成的综合评价。", "charts": []}
    period = _period_of(run, year)
    scores = [
        s
        for s in run_scores(user=user, run=run, period=period)
        if s.unit.code.startswith(unit.prefix)
    ]
    if not scores:
        return {"has": False, "rows": [], "note": "本区域暂无综合评价结果。", "charts": []}
    names_of = dict(
        Indicator.objects.filter(
            code__in={code for s in scores for code, _degree in s.weak[:3]}
        ).values_list("code", "name")
    )
    rows = [
        {
            "rank": s.rank,
            "name": s.unit.name,
            "code": s.unit.code,
            "score": f"{s.score:.4f}",
            "change": change_text(s.change),
            "track": s.get_track_display() if s.track else "",
            "weak": "、".join(names_of.get(code, code) for code, _degree in s.weak[:3]),
        }
        for s in scores
    ]
    names = {s.unit.code: s.unit.name for s in scores}
    charts.specs["scores"] = {
        "type": "bars",
        "title": f"综合得分（{period_label(period)}）",
        "labels": [s.unit.name for s in scores],
        "values": [s.score for s in scores],
    }
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for p in run.periods:
        for earlier in run_scores(user=user, run=run, period=p):
            if earlier.unit.code in names:
                series[names[earlier.unit.code]][p] = earlier.score
    made = ["scores"]
    if len(run.periods) > 1:
        charts.specs["trend"] = {
            "type": "lines",
            "title": "综合得分变化趋势",
            "labels": [period_label(p) for p in run.periods],
            "series": {
                name: [points.get(p, np.nan) for p in run.periods]
                for name, points in series.items()
            },
        }
        made.append("trend")
    if unit.level == Level.CITY:
        charts.specs["map"] = {
            "type": "map",
            "title": "各县（市、区）综合得分分布",
            "city": unit.code[:6],
            "values": {s.unit.name: s.score for s in scores},
        }
        made.append("map")
    up = [r for r in rows if r["change"].startswith("↑")]
    down = [r for r in rows if r["change"].startswith("↓")]
    # How many were ranked in all (a count only: a county sees its own row of the city's run).
    ranked = RunScore.objects.filter(run=run, period=period).count()
    if len(rows) == 1 and ranked > 1:
        only = rows[0]
        sentence = (
            f"{only['name']}综合得分{only['score']}，在参评的{ranked}个单位中排名第{only['rank']}，"
            f"位次变化：{only['change']}。"
        )
    else:
        sentence = (
            f"{rows[0]['name']}位列第一，{rows[-1]['name']}位列末位；"
            f"排名上升：{'、'.join(r['name'] for r in up) or '无'}；"
            f"排名下降：{'、'.join(r['name'] for r in down) or '无'}。"
        )
    return {
        "has": True,
        "scheme": run.scheme.name,
        "period": period_label(period),
        "rows": rows,
        "first": rows[0]["name"],
        "last": rows[-1]["name"],
        "up": "、".join(r["name"] for r in up) or "无",
        "down": "、".join(r["name"] for r in down) or "无",
        "ranked": ranked,
        "sentence": sentence,
        "provisional": run.provisional,
        "note": "（本次评价含未审核数据，结果为临时结果。）" if run.provisional else "",
        "charts": made,
    }


# -- plans --------------------------------------------------------------------------------


def tasks_part(*, user: Any, unit: Unit, day: date, charts: Charts) -> dict[str, Any]:
    """Task completion by unit below the area over the issued plans, and the red list."""
    totals: dict[str, dict[str, Any]] = {}
    plans = plans_visible(user=user).filter(status=PlanStatus.ISSUED).order_by("pk")
    parent = unit if unit.level == Level.CITY else unit.parent
    for plan in plans:
        for row in comparison(user=user, plan=plan, parent=parent):
            if not row.code.startswith(unit.prefix):
                continue
            total = totals.setdefault(
                row.code,
                {"name": row.name, "assignments": 0, "done": 0, "red": 0, "yellow": 0},
            )
            total["assignments"] += row.assignments
            total["done"] += row.done
            total["red"] += row.red
            total["yellow"] += row.yellow
    rows = []
    for code, total in sorted(totals.items()):
        n = total["assignments"]
        rows.append(
            {
                **total,
                "code": code,
                "green": n - total["done"] - total["red"] - total["yellow"],
                "completion": f"{100 * total['done'] / n:.1f}%" if n else "—",
            }
        )
    red = (
        assignments_visible(user=user)
        .filter(unit__code__startswith=unit.prefix, light=Light.RED, task__plan__in=plans)
        .filter(Q(unit__parent=parent) | Q(unit=unit))
        .select_related("task", "unit")
        .order_by("unit__code", "task__order", "task__number")
    )
    red_count = red.count()
    red_list = [
        {
            "unit": a.unit.name,
            "number": a.task.number,
            "text": a.task.text,
            "deadline": (a.deadline or a.task.deadline or "")
            and str(a.deadline or a.task.deadline),
            "progress": f"{a.progress}%",
            "reason": a.light_why,
        }
        for a in red[:RED_LIST_MAX]
    ]
    made = []
    if rows:
        charts.specs["lights"] = {
            "type": "stacked",
            "title": "任务状态分布",
            "labels": [r["name"] for r in rows],
            "stacks": {
                "已完成": [r["done"] for r in rows],
                "正常": [r["green"] for r in rows],
                "预警": [r["yellow"] for r in rows],
                "逾期": [r["red"] for r in rows],
            },
        }
        made.append("lights")
    assignments = sum(r["assignments"] for r in rows)
    done = sum(r["done"] for r in rows)
    return {
        "has": bool(rows),
        "rows": rows,
        "plans": len(plans),
        "assignments": assignments,
        "done": done,
        "completion": f"{100 * done / assignments:.1f}%" if assignments else "—",
        "red_count": red_count,
        "red_list": red_list,
        "red_more": max(red_count - RED_LIST_MAX, 0),
        "as_of": chinese_date(day),
        "note": "" if rows else "本区域暂无已下达的计划任务。",
        "charts": made,
    }


# -- reporting ----------------------------------------------------------------------------


def reporting_part(*, user: Any, unit: Unit, end: date, charts: Charts) -> dict[str, Any]:
    """Reporting rates of each data set for its latest period ended by `end` whose window is
    set, by unit below the user's home, within the area."""
    sets: list[dict[str, Any]] = []
    for dataset in datasets_visible(user=user):
        window = (
            CollectionWindow.objects.filter(
                dataset=dataset, period__type=dataset.period_type, period__end__lte=end
            )
            .select_related("period")
            .order_by("-period__end")
            .first()
        )
        if window is None:
            continue
        page = reporting_rate(user=user, dataset=dataset, period=window.period)
        rows = [
            {
                "name": r.name,
                "expected": r.expected,
                "submitted": r.submitted,
                "rate": f"{r.rate:.1f}%" if r.rate is not None else "—",
                "on_time": f"{r.on_time_rate:.1f}%" if r.on_time_rate is not None else "—",
                "value": r.rate,
            }
            for r in page.rows
            if r.code.startswith(unit.prefix)
        ]
        if not rows:
            continue
        total = page.total
        sets.append(
            {
                "name": dataset.name,
                "period": period_label(window.period.code),
                "rows": rows,
                "rate": f"{total.rate:.1f}%" if total.rate is not None else "—",
            }
        )
    made = []
    if sets:
        first = sets[0]
        charts.specs["reporting"] = {
            "type": "bars",
            "title": f"{first['name']}报送率（{first['period']}，%）",
            "labels": [r["name"] for r in first["rows"]],
            "values": [r["value"] if r["value"] is not None else np.nan for r in first["rows"]],
            "percent": True,
        }
        made.append("reporting")
    return {
        "has": bool(sets),
        "sets": sets,
        "note": "" if sets else "暂无已开放填报的报表。",
        "charts": made,
    }


# -- the documents ------------------------------------------------------------------------


def _head(*, unit: Unit, period: str, number: str, title: str, day: date) -> dict[str, Any]:
    return {
        "organ": organ_of(unit),
        "organ_short": organ_short_of(unit),
        "copies": copies_of(unit),
        "scope": unit.name,
        "number": number,
        "title": title,
        "date": chinese_date(day),
        "period": period_label(period),
        "period_code": period,
        "demo": False,
        "demo_mark": "",
        "gaps": [],
    }


def briefing_content(
    *, user: Any, unit: Unit, period: str, number: str, issue: str, day: date | None = None
) -> tuple[dict[str, Any], Charts]:
    """The periodic work briefing (工作简报) of `unit`'s area for `period`."""
    day = day or timezone.localdate()
    span = period_parse(period)
    charts = Charts()
    label = period_label(period)
    context = _head(
        unit=unit,
        period=period,
        number=number,
        title=f"{unit.name}百千万工程{label}工作情况",
        day=day,
    )
    context["issue"] = issue
    context["indicators"] = indicators_part(
        user=user, unit=unit, year=span.start.year, charts=charts
    )
    context["ranking"] = ranking_part(user=user, unit=unit, year=span.start.year, charts=charts)
    # Lights are a live state: the tasks part says how things stand on the day of writing.
    context["tasks"] = tasks_part(user=user, unit=unit, day=day, charts=charts)
    context["reporting"] = reporting_part(user=user, unit=unit, end=span.end, charts=charts)
    parts = ("indicators", "ranking", "tasks", "reporting")
    context["gaps"] = [context[p]["note"] for p in parts if not context[p]["has"]]
    context["empty"] = not any(context[p]["has"] for p in parts)
    context["summary"] = _summary(context, label)
    return context, charts


def _summary(context: dict[str, Any], label: str) -> str:
    if context["empty"]:
        return f"{label}，本区域暂无可供通报的指标、评价、任务和报送数据。"
    said = [f"{label}，{context['scope']}百县千镇万村高质量发展工程各项工作有序推进。"]
    tasks = context["tasks"]
    if tasks["has"]:
        said.append(
            f"全域{tasks['plans']}项计划共分解任务{tasks['assignments']}项，已完成{tasks['done']}项，"
            f"完成率{tasks['completion']}，逾期（红灯）{tasks['red_count']}项。"
        )
    ranking = context["ranking"]
    if ranking["has"]:
        said.append(f"{ranking['period']}综合评价中，{ranking['sentence']}")
    indicators = context["indicators"]
    judged = [r for r in indicators["rows"] if r["met"] in ("达标", "未达标")]
    if judged:
        met = sum(1 for r in judged if r["met"] == "达标")
        said.append(
            f"设有{indicators['milestone']}年目标的{len(judged)}项主要指标中，{met}项已达标。"
        )
    return "".join(said)


def ranking_content(
    *, user: Any, unit: Unit, period: str, number: str, day: date | None = None
) -> tuple[dict[str, Any], Charts]:
    """The ranking notice (通报) of the latest evaluation of `unit`'s area."""
    day = day or timezone.localdate()
    span = period_parse(period)
    charts = Charts()
    ranking = ranking_part(user=user, unit=unit, year=span.start.year, charts=charts)
    judged = ranking.get("period", period_label(period))
    title = f"关于{judged}{ranking.get('scheme', '综合评价')}结果的通报"
    context = _head(unit=unit, period=period, number=number, title=title, day=day)
    context["ranking"] = ranking
    context["addressees"] = addressees_of(unit)
    context["gaps"] = [] if ranking["has"] else [ranking["note"]]
    context["empty"] = not ranking["has"]
    return context, charts


def notice_content(
    *,
    issuer: Unit,
    assignment: Assignment,
    number: str,
    day: date | None = None,
    reply_days: int = 10,
) -> tuple[dict[str, Any], Charts]:
    """A supervision notice (督办通知单) from `issuer` (the writer's home unit) to the unit
    of one assignment. The caller has read the assignment through the user's area."""
    day = day or timezone.localdate()
    task = assignment.task
    plan = task.plan
    deadline = assignment.deadline or task.deadline
    reply_by = day + timedelta(days=reply_days)
    context = _head(
        unit=issuer,
        period=f"{day.year}{day.month:02d}",
        number=number,
        title="督办通知单",
        day=day,
    )
    context.update(
        {
            "addressee": assignment.unit.name,
            "plan": plan.title,
            "plan_number": plan.document_number,
            "plan_cite": f"《{plan.title}》"
            + (f"（{plan.document_number}）" if plan.document_number else ""),
            "task_number": task.number,
            "task_text": task.text,
            "deadline": chinese_date(deadline) if deadline else (task.deadline_text or "—"),
            "progress": f"{assignment.progress}%",
            "light": assignment.get_light_display(),
            "reason": assignment.light_why or "—",
            "requirement": (
                f"请{assignment.unit.name}对照任务要求，于{chinese_date(reply_by)}前"
                "将整改落实情况、存在问题及下步措施书面报送我办。"
            ),
            "reply_by": chinese_date(reply_by),
            "empty": False,
        }
    )
    return context, Charts()
