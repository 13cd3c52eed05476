"""The indicators API: scope, paging, filters, writes, DHIS2 data value sets, and its errors
(400/403/404/409 as problem+json)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.audit.models import AuditEvent
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataValue,
    DerivedValue,
    Target,
)
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, HUAICHENG, system_make, unit

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    made = system_make()
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=made["period"]).update(
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=30)
    )
    return made


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("town", "town_operator", HUAICHENG)


def _villages() -> list:  # type: ignore[type-arg]
    return list(unit(HUAICHENG).children.filter(valid_to__isnull=True).order_by("code")[:3])


def _deqing_village():  # type: ignore[no-untyped-def]
    return unit(DEQING).children.filter(valid_to__isnull=True).first().children.first()


def _seed(world) -> None:  # type: ignore[no-untyped-def]
    pop = world["ind"]["POP"]
    cells = [Cell(v.pk, pop.pk, 100 + i) for i, v in enumerate(_villages())]
    cells.append(Cell(_deqing_village().pk, pop.pk, 7))
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=cells,
        source="demo",
    )


def _problem(response, status):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def test_indicators_list_filters_and_paging(client, town, world):  # type: ignore[no-untyped-def]
    client.force_login(town)
    body = client.get("/api/indicators").json()
    assert body["count"] == 9
    county = client.get("/api/indicators?level=county").json()
    assert [i["code"] for i in county["items"]] == ["RATIO", "RURAL_INCOME_C", "URBAN_INCOME"]
    village = client.get("/api/indicators?dataset=VILLAGE&dimension=JING").json()
    assert [i["code"] for i in village["items"]] == ["CLEAN", "GREEN"]
    found = client.get("/api/indicators?q=收入").json()
    assert {i["code"] for i in found["items"]} >= {"INCOME", "COLLECTIVE", "URBAN_INCOME"}
    income = next(i for i in found["items"] if i["code"] == "INCOME")
    assert income["weight_indicator"] == "POP" and income["dimension"] == "FU"
    paged = client.get("/api/indicators?page=2&page_size=4").json()
    assert (paged["page"], paged["pages"], len(paged["items"])) == (2, 3, 4)
    assert _problem(client.get("/api/indicators?level=planet"), 400)["field"] == "level"
    assert _problem(client.get("/api/indicators?page=9"), 400)["field"] == "page"
    assert _problem(client.get("/api/indicators?dataset=NOPE"), 400)["field"] == "dataset"


def test_indicator_detail_shows_targets_of_the_area(client, town, world):  # type: ignore[no-untyped-def]
    pop = world["ind"]["POP"]
    Target.objects.create(indicator=pop, year=2025, level="village", value=1000)
    Target.objects.create(indicator=pop, year=2025, unit=_villages()[0], value=1500)
    Target.objects.create(indicator=pop, year=2025, unit=_deqing_village(), value=9)
    client.force_login(town)
    body = client.get("/api/indicators/POP").json()
    assert body["datasets"] == ["VILLAGE"]
    assert [(t["level"], t["unit_code"], t["value"]) for t in body["targets"]] == [
        ("", _villages()[0].code, 1500),
        ("village", None, 1000),
    ]
    assert _problem(client.get("/api/indicators/NOPE"), 404)


def test_datasets_list_and_detail(client, town, world):  # type: ignore[no-untyped-def]
    client.force_login(town)
    body = client.get("/api/datasets").json()
    assert [d["code"] for d in body["items"]] == ["COUNTY", "VILLAGE"]
    detail = client.get("/api/datasets/VILLAGE").json()
    assert [i["code"] for i in detail["indicators"]][:2] == ["POP", "INCOME"]
    assert detail["indicators"][-1]["is_computed"] is True
    assert [p["period"] for p in detail["periods"]] == ["2024", "2023"]
    assert _problem(client.get("/api/datasets/NOPE"), 404)


def test_datavalues_scoped_filtered_and_paged(client, town, world, make_user):  # type: ignore[no-untyped-def]
    _seed(world)
    client.force_login(town)
    body = client.get("/api/datavalues").json()
    assert body["count"] == 3
    assert all(v["unit_code"].startswith("441224001") for v in body["items"])
    assert body["items"][0]["source"] == "demo" and body["items"][0]["is_demo"] is False
    one = client.get(f"/api/datavalues?unit={_villages()[1].code}&indicator=POP&period=2024")
    assert [v["value"] for v in one.json()["items"]] == [101]
    paged = client.get("/api/datavalues?page_size=2&page=2").json()
    assert (paged["count"], paged["pages"], len(paged["items"])) == (3, 2, 1)
    assert client.get("/api/datavalues?level=town").json()["count"] == 0
    assert client.get("/api/datavalues?dataset=COUNTY").json()["count"] == 0
    assert _problem(client.get(f"/api/datavalues?unit={DEQING}"), 404)
    assert _problem(client.get("/api/datavalues?indicator=NOPE"), 400)["field"] == "indicator"
    assert _problem(client.get("/api/datavalues?period=2099"), 400)["field"] == "period"
    hq = make_user("hq", "hq_admin", "441200000000")
    client.force_login(hq)
    assert client.get("/api/datavalues").json()["count"] == 4


def test_datavalues_with_derived_ones(client, town, world):  # type: ignore[no-untyped-def]
    _seed(world)
    DerivedValue.objects.create(
        indicator=world["ind"]["POP"],
        unit=unit(HUAICHENG),
        period=world["period"],
        value=303,
        kind="aggregate",
        reported=3,
        expected=20,
        computed_at=timezone.now(),
    )
    client.force_login(town)
    both = client.get("/api/datavalues?derived=true&page_size=3").json()
    assert both["count"] == 4 and both["pages"] == 2
    last = client.get("/api/datavalues?derived=true&page_size=3&page=2").json()["items"]
    assert last[0]["derived"] == "aggregate" and last[0]["reported"] == 3
    only = client.get("/api/datavalues?derived=only").json()
    assert [v["value"] for v in only["items"]] == [303]
    assert client.get("/api/datavalues?derived=maybe").status_code == 422


def test_datavalues_write_and_its_errors(client, town, world, make_user):  # type: ignore[no-untyped-def]
    first, second, _third = _villages()
    client.force_login(town)
    body = {
        "dataset": "VILLAGE",
        "period": "2024",
        "values": [
            {"indicator": "POP", "unit": first.code, "value": "1,200"},
            {"indicator": "CLEAN", "unit": second.code, "value": "是"},
        ],
    }
    done = client.post("/api/datavalues", body, content_type="application/json")
    assert done.status_code == 200, done.content
    written = done.json()
    assert written["new"] == 2 and set(written["versions"]) == {first.code, second.code}
    assert DataValue.objects.get(unit=first).source == "api"
    stale = {**body, "expected_versions": {first.code: 0, second.code: 0}}
    assert (
        "修改"
        in _problem(client.post("/api/datavalues", stale, content_type="application/json"), 409)[
            "detail"
        ]
    )
    fresh = {
        **body,
        "values": [{"indicator": "POP", "unit": first.code, "value": 1300}],
        "expected_versions": written["versions"],
    }
    assert (
        client.post("/api/datavalues", fresh, content_type="application/json").json()["changed"]
        == 1
    )
    bad = {**body, "values": [{"indicator": "POP", "unit": first.code, "value": "12,3"}]}
    problem = _problem(client.post("/api/datavalues", bad, content_type="application/json"), 400)
    assert problem["field"] == "values[0].value" and "'12,3'" in problem["detail"]
    other = {**body, "values": [{"indicator": "POP", "unit": _deqing_village().code, "value": 1}]}
    _problem(client.post("/api/datavalues", other, content_type="application/json"), 404)
    computed = {**body, "values": [{"indicator": "RATIO", "unit": first.code, "value": 1}]}
    assert (
        _problem(client.post("/api/datavalues", computed, content_type="application/json"), 400)[
            "field"
        ]
        == "values[0].indicator"
    )
    leader = make_user("leader", "leader", HUAICHENG)
    client.force_login(leader)
    _problem(client.post("/api/datavalues", body, content_type="application/json"), 403)
    assert DataValue.objects.get(unit=first).value == 1300


def test_datavaluesets_export(client, town, world):  # type: ignore[no-untyped-def]
    _seed(world)
    client.force_login(town)
    body = client.get("/api/dataValueSets?dataSet=VILLAGE&period=2024").json()
    assert body["dataSet"] == "VILLAGE" and len(body["dataValues"]) == 3
    assert "orgUnit" not in body and "derived" not in body["dataValues"][0]
    assert AuditEvent.objects.filter(action="download", object_repr__contains="VILLAGE").exists()
    one = client.get(
        f"/api/dataValueSets?dataElement=POP&period=2024&period=2023&orgUnit={_villages()[0].code}"
        "&children=false"
    ).json()
    assert one["orgUnit"] == _villages()[0].code and "period" not in one
    assert [v["value"] for v in one["dataValues"]] == ["100"]
    assert _problem(client.get("/api/dataValueSets?dataSet=VILLAGE"), 400)["field"] == "period"
    assert _problem(client.get("/api/dataValueSets?period=2024"), 400)["field"] == "dataSet"
    _problem(client.get(f"/api/dataValueSets?dataSet=VILLAGE&period=2024&orgUnit={DEQING}"), 404)
    assert (
        _problem(client.get("/api/dataValueSets?dataSet=VILLAGE&period=2024&idScheme=UID"), 400)[
            "field"
        ]
        == "idScheme"
    )


def test_datavaluesets_import_dry_run_errors_and_store(client, town, world):  # type: ignore[no-untyped-def]
    first, second, _third = _villages()
    client.force_login(town)
    payload = {
        "dataSet": "VILLAGE",
        "period": "2024",
        "dataValues": [
            {"dataElement": "POP", "orgUnit": first.code, "value": "10"},
            {"dataElement": "GREEN", "orgUnit": second.code, "value": "12,3"},
        ],
    }
    dry = client.post("/api/dataValueSets?dryRun=true", payload, content_type="application/json")
    assert dry.status_code == 200
    summary = dry.json()
    assert summary["status"] == "ERROR" and summary["importCount"]["imported"] == 1
    assert summary["conflicts"][0]["object"] == "dataValues[1].value"
    refused = _problem(
        client.post("/api/dataValueSets", payload, content_type="application/json"), 400
    )
    # The API speaks the request's language, Chinese by default.
    assert refused["conflicts"][0]["value"] == "'12,3' 不是数字"
    assert refused["detail"].endswith("dataValues[1].value: '12,3' 不是数字")
    assert not DataValue.objects.exists()
    payload["dataValues"][1]["value"] = "12.3"
    stored = client.post("/api/dataValueSets", payload, content_type="application/json").json()
    assert stored["status"] == "SUCCESS" and stored["importCount"]["imported"] == 2
    assert DataValue.objects.filter(source="dhis2").count() == 2
    uid = client.post("/api/dataValueSets?idScheme=UID", payload, content_type="application/json")
    assert _problem(uid, 400)["field"] == "idScheme"
    assert (
        client.post("/api/dataValueSets", {"x": 1}, content_type="application/json").status_code
        == 422
    )


def test_openapi_lists_the_indicators_routes(client, town):  # type: ignore[no-untyped-def]
    client.force_login(town)
    paths = client.get("/api/openapi.json").json()["paths"]
    for route in (
        "/api/indicators",
        "/api/indicators/{code}",
        "/api/datasets",
        "/api/datasets/{code}",
        "/api/datavalues",
        "/api/dataValueSets",
    ):
        assert route in paths, route
    assert {"get", "post"} <= set(paths["/api/dataValueSets"])
    assert {"get", "post"} <= set(paths["/api/datavalues"])


def test_roles_without_the_action_are_403(client, make_user, world):  # type: ignore[no-untyped-def]
    auditor = make_user("aud", "audit_admin", "441200000000")
    client.force_login(auditor)
    for path in ("/api/indicators", "/api/datasets", "/api/datavalues"):
        _problem(client.get(path), 403)
