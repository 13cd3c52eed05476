"""The data quality page (数据质量) for the whole city: every Zhaoqing village × 40 indicators.

A fresh SQLite file with 肇庆市's units; a village data set of 36 entered and 4 computed
indicators, 12 validation rules, and values for 2023 and 2024 for every village (about
112,000 values, seeded, with a few broken rules and outliers planted). Times, on the server
(Django's test client: the whole stack but the socket), the page as headquarters sees it (the
violations list, the outliers list, one county, one indicator) and both Excel exports, each
requested 10 times; prints the median and the 95th percentile. Target: the city's page well
under 2 s (the exports are printed, not judged). Run: `make bench` or
`.venv/bin/python benchmarks/bench_indicators_quality.py`.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import UTC, date, datetime

import numpy as np

from _fresh import zhaoqing_database

ENTERED = 36
COMPUTED = 4
REPEAT = 10
TARGET_MS = 2000.0
PASSWORD = "Bench-Passw0rd-2026"


def world_build(hq):  # type: ignore[no-untyped-def]
    """The system, data set, rules, periods and values, written in bulk."""
    from baiqianwan.indicators.models import (
        CollectionWindow,
        DataSet,
        DataSetMember,
        DataValue,
        Indicator,
        IndicatorSystem,
        Period,
        ValidationRule,
    )
    from baiqianwan.units.models import Unit

    city = Unit.objects.get(code="441200000000", valid_to__isnull=True)
    system = IndicatorSystem.objects.create(code="BENCH", name="基准指标体系", version="1")
    indicators = [
        Indicator(
            system=system,
            code=f"V{i:02d}",
            name=f"村级指标{i:02d}",
            measure="万元" if i % 3 else "%",
            value_type="percent" if i % 3 == 0 else "number",
            levels=["village"],
            order=i,
        )
        for i in range(ENTERED)
    ]
    indicators += [
        Indicator(
            system=system,
            code=f"C{i:02d}",
            name=f"计算指标{i:02d}",
            formula=f"V{2 * i + 1:02d} / V{2 * i + 2:02d}",
            levels=["village"],
            order=ENTERED + i,
        )
        for i in range(COMPUTED)
    ]
    indicators = Indicator.objects.bulk_create(indicators)
    dataset = DataSet.objects.create(
        code="BENCH_VILLAGE", name="村级基准报表", level="village", owner=city, is_demo=True
    )
    dataset.assigned_to.add(city)
    DataSetMember.objects.bulk_create(
        DataSetMember(dataset=dataset, indicator=indicator, order=n)
        for n, indicator in enumerate(indicators)
    )
    periods = [
        Period.objects.create(code=str(y), type="year", start=date(y, 1, 1), end=date(y, 12, 31))
        for y in (2023, 2024)
    ]
    for period in periods:
        CollectionWindow.objects.create(
            dataset=dataset,
            period=period,
            opens_on=date(period.end.year + 1, 1, 1),
            closes_on=date(period.end.year + 1, 3, 31),
        )
    ValidationRule.objects.bulk_create(
        [
            ValidationRule(
                system=system,
                code=f"P{i:02d}",
                name=f"百分比不超过100（{i}）",
                left=f"V{i:02d}",
                operator="<=",
                right="100",
                severity="blocking" if i % 2 else "warning",
                levels=["village"],
            )
            for i in range(0, ENTERED, 3)
        ]
    )
    villages = list(
        Unit.objects.filter(level="village", valid_to__isnull=True, code__startswith="4412")
        .order_by("code")
        .values_list("id", flat=True)
    )
    rng = np.random.default_rng(20261201)
    base = rng.lognormal(4.0, 0.6, size=(len(villages), ENTERED))
    base[:, ::3] = rng.uniform(20, 95, size=(len(villages), len(range(0, ENTERED, 3))))
    now = datetime(2025, 2, 1, tzinfo=UTC)
    rows = []
    for year, period in zip((2023, 2024), periods, strict=True):
        values = base * (1.0 if year == 2023 else rng.normal(1.05, 0.05, size=base.shape))
        if year == 2024:
            planted = rng.random(values.shape) < 0.003
            values[planted] *= 4  # outliers by change and z; some percentages above 100
        rows += [
            DataValue(
                indicator_id=indicators[col].pk,
                unit_id=unit_id,
                period=period,
                value=float(round(values[row, col], 2)),
                source="demo",
                stored_at=now,
                is_demo=True,
            )
            for row, unit_id in enumerate(villages)
            for col in range(ENTERED)
        ]
    DataValue.objects.bulk_create(rows, batch_size=5000)
    print(f"{len(villages):,} villages × {len(indicators)} indicators; {len(rows):,} values")
    return dataset


def timed_get(client, label: str, url: str) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")
    return p95


def main() -> int:
    with zhaoqing_database():
        from django.test import Client

        from baiqianwan.accounts.services import user_create

        hq = user_create(
            username="bench-hq", role="hq_admin", unit_code="441200000000", password=PASSWORD
        )
        world_build(hq)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(hq)
        page = "/indicators/quality/?dataset=BENCH_VILLAGE&period=2024"
        export = "/indicators/quality.xlsx?dataset=BENCH_VILLAGE&period=2024"
        body = client.get(page + "&show=outliers").content.decode()
        counts = [int(n) for n in re.findall(r'badge text-bg-secondary">(\d+)', body)]
        print(f"violations {counts[0]:,}, outliers {counts[1]:,}")
        results = {
            "violations": timed_get(client, "city, violations", page),
            "outliers": timed_get(client, "city, outliers", page + "&show=outliers"),
            "peers": timed_get(
                client, "city, outliers, peers = all", page + "&show=outliers&peers=area"
            ),
        }
        # Downloads, for the record: most of their time is writing the workbook.
        timed_get(client, "city, violations to Excel", export)
        timed_get(client, "city, outliers to Excel", export + "&show=outliers")
        timed_get(client, "one county (怀集县)", page + "&unit=441224000000")
        timed_get(client, "one indicator", page + "&show=outliers&indicator=V05")
    worst = max(results.values())
    print(f"{'worst p95 / 2 s target':<44} {worst / TARGET_MS:7.2f}  (must be under 1)")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
