"""In Chromium: headquarters writes a validation rule (each side checked as it is typed), then
reads the data quality page of 怀城街道's villages: the broken rule, the outliers, the counts
per county, and the same page in English."""

from __future__ import annotations

from datetime import date

import pytest

from baiqianwan.accounts.services import user_create
from baiqianwan.indicators.models import ValidationRule
from baiqianwan.indicators.selectors import expected_units
from baiqianwan.indicators.values import Cell, values_write
from tests.factories import PASSWORD, ZHAOQING
from tests.indicators.factories import HUAICHENG, OPEN_DAY, system_make
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser


def values_make(world, hq) -> list:  # type: ignore[no-untyped-def]
    """POP for 2023 and 2024 and GREEN for 2024 of eight villages of 怀城街道."""
    dataset = world["datasets"]["VILLAGE"]
    villages = list(expected_units(dataset, world["period"], within=HUAICHENG[:9])[:8])
    ind = world["ind"]
    pops = {
        world["period"]: [1000, 1100, 1200, 1300, 1400, 1250, 1150, 9000],
        world["previous"]: [1000, 1100, 1200, 650, 1400, 1200, 1100, 8800],
    }
    greens = [40, 42, 44, 46, 48, 45, 43, 120]
    for period, today in ((world["previous"], date(2024, 2, 1)), (world["period"], OPEN_DAY)):
        cells = [Cell(v.pk, ind["POP"].pk, p) for v, p in zip(villages, pops[period], strict=True)]
        if period == world["period"]:
            cells += [Cell(v.pk, ind["GREEN"].pk, g) for v, g in zip(villages, greens, strict=True)]
        values_write(
            actor=hq, dataset=dataset, period=period, cells=cells, source="form", today=today
        )
    return villages


def test_write_a_rule_then_read_the_quality_page(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    hq = user_create(username="hq-q", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    world = system_make()
    villages = values_make(world, hq)

    sign_in_as(page, live_server, "hq-q")
    page.goto(f"{live_server.url}/indicators/rules/")
    page.click("[data-testid=rule-new]")
    page.fill("[data-testid=rule-code]", "R3")
    page.fill("[data-testid=rule-name]", "人均集体收入不超过农村居民人均可支配收入")
    page.fill("[data-testid=rule-left]", "COLLECTIVE * 10000 / pop")
    page.wait_for_selector("[data-testid=check-left] [data-testid=check-error]")
    assert "POP" in page.inner_text("[data-testid=check-left]")
    shot(page, "quality-01-rule-typed-wrong")
    page.fill("[data-testid=rule-left]", "COLLECTIVE * 10000 / POP")
    page.wait_for_selector("[data-testid=check-left] >> text=户籍人口")
    page.fill("[data-testid=rule-right]", "INCOME")
    page.wait_for_selector("[data-testid=check-right] >> text=农村居民人均可支配收入")
    page.select_option("[data-testid=rule-severity]", "warning")
    page.check("#id_levels_village")
    shot(page, "quality-02-rule-form")
    page.click("[data-testid=rule-save]")
    page.wait_for_selector("[data-testid=rule-R3]")
    rule = ValidationRule.objects.get(code="R3")
    assert (rule.left, rule.operator, rule.right) == ("COLLECTIVE * 10000 / POP", "<=", "INCOME")
    shot(page, "quality-03-rules")

    page.goto(f"{live_server.url}/indicators/quality/?dataset=VILLAGE&period=2024")
    page.wait_for_selector("[data-testid=violations]")
    last = villages[-1]
    assert page.locator(f"[data-testid=violation-{last.code}-R2]").is_visible()
    assert "怀集县" in page.inner_text("[data-testid=county-counts]")
    shot(page, "quality-04-violations")
    page.click("[data-testid=tab-outliers]")
    page.wait_for_selector(f"[data-testid=outlier-{villages[3].code}-POP]")
    row = page.inner_text(f"[data-testid=outlier-{villages[3].code}-POP]")
    assert "+100%" in row and "650" in row
    shot(page, "quality-05-outliers")
    page.select_option("[data-testid=filter-unit]", HUAICHENG)
    page.click("[data-testid=filter-apply]")
    page.wait_for_selector(f"[data-testid=outlier-{last.code}-POP]")
    # The unit's name leads to its page in the register.
    page.click(f"[data-testid=outlier-{last.code}-POP] a")
    page.wait_for_url(f"**/units/{last.code}/")

    page.goto(f"{live_server.url}/indicators/quality/?dataset=VILLAGE&period=2024&show=outliers")
    page.click("[data-testid=language-en]")
    page.wait_for_selector("html[lang=en]")
    assert "Data quality" in page.inner_text("h1")
    shot(page, "quality-06-outliers-en")
