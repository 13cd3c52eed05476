"""DHIS2 JSON and tidy CSV for every village of 肇庆市 × 20 indicators: read, check, dry run,
store, export, and the CSV round trip, each timed (SQLite, fresh database).

    .venv/bin/python benchmarks/bench_indicators_interchange.py
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _fresh import zhaoqing_database

INDICATORS = 20


def main() -> None:
    with zhaoqing_database():
        from django.utils import timezone

        from baiqianwan.accounts.services import user_create
        from baiqianwan.indicators import interchange
        from baiqianwan.indicators.models import (
            CollectionWindow,
            DataSet,
            DataSetMember,
            Indicator,
            IndicatorSystem,
            Period,
        )
        from baiqianwan.indicators.selectors import expected_units
        from baiqianwan.units.models import Unit

        system = IndicatorSystem.objects.create(code="BENCH", name="bench", version="1")
        indicators = [
            Indicator.objects.create(
                system=system, code=f"V{n:02d}", name=f"指标{n}", levels=["village"]
            )
            for n in range(INDICATORS)
        ]
        city = Unit.objects.get(code="441200000000", valid_to__isnull=True)
        dataset = DataSet.objects.create(code="VB", name="村级", level="village", owner=city)
        dataset.assigned_to.add(city)
        for order, indicator in enumerate(indicators):
            DataSetMember.objects.create(dataset=dataset, indicator=indicator, order=order)
        period = Period.objects.create(
            code="2024", type="year", start=date(2024, 1, 1), end=date(2024, 12, 31)
        )
        today = timezone.localdate()
        CollectionWindow.objects.create(
            dataset=dataset,
            period=period,
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=30),
        )
        hq = user_create(
            username="hq", role="hq_admin", unit_code=city.code, password="Bench-Passw0rd-2025"
        )
        villages = list(expected_units(dataset, period).values_list("code", flat=True))
        rng = random.Random(9)
        payload = {
            "dataSet": "VB",
            "period": "2024",
            "dataValues": [
                {"dataElement": i.code, "orgUnit": v, "value": f"{rng.uniform(0, 1e5):.2f}"}
                for v in villages
                for i in indicators
            ],
        }
        raw = json.dumps(payload).encode()
        count = len(payload["dataValues"])
        print(f"{len(villages)} villages × {INDICATORS} indicators = {count:,} values")
        print(f"DHIS2 JSON: {len(raw) / 1e6:.1f} MB")

        start = time.perf_counter()
        items = interchange.dhis2_read(raw)
        plan = interchange.import_plan(user=hq, items=items)
        checked = time.perf_counter() - start
        start = time.perf_counter()
        dry = interchange.import_apply(user=hq, plan=plan, source="dhis2", dry_run=True)
        tried = time.perf_counter() - start
        assert dry.imported == count and not dry.stored
        start = time.perf_counter()
        stored = interchange.import_apply(user=hq, plan=plan, source="dhis2", dry_run=False)
        wrote = time.perf_counter() - start
        assert stored.stored and stored.imported == count
        print(f"read + check every item:      {checked:6.2f} s")
        print(f"dry run (trial write, undone): {tried:6.2f} s")
        print(f"store all-or-nothing:          {wrote:6.2f} s")

        start = time.perf_counter()
        rows = interchange.exchange_rows(user=hq, unit=city, periods=[period], dataset=dataset)
        body = interchange.dhis2_export(
            rows=rows, dataset=dataset, periods=[period], unit=city, children=True
        )
        json.dumps(body, ensure_ascii=False)
        exported = time.perf_counter() - start
        start = time.perf_counter()
        data = interchange.csv_export(rows)
        csv_out = time.perf_counter() - start
        assert len(body["dataValues"]) == count
        print(f"export DHIS2 JSON:             {exported:6.2f} s")
        print(f"export tidy CSV (from rows):   {csv_out:6.2f} s ({len(data) / 1e6:.1f} MB)")

        start = time.perf_counter()
        again = interchange.import_plan(user=hq, items=interchange.csv_read(data))
        summary = interchange.import_apply(user=hq, plan=again, source="csv", dry_run=True)
        round_trip = time.perf_counter() - start
        assert summary.unchanged == count, summary.as_dhis2()["importCount"]
        print(f"CSV re-import dry run (all unchanged): {round_trip:6.2f} s")


if __name__ == "__main__":
    main()
