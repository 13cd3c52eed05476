"""A town operator downloads the village template, fills it, uploads it, sees the problems,
fixes them, previews the change and stores it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.indicators.models import CollectionWindow, DataValue
from tests.factories import PASSWORD
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make
from tests.web.conftest import shot, workbook_choose
from tests.web.test_units_browser import sign_in

pytestmark = pytest.mark.browser


def _filled(path, values) -> bytes:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=6):
        if row[0].value == SHANGGUO:
            for column, value in values.items():
                row[column].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_download_fill_upload_preview_store(page, live_server, zhaoqing, tmp_path):  # type: ignore[no-untyped-def]
    world = system_make()
    CollectionWindow.objects.filter(period=world["period"]).update(
        closes_on=timezone.localdate() + timedelta(days=30)
    )
    user_create(username="hc-town", role="town_operator", unit_code=HUAICHENG, password=PASSWORD)
    sign_in(page, live_server, "hc-town", then="/indicators/workbook/")
    workbook_choose(page, "VILLAGE", HUAICHENG)
    shot(page, "excel-01-choose")
    with page.expect_download() as download_info:
        page.click("[data-testid=download-template]")
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    assert openpyxl.load_workbook(template).sheetnames[:2] == ["村级报表", "说明"]

    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(_filled(template, {4: "12,3", 5: "1,234"}))
    page.set_input_files("[data-testid=upload-file]", str(wrong))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/indicators/uploads/\d+/$"))
    problems = page.inner_text("[data-testid=problems]")
    assert "村级报表!E" in problems and "'12,3' 不是数字" in problems
    assert page.locator("[data-testid=store]").count() == 0
    shot(page, "excel-02-problems")

    page.goto(live_server.url + "/indicators/workbook/")
    workbook_choose(page, "VILLAGE", HUAICHENG)
    right = tmp_path / "right.xlsx"
    right.write_bytes(_filled(template, {4: "１２３４", 5: "1,234", 8: "是"}))
    page.set_input_files("[data-testid=upload-file]", str(right))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/indicators/uploads/\d+/$"))
    assert page.inner_text("[data-testid=count-new]").endswith("3")
    assert page.locator("[data-testid=change]").count() == 3
    assert not DataValue.objects.exists()
    shot(page, "excel-03-preview")

    page.click("[data-testid=store]")
    page.wait_for_selector("[data-testid=upload-state][data-state=stored]")
    assert DataValue.objects.count() == 3
    shot(page, "excel-04-stored")

    page.click("[data-testid=language-en]")
    page.wait_for_selector("text=What was stored")
    shot(page, "excel-05-stored-en")
    page.goto(live_server.url + "/indicators/workbook/?dataset=VILLAGE")
    shot(page, "excel-06-choose-en")
