"""A person signs in, drills down 肇庆市 → 怀集县 → a town → its villages, switches to English."""

from __future__ import annotations

import re

import pytest

from baiqianwan.accounts.services import user_create
from tests.factories import PASSWORD, ZHAOQING
from tests.web.conftest import shot

pytestmark = pytest.mark.browser


def sign_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    shot(page, "01-login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")


def test_drill_down_and_switch_to_english(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    user_create(username="zq-hq", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    sign_in(page, live_server, "zq-hq")

    page.wait_for_selector("[data-testid=unit-name]")
    assert page.inner_text("[data-testid=unit-name]") == "肇庆市"
    counts = page.inner_text("[data-testid=level-counts]")
    assert re.search(r"县级\s+8\b", counts) and re.search(r"乡镇级\s+106\b", counts)
    assert re.search(r"村级\s+1,?558\b", counts)
    assert "下级单位" in page.content()
    assert "指挥部管理员" in page.inner_text("[data-testid=current-user]")
    page.wait_for_selector("[data-testid=unit-map][data-ready=true]")
    shot(page, "02-zhaoqing")

    page.click("[data-testid=children] >> text=怀集县")
    page.wait_for_url(re.compile(r"/units/441224000000/$"))
    assert page.inner_text("[data-testid=unit-name]") == "怀集县"
    assert page.locator("[data-testid=children] tbody tr").count() == 19
    shot(page, "03-huaiji")

    page.click("[data-testid=children] tbody tr:first-child a")
    page.wait_for_url(re.compile(r"/units/441224\d{3}000/$"))
    town = page.inner_text("[data-testid=unit-name]")
    villages = page.locator("[data-testid=children] tbody tr")
    assert villages.count() > 0
    assert re.search(r"(村|居)", villages.first.inner_text())
    assert "怀集县" in page.inner_text("[data-testid=breadcrumb]")
    shot(page, "04-town-villages")

    page.click("[data-testid=children] tbody tr:first-child a")
    page.wait_for_url(re.compile(r"/units/441224\d{6}/$"))
    assert town in page.inner_text("[data-testid=breadcrumb]")
    shot(page, "05-village")

    page.click("[data-testid=language-en]")
    page.wait_for_selector("html[lang=en]")
    assert "Subordinate units" in page.content() or "Register entry" in page.content()
    assert "Headquarters administrator" in page.inner_text("[data-testid=current-user]")
    shot(page, "06-village-english")


def test_search_live_as_you_type(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    user_create(username="zq-hq2", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    sign_in(page, live_server, "zq-hq2")
    page.wait_for_selector("[data-testid=unit-name]")
    page.goto(live_server.url + "/units/search/")
    page.fill("#q", "怀集")
    page.wait_for_selector("[data-testid=results]")
    assert "441224000000" in page.inner_text("[data-testid=results]")
    shot(page, "07-search")


def test_another_county_is_not_found(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    user_create(
        username="hj-op", role="county_operator", unit_code="441224000000", password=PASSWORD
    )
    sign_in(page, live_server, "hj-op")
    page.wait_for_selector("[data-testid=unit-name]")
    assert page.inner_text("[data-testid=unit-name]") == "怀集县"
    response = page.goto(live_server.url + "/units/441226000000/")
    assert response is not None and response.status == 404
    assert "德庆" not in page.content()
    shot(page, "08-out-of-scope")


def test_the_api_documentation_works_offline(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    user_create(username="zq-dev", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    sign_in(page, live_server, "zq-dev")
    page.wait_for_selector("[data-testid=unit-name]")
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/units/{code}/children" in p.replace("\u200b", "") for p in paths)
    shot(page, "09-api-docs")


def test_the_auditor_reads_sign_ins_and_changes(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    user_create(
        username="zq-audit",
        role="audit_admin",
        unit_code=ZHAOQING,
        password=PASSWORD,
        person_id="ZQ-A1",
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zq-audit")
    page.fill("#id_password", "wrong-password")
    page.click("[data-testid=sign-in]")
    sign_in(page, live_server, "zq-audit")
    page.wait_for_selector("[data-testid=audit-events]")  # the auditor starts on the trail
    assert "行政区划" not in page.inner_text("nav")  # and reads no programme data
    table = page.inner_text("[data-testid=audit-events]")
    assert "登录失败" in table and "登录" in table and "创建" in table
    shot(page, "13-audit")
