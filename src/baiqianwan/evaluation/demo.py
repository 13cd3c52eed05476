"""The evaluation demo (演示数据): three schemes over the indicator demo's approved years, the
counties' tracks, and a run of each, so the results pages and the cockpit have something to
show. Built by `bqw evaluation demo` after `bqw indicators demo`; once only.

The tracks are not the province's real classification: they are derived from the demo's own
GDP per head (the best three counties 创先, the next three 进位, the last two 消薄) and marked
as demo data wherever they show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction

from baiqianwan.evaluation.choices import MissingRule, Track, Weighting
from baiqianwan.evaluation.models import Run, Scheme, UnitTrack
from baiqianwan.evaluation.services import run_execute, run_request, scheme_save
from baiqianwan.indicators.models import DerivedValue, Period
from baiqianwan.units.models import Unit

CITY = "441200000000"
YEARS = ("2023", "2024")
# (code, name, level, indicators as (code, subsystem), options)
SCHEMES: list[tuple[str, str, str, list[tuple[str, str]], dict[str, Any]]] = [
    (
        "DEMO_COUNTY",
        "县域高质量发展综合评价（演示数据）",
        "county",
        [
            ("C_GDP_PER_CAPITA", "城镇"),
            ("C_URBANISATION", "城镇"),
            ("C_URBAN_INCOME", "城镇"),
            ("C_FISCAL_REVENUE", "城镇"),
            ("C_RURAL_INCOME", "乡村"),
            ("C_GRAIN", "乡村"),
            ("C_PROCESSING_RATIO", "乡村"),
            ("C_RURAL_TOURISM", "乡村"),
            ("C_COLLECTIVE_10W", "乡村"),
            ("C_INCOME_RATIO", "乡村"),
            ("C_ENGEL", "乡村"),
        ],
        {"by_track": True, "coupling": True},
    ),
    (
        "DEMO_TOWN",
        "镇街综合评价（演示数据）",
        "town",
        [
            ("T_FISCAL_PER_CAPITA", ""),
            ("T_ENTERPRISES", ""),
            ("V_RURAL_INCOME", ""),
            ("V_COLLECTIVE_INCOME", ""),
            ("V_TOILET", ""),
            ("V_SEWAGE", ""),
            ("V_WATER", ""),
            ("V_GREEN", ""),
        ],
        {},
    ),
    (
        "DEMO_VILLAGE",
        "典型村创建评价（富净绿美强治，演示数据）",
        "village",
        [
            ("V_RURAL_INCOME", ""),
            ("V_COLLECTIVE_INCOME", ""),
            ("V_TOILET", ""),
            ("V_SEWAGE", ""),
            ("V_GARBAGE", ""),
            ("V_GREEN", ""),
            ("V_TREES", ""),
            ("V_WATER", ""),
            ("V_ROAD", ""),
            ("V_LIVEABLE", ""),
            ("V_PARTY_HEAD", ""),
            ("V_SERVICE_STATION", ""),
            ("V_DISPUTES_RESOLVED", ""),
            ("V_CIVILISED", ""),
        ],
        {"coupling": True, "missing": MissingRule.MEAN},
    ),
]


class EvaluationDemoExists(Exception):
    pass


@dataclass
class DemoReport:
    schemes: list[str] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    tracks: dict[str, str] = field(default_factory=dict)


def _tracks(year: int) -> dict[str, str]:
    """Tracks from the demo's GDP per head of the year before: 3 创先, 3 进位, the rest 消薄."""
    found = list(
        DerivedValue.objects.filter(
            indicator__code="C_GDP_PER_CAPITA", period__code=str(year - 1), unit__level="county"
        ).values_list("unit__code", "value")
    )
    if not found:
        return {}
    order = np.argsort([-value for _, value in found], kind="stable")
    tracks = {}
    for position, index in enumerate(order.tolist()):
        track = Track.LEAD if position < 3 else Track.ADVANCE if position < 6 else Track.CATCH_UP
        tracks[found[index][0]] = str(track)
    return tracks


def evaluation_demo_create(*, actor: Any) -> DemoReport:
    """The demo schemes, tracks and runs (see the module). `EvaluationDemoExists` if made."""
    if Scheme.objects.filter(is_demo=True).exists():
        raise EvaluationDemoExists("评价演示数据已存在，未做改动。")
    if not Period.objects.filter(code__in=YEARS).count() == len(YEARS):
        raise EvaluationDemoExists("先运行 bqw indicators demo（需要 2023、2024 年的数值）。")
    city = Unit.objects.get(code=CITY, valid_to__isnull=True)
    report = DemoReport()
    with transaction.atomic():
        for year in (2024, 2025):
            for code, track in _tracks(year).items():
                unit = Unit.objects.get(code=code, valid_to__isnull=True)
                UnitTrack.objects.update_or_create(
                    unit=unit, year=year, defaults={"track": track, "is_demo": True}
                )
                report.tracks[f"{code}:{year}"] = track
        schemes = []
        for code, name, level, members, options in SCHEMES:
            scheme = scheme_save(
                user=actor,
                fields={
                    "code": code,
                    "name": name,
                    "level": level,
                    "unit": city,
                    "weighting": Weighting.ENTROPY,
                    "is_demo": True,
                    **options,
                },
                indicators=[{"code": c, "subsystem": s} for c, s in members],
            )
            schemes.append(scheme)
            report.schemes.append(code)
    for scheme in schemes:
        run = run_request(user=actor, scheme=scheme, periods=list(YEARS), enqueue=False)
        Run.objects.filter(pk=run.pk).update(is_demo=True)
        run_execute(run.pk)
        report.runs.append(run.pk)
    return report
