"""The one write path: all-or-nothing, scoped, windowed, versioned, with history."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.models import DataValue, DataValueChange, LockException, Submission
from baiqianwan.indicators.values import Cell, values_write, versions_read
from tests.indicators.factories import DEQING, HUAICHENG, OPEN_DAY, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


def _write(user, world, cells, **kwargs):  # type: ignore[no-untyped-def]
    return values_write(
        actor=user,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=cells,
        source="form",
        today=kwargs.pop("today", OPEN_DAY),
        **kwargs,
    )


def test_new_changed_cleared_and_history(make_user, world):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    village = unit(SHANGGUO)
    pop, income = world["ind"]["POP"], world["ind"]["INCOME"]
    result = _write(
        town, world, [Cell(village.pk, pop.pk, 1200), Cell(village.pk, income.pk, None)]
    )
    assert (result.new, result.unchanged, result.cleared) == (1, 1, 0)
    result = _write(town, world, [Cell(village.pk, pop.pk, 1250)])
    assert result.changed == 1
    result = _write(town, world, [Cell(village.pk, pop.pk, None)])
    assert result.cleared == 1
    assert not DataValue.objects.filter(unit=village).exists()
    changes = list(DataValueChange.objects.order_by("id").values_list("old", "new", "actor_id"))
    assert changes == [(None, 1200, town.pk), (1200, 1250, town.pk), (1250, None, town.pk)]


def test_outside_area_refused_and_nothing_written(make_user, world):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    pop = world["ind"]["POP"]
    elsewhere = unit(DEQING).children.first().children.first()
    with pytest.raises(InputError, match="Outside your area"):
        _write(town, world, [Cell(unit(SHANGGUO).pk, pop.pk, 1), Cell(elsewhere.pk, pop.pk, 2)])
    assert not DataValue.objects.exists() and not DataValueChange.objects.exists()


def test_computed_and_town_units_refused(make_user, world):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    with pytest.raises(InputError, match="Computed by formula"):
        _write(town, world, [Cell(unit(SHANGGUO).pk, world["ind"]["INCOME_PER_10K"].pk, 1)])
    with pytest.raises(InputError, match="does not report"):
        _write(town, world, [Cell(unit(HUAICHENG).pk, world["ind"]["POP"].pk, 1)])


def test_closed_period_needs_an_exception(make_user, world, hq_admin):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    cell = Cell(unit(SHANGGUO).pk, world["ind"]["POP"].pk, 1)
    late = date(2025, 4, 2)
    with pytest.raises(InputError, match="closed for entry"):
        _write(town, world, [cell], today=late)
    LockException.objects.create(
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        unit=unit(SHANGGUO),
        until=date(2025, 4, 30),
        reason="补报",
        granted_by=hq_admin,
    )
    assert _write(town, world, [cell], today=late).new == 1


def test_stale_versions_conflict(make_user, world):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    village = unit(SHANGGUO)
    pop = world["ind"]["POP"]
    seen = versions_read(world["datasets"]["VILLAGE"], world["period"], [village.pk])
    _write(town, world, [Cell(village.pk, pop.pk, 1)], expected_versions=seen)
    with pytest.raises(Conflict):
        _write(town, world, [Cell(village.pk, pop.pk, 2)], expected_versions=seen)
    assert DataValue.objects.get().value == 1


def test_submitted_report_is_not_editable(make_user, world):  # type: ignore[no-untyped-def]
    town = make_user("town", "town_operator", HUAICHENG)
    village = unit(SHANGGUO)
    _write(town, world, [Cell(village.pk, world["ind"]["POP"].pk, 1)])
    Submission.objects.filter(unit=village).update(state="submitted")
    with pytest.raises(InputError, match="no longer open"):
        _write(town, world, [Cell(village.pk, world["ind"]["POP"].pk, 2)])
