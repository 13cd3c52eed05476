"""Two writes of the same scope at the same moment, each from what it read before (two uploads
previewed on the same versions): one is stored whole, the other is a conflict, nothing mixed.

Real threads with their own connections need a database server; SQLite's test database is one
in-memory connection, so this runs on PostgreSQL (the sequential cases run everywhere, in
test_values.py and test_workbook.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from baiqianwan.core.problems import Conflict
from baiqianwan.indicators.models import DataValue, DataValueChange
from baiqianwan.indicators.values import Cell, values_write, versions_read
from tests.indicators.factories import HUAICHENG, OPEN_DAY, system_make, unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server")
def test_two_writes_at_once_one_wins_whole(zhaoqing, make_user):  # type: ignore[no-untyped-def]
    world = system_make()
    dataset, period = world["datasets"]["VILLAGE"], world["period"]
    town = make_user("town-c", "town_operator", HUAICHENG)
    villages = list(unit(HUAICHENG).children.filter(level="village").order_by("code")[:10])
    pop, income = world["ind"]["POP"], world["ind"]["INCOME"]
    seen = versions_read(dataset, period, [v.pk for v in villages])
    writes = {
        "a": [Cell(v.pk, pop.pk, 1000.0) for v in villages],
        "b": [Cell(v.pk, income.pk, 20000.0) for v in villages]
        + [Cell(v.pk, pop.pk, 2000.0) for v in villages],
    }
    start = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def write(name: str) -> None:
        try:
            start.wait()
            values_write(
                actor=town,
                dataset=dataset,
                period=period,
                cells=writes[name],
                source="excel",
                expected_versions=seen,
                today=OPEN_DAY,
            )
            outcome[name] = "stored"
        except Conflict:
            outcome[name] = "conflict"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(name,)) for name in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome.values()) == ["conflict", "stored"], outcome
    winner = next(name for name, result in outcome.items() if result == "stored")
    stored = set(DataValue.objects.values_list("unit_id", "indicator_id", "value"))
    assert stored == {(c.unit_id, c.indicator_id, c.value) for c in writes[winner]}
    assert DataValueChange.objects.count() == len(writes[winner])
