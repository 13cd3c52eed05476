"""A county operator sees the bell's count, marks one notification read (the bell follows
without a reload), opens another (it leads to its page) and marks the rest read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from baiqianwan.accounts.services import user_create
from baiqianwan.notifications.services import notification_send
from tests.factories import HUAIJI, PASSWORD
from tests.web.conftest import shot

pytestmark = pytest.mark.browser


def test_the_bell_and_the_list(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    operator = user_create(
        username="hj-op", role="county_operator", unit_code=HUAIJI, password=PASSWORD
    )
    for title, kind, url in (
        ("任务“绿美肇庆”临近期限", "due_soon", ""),
        ("进展报告被退回", "returned", ""),
        ("督办通知：怀集县", "notice", f"/units/{HUAIJI}/"),
    ):
        notification_send(user=operator, kind=kind, title=title, url=url)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "hj-op")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    assert page.inner_text("[data-testid=bell-count]").startswith("3")

    page.click("[data-testid=bell]")
    page.wait_for_selector("[data-testid=notifications]")
    assert "督办通知" in page.inner_text("[data-testid=notifications]")
    shot(page, "notifications-01-list")
    page.locator("[data-testid=mark-read]").last.click()  # the oldest
    expect(page.locator("[data-testid=bell-count]")).to_have_text(re.compile(r"^2\b"))
    assert page.locator("[data-testid=mark-read]").count() == 2

    page.click("text=督办通知：怀集县")
    page.wait_for_url(f"**/units/{HUAIJI}/")
    assert page.inner_text("[data-testid=bell-count]").startswith("1")

    page.goto(live_server.url + "/notifications/")
    page.click("[data-testid=read-all]")
    page.wait_for_selector("[data-testid=message]")
    assert page.locator("[data-testid=bell-count]").count() == 0
    assert page.locator("[data-testid=mark-read]").count() == 0
    shot(page, "notifications-02-all-read")
