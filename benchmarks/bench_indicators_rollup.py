"""Roll-up at approval, at Zhaoqing's size, in a fresh SQLite file.

Zhaoqing's real register (8 counties, 106 towns, 1,558 villages as loaded by `bqw units load
--city 4412`); a village data set of 40 indicators (sums, averages, weighted averages by
population, min, max, and 4 computed by formula) with a value for every village and entered
indicator (1,558 × 36 = 56,088 values). Every village's report is approved except one
village of 怀集县, which is submitted; the town operator then approves it: the last approval
of the county. Measured: that approval (the flow, with the roll-up of the village's town,
county and city), then the approval of 怀集县's total by headquarters once its towns are
approved, a town approving all its villages at once (the largest town), and a full
recompute (`rollup_refresh` without units, as `bqw indicators rollup` runs it). The URLs
are loaded first, as in a running server. Each is checked against the values it should
total. Target: the last approval to a fresh county and city total ≤ 1 s.
Run: `make bench` or `.venv/bin/python benchmarks/bench_indicators_rollup.py`.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

import numpy as np

from _fresh import zhaoqing_database

INDICATORS = 40
TARGET_SECONDS = 1.0
HUAIJI = "441224000000"
AGGREGATIONS = ("sum", "average", "weighted_average", "min", "max", "sum")


def build() -> dict[str, Any]:
    """The system, data set, period, values and approvals; the last village left submitted."""
    from baiqianwan.accounts.services import user_create
    from baiqianwan.indicators.models import (
        CollectionWindow,
        DataSet,
        DataSetMember,
        Indicator,
        IndicatorSystem,
        Period,
        Submission,
    )
    from baiqianwan.indicators.tree import period_tree
    from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
    from baiqianwan.units.models import Unit

    city = Unit.objects.get(code="441200000000", valid_to__isnull=True)
    system = IndicatorSystem.objects.create(code="BENCH", name="基准指标体系", version="1")
    population = Indicator.objects.create(
        system=system, code="I00", name="户籍人口", levels=["village"], aggregation="sum"
    )
    indicators = [population]
    for n in range(1, INDICATORS - 4):
        aggregation = AGGREGATIONS[n % len(AGGREGATIONS)]
        indicators.append(
            Indicator.objects.create(
                system=system,
                code=f"I{n:02d}",
                name=f"指标{n}",
                levels=["village"],
                aggregation=aggregation,
                weight_indicator=population if aggregation == "weighted_average" else None,
            )
        )
    for n in range(INDICATORS - 4, INDICATORS):
        indicators.append(
            Indicator.objects.create(
                system=system,
                code=f"I{n:02d}",
                name=f"计算指标{n}",
                levels=["village"],
                formula=f"I{n - 30:02d} * 10000 / I00",
            )
        )
    dataset = DataSet.objects.create(code="BENCH", name="基准村级报表", level="village", owner=city)
    dataset.assigned_to.add(city)
    DataSetMember.objects.bulk_create(
        [DataSetMember(dataset=dataset, indicator=i, order=n) for n, i in enumerate(indicators)]
    )
    period = Period.objects.create(
        code="2024", type="year", start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    CollectionWindow.objects.create(
        dataset=dataset, period=period, opens_on=date(2025, 1, 1), closes_on=date(2099, 3, 31)
    )
    tree = period_tree(dataset, period)
    rng = np.random.default_rng(2026)
    entered = [i for i in indicators if not i.formula]
    values = rng.uniform(100, 5000, (len(tree.leaves), len(entered))).round(1)
    cells = [
        Cell(village, indicator.pk, float(values[row, col]))
        for row, village in enumerate(tree.leaves)
        for col, indicator in enumerate(entered)
    ]
    values_write(actor=None, dataset=dataset, period=period, cells=cells, source="demo")
    huaiji = tree.node_by_code(HUAIJI)
    huaiji_leaves = tree.leaves_below(huaiji.pk)
    last = huaiji_leaves[-1]
    town = tree.nodes[tree.nodes[last].parent]
    totals = [pk for pk, node in tree.nodes.items() if node.level in ("town", "county")]
    submissions_ensure(dataset, period, [*tree.leaves, *totals])
    Submission.objects.filter(dataset=dataset, period=period).update(state="approved")
    Submission.objects.filter(dataset=dataset, period=period, unit_id=last).update(
        state="submitted"
    )
    # 怀集县's total and the last village's town's total wait, as they would.
    Submission.objects.filter(
        dataset=dataset, period=period, unit_id__in=[huaiji.pk, town.pk]
    ).update(state="submitted")
    Submission.objects.filter(dataset=dataset, period=period, unit_id=town.pk).update(state="draft")
    town_user = user_create(
        username="bench-town", role="town_operator", unit_code=town.code, password="Bench-Pw0rd-26"
    )
    hq = user_create(
        username="bench-hq", role="hq_admin", unit_code=city.code, password="Bench-Pw0rd-26"
    )
    county_user = user_create(
        username="bench-county", role="county_operator", unit_code=HUAIJI, password="Bench-Pw0rd-26"
    )
    return {
        "dataset": dataset,
        "period": period,
        "tree": tree,
        "values": values,
        "entered": entered,
        "last": last,
        "town": town,
        "huaiji": huaiji,
        "users": {"town": town_user, "hq": hq, "county": county_user},
    }


def check(world: dict[str, Any], code: str) -> None:
    """The unit's population total and population-weighted mean equal the ones computed here."""
    from baiqianwan.indicators.models import DerivedValue

    tree, values, entered = world["tree"], world["values"], world["entered"]
    node = tree.node_by_code(code)
    rows = [tree.leaves.index(leaf) for leaf in tree.leaves_below(node.pk)]
    weighted = next(i for i in entered if i.aggregation == "weighted_average")
    col = entered.index(weighted)
    want_pop = values[rows, 0].sum()
    want_mean = (values[rows, col] * values[rows, 0]).sum() / values[rows, 0].sum()
    got = dict(
        DerivedValue.objects.filter(
            unit_id=node.pk, period=world["period"], indicator__in=[entered[0], weighted]
        ).values_list("indicator_id", "value")
    )
    assert abs(got[entered[0].pk] - want_pop) < 1e-6 * want_pop, (code, got, want_pop)
    assert abs(got[weighted.pk] - want_mean) < 1e-6 * want_mean, (code, got, want_mean)


def main() -> None:
    with zhaoqing_database():
        from baiqianwan.indicators.flows import submission_approve, submission_submit
        from baiqianwan.indicators.models import DerivedValue
        from baiqianwan.indicators.rollup import rollup_refresh
        from baiqianwan.units.models import Unit

        started = time.perf_counter()
        world = build()
        print(
            f"built: {len(world['tree'].leaves)} villages × {INDICATORS} indicators "
            f"({world['values'].size} values) in {time.perf_counter() - started:.1f} s"
        )
        dataset, period, users = world["dataset"], world["period"], world["users"]
        # A running server has its URLs loaded already (the flow links its notification).
        from django.urls import reverse

        reverse("indicators:approvals")
        village = Unit.objects.get(pk=world["last"])
        started = time.perf_counter()
        submission_approve(actor=users["town"], dataset=dataset, period=period, unit=village)
        last_approval = time.perf_counter() - started
        check(world, HUAIJI)
        check(world, "441200000000")
        town = Unit.objects.get(pk=world["town"].pk)
        huaiji = Unit.objects.get(pk=world["huaiji"].pk)
        submission_submit(
            actor=users["town"], dataset=dataset, period=period, unit=town, today=date(2025, 2, 1)
        )
        submission_approve(actor=users["county"], dataset=dataset, period=period, unit=town)
        started = time.perf_counter()
        submission_approve(actor=users["hq"], dataset=dataset, period=period, unit=huaiji)
        county_approval = time.perf_counter() - started
        # A town approves all its villages at once (the largest town's, put back to submitted).
        from baiqianwan.accounts.services import user_create
        from baiqianwan.indicators.flows import submissions_decide
        from baiqianwan.indicators.models import Submission

        tree = world["tree"]
        towns = [pk for pk, node in tree.nodes.items() if node.level == "town"]
        biggest = max(towns, key=lambda pk: len(tree.children.get(pk, [])))
        villages = tree.children[biggest]
        Submission.objects.filter(dataset=dataset, period=period, unit_id__in=villages).update(
            state="submitted"
        )
        operator = user_create(
            username="bench-big-town",
            role="town_operator",
            unit_code=tree.nodes[biggest].code,
            password="Bench-Pw0rd-26",
        )
        chosen = [(unit, None) for unit in Unit.objects.filter(pk__in=villages)]
        started = time.perf_counter()
        decided = submissions_decide(
            actor=operator, dataset=dataset, period=period, decision="approve", units=chosen
        )
        bulk_seconds = time.perf_counter() - started
        assert len(decided.done) == len(villages), decided.refused
        started = time.perf_counter()
        full = rollup_refresh(dataset=dataset, period=period)
        full_seconds = time.perf_counter() - started
        check(world, "441200000000")
        rows = DerivedValue.objects.filter(period=period).count()
        print(
            f"last village approval of 怀集县 → fresh town, county and city totals: "
            f"{last_approval:.3f} s (target ≤ {TARGET_SECONDS:.0f} s)"
        )
        print(f"approval of 怀集县's total by headquarters: {county_approval:.3f} s")
        print(
            f"a town approves its {len(villages)} villages at once (one roll-up): "
            f"{bulk_seconds:.3f} s"
        )
        print(
            f"full recompute: {full.rows} derived values for {full.units} units in "
            f"{full_seconds:.3f} s ({rows} derived rows stored)"
        )
        if last_approval > TARGET_SECONDS:
            sys.exit(f"too slow: {last_approval:.3f} s > {TARGET_SECONDS} s")


if __name__ == "__main__":
    main()
