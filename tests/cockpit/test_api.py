"""The cockpit API through the real stack: what each figure is, where it comes from, and who
may see it."""

from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.audit.models import AuditEvent
from baiqianwan.evaluation.services import run_execute, run_request
from baiqianwan.indicators.models import DataValue, DerivedValue, Period
from tests.cockpit.conftest import WEAK_VILLAGES, unit

pytestmark = pytest.mark.django_db
API = "/api/cockpit"


def derived(code: str, unit_code: str, period: str) -> DerivedValue:
    return DerivedValue.objects.get(indicator__code=code, unit__code=unit_code, period__code=period)


def test_the_city_cards_show_the_latest_approved_year(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    data = client.get(f"{API}/summary").json()
    cards = {card["key"]: card for card in data["cards"]}
    ratio = cards["income_ratio"]
    expected = derived("C_INCOME_RATIO", "441200000000", "2024").value
    # 2025 is only submitted: the card shows 2024, against the 2025 milestone's target.
    assert ratio["period"] == "2024" and ratio["value"] == pytest.approx(expected)
    assert ratio["target"] == 1.75 and ratio["target_year"] == 2025
    assert ratio["light"] == (
        "green" if expected <= 1.75 else "yellow" if expected <= 1.75 / 0.8 else "red"
    )
    assert [p["period"] for p in ratio["trend"]] == ["2023", "2024"]
    gdp = cards["gdp"]
    assert gdp["value"] == pytest.approx(derived("C_GDP", "441200000000", "2024").value)
    assert gdp["shown"].endswith("亿元") and not gdp["provisional"]
    # 怀集's villages are the only ones that reported: a provisional share.
    share = cards["collective_10w"]
    villages = len(cockpit_values["villages"])
    incomes = DataValue.objects.filter(indicator__code="V_COLLECTIVE_INCOME", period__code="2024")
    reached = incomes.filter(value__gte=10).count()  # 10 万元, the indicator's unit
    assert WEAK_VILLAGES <= villages - reached < villages
    assert share["measure"] == "%"
    assert share["value"] == pytest.approx(100 * reached / villages)
    assert share["reported"] == villages and share["expected"] > villages and share["provisional"]
    assert share["shown"] == f"{100 * reached / villages:.1f}%"
    assert {"typical_towns", "urbanisation", "rural_income"} <= set(cards)


def test_the_map_ranks_the_counties(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    data = client.get(f"{API}/map", {"indicator": "C_GDP"}).json()
    assert data["level"] == "county" and data["period"] == "2024"
    assert data["periods"] == ["2023", "2024"]
    rows = data["rows"]
    assert len(rows) == 8
    values = [row["value"] for row in rows]
    assert values == sorted(values, reverse=True)
    assert [row["rank"] for row in rows] == list(range(1, 9))
    first = rows[0]
    stored = DataValue.objects.get(
        indicator__code="C_GDP", unit__code=first["code"], period__code="2024"
    ).value
    assert first["value"] == pytest.approx(stored)
    assert first["target"] == 330 and first["light"] == "red"  # test values are ~10–100 亿元
    # A cost indicator ranks the lowest first.
    ratio = client.get(f"{API}/map", {"indicator": "C_INCOME_RATIO"}).json()["rows"]
    assert [r["value"] for r in ratio] == sorted(r["value"] for r in ratio)


def test_the_map_by_evaluation_score(  # type: ignore[no-untyped-def]
    client, hq_admin, county_scheme, django_capture_on_commit_callbacks
):
    client.force_login(hq_admin)
    assert client.get(f"{API}/map", {"indicator": "score"}).json()["rows"] == []
    # A finished run says so on commit (data_changed("evaluation")): the next call shows it.
    with django_capture_on_commit_callbacks(execute=True):
        run = run_execute(
            run_request(
                user=hq_admin, scheme=county_scheme, periods=["2023", "2024"], enqueue=False
            ).pk
        )
    data = client.get(f"{API}/map", {"indicator": "score"}).json()
    assert data["mode"] == "score" and data["run"]["id"] == run.pk
    assert data["period"] == "2024" and len(data["rows"]) == 8
    assert [row["rank"] for row in data["rows"]] == list(range(1, 9))
    ranking = client.get(f"{API}/rankings").json()
    assert ranking["by"] == "score"
    assert [r["code"] for r in ranking["top"]] == [r["code"] for r in data["rows"][:5]]
    assert [r["code"] for r in ranking["bottom"]] == [r["code"] for r in data["rows"][::-1][:5]]
    trend = client.get(f"{API}/trends", {"indicator": "score"}).json()
    assert trend["periods"] == ["2023", "2024"] and len(trend["series"]) == 8


def test_a_county_opens_into_its_towns_and_villages(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    data = client.get(f"{API}/units/441224000000", {"indicator": "V_COLLECTIVE_INCOME"}).json()
    assert data["unit"]["name"] == "怀集县" and data["period"] == "2024"
    towns, villages = data["parts"]
    assert towns["level"] == "town" and villages["level"] == "village"
    assert len(villages["rows"]) == len(cockpit_values["villages"])
    assert villages["rows"][-1]["value"] == 5.0  # the weakest last
    town = towns["rows"][0]
    assert town["value"] == pytest.approx(
        derived("V_COLLECTIVE_INCOME", town["code"], "2024").value
    )
    county_only = client.get(f"{API}/units/441224000000", {"indicator": "C_GDP"}).json()
    assert (
        county_only["parts"] == [] and "县级" in county_only["note"]
    ) or "counties" in county_only["note"]


def test_a_county_operator_sees_the_county(
    client, huaiji_operator, deqing_operator, cockpit_values
):  # type: ignore[no-untyped-def]
    client.force_login(huaiji_operator)
    summary = client.get(f"{API}/summary").json()
    assert summary["unit"]["name"] == "怀集县"
    cards = {card["key"]: card for card in summary["cards"]}
    assert cards["gdp"]["value"] == pytest.approx(
        DataValue.objects.get(
            indicator__code="C_GDP", unit__code="441224000000", period__code="2024"
        ).value
    )
    rows = client.get(f"{API}/map", {"indicator": "V_COLLECTIVE_INCOME"}).json()["rows"]
    assert rows and all(row["code"].startswith("441224") for row in rows)
    # Another county, by the API and its download: 404, recorded as a security event.
    for path in ("/units/441226000000", "/units/441226000000.xlsx", "/units/441200000000"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 404, path
        assert "德庆" not in response.content.decode()
    assert client.get(f"{API}/units/441224102000").status_code == 200
    client.force_login(deqing_operator)
    assert client.get(f"{API}/units/441224000000").status_code == 404


def test_roles_without_the_cockpit_are_refused(client, auditor):  # type: ignore[no-untyped-def]
    client.force_login(auditor)
    for path in ("/summary", "/map", "/supervision", "/completeness", "/summary.xlsx"):
        assert client.get(f"{API}{path}").status_code == 403, path
    assert client.get("/cockpit/").status_code == 403
    client.logout()
    assert client.get(f"{API}/summary").status_code == 401


def test_bad_parameters_name_the_field(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    wrong = client.get(f"{API}/map", {"indicator": "NOPE"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "indicator"
    period = client.get(f"{API}/map", {"indicator": "C_GDP", "period": "1999"})
    assert period.status_code == 400 and period.json()["field"] == "period"
    town_level = client.get(f"{API}/map", {"indicator": "T_FISCAL_PER_CAPITA"})
    assert town_level.status_code == 200
    for path, params, field in (
        ("/trends", {"indicator": "C_GDP OR 1=1"}, "indicator"),
        ("/units/441224000000", {"indicator": "C_GDP", "period": "2024-Q1-x"}, "period"),
        ("/rankings", {"indicator": "x" * 200}, "indicator"),
    ):
        refused = client.get(f"{API}{path}", params)
        assert refused.status_code == 400 and refused.json()["field"] == field, path
    code = cockpit_values["villages"][0].code
    village = client.get(f"{API}/units/{code}", {"indicator": "V_POP"}).json()
    assert village["parts"] == [] and village["note"]


def test_every_chart_downloads_its_data_as_excel(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    before = AuditEvent.objects.filter(action="download").count()
    paths = [
        "/summary.xlsx",
        "/map.xlsx?indicator=C_GDP",
        "/units/441224000000.xlsx?indicator=V_COLLECTIVE_INCOME",
        "/trends.xlsx?indicator=C_GDP",
        "/supervision.xlsx",
        "/overdue.xlsx",
        "/completeness.xlsx",
        "/rankings.xlsx?indicator=C_GDP",
    ]
    for path in paths:
        response = client.get(f"{API}{path}")
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), path
        book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
        assert ("怀集县" if "/units/" in path else "肇庆市") in str(rows[0][0]), path
    assert AuditEvent.objects.filter(action="download").count() == before + len(paths)
    sheet = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get(f"{API}/map.xlsx?indicator=C_GDP").content)
    )
    table = sheet.get_sheet_by_name(sheet.sheet_names[0]).to_python()
    assert table[1][:3] == ["排名", "代码", "单位"] or table[1][:3] == ["Rank", "Code", "Unit"]
    assert {row[2] for row in table[2:]} >= {"怀集县", "德庆县"}


def test_the_api_is_in_openapi(client, hq_admin):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "summary",
        "map",
        "units/{code}",
        "trends",
        "supervision",
        "completeness",
        "rankings",
    ):
        assert f"/api/cockpit/{path}" in paths, path


def test_periods_without_approved_values_are_not_shown(client, hq_admin, cockpit_values):  # type: ignore[no-untyped-def]
    client.force_login(hq_admin)
    data = client.get(f"{API}/map", {"indicator": "C_GDP", "period": "2025"}).json()
    assert data["period"] == "2025" and all(row["value"] is None for row in data["rows"])
    assert Period.objects.filter(code="2025").exists()
    assert unit("441224000000").name == "怀集县"
