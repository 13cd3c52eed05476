"""Cockpit fixtures: fast values written straight into the tables (as tests/evaluation does),
then rolled up as approval does, so the city and county totals exist."""

from __future__ import annotations

import pytest

from baiqianwan.indicators.models import DataSet, DataValue, Indicator, Period
from baiqianwan.indicators.rollup import rollup_refresh
from baiqianwan.units.models import Unit
from tests.evaluation.conftest import (  # noqa: F401  (fixtures used by the tests here)
    HUAIJI,
    _units,
    city,
    county_scheme,
    county_values,
    starter,
    values_put,
)

# County values of the cards' indicators and their parts (the ratio and the urbanisation
# are computed from them by the roll-up).
COUNTY_CODES = ["C_GDP", "C_URBAN_POP", "C_RURAL_POP", "C_URBAN_INCOME", "C_RURAL_INCOME"]
VILLAGE_CODES = ["V_POP", "V_COLLECTIVE_INCOME"]
# Huaiji villages whose 2024 collective income is set below 10 万元.
WEAK_VILLAGES = 10


def rollup_all(dataset: str) -> None:
    data_set = DataSet.objects.get(code=dataset)
    for period in Period.objects.filter(code__in=["2023", "2024", "2025"]):
        rollup_refresh(dataset=data_set, period=period)


@pytest.fixture
def cockpit_values(starter):  # type: ignore[no-untyped-def]  # noqa: F811
    """The 8 counties' values (2023–2024 approved, 2025 submitted), 怀集's villages' V_POP and
    collective income (the first `WEAK_VILLAGES` below 10 万元 in 2024), rolled up."""
    counties = _units("county", "4412")
    values_put(dataset="ZQ_COUNTY_Y", units=counties, codes=COUNTY_CODES, seed=11)
    villages = _units("village", HUAIJI)
    values_put(dataset="ZQ_VILLAGE_Y", units=villages, codes=VILLAGE_CODES, seed=12)
    DataValue.objects.filter(
        indicator=Indicator.objects.get(code="V_COLLECTIVE_INCOME"),
        period__code="2024",
        unit__in=villages[:WEAK_VILLAGES],
    ).update(value=5.0)
    rollup_all("ZQ_COUNTY_Y")
    rollup_all("ZQ_VILLAGE_Y")
    return {"counties": counties, "villages": villages}


@pytest.fixture
def deqing_operator(make_user):  # type: ignore[no-untyped-def]
    return make_user("deqing", "county_operator", "441226000000")


@pytest.fixture
def leader(make_user):  # type: ignore[no-untyped-def]
    return make_user("leader", "leader", "441200000000")


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code, valid_to__isnull=True)


@pytest.fixture(autouse=True)
def _cache_cleared():  # type: ignore[no-untyped-def]
    """Each test's database starts again at data version 0: figures cached by an earlier
    test under the same versions must not be found."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
