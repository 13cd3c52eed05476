"""In Chromium, on the indicators demo (loaded once): headquarters opens the cockpit, switches
the map's indicator, clicks a county into its towns and villages and opens 大屏 mode; a leader
starts on the cockpit; a county operator sees the county's own. Screenshots in
test-artifacts/screenshots/cockpit-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.indicators import demo
from baiqianwan.indicators.loader import system_load
from baiqianwan.plans.jobs import plans_daily
from baiqianwan.plans.services import plan_issue
from tests.factories import HUAIJI, PASSWORD, ZHAOQING
from tests.indicators.test_loader import STARTER
from tests.plans.factories import assigned, plan_with_tasks
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser
# 怀集县's middle, in longitude and latitude (its polygon on the shipped map).
HUAIJI_MIDDLE = (112.18, 23.92)


def world() -> None:
    """The starter system with its demo values, three accounts, and a plan whose tasks are
    overdue in two counties."""
    system_load(path=STARTER, actor="tests")
    demo.demo_create()
    hq = user_create(username="hq-c", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    user_create(username="leader-c", role="leader", unit_code=ZHAOQING, password=PASSWORD)
    user_create(username="huaiji-c", role="county_operator", unit_code=HUAIJI, password=PASSWORD)
    today = timezone.localdate()
    plan = plan_with_tasks(actor=hq, count=3, deadline=today - timedelta(days=5))
    assigned(actor=hq, plan=plan, codes=[HUAIJI, "441226000000"], today=today - timedelta(days=90))
    plan_issue(actor=hq, plan=plan, version=plan.version, today=today - timedelta(days=90))
    plans_daily(today=today)


def charts_ready(page, indicator: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"[data-testid=map][data-ready='{indicator}']")
    page.wait_for_selector(f"[data-testid=trends][data-ready='{indicator}']")
    page.wait_for_selector(f"[data-testid=rankings][data-ready='{indicator}']")
    page.wait_for_selector("[data-testid=supervision][data-ready]")
    page.wait_for_selector("[data-testid=completeness][data-ready]")


def test_the_cockpit_for_headquarters_a_leader_and_a_county(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    world()
    sign_in_as(page, live_server, "hq-c", "/cockpit/")
    charts_ready(page, "C_INCOME_RATIO")
    assert "领导驾驶舱 · 肇庆市" in page.inner_text("[data-testid=cockpit-title]")
    assert page.locator("[data-testid=demo-badge]").is_visible()
    ratio = page.inner_text("[data-testid=card-income_ratio]")
    assert "城乡居民收入比" in ratio and "年目标" in ratio
    assert "亿元" in page.inner_text("[data-testid=card-gdp] [data-testid=card-value]")
    assert "镇、村没有面状边界" in page.inner_text("[data-testid=no-town-polygons]")
    assert page.inner_text("[data-testid=overdue-count]") == "6"
    shot(page, "cockpit-01-city")

    page.select_option("[data-testid=map-indicator]", "V_COLLECTIVE_INCOME")
    charts_ready(page, "V_COLLECTIVE_INCOME")
    assert "村集体经济收入" in page.inner_text("[data-testid=rankings-by]")
    box = page.locator("[data-testid=map]").bounding_box()
    x, y = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('cockpit-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])",
        list(HUAIJI_MIDDLE),
    )
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_function("document.getElementById('cockpit-map').innerText.includes('排名')")
    tooltip = page.inner_text("[data-testid=map]")
    assert "怀集县" in tooltip and "村集体经济收入" in tooltip and "万元" in tooltip
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(f"[data-testid=drill][data-ready='{HUAIJI}']")
    assert page.inner_text("[data-testid=drill-title]") == "怀集县"
    table = page.inner_text("[data-testid=drill-table]")
    assert "村" in table and "排名" in table
    assert page.locator("[data-testid=drill-table] tbody tr").count() > 100
    link = page.get_attribute("[data-testid=xlsx-drill]", "href")
    assert link.endswith(f"/units/{HUAIJI}.xlsx?indicator=V_COLLECTIVE_INCOME")
    shot(page, "cockpit-02-huaiji-drill")
    with page.expect_download() as download:
        page.click("[data-testid=png-map]")
    assert download.value.suggested_filename == "肇庆市-map.png"

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.click("[data-testid=open-screen]")
    charts_ready(page, "C_INCOME_RATIO")
    assert "肇庆市百千万工程指挥中心" in page.inner_text("[data-testid=screen-title]")
    assert page.inner_text("[data-testid=clock]").strip()
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    assert page.evaluate("getComputedStyle(document.body).overflow") == "hidden"
    shot(page, "cockpit-03-screen")

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_as(page, live_server, "leader-c")
    assert page.url.endswith("/cockpit/")
    charts_ready(page, "C_INCOME_RATIO")
    shot(page, "cockpit-04-leader")

    sign_in_as(page, live_server, "huaiji-c", "/cockpit/")
    # No map: the towns' bars stand in its place, the drill-down is the villages' table.
    page.wait_for_selector(f"[data-testid=drill][data-ready='{HUAIJI}']", state="attached")
    assert "领导驾驶舱 · 怀集县" in page.inner_text("[data-testid=cockpit-title]")
    assert "德庆" not in page.content()
    page.wait_for_selector("[data-testid=map][data-ready='T_TYPICAL']")
    towns = page.locator("[data-testid=drill-table] tbody tr").count()
    assert 10 < towns < 40  # 典型镇 is reported by towns: the county's towns, ranked
    page.select_option("[data-testid=map-indicator]", "V_COLLECTIVE_INCOME")
    page.wait_for_selector("[data-testid=rankings][data-ready='V_COLLECTIVE_INCOME']")
    assert page.locator("[data-testid=drill-table] tbody tr").count() > 100  # its villages
    shot(page, "cockpit-05-county")
