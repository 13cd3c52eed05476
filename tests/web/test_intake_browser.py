"""A person pastes a scraped plan, checks the clean text, edits the ledger and downloads it."""

from __future__ import annotations

import re

import pytest
from python_calamine import CalamineWorkbook

from baiqianwan.accounts.services import user_create
from baiqianwan.intake.models import IntakeDocument
from tests.factories import PASSWORD, ZHAOQING, shared_path
from tests.web.conftest import shot
from tests.web.test_units_browser import sign_in

pytestmark = pytest.mark.browser


def test_paste_review_edit_and_download(page, live_server, zhaoqing, tmp_path):  # type: ignore[no-untyped-def]
    sample = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    user_create(username="zq-office", role="hq_admin", unit_code=ZHAOQING, password=PASSWORD)
    sign_in(page, live_server, "zq-office")
    page.wait_for_selector("[data-testid=unit-name]")

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
