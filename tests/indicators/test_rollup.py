"""Roll-up at approval: hand-computed totals, every aggregation against an independent loop,
settled values only, the period's tree (a retired village), refreshing ancestors only."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.core.management import call_command

from baiqianwan.indicators.choices import Aggregation
from baiqianwan.indicators.models import DerivedValue, Submission
from baiqianwan.indicators.rollup import _aggregate, rollup_refresh
from baiqianwan.indicators.tree import period_tree
from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
from baiqianwan.units.models import Unit
from tests.factories import HUAIJI, ZHAOQING
from tests.indicators.factories import DEQING, HUAICHENG, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


def _store(world, period, rows):  # type: ignore[no-untyped-def]
    """rows: {village: {code: value}}; stored by the platform, then approved."""
    ind = world["ind"]
    dataset = world["datasets"]["VILLAGE"]
    cells = [
        Cell(village.pk, ind[code].pk, value)
        for village, values in rows.items()
        for code, value in values.items()
    ]
    values_write(actor=None, dataset=dataset, period=period, cells=cells, source="form")


def _approve(world, period, villages):  # type: ignore[no-untyped-def]
    dataset = world["datasets"]["VILLAGE"]
    ids = [v.pk for v in villages]
    submissions_ensure(dataset, period, ids)
    Submission.objects.filter(dataset=dataset, period=period, unit_id__in=ids).update(
        state="approved"
    )


def _derived(world, code, unit_code):  # type: ignore[no-untyped-def]
    return DerivedValue.objects.get(
        indicator=world["ind"][code], unit=unit(unit_code), period=world["period"]
    )


def _town_villages(world):  # type: ignore[no-untyped-def]
    tree = period_tree(world["datasets"]["VILLAGE"], world["period"])
    return [unit(tree.nodes[pk].code) for pk in tree.children[tree.node_by_code(HUAICHENG).pk]]


def test_hand_computed_totals_at_every_level(world):  # type: ignore[no-untyped-def]
    a, b, c, unapproved = _town_villages(world)[:4]
    _store(
        world,
        world["period"],
        {
            a: {"POP": 1000, "INCOME": 20000, "COLLECTIVE": 10, "GREEN": 30, "CLEAN": 1},
            b: {"POP": 3000, "INCOME": 16000, "COLLECTIVE": 50, "GREEN": 50, "CLEAN": 0},
            c: {"COLLECTIVE": 6, "GREEN": 70, "INCOME": 99999},
            unapproved: {"POP": 999999, "COLLECTIVE": 999},
        },
    )
    _approve(world, world["period"], [a, b, c])
    result = rollup_refresh(dataset=world["datasets"]["VILLAGE"], period=world["period"])
    assert result.rows > 0
    expected_villages = len(_town_villages(world))
    for code in (HUAICHENG, HUAIJI, ZHAOQING):
        pop = _derived(world, "POP", code)
        assert (pop.value, pop.reported) == (4000, 2)
        # Weighted by population; c's income has no population and stays out.
        assert _derived(world, "INCOME", code).value == pytest.approx(
            (1000 * 20000 + 3000 * 16000) / 4000
        )
        assert _derived(world, "COLLECTIVE", code).value == 66
        assert _derived(world, "GREEN", code).value == pytest.approx(50)
        assert _derived(world, "CLEAN", code).value == 1
        # Computed after aggregation: 66 万元 over 4000 people.
        per_head = _derived(world, "INCOME_PER_10K", code)
        assert per_head.value == pytest.approx(66 * 10000 / 4000)
        assert per_head.kind == "computed"
    assert _derived(world, "POP", HUAICHENG).expected == expected_villages
    # The reporting units' own computed values; none for the one not approved.
    assert _derived(world, "INCOME_PER_10K", a.code).value == pytest.approx(100)
    assert not DerivedValue.objects.filter(unit=unapproved).exists()
    # Nothing for units with no settled values, and 0 reported stays out rather than 0.
    assert not DerivedValue.objects.filter(unit=unit(DEQING)).exists()


@pytest.mark.parametrize("aggregation", [a.value for a in Aggregation if a != "none"])
def test_aggregate_matches_an_independent_loop(aggregation):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(20251201)
    size, groups = 400, 7
    values = rng.normal(100, 30, size)
    values[rng.random(size) < 0.2] = np.nan
    weights = rng.uniform(1, 50, size)
    weights[rng.random(size) < 0.1] = np.nan
    index = rng.integers(-1, groups, size)
    total, reported = _aggregate(aggregation, values, weights, index, groups)
    for group in range(groups):
        rows = [
            i
            for i in range(size)
            if index[i] == group
            and not np.isnan(values[i])
            and (aggregation != "weighted_average" or not np.isnan(weights[i]))
        ]
        picked = [values[i] for i in rows]
        assert reported[group] == len(rows)
        want = {
            "sum": sum(picked),
            "average": sum(picked) / len(picked),
            "min": min(picked),
            "max": max(picked),
            "weighted_average": sum(values[i] * weights[i] for i in rows)
            / sum(weights[i] for i in rows),
        }[aggregation]
        assert total[group] == pytest.approx(want)


def test_aggregate_edges():  # type: ignore[no-untyped-def]
    index = np.array([0, 0, 1])
    total, reported = _aggregate("sum", np.array([np.nan, np.nan, 2.0]), None, index, 3)
    # A group with nothing reported is missing, never zero.
    assert np.isnan(total[0]) and total[1] == 2 and np.isnan(total[2])
    assert reported.tolist() == [0, 1, 0]
    total, _ = _aggregate(
        "weighted_average", np.array([5.0, 7.0, 1.0]), np.array([0.0, 0.0, 2.0]), index, 2
    )
    assert np.isnan(total[0]) and total[1] == 1
    total, _ = _aggregate("none", np.array([5.0, 7.0, 1.0]), None, index, 2)
    assert np.isnan(total).all()


def test_retired_village_rolls_into_its_town_of_the_period(world):  # type: ignore[no-untyped-def]
    town = unit(HUAICHENG)
    gone = Unit.objects.create(
        code=HUAICHENG[:9] + "998",
        name="旧合并村",
        level="village",
        kind="villagers_committee",
        edition="2020",
        valid_from=date(2020, 1, 1),
        valid_to=date(2024, 6, 30),
        parent=town,
    )
    previous = world["previous"]
    dataset = world["datasets"]["VILLAGE"]
    assert gone.pk in period_tree(dataset, previous).leaves
    assert gone.pk not in period_tree(dataset, world["period"]).leaves
    _store(world, previous, {gone: {"POP": 321}})
    _approve(world, previous, [gone])
    rollup_refresh(dataset=dataset, period=previous, units=[gone])
    pop = DerivedValue.objects.get(indicator=world["ind"]["POP"], unit=town, period=previous)
    assert pop.value == 321
    assert (
        DerivedValue.objects.get(
            indicator=world["ind"]["POP"], unit=unit(ZHAOQING), period=previous
        ).value
        == 321
    )


def test_refresh_touches_the_ancestors_only(world):  # type: ignore[no-untyped-def]
    a = _town_villages(world)[0]
    deqing_village = unit(DEQING).children.first().children.first()
    _store(world, world["period"], {a: {"POP": 10}, deqing_village: {"POP": 5}})
    _approve(world, world["period"], [a, deqing_village])
    rollup_refresh(dataset=world["datasets"]["VILLAGE"], period=world["period"], units=[a])
    assert _derived(world, "POP", ZHAOQING).value == 15
    assert _derived(world, "POP", HUAIJI).value == 10
    # 德庆's totals were not part of this refresh.
    assert not DerivedValue.objects.filter(unit=unit(DEQING)).exists()
    call_command("indicators", "rollup", "VILLAGE", "2024", stdout=None)
    assert _derived(world, "POP", DEQING).value == 5
