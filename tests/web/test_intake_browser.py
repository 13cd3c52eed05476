"""A person pastes a scraped plan, checks the clean text, edits the ledger and downloads it."""

from __future__ import annotations

import re

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.accounts.services import user_create
from baiqianwan.intake.models import IntakeDocument
from tests.factories import PASSWORD, ZHAOQING, shared_path
from tests.web.conftest import ARTIFACTS, shot
from tests.web.test_units_browser import sign_in

pytestmark = pytest.mark.browser


def test_paste_review_edit_and_download(page, live_server, zhaoqing, tmp_path):  # type: ignore[no-untyped-def]
    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    user_create(username="zq-office", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    sign_in(page, live_server, "zq-office")
    page.wait_for_url(re.compile(r"/plans/mine/$"))

    page.click("nav >> text=文件导入")
    page.click("[data-testid=intake-new]")
    page.fill("textarea[name=text]", sample)
    shot(page, "10-intake-paste")
    page.click("[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/intake/\d+/$"))

    clean = page.inner_text("[data-testid=clean-text]")
    assert "(jù)" not in clean and "據" not in clean and "据《西江日" in clean
    assert page.locator("[data-testid=original-text] mark.chg-annotation").count() > 100
    assert "风貌：基础" in page.inner_text("[data-testid=levers]")
    assert "建议（待确认）" in page.inner_text("[data-testid=lost-characters]")
    shot(page, "11-intake-review")

    first_lead = page.locator("[data-testid=ledger] tbody tr").first.locator("input[name$='-lead']")
    first_lead.fill("市农业农村局")
    page.click("[data-add-row]")
    page.locator("[data-testid=ledger] tbody tr").last.locator("textarea").fill("建立月调度机制")
    rows_before = page.locator("[data-testid=ledger] tbody tr").count()
    page.click("[data-testid=save-ledger]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=ledger] tbody tr").count() == rows_before
    document = IntakeDocument.objects.get()
    assert document.ledger["rows"][0]["lead"] == ["市农业农村局"]
    assert document.ledger["rows"][-1]["task"] == "建立月调度机制"
    shot(page, "12-intake-saved")

    with page.expect_download() as download_info:
        page.click("[data-testid=download-xlsx]")
    path = tmp_path / "ledger.xlsx"
    download_info.value.save_as(path)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("任务台账").to_python()
    assert rows[3][3] == "市农业农村局"
    assert rows[-1][2] == "建立月调度机制"


def test_a_two_million_character_text_opens_in_parts(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from tests.intake.test_at_size import document_make

    user = user_create(username="zq-big", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    text = "".join(f"〔{n:07d}〕" for n in range(2_000_000 // 9))
    document = document_make(user, text, rows=2100)
    sign_in(page, live_server, "zq-big")
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    page.goto(f"{live_server.url}/intake/{document.pk}/")
    original = page.locator("[data-testid=original-text]")
    assert original.inner_text().startswith("〔0000000〕")
    assert "〔0002223〕" not in original.inner_text()  # the second part starts at 20,000
    assert "第 1 / 100 部分" in page.inner_text("[data-testid=original-parts]")
    page.click("[data-testid=original-next]")
    page.wait_for_selector("text=第 2 / 100 部分")
    assert "〔0002223〕" in page.inner_text("[data-testid=original-text]")
    assert page.inner_text("[data-testid=clean-text]").startswith("〔0000000〕")
    assert "2,100" in page.inner_text("[data-testid=ledger-too-long]") or "2100" in page.inner_text(
        "[data-testid=ledger-too-long]"
    )
    page.click("[data-testid=ledger-next]")
    page.wait_for_selector("text=第101项任务")
    shot(page, "13-intake-two-million")


def test_a_large_text_shows_progress_until_it_is_done(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from baiqianwan.intake.choices import IntakeStatus
    from baiqianwan.intake.services import intake_process
    from tests.intake.test_at_size import document_make

    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    user = user_create(username="zq-wait", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    document = document_make(user, sample)
    IntakeDocument.objects.filter(pk=document.pk).update(
        status=IntakeStatus.QUEUED, progress=0, clean_text="", ledger={}, task_count=0
    )
    sign_in(page, live_server, "zq-wait")
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    page.goto(f"{live_server.url}/intake/{document.pk}/")
    assert page.inner_text("[data-testid=intake-progress]") == "0%"
    assert page.locator("[data-testid=ledger-form]").count() == 0
    intake_process(document_id=document.pk)
    # The page asks every 2 s and reloads itself once the worker is done.
    page.wait_for_selector("[data-testid=ledger-form]", timeout=15_000)
    assert "据《西江日" in page.inner_text("[data-testid=clean-text]")


def test_the_ledger_editor_fits_a_phone(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from baiqianwan.intake.services import intake_create
    from baiqianwan.textclean.decode import DecodedText

    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    user = user_create(username="zq-phone", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    document = intake_create(
        user=user,
        decoded=DecodedText(text=sample, encoding="utf-8", kind="paste"),
        source_name="",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "zq-phone")
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    page.goto(f"{live_server.url}/intake/{document.pk}/")
    page.wait_for_selector("[data-testid=ledger-form]")
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 390, widths  # nothing sticks out sideways
    first = page.locator("[data-testid=ledger] tbody tr").first
    box = first.bounding_box()
    assert box is not None and box["width"] <= 390
    assert page.locator("[data-testid=ledger] thead").is_hidden()  # each task is a card
    first.locator("input[name$='-lead']").fill("市农业农村局")
    shot(page, "14-intake-phone")
    page.locator("[data-testid=ledger-form]").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "15-intake-phone-ledger.png"))  # the cards, as seen
    page.click("[data-testid=save-ledger]")
    page.wait_for_selector(".alert-success")
    assert IntakeDocument.objects.get().ledger["rows"][0]["lead"] == ["市农业农村局"]


def test_a_ledger_grown_past_the_limit_is_not_sent(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from tests.intake.test_at_size import document_make

    user = user_create(username="zq-long", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    document = document_make(user, "正文", rows=1999)
    sign_in(page, live_server, "zq-long")
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    page.goto(f"{live_server.url}/intake/{document.pk}/")
    page.click("[data-add-row]")
    page.locator("[data-testid=ledger] tbody tr").last.locator("textarea").fill("新增任务甲")
    page.click("[data-add-row]")
    page.locator("[data-testid=ledger] tbody tr").last.locator("textarea").fill("新增任务乙")
    page.click("[data-testid=save-ledger]")
    notice = page.locator("[data-testid=ledger-too-many]")
    notice.wait_for(state="visible")
    assert "台账最多 2000 项任务，这份有 2001 项" in notice.inner_text()
    assert page.locator("[data-testid=ledger] tbody tr").last.locator("textarea").input_value() == (
        "新增任务乙"
    )
    assert IntakeDocument.objects.get().version == 1  # nothing was sent
    page.locator("[data-testid=ledger] tbody tr").first.locator("input[name$='-delete']").check()
    page.click("[data-testid=save-ledger]")
    page.wait_for_selector(".alert-success", timeout=30_000)
    saved = IntakeDocument.objects.get()
    assert saved.version == 2 and saved.task_count == 2000
    assert saved.ledger["rows"][-1]["task"] == "新增任务乙"


def test_a_stalled_job_is_retried_from_the_page(page, live_server, zhaoqing):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from baiqianwan.intake.choices import IntakeStatus
    from baiqianwan.intake.services import intake_process
    from tests.intake.test_at_size import document_make

    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    user = user_create(username="zq-stall", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    document = document_make(user, sample)
    # A worker killed mid-job: running, no progress for an hour.
    IntakeDocument.objects.filter(pk=document.pk).update(
        status=IntakeStatus.RUNNING,
        progress=70,
        clean_text="",
        ledger={},
        task_count=0,
        updated_at=timezone.now() - timedelta(hours=1),
    )
    sign_in(page, live_server, "zq-stall")
    page.wait_for_url(re.compile(r"/plans/mine/$"))
    page.goto(f"{live_server.url}/intake/{document.pk}/")
    assert "超过 30 分钟没有进展" in page.inner_text("[data-testid=intake-stalled]")
    shot(page, "16-intake-stalled")
    page.click("[data-testid=retry]")
    page.wait_for_selector("[data-testid=intake-progress]")
    assert "已重新排队" in page.content() and page.locator("[data-testid=retry]").count() == 0
    assert IntakeDocument.objects.get(pk=document.pk).status == IntakeStatus.QUEUED
    intake_process(document_id=document.pk)
    page.wait_for_selector("[data-testid=ledger-form]", timeout=15_000)
