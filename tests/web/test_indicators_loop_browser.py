"""The whole collection loop in Chromium, as the issue names it: a town operator downloads the
village template, fills it, uploads it, previews and stores it; the villages submit (上郭 in
the browser, the others through the same flow service); the town approves them all and submits
its total; the county approves the total, and the county's total changes to the uploaded sum."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.services import user_create
from baiqianwan.indicators.flows import submission_submit
from baiqianwan.indicators.models import CollectionWindow, DataValue, DerivedValue, Submission
from baiqianwan.units.models import Unit
from tests.factories import HUAIJI, PASSWORD
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make, unit
from tests.web.conftest import shot, sign_in_as, workbook_choose

pytestmark = pytest.mark.browser
QUERY = "?dataset=VILLAGE&period=2024"
FIRST_DATA_ROW = 6  # the template's title and header rows come first


def _fill_population(path, populations) -> bytes:  # type: ignore[no-untyped-def]
    """Every village row's 户籍人口 (the POP column, found by its code in the header rows)."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = next(
        cell.column - 1
        for row in sheet.iter_rows(max_row=FIRST_DATA_ROW - 1)
        for cell in row
        if cell.value == "POP"
    )
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW):
        code = row[0].value
        if code in populations:
            row[column].value = populations[code]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_to_county_total(page, live_server, zhaoqing, tmp_path):  # type: ignore[no-untyped-def]
    world = system_make()
    dataset, period, pop = world["datasets"]["VILLAGE"], world["period"], world["ind"]["POP"]
    today = timezone.localdate()
    CollectionWindow.objects.filter(period=period).update(
        opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=30)
    )
    for name, role, code in (
        ("loop-village", "village_reporter", SHANGGUO),
        ("loop-town", "town_operator", HUAICHENG),
        ("loop-county", "county_operator", HUAIJI),
    ):
        user_create(username=name, role=role, unit_code=code, password=PASSWORD)
    villages = list(
        Unit.objects.current().filter(parent=unit(HUAICHENG), level="village").order_by("code")
    )
    populations = {v.code: 1000 + 10 * n for n, v in enumerate(villages)}
    expected_total = float(sum(populations.values()))

    # Download the template, fill every village's population, upload, preview, store.
    sign_in_as(page, live_server, "loop-town", then="/indicators/workbook/")
    workbook_choose(page, "VILLAGE", HUAICHENG)
    with page.expect_download() as download:
        page.click("[data-testid=download-template]")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill_population(template, populations))
    page.set_input_files("[data-testid=upload-file]", str(filled))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url(re.compile(r"/indicators/uploads/\d+/$"))
    assert page.inner_text("[data-testid=count-new]").endswith(str(len(villages)))
    assert not DataValue.objects.exists()  # a preview stores nothing
    shot(page, "loop-01-preview")
    page.click("[data-testid=store]")
    page.wait_for_selector("[data-testid=upload-state][data-state=stored]")
    assert DataValue.objects.filter(indicator=pop).count() == len(villages)

    # 上郭 submits in the browser; the town's other villages through the same service.
    sign_in_as(page, live_server, "loop-village", then="/indicators/status/" + QUERY)
    page.click("[data-testid=submit]")
    page.wait_for_selector(".alert-success")
    town_operator = User.objects.get(username="loop-town")
    for village in villages:
        if village.code != SHANGGUO:
            submission_submit(actor=town_operator, dataset=dataset, period=period, unit=village)

    # The town approves every village at once: the county total appears with the approval.
    assert not DerivedValue.objects.filter(unit=unit(HUAIJI), indicator=pop).exists()
    sign_in_as(page, live_server, "loop-town", then="/indicators/approvals/" + QUERY)
    page.check("#id_all")
    page.click("[data-testid=bulk-approve]")
    page.wait_for_selector(".alert-success")
    assert set(Submission.objects.filter(unit__in=villages).values_list("state", flat=True)) == {
        "approved"
    }
    shot(page, "loop-02-town-approved")
    fresh = DerivedValue.objects.get(unit=unit(HUAIJI), indicator=pop, period=period)
    assert fresh.value == expected_total
    # The town submits its total, which the county approves.
    page.click("[data-testid=own-link]")
    page.click("[data-testid=submit]")
    page.wait_for_selector(".alert-success")

    sign_in_as(page, live_server, "loop-county", then="/indicators/approvals/" + QUERY)
    page.click(f"[data-testid=approve-{HUAICHENG}]")
    page.wait_for_selector(".alert-success")
    assert Submission.objects.get(dataset=dataset, period=period, unit=unit(HUAICHENG)).state == (
        "approved"
    )
    county = DerivedValue.objects.get(unit=unit(HUAIJI), indicator=pop, period=period)
    assert county.value == expected_total
    assert county.reported == len(villages)
    shot(page, "loop-03-county-approved")
