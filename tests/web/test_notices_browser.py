"""In Chromium: headquarters issues a notice on a county's assignment, the county reads it
under the bell and replies, headquarters prints the 督办通知单 and closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.plans.models import Assignment, Notice
from baiqianwan.plans.services import plan_issue
from tests.factories import HUAIJI, PASSWORD, ZHAOQING
from tests.plans.factories import assigned, plan_with_tasks
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser


def test_issue_reply_print_close(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    hq = user_create(username="hq-b", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    user_create(username="hj-b", role="county_operator", unit_code=HUAIJI, password=PASSWORD)
    plan = plan_with_tasks(actor=hq, count=1, deadline=today + timedelta(days=30))
    assigned(actor=hq, plan=plan, codes=[HUAIJI], today=today)
    plan_issue(actor=hq, plan=plan, version=plan.version, today=today)
    assignment = Assignment.objects.get()

    sign_in_as(page, live_server, "hq-b")
    page.goto(f"{live_server.url}/plans/assignments/{assignment.pk}/notice/")
    page.fill("#id_text", "第1项任务进度滞后，请于期限内书面说明原因及整改措施。")
    shot(page, "notices-01-issue")
    page.click("[data-testid=notice-issue]")
    page.wait_for_selector("[data-testid=notice-paper]")
    notice = Notice.objects.get()
    paper = page.inner_text("[data-testid=notice-paper]")
    for text in (
        "督办通知单",
        notice.number,
        "致",
        "怀集县",
        "事由",
        "督办要求",
        "回复期限",
        "签发单位",
        "肇庆市",
    ):
        assert text in paper, text
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    assert not page.locator("[data-testid=notice-steps]").is_visible()
    shot(page, "notices-02-printed")
    page.emulate_media(media="screen")

    sign_in_as(page, live_server, "hj-b")
    # Two unread: the plan's issue (new tasks) and the notice.
    assert page.inner_text("[data-testid=bell-count]").startswith("2")
    page.goto(f"{live_server.url}/plans/notices/")
    page.click(f"text={notice.number}")
    page.fill("#id_reply", "已召开专题会议部署整改，本月底前完成。")
    page.click("text=发送回复")
    page.wait_for_selector("[data-testid=notice-reply]")
    assert page.inner_text("[data-testid=notice-state]") == "已回复"
    shot(page, "notices-03-replied")

    sign_in_as(page, live_server, "hq-b")
    page.goto(f"{live_server.url}/plans/notices/{notice.pk}/")
    page.click("[data-testid=notice-close-form] button")
    page.wait_for_selector("[data-testid=message]")
    assert page.inner_text("[data-testid=notice-state]") == "已办结"
    steps = page.inner_text("[data-testid=notice-steps]")
    assert "已回复" in steps and "已办结" in steps
    shot(page, "notices-04-closed")
