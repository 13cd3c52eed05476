"""In Chromium, in Chinese, through the pages only: the whole supervision loop.

Headquarters pastes a task list, makes a plan of its ledger, matches the name the register
lacks, assigns every task to every county and issues the plan; 怀集县 splits one task to two
towns and reports on another with a picture; headquarters returns the report; the clock (the
daily pass, run for a chosen day) turns the late tasks red; a notice on one of them goes
unanswered and climbs to the city; the wall chart shows it all, on screen and on paper.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from tests.factories import HUAIJI, PASSWORD, ZHAOQING
from tests.web.conftest import ARTIFACTS, shot

pytestmark = pytest.mark.browser

COUNTIES = 8  # the districts, counties and county-level city directly below 肇庆市
UNMATCHED = "市预制菜产业推进专班"


def month_end(day: date) -> date:
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return following - timedelta(days=1)


def task_list(soon: date, later: date) -> str:
    """Four numbered tasks: two due at the end of next month (`soon`), two at the end of the
    year after it (`later`); the last names a lead the register lacks."""
    near = f"{soon.year}年{soon.month}月底前"
    far = f"{later.year}年底前"
    return f"""肇庆市“百千万工程”冬春攻坚重点任务清单
一、突出典型镇村培育
1.加快推进典型镇村建设，完成典型村创建10个。（市农业农村局牵头，市财政局配合）完成时限：{near}。
2.持续深化农村人居环境整治，农村生活污水治理率达到65%，{near}完成。（牵头单位：市生态环境局；配合单位：市住房城乡建设局）
二、突出产业突围
3.完善县域商业体系，新建镇级商贸中心5个，{far}完成。（牵头单位：市商务局；配合单位：市财政局）
4.推动预制菜产业园扩能提质，{far}完成。（牵头单位：{UNMATCHED}）
"""


def tiny_png() -> bytes:
    """A 2 × 2 red picture, written byte by byte."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _row in range(2)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@contextmanager
def second_tab(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Another person's browser: its own cookies, watched for errors as the `page` fixture is."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield tab
    finally:
        context.close()
    assert not [e for e in errors if "favicon" not in e], errors


def sign_in(tab, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    tab.goto(live_server.url + "/accounts/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("[data-testid=sign-in]")
    tab.wait_for_url(re.compile(r"/plans/mine/$"))


def bell(tab) -> int:  # type: ignore[no-untyped-def]
    found = tab.locator("[data-testid=bell-count]")
    return int(found.inner_text().split()[0]) if found.count() else 0


def count(tab, light: str) -> int:  # type: ignore[no-untyped-def]
    """The number on a light's badge above the task tree ("逾期 16")."""
    return int(tab.inner_text(f"[data-testid=plan-counts] [data-testid=count-{light}]").split()[-1])


def test_the_supervision_loop(page, browser, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    soon = month_end(month_end(today) + timedelta(days=1))  # the end of next month
    later = date(soon.year + 1, 12, 31)
    call_command("departments_load", "--zhaoqing")
    user_create(username="zq-loop", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    user_create(username="hj-loop", role="county_operator", unit_code=HUAIJI, password=PASSWORD)

    # 1. Headquarters: paste, review the ledger, make the plan, match, assign, issue.
    sign_in(page, live_server, "zq-loop")
    page.click("nav >> text=文件导入")
    page.click("[data-testid=intake-new]")
    page.fill("textarea[name=text]", task_list(soon, later))
    page.click("[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/intake/\d+/$"))
    rows = page.locator("[data-testid=ledger] tbody tr")
    assert rows.count() == 4
    leads = [rows.nth(n).locator("input[name$='-lead']").input_value() for n in range(4)]
    assert leads == ["市农业农村局", "市生态环境局", "市商务局", UNMATCHED]
    assert rows.nth(0).locator("textarea").input_value().startswith("加快推进典型镇村建设")
    lost = page.locator(".bqw-card:has-text('缺失字符')").first
    assert lost.locator(".bqw-count").inner_text() == "0"
    assert "border-warning" not in (lost.get_attribute("class") or "")  # nothing lost: no alarm
    shot(page, "loop-01-ledger")
    page.click("[data-testid=make-plan] button")
    page.wait_for_url(re.compile(r"/plans/\d+/parties/$"))
    unmatched = page.locator("[data-testid=unmatched-name]")
    assert unmatched.count() == 1 and UNMATCHED in unmatched.inner_text()
    assert page.inner_text("[data-testid=unmatched] thead").split() == [
        "原文写法",
        "所在台账行",
        "匹配为",
    ]
    shot(page, "loop-02-unmatched")
    unmatched.locator("select[name=choice]").select_option(label="市农业农村局（肇庆市）")
    unmatched.locator("button").click()
    page.wait_for_selector("[data-testid=all-matched]")
    assert (
        page.inner_text("[data-testid=message]") == f"“{UNMATCHED}”已在 1 处匹配为 市农业农村局。"
    )
    page.click("[data-testid=parties-done]")
    page.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan_url = page.url
    assert page.inner_text("[data-testid=plan-status]") == "草稿"
    assert page.inner_text("[data-testid=plan-nav] .active") == "任务清单"
    # The draft runs until its latest dated task, the end of the year after next.
    assert f"{today.year}–{later.year}" in page.inner_text("[data-testid=plan-header]")
    assert "尚未分派给任何单位" in page.inner_text("[data-testid=plan-problems]")
    page.click("[data-testid=nav-assign]")
    page.check("#all-units")
    assert page.is_checked("#all-tasks")
    shot(page, "loop-03-assign")
    page.click("[data-testid=assign-submit]")
    page.wait_for_url(plan_url)
    assert page.inner_text("[data-testid=message]").startswith(f"已分解 {4 * COUNTIES} 项")
    page.click("[data-testid=plan-issue]")
    page.wait_for_selector("text=方案已印发。")
    assert page.inner_text("[data-testid=plan-status]") == "已印发"
    assert count(page, "green") == 4 * COUNTIES and count(page, "red") == 0
    shot(page, "loop-04-issued")

    with second_tab(browser, live_server) as county:
        # 2. 怀集县: split task 1 to two towns, report on task 2 with a picture.
        sign_in(county, live_server, "hj-loop")
        assert county.inner_text("[data-testid=count-to-report]") == "4"
        bell_before = bell(county)
        shot(county, "loop-05-county-mine")
        county.click("[data-testid=to-report] >> text=1 · 怀集县")
        county.wait_for_url(re.compile(r"/plans/assignments/\d+/$"))
        towns = county.locator("[data-testid=split-form] input.split-unit")
        chosen = [
            towns.nth(n).locator("xpath=following-sibling::label").inner_text() for n in (0, 1)
        ]
        towns.nth(0).check()
        towns.nth(1).check()
        county.click("[data-testid=split-submit]")
        county.wait_for_selector("[data-testid=children]")
        children = county.locator("[data-testid=child]")
        assert children.count() == 2
        assert [children.nth(n).locator("a").inner_text() for n in (0, 1)] == chosen
        shot(county, "loop-06-split")

        county.click("nav >> text=我的任务")
        county.click("[data-testid=to-report] >> text=2 · 怀集县")
        county.wait_for_url(re.compile(r"/plans/assignments/\d+/$"))
        report_url = county.url
        county.fill("#report-text", "已完成12个行政村污水管网铺设，3座处理设施进入调试。")
        county.fill("#report-percent", "40")
        county.set_input_files(
            "#report-files",
            files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": tiny_png()}],
        )
        county.click("[data-testid=report-submit]")
        county.wait_for_selector("[data-testid=report]")
        report = county.locator("[data-testid=report]")
        assert "40%" in report.inner_text()
        assert county.inner_text("[data-testid=report-state]") == "待审核"
        assert county.inner_text("[data-testid=evidence] a") == "现场照片.png"
        shot(county, "loop-07-reported")

        # 3. Headquarters returns it; the county finds it under 退回 and the bell rings.
        page.click("nav >> text=我的任务")
        review = page.locator("[data-testid=to-review] [data-testid=mine-item]")
        assert review.count() == 1 and "40%" in review.inner_text()
        shot(page, "loop-08-hq-to-review")
        review.locator("a").first.click()
        page.fill("#review-comment", "佐证材料不足，请补充污水处理设施调试记录后重新报送。")
        page.click("[data-testid=review-return]")
        page.wait_for_selector("text=报送已退回，并附您的意见。")
        assert page.inner_text("[data-testid=report-state]") == "已退回"
        shot(page, "loop-09-returned")

        county.click("nav >> text=我的任务")
        assert county.inner_text("[data-testid=count-returned]") == "1"
        returned = county.inner_text("[data-testid=returned]")
        assert "2 · 怀集县" in returned and "佐证材料不足" in returned
        assert bell(county) == bell_before + 1
        shot(county, "loop-10-county-returned")
        county.set_viewport_size({"width": 390, "height": 844})
        county.reload()
        widths = county.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1] == 390, widths
        shot(county, "loop-11-county-mine-390")

        # 4. The clock: the day after the deadline, tasks 1 and 2 are red in every county.
        call_command("plans_daily", "--date", (soon + timedelta(days=1)).isoformat())
        page.goto(plan_url)
        assert count(page, "red") == 2 * COUNTIES
        # Tasks 3 and 4 are not late, but last month's report is missing everywhere.
        assert count(page, "yellow") == 2 * COUNTIES and count(page, "green") == 0
        lights = page.locator("[data-testid=task-row]")
        assert [lights.nth(n).get_attribute("data-light") for n in range(4)][:2] == ["red", "red"]
        shot(page, "loop-12-red")

        page.goto(report_url)
        assert "逾期" in page.inner_text("[data-testid=assignment]")
        page.click("[data-testid=notice-new]")
        reply_by = today + timedelta(days=7)
        page.fill("#id_text", "第2项任务已逾期且报送被退回，请于期限内书面说明原因及整改措施。")
        page.fill("#id_reply_by", reply_by.isoformat())
        page.click("[data-testid=notice-issue]")
        page.wait_for_selector("[data-testid=notice-paper]")
        notice_url = page.url
        assert page.inner_text("[data-testid=notice-state]") == "待回复"
        assert reply_by.isoformat() in page.inner_text("[data-testid=notice-paper]")
        steps, close = (
            page.locator("h2:text-is('办理过程')"),
            page.locator("h2:text-is('办结督办单')"),
        )
        assert steps.bounding_box()["y"] == close.bounding_box()["y"]  # level, side by side
        shot(page, "loop-13-notice")

        county.reload()
        assert county.inner_text("[data-testid=count-notices]") == "1"

    # Nobody answers: past reply-by and the grace, the notice climbs to the city.
    call_command("plans_daily", "--date", (soon + timedelta(days=10)).isoformat())
    page.goto(notice_url)
    assert page.inner_text("[data-testid=notice-state]") == "已升级督办"
    escalated = page.locator("[data-testid=notice-steps] [data-step=escalated]")
    assert escalated.count() == 1 and "肇庆市" in escalated.inner_text()
    assert "系统自动" in escalated.inner_text()
    assert "已升级至肇庆市" in page.inner_text("[data-testid=notice-paper]")
    shot(page, "loop-14-escalated")

    # 5. The wall chart: tasks 1 and 2 red, on screen and on paper; every county red.
    page.goto(plan_url + "board/")
    board = page.locator("[data-testid=board-row]")
    assert board.count() == 4
    lights = [board.nth(n).get_attribute("data-light") for n in range(4)]
    assert lights == ["red", "red", "yellow", "yellow"]
    years = page.locator("[data-testid=board] .bqw-axis-year")
    assert years.all_inner_texts() == [str(y) for y in range(today.year, later.year + 1)]
    clipped = "e => e.scrollWidth > e.clientWidth"
    assert not any(years.nth(n).evaluate(clipped) for n in range(years.count()))
    # The deadline as written sits on one line of its column.
    meta = page.locator("[data-testid=board-row] .bqw-board-meta").first
    lines = "e => { const r = document.createRange(); r.selectNodeContents(e.firstChild); "
    lines += "return r.getClientRects().length; }"
    assert meta.evaluate(lines) == 1
    shot(page, "loop-15-board")
    page.emulate_media(media="print")
    assert not page.locator("[data-testid=plan-nav]").is_visible()
    assert not page.locator("[data-testid=plan-title]").is_visible()  # the chart's heading has it
    assert page.locator("[data-testid=board] h2").inner_text().startswith("挂图作战 · 肇庆市")
    shot(page, "loop-16-board-print")
    page.emulate_media(media="screen")
    page.click("[data-testid=board-by-county]")
    page.wait_for_url(re.compile(r"by=county"))
    counties = page.locator("[data-testid=board-row]")
    assert counties.count() == COUNTIES
    assert page.locator("[data-testid=board-row][data-light=red]").count() == COUNTIES
    page.screenshot(path=str(ARTIFACTS / "loop-17-board-by-county.png"), full_page=True)
