"""In Chromium: a village submits its report, its town approves it (the other villages are
approved already) and submits its total, the county approves the total and the county's
figure changes; headquarters reads the reporting rate, grants a lock exception and reads the
approval page in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.indicators.models import CollectionWindow, DerivedValue, Submission
from baiqianwan.indicators.tree import period_tree
from baiqianwan.indicators.values import Cell, submissions_ensure, values_write
from tests.factories import HUAIJI, PASSWORD, ZHAOQING
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make, unit
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser
QUERY = "?dataset=VILLAGE&period=2024"


def test_submit_approve_total_and_reporting_rate(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    world = system_make()
    dataset, period, pop = world["datasets"]["VILLAGE"], world["period"], world["ind"]["POP"]
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=period).update(
        opens_on=today - timedelta(days=10), closes_on=today + timedelta(days=10)
    )
    for name, role, code in (
        ("sg-b", "village_reporter", SHANGGUO),
        ("hc-b", "town_operator", HUAICHENG),
        ("hj-b", "county_operator", HUAIJI),
        ("hq-b", "hq_admin", ZHAOQING),
    ):
        user_create(username=name, role=role, unit_code=code, password=PASSWORD)
    tree = period_tree(dataset, period)
    villages = tree.children[tree.node_by_code(HUAICHENG).pk]
    values_write(
        actor=None,
        dataset=dataset,
        period=period,
        cells=[Cell(v, pop.pk, 1000.0) for v in villages]
        + [Cell(unit(SHANGGUO).pk, world["ind"]["GREEN"].pk, 120.0)],
        source="form",
    )
    others = [v for v in villages if v != unit(SHANGGUO).pk]
    submissions_ensure(dataset, period, villages)
    Submission.objects.filter(unit_id__in=others).update(state="approved")

    sign_in_as(page, live_server, "sg-b")
    page.goto(live_server.url + "/indicators/status/" + QUERY)
    assert "绿化覆盖率不超过100" in page.inner_text("[data-testid=check]")
    shot(page, "indicators-workflow-01-village-report")
    page.click("[data-testid=submit]")
    page.wait_for_selector(".alert-success")
    assert "已报送" in page.inner_text("[data-testid=own]")

    sign_in_as(page, live_server, "hc-b")
    page.goto(live_server.url + "/indicators/approvals/" + QUERY)
    shot(page, "indicators-workflow-02-town-approvals")
    page.click(f"[data-testid=approve-{SHANGGUO}]")
    page.wait_for_selector(".alert-success")
    assert Submission.objects.get(unit=unit(SHANGGUO)).state == "approved"
    page.click("[data-testid=own-link]")
    page.click("[data-testid=submit]")
    page.wait_for_selector(".alert-success")
    shot(page, "indicators-workflow-03-town-total-submitted")

    sign_in_as(page, live_server, "hj-b")
    page.goto(live_server.url + "/indicators/approvals/" + QUERY)
    page.click(f"[data-testid=approve-{HUAICHENG}]")
    page.wait_for_selector(".alert-success")
    shot(page, "indicators-workflow-04-county-approvals")
    county_pop = DerivedValue.objects.get(unit=unit(HUAIJI), indicator=pop, period=period)
    assert county_pop.value == 1000.0 * len(villages)

    sign_in_as(page, live_server, "hq-b")
    page.goto(live_server.url + "/indicators/reporting/" + QUERY)
    assert "怀集县" in page.inner_text("[data-testid=reporting]")
    shot(page, "indicators-workflow-05-reporting-rate")
    page.goto(live_server.url + "/indicators/lock-exceptions/" + QUERY)
    page.fill("#id_unit", SHANGGUO)
    page.fill("#id_until", (today + timedelta(days=30)).isoformat())
    page.fill("#id_reason", "洪灾影响，延期填报")
    page.click("[data-testid=grant-submit]")
    page.wait_for_selector(".alert-success")
    assert "洪灾影响" in page.inner_text("[data-testid=exceptions]")
    shot(page, "indicators-workflow-06-lock-exceptions")
    page.goto(live_server.url + "/indicators/approvals/" + QUERY)
    page.click("[data-testid=language-en]")
    page.wait_for_selector("html[lang=en]")
    assert "Approval" in page.inner_text("h1")
    shot(page, "indicators-workflow-07-hq-approvals-en")
