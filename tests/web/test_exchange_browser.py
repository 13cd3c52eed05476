"""The 「数据交换」 page in a browser: download a tidy CSV, change it, upload it, read the
preview, store it; then a file with a bad value is refused at its row; and the page in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baiqianwan.accounts.services import user_create
from baiqianwan.indicators.models import CollectionWindow, DataValue
from baiqianwan.indicators.values import Cell, values_write
from tests.factories import PASSWORD
from tests.indicators.factories import HUAICHENG, system_make, unit
from tests.web.conftest import shot, sign_in_as

pytestmark = pytest.mark.browser


def test_download_change_upload_preview_store(page, live_server, zhaoqing, tmp_path):  # type: ignore[no-untyped-def]
    world = system_make()
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=world["period"]).update(
        opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=30)
    )
    user_create(username="town-x", role="town_operator", unit_code=HUAICHENG, password=PASSWORD)
    villages = list(unit(HUAICHENG).children.filter(valid_to__isnull=True).order_by("code")[:2])
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(v.pk, world["ind"]["POP"].pk, 1000 + n) for n, v in enumerate(villages)],
        source="demo",
    )

    sign_in_as(page, live_server, "town-x")
    page.goto(f"{live_server.url}/indicators/exchange/")
    page.select_option("#dl-format", "csv")
    page.select_option("#dl-dataset", "VILLAGE")
    page.select_option("#dl-period", "2024")
    shot(page, "exchange-01-page")
    with page.expect_download() as info:
        page.click("[data-testid=download]")
    downloaded = tmp_path / "v.csv"
    info.value.save_as(downloaded)
    text = downloaded.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("unit_code,unit_name,period")
    changed = text.replace(",1000,", ",1100,")
    changed += f'{villages[1].code},,2024,GREEN,,"35%",,,\r\n'
    (tmp_path / "changed.csv").write_text(changed, encoding="utf-8-sig")

    page.select_option("#up-dataset", "VILLAGE")
    page.select_option("#up-period", "2024")
    page.set_input_files("#up-file", str(tmp_path / "changed.csv"))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=preview-counts]")
    assert page.inner_text("[data-testid=count-new]") == "1"
    assert page.inner_text("[data-testid=count-changed]") == "1"
    assert page.inner_text("[data-testid=count-unchanged]") == "1"
    shot(page, "exchange-02-preview")
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")
    assert "已保存" in page.inner_text(".alert-success")
    assert DataValue.objects.get(unit=villages[0], indicator__code="POP").value == 1100
    assert DataValue.objects.get(unit=villages[1], indicator__code="GREEN").value == 35

    bad = tmp_path / "bad.csv"
    bad.write_text(f'unit_code,period,indicator_code,value\n{villages[0].code},2024,POP,"12,3"\n')
    page.select_option("#up-dataset", "VILLAGE")
    page.select_option("#up-period", "2024")
    page.set_input_files("#up-file", str(bad))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=conflicts]")
    assert "第 2 行 value 列" in page.inner_text("[data-testid=conflicts]")
    assert page.locator("[data-testid=confirm]").count() == 0
    shot(page, "exchange-03-refused")

    page.goto(f"{live_server.url}/indicators/exchange/")
    page.click("#language-form button")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == "Data exchange"
    shot(page, "exchange-04-english")
