"""Fresh within a second: an approval, a stored value, a report or a light that changes shows
on the next cockpit call, without waiting (the cache is keyed by data versions, which writers
raise when they commit)."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.indicators.flows import submission_approve
from baiqianwan.indicators.models import DataSet, DataValue, Period
from baiqianwan.indicators.windows import windows_open
from baiqianwan.plans.jobs import plans_daily
from baiqianwan.plans.services import plan_issue
from tests.cockpit.conftest import unit
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks

pytestmark = pytest.mark.django_db
API = "/api/cockpit"


def test_an_approval_shows_on_the_next_call(  # type: ignore[no-untyped-def]
    client, hq_admin, cockpit_values, django_capture_on_commit_callbacks
):
    client.force_login(hq_admin)
    before = client.get(f"{API}/map", {"indicator": "C_GDP", "period": "2025"}).json()
    assert all(row["value"] is None for row in before["rows"])
    assert client.get(f"{API}/summary").json()["cards"][3]["period"] == "2024"
    with django_capture_on_commit_callbacks(execute=True):
        submission_approve(
            actor=hq_admin,
            dataset=DataSet.objects.get(code="ZQ_COUNTY_Y"),
            period=Period.objects.get(code="2025"),
            unit=unit(HUAIJI),
        )
    after = client.get(f"{API}/map", {"indicator": "C_GDP", "period": "2025"}).json()
    huaiji = next(row for row in after["rows"] if row["code"] == HUAIJI)
    stored = DataValue.objects.get(indicator__code="C_GDP", unit__code=HUAIJI, period__code="2025")
    assert huaiji["value"] == pytest.approx(stored.value) and huaiji["rank"] == 1
    # The city's total of 2025 now exists, from one county of eight: provisional.
    gdp = next(c for c in client.get(f"{API}/summary").json()["cards"] if c["key"] == "gdp")
    assert gdp["period"] == "2025" and gdp["provisional"]
    assert (gdp["reported"], gdp["expected"]) == (1, 8)


def test_a_light_that_changes_shows_on_the_next_call(  # type: ignore[no-untyped-def]
    client, hq_admin, huaiji_operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_with_tasks(actor=hq_admin, count=2, deadline=date(2025, 6, 30))
        assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=date(2025, 1, 1))
        plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 1, 1))
    client.force_login(hq_admin)
    first = client.get(f"{API}/supervision").json()
    assert first["totals"]["red"] == 0 and first["overdue"] == []
    counties = {row["code"]: row for row in first["rows"]}
    assert sum(counties[HUAIJI][light] for light in ("green", "yellow", "red", "done")) == 2
    with django_capture_on_commit_callbacks(execute=True):
        plans_daily(today=date(2025, 7, 10))
    after = client.get(f"{API}/supervision").json()
    counties = {row["code"]: row for row in after["rows"]}
    assert counties[HUAIJI]["red"] == 2 and counties[DEQING]["red"] == 2
    assert after["totals"]["red"] == 4 and after["overdue_count"] == 4
    assert {item["unit"] for item in after["overdue"]} == {"怀集县", "德庆县"}
    assert all(item["days"] == 10 for item in after["overdue"])
    # The county operator sees its own county only.
    client.force_login(huaiji_operator)
    own = client.get(f"{API}/supervision").json()
    assert {item["unit"] for item in own["overdue"]} == {"怀集县"}
    assert "德庆" not in str(own)


def test_completeness_reuses_the_reporting_rate(  # type: ignore[no-untyped-def]
    client, hq_admin, cockpit_values, django_capture_on_commit_callbacks
):
    windows_open(
        datasets=list(DataSet.objects.filter(code__in=["ZQ_COUNTY_Y", "ZQ_VILLAGE_Y"])),
        years=range(2023, 2026),
        actor=hq_admin,
    )
    client.force_login(hq_admin)
    data = client.get(f"{API}/completeness").json()
    sets = {d["code"]: d for d in data["datasets"]}
    county = sets["ZQ_COUNTY_Y"]
    # The latest window that has opened (2025's opens after the year ends).
    assert county["period"] in ("2024", "2025")
    rows = {row["code"]: row for row in county["rows"]}
    assert len(rows) == 8 and rows[HUAIJI]["expected"] == 1
    assert rows[HUAIJI]["rate"] == 100.0
    village = {row["code"]: row for row in sets["ZQ_VILLAGE_Y"]["rows"]}
    assert village[HUAIJI]["submitted"] == len(cockpit_values["villages"])
    assert village[DEQING]["submitted"] == 0 and village[DEQING]["rate"] == 0.0
