"""Periods and windows (`windows_open`, `bqw indicators periods`), and targets (`target_for`,
`targets_for`)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baiqianwan.core.problems import InputError
from baiqianwan.indicators.models import CollectionWindow, Period, Target
from baiqianwan.indicators.targets import target_for, targets_for
from baiqianwan.indicators.windows import periods_ensure, windows_open, years_parse
from baiqianwan.units.models import Unit
from tests.indicators.factories import system_make, unit

pytestmark = pytest.mark.django_db


def test_years_are_read_or_refused():
    assert list(years_parse("2023-2025")) == [2023, 2024, 2025]
    assert list(years_parse(" 2024 ")) == [2024]
    for bad in ("2025-2023", "twenty", "1800-1801", "", "2023-"):
        with pytest.raises(InputError):
            years_parse(bad)


def test_periods_of_each_type():
    quarters = periods_ensure(period_type="quarter", years=range(2024, 2025))
    assert [p.code for p in quarters] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    assert quarters[2].start == date(2024, 7, 1) and quarters[2].end == date(2024, 9, 30)
    months = periods_ensure(period_type="month", years=range(2024, 2025))
    assert months[1].code == "202402" and months[1].end == date(2024, 2, 29)
    again = periods_ensure(period_type="quarter", years=range(2024, 2025))
    assert [p.pk for p in again] == [p.pk for p in quarters]


def test_windows_open_the_day_after_and_close_due_days_later():
    world = system_make()
    village = world["datasets"]["VILLAGE"]
    village.due_days = 60
    village.save()
    report = windows_open(datasets=[village], years=range(2022, 2026), actor="tests")
    # 2023 and 2024 had windows (the factory's); 2022 and 2025 are new.
    assert report.opened == {"VILLAGE": ["2022", "2025"]}
    assert report.kept == 2
    window = CollectionWindow.objects.get(dataset=village, period__code="2025")
    assert window.opens_on == date(2026, 1, 1)
    assert window.closes_on == date(2026, 3, 1)  # the period's end + 60 days
    # The factory's own 2024 window is kept as it was (headquarters' edits survive).
    kept = CollectionWindow.objects.get(dataset=village, period__code="2024")
    assert kept.closes_on == date(2025, 3, 31)
    assert windows_open(datasets=[village], years=range(2022, 2026), actor="tests").opened == {}


def test_the_periods_command(capsys):
    world = system_make()
    call_command("indicators", "periods", "--dataset", "COUNTY", "--years", "2025")
    assert "COUNTY" in capsys.readouterr().out
    assert CollectionWindow.objects.filter(
        dataset=world["datasets"]["COUNTY"], period__code="2025"
    ).exists()
    assert not CollectionWindow.objects.filter(
        dataset=world["datasets"]["VILLAGE"], period__code="2025"
    ).exists()
    call_command("indicators", "periods", "--years", "2025")
    assert CollectionWindow.objects.filter(period__code="2025").count() == 2
    with pytest.raises(CommandError, match="No data set has the code NOPE"):
        call_command("indicators", "periods", "--dataset", "NOPE")
    with pytest.raises(CommandError, match="not a span of years"):
        call_command("indicators", "periods", "--years", "soon")
    assert Period.objects.filter(code="2025").count() == 1


def test_a_units_own_target_wins_over_its_levels():
    world = system_make()
    income = world["ind"]["INCOME"]
    huaiji_village, deqing_village = (
        unit("441224001001"),
        (Unit.objects.current().filter(code__startswith="441226", level="village").first()),
    )
    Target.objects.create(indicator=income, year=2025, level="village", value=20000)
    Target.objects.create(indicator=income, year=2025, unit=huaiji_village, value=18000)
    assert target_for(indicator=income, unit=huaiji_village, year=2025) == 18000
    assert target_for(indicator=income, unit=deqing_village, year=2025) == 20000
    assert target_for(indicator=income, unit=deqing_village, year=2027) is None
    assert target_for(indicator=income, unit=unit("441224000000"), year=2025) is None


def test_targets_for_many_units_agrees_with_one_at_a_time():
    world = system_make()
    income = world["ind"]["INCOME"]
    units = list(Unit.objects.current().filter(code__startswith="441224").order_by("code"))
    rng = np.random.default_rng(7)
    Target.objects.create(indicator=income, year=2025, level="village", value=20000)
    Target.objects.create(indicator=income, year=2025, level="town", value=21000)
    for chosen in rng.choice(len(units), size=40, replace=False).tolist():
        Target.objects.create(
            indicator=income, year=2025, unit=units[chosen], value=float(rng.integers(1, 90_000))
        )
    many = targets_for(indicator=income, units=units, year=2025)
    one = np.array(
        [target_for(indicator=income, unit=u, year=2025) or np.nan for u in units], dtype=float
    )
    assert len(units) > 300
    np.testing.assert_array_equal(many, one)
    assert np.isnan(many[0])  # 怀集县 itself: no county target
    assert targets_for(indicator=income, units=[], year=2025).shape == (0,)
