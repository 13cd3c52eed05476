"""The system administrator creates an account on the web; its one-time password opens only
the password page until the new user has chosen their own."""

from __future__ import annotations

import re

import pytest

from baiqianwan.accounts.services import user_create
from tests.factories import PASSWORD, ZHAOQING
from tests.web.conftest import shot

pytestmark = pytest.mark.browser


def test_create_an_account_and_sign_in_with_its_one_time_password(  # type: ignore[no-untyped-def]
    page, browser, live_server, zhaoqing
):
    user_create(
        username="zq-sys",
        role="system_admin",
        unit_code=ZHAOQING,
        password=PASSWORD,
        person_id="ZQ-9",
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "zq-sys")
    page.fill("#id_password", PASSWORD)
    page.click("[data-testid=sign-in]")
    page.click("[data-testid=create-account]")
    page.fill("#id_username", "li-si")
    page.fill("#id_full_name", "李四")
    page.select_option("#id_role", "town_operator")
    page.fill("#id_unit", "怀城")
    page.click("[data-testid=create]")
    page.wait_for_selector("[data-testid=one-time-password]")
    shot(page, "accounts-01-created")
    one_time = page.inner_text("[data-testid=one-time-password] code").strip()
    assert "怀城街道" in page.content() and len(one_time) >= 16

    context = browser.new_context(locale="zh-CN")
    newcomer = context.new_page()
    newcomer.goto(live_server.url + "/accounts/login/")
    newcomer.fill("#id_username", "li-si")
    newcomer.fill("#id_password", one_time)
    newcomer.click("[data-testid=sign-in]")
    newcomer.goto(live_server.url + "/units/")
    assert newcomer.url.endswith("/accounts/password/")
    assert newcomer.is_visible("[data-testid=must-change]")
    shot(newcomer, "accounts-02-must-change")
    newcomer.fill("#id_old_password", one_time)
    newcomer.fill("#id_new_password1", "Eigenes-Passw0rt-7")
    newcomer.fill("#id_new_password2", "Eigenes-Passw0rt-7")
    newcomer.click("[data-testid=change-password]")
    newcomer.wait_for_url(re.compile(r"/plans/mine/$"))  # a town operator starts on 我的任务
    newcomer.goto(live_server.url + "/units/")
    newcomer.wait_for_selector("[data-testid=unit-name]")
    assert newcomer.inner_text("[data-testid=unit-name]") == "怀城街道"
    context.close()
