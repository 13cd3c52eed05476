import logging

import pytest

from tests.factories import HUAIJI


@pytest.mark.django_db
def test_list_shape_and_filters(client, hq_admin):
    client.force_login(hq_admin)
    body = client.get("/api/units", {"parent": HUAIJI}).json()
    assert set(body) == {"count", "page", "pages", "items"}
    assert body["count"] == 19 and len(body["items"]) == 19
    item = body["items"][0]
    assert set(item) == {
        "code",
        "name",
        "level",
        "kind",
        "parent_code",
        "urban_rural_class",
        "edition",
        "valid_from",
        "valid_to",
        "county",
        "town",
    }
    assert item["parent_code"] == HUAIJI and item["level"] == "town"
    villages = client.get(
        "/api/units", {"level": "village", "q": "441224", "page_size": 100}
    ).json()
    assert villages["count"] == 326 and villages["pages"] == 4
    assert client.get("/api/units", {"q": "怀集"}).json()["items"][0]["code"] == HUAIJI


@pytest.mark.django_db
def test_detail_and_children(client, hq_admin):
    client.force_login(hq_admin)
    detail = client.get(f"/api/units/{HUAIJI}").json()
    assert detail["name"] == "怀集县" and detail["children_count"] == 19
    assert [a["code"] for a in detail["ancestors"]] == ["440000000000", "441200000000"]
    children = client.get(f"/api/units/{HUAIJI}/children").json()
    assert len(children) == 19 and all(c["parent_code"] == HUAIJI for c in children)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ({"level": "hamlet"}, 400, "no level “hamlet”"),
        ({"page": "0"}, 422, "page"),
        ({"page": "99"}, 400, "past the last page"),
        ({"page": "x"}, 422, "page"),
        ({"parent": "441299000000"}, 404, "441299000000"),
    ],
)
def test_errors_are_problem_json_with_a_clear_detail(client, hq_admin, query, status, detail):
    client.force_login(hq_admin)
    response = client.get("/api/units", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and detail in body["detail"]


@pytest.mark.django_db
def test_the_openapi_document_lists_the_unit_routes(client, hq_admin):
    client.force_login(hq_admin)
    schema = client.get("/api/openapi.json").json()
    assert {"/api/units", "/api/units/{code}", "/api/units/{code}/children"} <= set(schema["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200


@pytest.mark.django_db
def test_error_details_speak_chinese_by_default(client, hq_admin):
    client.force_login(hq_admin)
    body = client.get("/api/units", {"level": "hamlet"}).json()
    assert "没有“hamlet”这一层级，可选：province (省级)" in body["detail"]


@pytest.mark.django_db
def test_input_a_selector_refuses_is_a_400_naming_the_field(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get("/api/units", {"level": "hamlet"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["field"] == "level"


@pytest.mark.django_db
def test_a_programming_error_is_a_500_in_the_log_not_a_400(client, hq_admin, monkeypatch, caplog):
    """A ValueError that no one raised on purpose is a bug: it must not pass for bad input."""
    from baiqianwan.units import api as units_api

    def broken(**kwargs):
        return int("x")  # ValueError: invalid literal for int()

    monkeypatch.setattr(units_api, "units_search", broken)
    client.force_login(hq_admin)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/units")
    assert response.status_code == 500
    assert "invalid literal" not in response.content.decode()
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is ValueError]
    assert logged and "invalid literal" in str(logged[0].exc_info[1])
