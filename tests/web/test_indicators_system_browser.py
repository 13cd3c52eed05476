"""The indicator system's pages in a browser: headquarters finds an indicator from the menu,
sets a unit's own target, and moves a data set's collection window."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import PASSWORD, ZHAOQING
from tests.web.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_headquarters_reads_and_edits_the_system(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from baiqianwan.accounts.services import user_create
    from baiqianwan.indicators.loader import system_load
    from baiqianwan.indicators.models import CollectionWindow, DataSet, Target
    from baiqianwan.indicators.windows import windows_open
    from tests.indicators.test_loader import STARTER

    system_load(path=STARTER, actor="tests")
    windows_open(datasets=list(DataSet.objects.all()), years=range(2024, 2025), actor="tests")
    user_create(username="zq-hq", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zq-hq")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.click("nav >> text=指标")
    page.select_option("#id_level", "county")
    page.click("[data-testid=indicators-filter] button[type=submit]")
    assert "城乡居民收入比" in page.inner_text("[data-testid=indicators]")
    assert "户籍人口" not in page.inner_text("[data-testid=indicators]")
    shot(page, "indicators-list")
    page.click("text=农村居民人均可支配收入")
    page.fill("#id_unit", "441224000000")
    page.fill("#id_year", "2025")
    page.fill("#id_value", "23800")
    page.click("[data-testid=override-save]")
    assert "怀集县" in page.inner_text("[data-testid=target-overrides]")
    assert Target.objects.get(unit__code="441224000000", year=2025).value == 23800
    shot(page, "indicators-indicator")
    page.click("text=县级年报")
    page.click("[data-testid=windows-edit]")
    row = page.locator("[data-testid=window-2024]")
    row.locator("input[name=closes_on]").fill("2025-04-15")
    row.locator("button").click()
    assert "2025-04-15" in page.inner_text("[data-testid=message]")
    window = CollectionWindow.objects.get(dataset__code="ZQ_COUNTY_Y", period__code="2024")
    assert window.closes_on == date(2025, 4, 15)
    shot(page, "indicators-windows")
