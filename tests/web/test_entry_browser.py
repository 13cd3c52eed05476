"""In Chromium, in Chinese: a town operator fills the entry grid (填报) with the keyboard.

怀城街道's operator opens 数据填报 from the menu, opens the village report for 2024, types a
value and presses Enter (saved, and down to the next village), Tab across, types 「12,3」 (the
cell says it is no number; Esc brings the stored value back), moves up with the arrow key and
types again (the computed indicator of the row follows), opens a cell's history with F2,
reloads the page and finds what was saved, and nothing else.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from tests.factories import PASSWORD
from tests.web.conftest import shot

pytestmark = pytest.mark.browser

HUAICHENG = "441224001000"  # 怀城街道
SHANGGUO = "441224001001"  # 上郭社区居委会, its first village
XIAGUO = "441224001002"  # the second


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """The shared page fixture's checks, but a cell that refuses what was typed answers 400
    (and a conflict 409) on purpose: the browser logs those answers, and they are no error
    of the page's scripts."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    outside: list[str] = []
    tab.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,  # type: ignore[no-untyped-def]
    )
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # type: ignore[no-untyped-def]
    tab.on("pageerror", lambda e: errors.append(str(e)))  # type: ignore[no-untyped-def]
    yield tab
    context.close()
    assert not outside, f"the page asked for something outside the site: {outside}"
    expected = re.compile(r"status of (400|409) ")
    blocking = [e for e in errors if "favicon" not in e and not expected.search(e)]
    assert not blocking, f"the browser reported errors: {blocking}"


def cell(page, unit: str, code: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#c{unit}_{code}")


def saved(page, unit: str, code: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f"td:has(#c{unit}_{code}) [data-testid=cell-saved]").wait_for()


def focused_id(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("document.activeElement.id"))


@pytest.mark.django_db(transaction=True)
def test_town_operator_fills_the_grid_with_the_keyboard(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from baiqianwan.indicators.models import CollectionWindow, DataValue
    from baiqianwan.indicators.values import Cell, values_write
    from tests.indicators.factories import system_make, unit

    world = system_make()
    today = timezone.localdate()
    CollectionWindow.objects.update(
        opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=30)
    )
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["previous"],
        cells=[Cell(unit(SHANGGUO).pk, world["ind"]["POP"].pk, 1000)],
        source="demo",
    )
    user_create(username="hc-entry", role="town_operator", unit_code=HUAICHENG, password=PASSWORD)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "hc-entry")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_load_state()
    page.click("nav >> text=数据填报")
    page.wait_for_url(re.compile(r"/indicators/entry/$"))
    window = page.locator("[data-testid=entry-window-VILLAGE-2024]")
    assert "开放中" in window.inner_text()
    shot(page, "entry-01-home")
    window.locator("text=填报").click()
    page.wait_for_url(re.compile(r"/indicators/entry/VILLAGE/2024/$"))

    # Type, Enter: saved, and the cursor goes down to the next village.
    cell(page, SHANGGUO, "POP").click()
    page.keyboard.type("1200")
    page.keyboard.press("Enter")
    saved(page, SHANGGUO, "POP")
    assert focused_id(page) == f"c{XIAGUO}_POP"
    assert "1000 · +200 (+20.0%)" in page.locator(f"td:has(#c{SHANGGUO}_POP)").inner_text()
    # Type, Tab to the right; a value that is no number is refused at its cell.
    page.keyboard.type("900")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"c{XIAGUO}_INCOME"
    saved(page, XIAGUO, "POP")
    page.keyboard.type("12,3")
    page.keyboard.press("Tab")
    message = page.locator(f"td:has(#c{XIAGUO}_INCOME) [data-testid=cell-message]")
    message.wait_for()
    assert "'12,3' 不是数字" in message.inner_text()
    assert focused_id(page) == f"c{XIAGUO}_COLLECTIVE"
    # Up with the arrow key; the row's computed indicator follows the save.
    page.keyboard.press("ArrowUp")
    assert focused_id(page) == f"c{SHANGGUO}_COLLECTIVE"
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    saved(page, SHANGGUO, "COLLECTIVE")
    page.wait_for_function(f"document.getElementById('c{SHANGGUO}_INCOME_PER_10K').value === '250'")
    assert page.inner_text(f"#s{SHANGGUO}") == "草稿"
    shot(page, "entry-02-grid")
    # The header rows and the unit column stay in view as the grid scrolls.
    page.set_viewport_size({"width": 800, "height": 700})
    wrap = page.locator("[data-testid=entry-grid-wrap]")
    wrap.evaluate("w => { w.scrollTop = 400; w.scrollLeft = 300; }")
    assert wrap.evaluate("w => w.scrollTop > 0 && w.scrollLeft > 0")
    top = wrap.bounding_box()["y"]
    assert abs(page.locator("thead tr.bqw-h1 th.bqw-dim").first.bounding_box()["y"] - top) < 3
    left = wrap.bounding_box()["x"]
    assert abs(page.locator(f"tr[data-u='{XIAGUO}'] th").bounding_box()["x"] - left) < 3
    wrap.evaluate("w => { w.scrollTop = 0; w.scrollLeft = 0; }")
    page.set_viewport_size({"width": 1366, "height": 900})
    # Esc brings back the stored value of the refused cell (none).
    cell(page, XIAGUO, "INCOME").click()
    assert cell(page, XIAGUO, "INCOME").input_value() == "12,3"
    page.keyboard.press("Escape")
    assert cell(page, XIAGUO, "INCOME").input_value() == ""
    # F2: the cell's history.
    cell(page, SHANGGUO, "POP").click()
    page.keyboard.press("F2")
    panel = page.locator("[data-testid=history-panel]")
    panel.wait_for()
    assert "— → 1200" in panel.inner_text() and "hc-entry" in panel.inner_text()
    shot(page, "entry-03-history")

    page.reload()
    assert cell(page, SHANGGUO, "POP").input_value() == "1200"
    assert cell(page, XIAGUO, "POP").input_value() == "900"
    assert cell(page, SHANGGUO, "COLLECTIVE").input_value() == "30"
    assert cell(page, XIAGUO, "INCOME").input_value() == ""
    stored = {
        (code, indicator): value
        for code, indicator, value in DataValue.objects.filter(period=world["period"]).values_list(
            "unit__code", "indicator__code", "value"
        )
    }
    assert stored == {(SHANGGUO, "POP"): 1200, (XIAGUO, "POP"): 900, (SHANGGUO, "COLLECTIVE"): 30}

    # The same grid in English, one click away.
    page.click("[data-testid=language-en]")
    page.wait_for_load_state()
    assert "Data entry" in page.inner_text("h1")
    shot(page, "entry-04-grid-en")


@pytest.mark.django_db(transaction=True)
def test_county_operator_narrows_a_closed_period(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    """After the window closed, 怀集县's operator narrows the grid to 怀城街道: every row is
    read-only but the village holding a lock exception, and the page says why."""
    from baiqianwan.indicators.models import CollectionWindow, LockException
    from tests.indicators.factories import system_make, unit

    world = system_make()
    today = timezone.localdate()
    CollectionWindow.objects.update(
        opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=1)
    )
    county = user_create(
        username="hj-entry", role="county_operator", unit_code="441224000000", password=PASSWORD
    )
    LockException.objects.create(
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        unit=unit(XIAGUO),
        until=today + timedelta(days=7),
        reason="补报",
        granted_by=county,
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "hj-entry")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/indicators/entry/VILLAGE/2024/")
    closed_on = (today - timedelta(days=1)).isoformat()
    assert closed_on in page.inner_text("[data-testid=entry-closed]")
    page.select_option("#entry-within", HUAICHENG)
    page.click("[data-testid=entry-within] button")
    page.wait_for_url(re.compile(rf"within={HUAICHENG}"))
    assert cell(page, SHANGGUO, "POP").get_attribute("readonly") is not None
    assert cell(page, XIAGUO, "POP").get_attribute("readonly") is None
    assert "补报许可" in page.inner_text(f"tr[data-u='{XIAGUO}'] th")
    cell(page, XIAGUO, "POP").click()
    page.keyboard.type("700")
    page.keyboard.press("Enter")
    saved(page, XIAGUO, "POP")
    shot(page, "entry-05-closed-county")
