"""A monthly briefing for 肇庆市 end to end: at least 20 pages, 10 charts and 5 tables, ≤ 10 s.

On the 2-core development container (December 2026, other test runs beside it): 24 pages,
11 charts, median 4.2–5.9 s (0.42–0.59 of the target).

In a fresh SQLite file with Zhaoqing's units: the starter indicator system with six county
indicators for 2023–2024 (approved) and a window for the county annual report, a county
evaluation run over both years, and an issued plan of 300 tasks assigned to the 8 counties
with a third of them red (the red list runs over many pages). Times `document_generate`: the
content read through the selectors, 11 charts drawn, the .docx filled, the PDF typeset by
Typst and page 1 rendered by pdftoppm; three runs, the median is held to the target. Run:
`make bench` or `.venv/bin/python benchmarks/bench_briefings.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _fresh import zhaoqing_database

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0
TASKS = 300
RUNS = 3


def world_build():  # type: ignore[no-untyped-def]
    from tests.evaluation.conftest import COUNTY_INDICATORS, values_put
    from tests.indicators.test_loader import STARTER

    from baiqianwan.accounts.models import User
    from baiqianwan.evaluation.services import run_execute, run_request, scheme_save
    from baiqianwan.indicators.loader import system_load
    from baiqianwan.indicators.models import CollectionWindow, DataSet, Period
    from baiqianwan.plans.choices import Light
    from baiqianwan.plans.models import Assignment, Plan, Task, TaskParty
    from baiqianwan.units.models import Unit

    city = Unit.objects.get(code="441200000000", valid_to__isnull=True)
    hq = User.objects.create_user(
        username="bench-hq", password="x", role="hq_admin", home_unit=city
    )
    system_load(path=STARTER, actor="bench")
    counties = list(Unit.objects.current().filter(level="county", code__startswith="4412"))
    values_put(
        dataset="ZQ_COUNTY_Y",
        units=counties,
        codes=COUNTY_INDICATORS,
        states={2023: "approved", 2024: "approved", 2025: "submitted"},
    )
    CollectionWindow.objects.create(
        dataset=DataSet.objects.get(code="ZQ_COUNTY_Y"),
        period=Period.objects.get(code="2024"),
        opens_on=date(2025, 1, 1),
        closes_on=date(2025, 3, 31),
    )
    scheme = scheme_save(
        user=hq,
        fields={"code": "ZQ_COUNTY", "name": "县域综合评价", "level": "county", "unit": city},
        indicators=[{"code": code} for code in COUNTY_INDICATORS],
    )
    run_execute(run_request(user=hq, scheme=scheme, periods=["2023", "2024"], enqueue=False).pk)
    plan = Plan.objects.create(
        title="肇庆市百千万工程2025年工作要点",
        issuer=city,
        year_start=2025,
        year_end=2027,
        status="issued",
        issued_on=date(2025, 1, 10),
        created_by=hq,
    )
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            number=str(n),
            order=n,
            text=f"第{n}项任务：推进典型镇村培育和县域产业平台建设，完成年度目标",
            deadline_kind="date",
            deadline=date(2025, 10, 31),
        )
        for n in range(1, TASKS + 1)
    )
    TaskParty.objects.bulk_create(
        TaskParty(task=t, role="lead", name=city.name, unit=city) for t in tasks
    )
    Assignment.objects.bulk_create(
        Assignment(
            task=t,
            unit=county,
            progress=40,
            light=[Light.RED, Light.GREEN, Light.DONE][(i + t.order) % 3],
            light_reason="overdue:30",
        )
        for t in tasks
        for i, county in enumerate(counties)
    )
    return hq, city


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with zhaoqing_database():
        from baiqianwan.briefings.services import document_generate, document_request

        start = time.perf_counter()
        hq, city = world_build()
        print(f"world built in {time.perf_counter() - start:.1f} s")
        times = []
        for _ in range(RUNS):
            document = document_request(
                user=hq, kind="briefing", unit=city, period="202501", enqueue=False
            )
            start = time.perf_counter()
            document = document_generate(document.pk)
            times.append(time.perf_counter() - start)
        from baiqianwan.briefings.services import document_content

        _context, charts = document_content(document)
        print(
            f"briefing: {document.pages} pages, {len(charts)} charts; "
            f"runs {', '.join(f'{t:.2f}' for t in times)} s"
        )
        median = statistics.median(times)
        print(f"median {median:.2f} s of the {TARGET_S:.0f} s target ({median / TARGET_S:.2f})")
        if document.pages < 20 or len(charts) < 10:
            sys.exit("the briefing is smaller than the issue asks (20 pages, 10 charts)")
        if median > TARGET_S:
            sys.exit("over the target")


if __name__ == "__main__":
    main()
