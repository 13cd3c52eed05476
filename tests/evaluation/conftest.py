"""Evaluation fixtures.

`county_values` / `village_values` are fast: the starter indicator system, the years
2023–2025 and deterministic values written straight into the tables for the 8 counties (or
the villages of 怀集县), with 2023–2024 approved and 2025 submitted. `demo_values` builds the
whole indicator demo (about 10 s): use it only where the real flow matters.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from baiqianwan.evaluation.services import scheme_save
from baiqianwan.indicators import demo
from baiqianwan.indicators.loader import system_load
from baiqianwan.indicators.models import DataSet, DataValue, Indicator, Submission
from baiqianwan.indicators.windows import periods_ensure
from baiqianwan.units.models import Unit
from tests.indicators.test_loader import STARTER

COUNTY_INDICATORS = [
    "C_GDP_PER_CAPITA",
    "C_URBANISATION",
    "C_RURAL_INCOME",
    "C_URBAN_INCOME",
    "C_ENGEL",
    "C_GRAIN",
]
VILLAGE_INDICATORS = [
    "V_RURAL_INCOME",
    "V_COLLECTIVE_INCOME",
    "V_GARBAGE_SHARE",
    "V_ROAD_SHARE",
    "V_GREEN",
    "V_DISPUTES_RESOLVED",
]
YEARS = (2023, 2024, 2025)
HUAIJI = "441224"


def values_put(
    *,
    dataset: str,
    units: list[Unit],
    codes: list[str],
    seed: int = 7,
    states: dict[int, str] | None = None,
) -> np.ndarray:
    """Deterministic positive values (periods, units, indicators) stored for the units, with
    each year's submissions in `states` (default 2023–2024 approved, 2025 submitted)."""
    states = states or {2023: "approved", 2024: "approved", 2025: "submitted"}
    periods = {p.end.year: p for p in periods_ensure(period_type="year", years=range(2023, 2026))}
    indicators = [Indicator.objects.get(code=code) for code in codes]
    data_set = DataSet.objects.get(code=dataset)
    rng = np.random.default_rng(seed)
    base = rng.uniform(10, 100, (len(units), len(codes)))
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    values = np.empty((len(YEARS), len(units), len(codes)))
    rows = []
    for p, year in enumerate(YEARS):
        values[p] = base * (1 + 0.05 * p) + rng.normal(0, 3, base.shape)
        for i, unit in enumerate(units):
            for j, indicator in enumerate(indicators):
                rows.append(
                    DataValue(
                        indicator=indicator,
                        unit=unit,
                        period=periods[year],
                        value=float(values[p, i, j]),
                        source="demo",
                        stored_at=stamp,
                    )
                )
    DataValue.objects.bulk_create(rows, batch_size=2000)
    Submission.objects.bulk_create(
        Submission(dataset=data_set, period=periods[year], unit=unit, state=states[year])
        for year in YEARS
        if year in states
        for unit in units
    )
    return values


def _units(level: str, prefix: str) -> list[Unit]:
    return list(
        Unit.objects.filter(level=level, code__startswith=prefix, valid_to__isnull=True).order_by(
            "code"
        )
    )


@pytest.fixture
def starter(db):  # type: ignore[no-untyped-def]
    return system_load(path=STARTER, actor="tests")


@pytest.fixture
def city(db):  # type: ignore[no-untyped-def]
    return Unit.objects.get(code="441200000000", valid_to__isnull=True)


@pytest.fixture
def county_values(starter):  # type: ignore[no-untyped-def]
    units = _units("county", "4412")
    return units, values_put(dataset="ZQ_COUNTY_Y", units=units, codes=COUNTY_INDICATORS)


@pytest.fixture
def village_values(starter):  # type: ignore[no-untyped-def]
    units = _units("village", HUAIJI)
    return units, values_put(dataset="ZQ_VILLAGE_Y", units=units, codes=VILLAGE_INDICATORS)


@pytest.fixture
def county_scheme(county_values, hq_admin, city):  # type: ignore[no-untyped-def]
    return scheme_save(
        user=hq_admin,
        fields={"code": "ZQ_COUNTY", "name": "县域综合评价", "level": "county", "unit": city},
        indicators=[{"code": code} for code in COUNTY_INDICATORS],
    )


@pytest.fixture
def village_scheme(village_values, hq_admin):  # type: ignore[no-untyped-def]
    huaiji = Unit.objects.get(code="441224000000", valid_to__isnull=True)
    return scheme_save(
        user=hq_admin,
        fields={"code": "ZQ_VILLAGE", "name": "怀集县村级评价", "level": "village", "unit": huaiji},
        indicators=[{"code": code} for code in VILLAGE_INDICATORS],
    )


@pytest.fixture
def demo_values(starter):  # type: ignore[no-untyped-def]
    return demo.demo_create()
