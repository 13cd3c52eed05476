"""The demo values: deterministic, plausible, real where real figures exist, once only."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command

from baiqianwan.indicators import demo
from baiqianwan.indicators.loader import system_load
from baiqianwan.indicators.models import DataSet, DataValue, Period, Submission, SubmissionStep
from tests.indicators.test_loader import STARTER

pytestmark = pytest.mark.django_db


def _values(year: str, code: str) -> dict[str, float]:
    return dict(
        DataValue.objects.filter(period__code=year, indicator__code=code).values_list(
            "unit__code", "value"
        )
    )


@pytest.fixture
def made():  # type: ignore[no-untyped-def]
    system_load(path=STARTER, actor="tests")
    return demo.demo_create()


def test_the_demo(made):
    """One build checked three ways (the build is the slow part)."""
    _fills_every_unit_and_settles_2023_and_2024(made)
    _uses_real_county_figures_where_they_exist()
    _puts_richer_counties_above_poorer_ones_and_villages_follow()


def _fills_every_unit_and_settles_2023_and_2024(made):  # type: ignore[no-untyped-def]
    villages = _values("2024", "V_POP")
    assert len(villages) == 1558
    assert len(_values("2024", "T_FISCAL_REVENUE")) == 106
    assert len(_values("2024", "C_GDP")) == 8
    assert DataValue.objects.exclude(is_demo=True).count() == 0
    assert set(DataValue.objects.values_list("source", flat=True)) == {"demo"}
    assert all(
        DataSet.objects.filter(code__startswith="ZQ_")
        .exclude(code="ZQ_COUNTY_Q")
        .values_list("is_demo", flat=True)
    )
    for year in ("2023", "2024"):
        states = set(Submission.objects.filter(period__code=year).values_list("state", flat=True))
        assert states == {"approved"}, year
    states_2025 = set(
        Submission.objects.filter(period__code="2025").values_list("state", flat=True)
    )
    assert states_2025 == {"draft", "submitted"}
    # 2025 is partly entered: some villages have nothing yet.
    assert 1000 < len(_values("2025", "V_POP")) < 1558
    approved = Submission.objects.filter(period__code="2024", unit__code="441224001001").get()
    assert [s.state_to for s in SubmissionStep.objects.filter(submission=approved)] == [
        "submitted",
        "approved",
    ]
    assert approved.decided_at is not None and approved.decided_at.year == 2025
    assert any("ZQ_VILLAGE_Y 2024: " in line for line in made.lines())


def _uses_real_county_figures_where_they_exist() -> None:
    gdp = _values("2023", "C_GDP")
    assert gdp["441224000000"] == pytest.approx(305.26)  # 怀集县 2023 bulletin
    assert sum(gdp.values()) == pytest.approx(2792.51, abs=0.05)  # the city's bulletin
    urban, rural = _values("2023", "C_URBAN_POP"), _values("2023", "C_RURAL_POP")
    assert urban["441224000000"] == pytest.approx(24.02)
    assert urban["441224000000"] + rural["441224000000"] == pytest.approx(79.75)
    assert sum(urban.values()) + sum(rural.values()) == pytest.approx(413.17, abs=0.05)
    assert sum(urban.values()) == pytest.approx(219.37, abs=0.05)
    assert rural["441202000000"] == 0  # 端州 is all urban (census 2020)


def _puts_richer_counties_above_poorer_ones_and_villages_follow() -> None:
    urban, rural = _values("2024", "C_URBAN_INCOME"), _values("2024", "C_RURAL_INCOME")
    richer = ("441202000000", "441203000000", "441204000000", "441284000000")
    poorer = ("441223000000", "441224000000", "441225000000", "441226000000")
    assert min(rural[c] for c in richer) > max(rural[c] for c in poorer)
    assert all(rural[c] < urban[c] for c in rural)  # the blocking rule holds
    village_income = _values("2024", "V_RURAL_INCOME")
    by_county = {
        county: np.median([v for code, v in village_income.items() if code.startswith(county[:6])])
        for county in richer + poorer
    }
    assert min(by_county[c] for c in richer) > max(by_county[c] for c in poorer)
    # Plausible ranges: percentages within 0–100, yes/no as 0/1, incomes rise year on year.
    for code in ("V_TOILET", "V_SEWAGE", "V_WATER", "V_GREEN", "C_ENGEL", "C_MANURE_USE"):
        values = list(_values("2024", code).values())
        assert min(values) >= 0 and max(values) <= 100, code
    assert set(_values("2024", "V_ROAD").values()) <= {0.0, 1.0}
    assert all(rural[c] > _values("2023", "C_RURAL_INCOME")[c] for c in rural)
    # A village that had a hardened road in 2023 still has one in 2024.
    roads_2023, roads_2024 = _values("2023", "V_ROAD"), _values("2024", "V_ROAD")
    assert all(roads_2024[c] >= roads_2023[c] for c in roads_2023)


def test_a_second_run_says_the_demo_exists_and_the_values_are_the_same_every_time(made, capsys):
    count = DataValue.objects.count()
    call_command("indicators", "demo")
    assert "exists already" in capsys.readouterr().out
    assert DataValue.objects.count() == count
    # The generator is seeded: built again for the same units, every value is the same.
    from baiqianwan.indicators.selectors import expected_units

    datasets = {d.code: d for d in DataSet.objects.filter(code__startswith="ZQ_")}
    period = Period.objects.get(code="2025")
    units = demo._Units(
        counties=list(expected_units(datasets[demo.COUNTY], period)),
        towns=list(expected_units(datasets[demo.TOWN], period)),
        villages=list(expected_units(datasets[demo.VILLAGE], period)),
    )

    def build():  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(demo.SEED)
        counties = demo._county_values(units.counties, rng)
        standing = demo._standings(units, rng)
        return counties, demo._village_values(units.villages, standing, counties, rng)

    (counties_a, villages_a), (counties_b, villages_b) = build(), build()
    assert counties_a == counties_b
    for year, columns in villages_a.items():
        for code, column in columns.items():
            np.testing.assert_array_equal(column, villages_b[year][code])
    stored = _values("2024", "C_GDP")
    assert {c: v["C_GDP"] for c, v in counties_a[2024].items()} == stored


def test_the_demo_needs_the_starter_system():
    from baiqianwan.core.problems import InputError

    with pytest.raises(InputError, match="load the starter system first"):
        demo.demo_create()
