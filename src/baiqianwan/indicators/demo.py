"""The demo values (演示数据): the starter system's yearly data sets filled for 肇庆's 8
counties, 106 towns and 1,558 villages for 2023, 2024 and 2025.

Built only in dev and demo mode (`bqw indicators demo`, run by `make demo` after the starter
system is loaded and its periods are opened). Deterministic: one seeded generator, the units
in code order, so every run on the same units gives the same values. Once only: a second run
finds the demo values and says so.

How the numbers are made
------------------------
- Each county has a standing (`PROFILES`): 端州、鼎湖、高要、四会 richer and more urban than
  广宁、怀集、封开、德庆. A town's standing varies around its county's, a village's around its
  town's, so villages agree with their county.
- Where real figures exist they are used at county level, with their source:
  the 7th national census (2020-11-01) gives each county's resident and urban population
  (`CENSUS_2020`), grown to 2023 so that the 8 counties add up to the city's 2023 bulletin
  (`CITY_2023`); 怀集县's own 2023 bulletin gives its population, urban population and GDP
  (`HUAIJI_2023`), and the city's bulletin the city's GDP, which the counties add up to.
  Everything else (incomes, village and town figures, 2024 and 2025) is synthetic and
  plausible, not official. Pages showing these values say 演示数据.
- Values are stored through `values_write` (source "demo", marked demo); the data sets are
  marked demo. The submissions of 2023 and 2024 are approved at every level and 2025's are
  partly submitted (`demo_settle`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from baiqianwan.core.problems import InputError
from baiqianwan.indicators.choices import SubmissionState
from baiqianwan.indicators.models import (
    DataSet,
    DataValue,
    Period,
    Submission,
    SubmissionStep,
)
from baiqianwan.indicators.rollup import rollup_refresh
from baiqianwan.indicators.selectors import dataset_indicators, expected_units
from baiqianwan.indicators.tree import levels_above, period_tree
from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
from baiqianwan.indicators.windows import windows_open
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

SEED = 20230101
YEARS = (2023, 2024, 2025)
VILLAGE, TOWN, COUNTY = "ZQ_VILLAGE_Y", "ZQ_TOWN_Y", "ZQ_COUNTY_Y"

# Resident and urban population by county, 7th national census (2020-11-01), table
# "county-level" via leiii/census (MIT; Dong, Du & Liu, "Mapping Evolving Population Geography
# in China", SSRN 4049338, 2022), columns 人口数_合计 and 城镇人口.
CENSUS_2020 = {
    "441202000000": (602_402, 602_402),  # 端州区 (all urban)
    "441203000000": (209_116, 154_313),  # 鼎湖区
    "441204000000": (741_591, 279_095),  # 高要区
    "441223000000": (408_112, 164_249),  # 广宁县
    "441224000000": (805_177, 221_882),  # 怀集县
    "441225000000": (374_848, 124_170),  # 封开县
    "441226000000": (331_438, 99_967),  # 德庆县
    "441284000000": (640_910, 452_536),  # 四会市
}
# 肇庆市统计局、国家统计局肇庆调查队《2023年肇庆市国民经济和社会发展统计公报》(2024-04):
# GDP 2792.51 亿元 (preliminary), year-end resident population 413.17 万人, urban 219.37 万人.
CITY_2023 = {"gdp": 2792.51, "resident": 413.17, "urban": 219.37}
# 怀集县统计局《2023年怀集县国民经济和社会发展统计公报》(2024-07-26): GDP 305.26 亿元
# (preliminary), year-end resident population 79.75 万人, urban 24.02 万人.
HUAIJI = "441224000000"
HUAIJI_2023 = {"gdp": 305.26, "resident": 79.75, "urban": 24.02}
DUANZHOU = "441202000000"

# A county's standing (1 = the city's average): richer, more urban counties above 1.
# Synthetic, set from the census urbanisation and the counties' known economic weight.
PROFILES = {
    "441202000000": 1.35,  # 端州区
    "441203000000": 1.15,  # 鼎湖区
    "441204000000": 1.08,  # 高要区
    "441284000000": 1.18,  # 四会市
    "441223000000": 0.86,  # 广宁县
    "441224000000": 0.82,  # 怀集县
    "441225000000": 0.84,  # 封开县
    "441226000000": 0.85,  # 德庆县
}
# When the demo's reports were submitted and approved: fixed days, so the demo is the same on
# every run (the year after the period).
SUBMITTED = (2, 10)  # month, day
APPROVED = (3, 5)
# 2025: the share of villages and towns that have entered values, and of those the share
# that submitted them.
ENTERED_2025 = 0.85
SUBMITTED_2025 = 0.5


class DemoExists(RuntimeError):
    """The demo values are stored already; nothing was done."""


@dataclass
class DemoReport:
    # (data set code, year) → values stored
    values: dict[tuple[str, int], int] = field(default_factory=dict)
    # (data set code, year) → {state: submissions}
    states: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        found = []
        for (code, year), count in sorted(self.values.items()):
            states = "，".join(
                f"{SubmissionState(state).label} {n}"
                for state, n in sorted(self.states.get((code, year), {}).items())
            )
            found.append(
                _("%(dataset)s %(year)d: %(count)d demo values; reports: %(states)s.")
                % {"dataset": code, "year": year, "count": count, "states": states}
            )
        return found


@dataclass(frozen=True)
class _Units:
    counties: list[Unit]
    towns: list[Unit]
    villages: list[Unit]


def _datasets() -> dict[str, DataSet]:
    found = {d.code: d for d in DataSet.objects.filter(code__in=(VILLAGE, TOWN, COUNTY))}
    missing = [code for code in (VILLAGE, TOWN, COUNTY) if code not in found]
    if missing:
        raise InputError(
            _(
                "The data set %(code)s is missing: load the starter system first "
                "(bqw indicators load src/baiqianwan/indicators/data/zhaoqing-starter.yaml)."
            )
            % {"code": missing[0]}
        )
    return found


def _county_base(counties: Sequence[Unit]) -> dict[str, dict[str, float]]:
    """2023 resident and urban population (万人) and GDP (亿元) of each county: 怀集's from
    its bulletin, the others' grown from the census so that the city's bulletin totals hold
    (端州 stays wholly urban)."""
    codes = [c.code for c in counties]
    others = [c for c in codes if c != HUAIJI]
    census_rest = sum(CENSUS_2020[c][0] for c in others) / 1e4
    growth = (CITY_2023["resident"] - HUAIJI_2023["resident"]) / census_rest
    base: dict[str, dict[str, float]] = {}
    for code in others:
        base[code] = {"resident": CENSUS_2020[code][0] / 1e4 * growth}
    base[HUAIJI] = {"resident": HUAIJI_2023["resident"], "urban": HUAIJI_2023["urban"]}
    if DUANZHOU in base:
        base[DUANZHOU]["urban"] = base[DUANZHOU]["resident"]
    mixed = [c for c in others if c != DUANZHOU]
    urban_left = CITY_2023["urban"] - HUAIJI_2023["urban"] - base.get(DUANZHOU, {}).get("urban", 0)
    census_urban = sum(CENSUS_2020[c][1] / 1e4 * growth for c in mixed)
    for code in mixed:
        base[code]["urban"] = CENSUS_2020[code][1] / 1e4 * growth * urban_left / census_urban
    # GDP: 怀集's own; the rest of the city's split by population × standing.
    weights = {c: base[c]["resident"] * PROFILES[c] for c in others}
    rest = CITY_2023["gdp"] - HUAIJI_2023["gdp"]
    for code in others:
        base[code]["gdp"] = rest * weights[code] / sum(weights.values())
    base[HUAIJI]["gdp"] = HUAIJI_2023["gdp"]
    return base


def _county_values(
    counties: Sequence[Unit], rng: np.random.Generator
) -> dict[int, dict[str, dict[str, float]]]:
    """year → county code → indicator code → value."""
    base = _county_base(counties)
    values: dict[int, dict[str, dict[str, float]]] = {year: {} for year in YEARS}
    for county in counties:
        code, w = county.code, PROFILES[county.code]
        b = base[code]
        noise = rng.normal(0, 1, size=16)
        urban_income = 36_000 * w * (1 + 0.03 * noise[0])
        rural_income = 21_500 * w**0.6 * (1 + 0.03 * noise[1])
        for step, year in enumerate(YEARS):
            grow = (1 + 0.045 + 0.01 * noise[2]) ** step
            resident = b["resident"] * (1.002**step)
            urban_share = min(1.0, b["urban"] / b["resident"] + 0.006 * step)
            urban = resident * urban_share
            gdp = b["gdp"] * grow if step else b["gdp"]
            values[year][code] = {
                "C_GDP": round(gdp, 2),
                "C_FISCAL_REVENUE": round(gdp * (0.055 + 0.005 * noise[3]), 2),
                "C_URBAN_POP": round(urban, 2),
                "C_RURAL_POP": round(resident - urban, 2),
                "C_URBAN_INCOME": round(urban_income * 1.05**step),
                "C_RURAL_INCOME": round(rural_income * 1.068**step),
                "C_ENGEL": round(38 - 6 * (w - 0.8) - 0.4 * step + noise[4], 1),
                "C_RURAL_EDU_SPEND": round(9.5 + 3 * (w - 0.8) + 0.2 * step + 0.3 * noise[5], 1),
                "C_RURAL_TEACHERS": round(min(99.0, 78 + 15 * (w - 0.8) + step), 1),
                "C_COLLECTIVE_10W": round(min(100.0, 82 + 25 * (w - 0.8) + 5 * step), 1),
                "C_GRAIN": round(max(0.5, 18 * (1.4 - w) + noise[6]) * 1.01**step, 2),
                "C_AGRI_LABOUR_PRODUCTIVITY": round(3.2 * w * 1.05**step, 2),
                "C_PROCESSING_RATIO": round(1.6 + 0.8 * (w - 0.8) + 0.05 * step, 2),
                "C_RURAL_TOURISM": round(260 * w * (1 + 0.2 * abs(noise[7])) * 1.08**step, 1),
                "C_MANURE_USE": round(min(98.0, 82 + 4 * w + 1.5 * step + noise[8]), 1),
            }
            if code == DUANZHOU:
                values[year][code]["C_RURAL_POP"] = 0.0
                values[year][code]["C_URBAN_POP"] = round(resident, 2)
    return values


def _standings(units: _Units, rng: np.random.Generator) -> dict[str, float]:
    """Every unit's standing: a town's varies around its county's, a village's around its
    town's (log-normal)."""
    standing = {c.code: PROFILES[c.code] for c in units.counties}
    for town in units.towns:
        standing[town.code] = standing[town.code[:6] + "000000"] * float(
            np.exp(rng.normal(0, 0.08))
        )
    for village in units.villages:
        town_code = village.code[:9] + "000"
        standing[village.code] = standing.get(town_code, 1.0) * float(np.exp(rng.normal(0, 0.1)))
    return standing


def _village_values(
    villages: Sequence[Unit],
    standing: dict[str, float],
    county_values: dict[int, dict[str, dict[str, float]]],
    rng: np.random.Generator,
) -> dict[int, dict[str, np.ndarray]]:
    """year → indicator code → one value per village (NaN: not entered)."""
    n = len(villages)
    w = np.array([standing[v.code] for v in villages])
    county = [v.code[:6] + "000000" for v in villages]
    community = np.array([v.code[9] in "01" for v in villages])  # 居委会: 001–199
    pop = np.round(rng.uniform(1400, 4200, n) * np.where(community, 1.5, 1.0))
    size = rng.uniform(2.9, 3.6, n)
    latent = {
        key: rng.uniform(0, 1, n)
        for key in (
            "garbage",
            "road",
            "plan",
            "liveable",
            "party",
            "station",
            "culture",
            "rules",
            "civilised",
        )
    }
    income_noise = np.exp(rng.normal(0, 0.06, n))
    collective_base = np.exp(rng.normal(np.log(12 * w**2), 0.45))
    green_base = rng.uniform(18, 34, n) + 8 * (w - 0.8)
    sewage_base = np.clip(rng.normal(55 + 30 * (w - 0.8), 8, n), 20, 95)
    water_base = np.clip(rng.normal(92 + 6 * (w - 0.8), 2.5, n), 75, 99.5)
    toilet_base = np.clip(rng.normal(95.5 + 3 * (w - 0.8), 1.5, n), 85, 99.8)
    values: dict[int, dict[str, np.ndarray]] = {}
    for step, year in enumerate(YEARS):
        rural = np.array([county_values[year][c]["C_RURAL_INCOME"] for c in county])
        ratio = w / np.array([PROFILES[c] for c in county])
        yes = {  # a village that has something keeps it: the chance only grows
            "V_GARBAGE": latent["garbage"] < 0.93 + 0.03 * step,
            "V_ROAD": latent["road"] < 0.97 + 0.01 * step,
            "V_PLAN": latent["plan"] < np.clip(0.55 * w + 0.1 * step, 0, 1),
            "V_LIVEABLE": latent["liveable"] < np.clip(0.35 * w + 0.08 * step, 0, 1),
            "V_PARTY_HEAD": latent["party"] < 0.88 + 0.03 * step,
            "V_SERVICE_STATION": latent["station"] < np.clip(0.8 * w + 0.05 * step, 0, 1),
            "V_CULTURE_CENTRE": latent["culture"] < 0.94 + 0.02 * step,
            "V_RULES": latent["rules"] < 0.985 + 0.005 * step,
            "V_CIVILISED": latent["civilised"] < np.clip(0.45 * w + 0.05 * step, 0, 1),
        }
        year_values = {
            "V_POP": pop * (1 - 0.004 * step),
            "V_HOUSEHOLDS": np.round(pop * (1 - 0.004 * step) / size),
            "V_RURAL_INCOME": np.round(rural * ratio**0.5 * income_noise),
            "V_COLLECTIVE_INCOME": np.round(collective_base * 1.12**step, 2),
            "V_TOILET": np.round(np.minimum(100, toilet_base + 1.0 * step), 1),
            "V_SEWAGE": np.round(np.minimum(100, sewage_base + 6 * step), 1),
            "V_GREEN": np.round(green_base + 1.2 * step, 1),
            "V_TREES": np.round(rng.gamma(2.0, 300 * w)),
            "V_WATER": np.round(np.minimum(100, water_base + 1.0 * step), 1),
            "V_DISPUTES_RESOLVED": np.round(np.clip(rng.normal(96, 2, n), 85, 100), 1),
            **{code: flag.astype(float) for code, flag in yes.items()},
        }
        year_values["V_POP"] = np.round(year_values["V_POP"])
        values[year] = year_values
    return values


def _town_values(
    towns: Sequence[Unit],
    villages: Sequence[Unit],
    standing: dict[str, float],
    village_values: dict[int, dict[str, np.ndarray]],
    rng: np.random.Generator,
) -> dict[int, dict[str, np.ndarray]]:
    n = len(towns)
    w = np.array([standing[t.code] for t in towns])
    position = {t.code[:9]: row for row, t in enumerate(towns)}
    village_town = np.array([position.get(v.code[:9], -1) for v in villages])
    typical = rng.uniform(0, 1, n) < 0.15 * w
    health = rng.uniform(0, 1, n)
    revenue = np.exp(rng.normal(np.log(2500 * w**3), 0.5))
    enterprises = rng.poisson(12 * w**3, n)
    values: dict[int, dict[str, np.ndarray]] = {}
    for step, year in enumerate(YEARS):
        registered = np.zeros(n)
        kept = village_town >= 0
        np.add.at(registered, village_town[kept], village_values[year]["V_POP"][kept])
        resident = np.round(np.maximum(registered, 3000) * (0.85 + 0.3 * (w - 0.8)))
        values[year] = {
            "T_RESIDENT_POP": resident,
            "T_FISCAL_REVENUE": np.round(revenue * 1.06**step, 1),
            "T_ENTERPRISES": np.round(enterprises * 1.05**step),
            "T_HEALTH_CENTRE": (health < 0.7 + 0.1 * step).astype(float),
            "T_TYPICAL": typical.astype(float),
        }
    return values


def _cells(
    dataset: DataSet, units: Sequence[Unit], values: dict[str, np.ndarray], rows: np.ndarray
) -> list[Cell]:
    """The cells of the entered indicators for the units at `rows`."""
    cells = []
    for indicator in dataset_indicators(dataset):
        if indicator.formula or indicator.code not in values:
            continue
        column = values[indicator.code]
        for row in rows.tolist():
            value = float(column[row])
            if np.isfinite(value):
                cells.append(Cell(unit_id=units[row].pk, indicator_id=indicator.pk, value=value))
    return cells


def _moment(year: int, month_day: tuple[int, int]) -> datetime:
    return datetime(year + 1, month_day[0], month_day[1], 9, 0, tzinfo=UTC)


def demo_settle(*, dataset: DataSet, period: Period, unit_ids: Sequence[int], state: str) -> int:
    """Move the demo's submissions of `unit_ids` from draft to `state` (submitted or
    approved), with their steps, as the units and the level above would have.

    This is the one place the demo settles reports: pointing it at the approval flow makes
    the demo's approvals roll the values up the tree. Returns the submissions moved.
    """
    if state not in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        raise ValueError(f"the demo settles reports as submitted or approved, not {state}")
    year = period.end.year
    submissions = list(
        Submission.objects.filter(
            dataset=dataset,
            period=period,
            unit_id__in=list(unit_ids),
            state=SubmissionState.DRAFT,
        )
    )
    steps = []
    for submission in submissions:
        submission.state = state
        submission.submitted_at = _moment(year, SUBMITTED)
        steps.append(
            SubmissionStep(
                submission=submission,
                state_from=SubmissionState.DRAFT,
                state_to=SubmissionState.SUBMITTED,
                comment=_("Demo data"),
            )
        )
        if state == SubmissionState.APPROVED:
            submission.decided_at = _moment(year, APPROVED)
            steps.append(
                SubmissionStep(
                    submission=submission,
                    state_from=SubmissionState.SUBMITTED,
                    state_to=SubmissionState.APPROVED,
                    comment=_("Demo data"),
                )
            )
    Submission.objects.bulk_update(
        submissions, ["state", "submitted_at", "decided_at"], batch_size=1000
    )
    SubmissionStep.objects.bulk_create(steps, batch_size=1000)
    # The steps' times are the demo's fixed days, not the moment the demo ran.
    for step in (SubmissionState.SUBMITTED, SubmissionState.APPROVED):
        SubmissionStep.objects.filter(submission__in=submissions, state_to=step).update(
            at=_moment(year, SUBMITTED if step == SubmissionState.SUBMITTED else APPROVED)
        )
    return len(submissions)


def _totals_approve(dataset: DataSet, period: Period) -> None:
    """The settled years' totals, approved at every level up to the counties (HQ approves a
    county's total; the city's is not submitted), as the approval flow would have left them."""
    tree = period_tree(dataset, period)
    totals = [
        node.pk
        for node in tree.nodes.values()
        if node.level in levels_above(dataset.level) and node.level != Level.CITY
    ]
    submissions_ensure(dataset, period, totals)
    demo_settle(dataset=dataset, period=period, unit_ids=totals, state=SubmissionState.APPROVED)


def _store(
    report: DemoReport,
    dataset: DataSet,
    period: Period,
    units: Sequence[Unit],
    values: dict[str, np.ndarray],
    rows: np.ndarray,
) -> None:
    cells = _cells(dataset, units, values, rows)
    written = values_write(
        actor=None,
        dataset=dataset,
        period=period,
        cells=cells,
        source="demo",
        is_demo=True,
    )
    report.values[(dataset.code, period.end.year)] = written.stored


def _settle(
    report: DemoReport,
    dataset: DataSet,
    period: Period,
    units: Sequence[Unit],
    entered: np.ndarray,
    rng: np.random.Generator,
) -> None:
    year = period.end.year
    ids = [units[row].pk for row in entered.tolist()]
    if year < YEARS[-1]:
        demo_settle(dataset=dataset, period=period, unit_ids=ids, state=SubmissionState.APPROVED)
        _totals_approve(dataset, period)
        rollup_refresh(dataset=dataset, period=period)
    else:
        chosen = rng.uniform(0, 1, len(ids)) < SUBMITTED_2025
        demo_settle(
            dataset=dataset,
            period=period,
            unit_ids=[pk for pk, yes in zip(ids, chosen, strict=True) if yes],
            state=SubmissionState.SUBMITTED,
        )
    counts: dict[str, int] = {}
    for state in Submission.objects.filter(dataset=dataset, period=period).values_list(
        "state", flat=True
    ):
        counts[state] = counts.get(state, 0) + 1
    report.states[(dataset.code, year)] = counts


def demo_create() -> DemoReport:
    """Store the demo values and settle their reports; `DemoExists` if they are there."""
    datasets = _datasets()
    if DataValue.objects.filter(is_demo=True).exists():
        raise DemoExists(_("The indicator demo exists already; nothing was changed."))
    rng = np.random.default_rng(SEED)
    report = DemoReport()
    with transaction.atomic():
        windows_open(
            datasets=list(datasets.values()),
            years=range(YEARS[0], YEARS[-1] + 1),
            actor="demo",
        )
        periods = {p.end.year: p for p in Period.objects.filter(code__in=[str(y) for y in YEARS])}
        last = periods[YEARS[-1]]
        units = _Units(
            counties=list(expected_units(datasets[COUNTY], last)),
            towns=list(expected_units(datasets[TOWN], last)),
            villages=list(expected_units(datasets[VILLAGE], last)),
        )
        unknown = [c.code for c in units.counties if c.code not in PROFILES]
        if unknown or not units.villages:
            raise InputError(
                _("The demo is made for 肇庆市's units; load them with bqw units load --city 4412.")
            )
        county_values = _county_values(units.counties, rng)
        standing = _standings(units, rng)
        village_values = _village_values(units.villages, standing, county_values, rng)
        town_values = _town_values(units.towns, units.villages, standing, village_values, rng)
        # 2025: some units have entered nothing yet.
        entered_2025 = {
            VILLAGE: np.flatnonzero(rng.uniform(0, 1, len(units.villages)) < ENTERED_2025),
            TOWN: np.flatnonzero(rng.uniform(0, 1, len(units.towns)) < ENTERED_2025),
            COUNTY: np.flatnonzero(rng.uniform(0, 1, len(units.counties)) < 0.75),
        }
        county_arrays = {
            year: {
                code: np.array([county_values[year][c.code][code] for c in units.counties])
                for code in county_values[year][units.counties[0].code]
            }
            for year in YEARS
        }
        plan = (
            (VILLAGE, units.villages, village_values),
            (TOWN, units.towns, town_values),
            (COUNTY, units.counties, county_arrays),
        )
        for year in YEARS:
            for code, listed, values in plan:
                rows = entered_2025[code] if year == YEARS[-1] else np.arange(len(listed))
                _store(report, datasets[code], periods[year], listed, values[year], rows)
                _settle(report, datasets[code], periods[year], listed, rows, rng)
        DataSet.objects.filter(pk__in=[d.pk for d in datasets.values()]).update(is_demo=True)
    return report


__all__ = ["DemoExists", "DemoReport", "demo_create", "demo_settle"]
