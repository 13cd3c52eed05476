"""DHIS2 dataValueSets JSON and the tidy CSV, both directions, and every bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.utils import timezone

from baiqianwan.core.problems import Conflict
from baiqianwan.indicators import interchange
from baiqianwan.indicators.interchange import ImportRefused
from baiqianwan.indicators.models import (
    DataSet,
    DataSetMember,
    DataValue,
    DataValueChange,
    DerivedValue,
    Period,
    Submission,
    Upload,
)
from baiqianwan.indicators.values import Cell, values_write
from tests.indicators.factories import DEQING, HUAICHENG, OPEN_DAY, system_make, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    return system_make()


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("town", "town_operator", HUAICHENG)


def _villages(n: int = 2) -> list:  # type: ignore[type-arg]
    return list(unit(HUAICHENG).children.filter(valid_to__isnull=True).order_by("code")[:n])


def _seed(town, world) -> None:  # type: ignore[no-untyped-def]
    ind = world["ind"]
    first, second = _villages()
    values_write(
        actor=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[
            Cell(first.pk, ind["POP"].pk, 1200),
            Cell(first.pk, ind["GREEN"].pk, 35.5),
            Cell(first.pk, ind["CLEAN"].pk, 1),
            Cell(second.pk, ind["POP"].pk, 800),
        ],
        source="form",
        today=OPEN_DAY,
    )


def _rows(town, world, **kwargs):  # type: ignore[no-untyped-def]
    return interchange.exchange_rows(
        user=town,
        unit=unit(HUAICHENG),
        periods=[world["period"]],
        dataset=world["datasets"]["VILLAGE"],
        **kwargs,
    )


def _import(user, items, *, dry_run=False, **kwargs):  # type: ignore[no-untyped-def]
    plan = interchange.import_plan(user=user, items=items, **kwargs)
    return interchange.import_apply(
        user=user, plan=plan, source="dhis2", dry_run=dry_run, today=OPEN_DAY
    )


def test_dhis2_export_has_dhis2s_fields(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    first, second = _villages()
    body = interchange.dhis2_export(
        rows=_rows(town, world),
        dataset=world["datasets"]["VILLAGE"],
        periods=[world["period"]],
        unit=unit(HUAICHENG),
        children=True,
    )
    assert body["dataSet"] == "VILLAGE" and body["period"] == "2024"
    assert "orgUnit" not in body  # several units: each value names its own
    values = body["dataValues"]
    assert [(v["orgUnit"], v["dataElement"], v["value"]) for v in values] == [
        (first.code, "POP", "1200"),
        (first.code, "GREEN", "35.5"),
        (first.code, "CLEAN", "true"),
        (second.code, "POP", "800"),
    ]
    keys = {"dataElement", "period", "orgUnit", "value", "storedBy", "created", "lastUpdated"}
    assert keys <= set(values[0]) and values[0]["storedBy"] == "town"
    assert values[0]["created"] <= values[0]["lastUpdated"]


def test_dhis2_round_trip_dry_run_then_store(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    body = interchange.dhis2_export(
        rows=_rows(town, world),
        dataset=world["datasets"]["VILLAGE"],
        periods=[world["period"]],
        unit=unit(HUAICHENG),
        children=True,
    )
    body["dataValues"][0]["value"] = "1,250"
    body["dataValues"][3]["deleted"] = True
    body["dataValues"].append(
        {"dataElement": "COLLECTIVE", "orgUnit": _villages()[1].code, "value": "12.5"}
    )
    items = interchange.dhis2_read(json.dumps(body))
    preview = _import(town, items, dry_run=True)
    assert preview.status == "SUCCESS" and not preview.stored
    assert (preview.imported, preview.updated, preview.deleted, preview.unchanged) == (1, 1, 1, 2)
    assert DataValue.objects.get(indicator__code="POP", unit=_villages()[0]).value == 1200
    stored = _import(town, items)
    assert stored.stored and stored.as_dhis2()["importCount"]["imported"] == 1
    assert DataValue.objects.get(indicator__code="POP", unit=_villages()[0]).value == 1250
    assert not DataValue.objects.filter(indicator__code="POP", unit=_villages()[1]).exists()
    assert DataValueChange.objects.filter(source="dhis2").count() == 3


def test_dhis2_bad_items_each_named_and_nothing_stored(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    elsewhere = unit(DEQING).children.first().children.first()
    payload = {
        "dataSet": "VILLAGE",
        "period": "2024",
        "dataValues": [
            {"dataElement": "POP", "orgUnit": first.code, "value": "100"},
            {"dataElement": "POP", "orgUnit": _villages()[1].code, "value": "12,3"},
            {"dataElement": "NOPE", "orgUnit": first.code, "value": "1"},
            {"dataElement": "POP", "orgUnit": elsewhere.code, "value": "1"},
            {"dataElement": "INCOME_PER_10K", "orgUnit": first.code, "value": "1"},
            {"dataElement": "GREEN", "orgUnit": first.code, "period": "2024X", "value": "1"},
            {
                "dataElement": "GREEN",
                "orgUnit": first.code,
                "value": "1",
                "categoryOptionCombo": "x",
            },
            {"dataElement": "POP", "orgUnit": first.code, "value": "101"},
            {"dataElement": "GREEN", "orgUnit": first.code, "value": "120"},
            {"dataElement": "CLEAN", "orgUnit": first.code, "value": "2025-01-01"},
        ],
    }
    summary = _import(town, interchange.dhis2_read(json.dumps(payload)))
    found = {c.object: c.value for c in summary.conflicts}
    assert found["dataValues[1].value"] == "'12,3' is not a number"
    assert "no indicator NOPE" in found["dataValues[2].dataElement"]
    assert "in your area" in found["dataValues[3].orgUnit"]
    assert "computed by formula" in found["dataValues[4].dataElement"]
    assert "not a period" in found["dataValues[5].period"]
    assert "disaggregations" in found["dataValues[6].categoryOptionCombo"]
    assert "dataValues[0]" in found["dataValues[7]"]
    assert "above the largest" in found["dataValues[8].value"]
    assert "not 是 or 否" in found["dataValues[9].value"]
    assert summary.status == "ERROR" and summary.conflicts_total == 9 and not summary.stored
    assert summary.imported == 0
    assert not DataValue.objects.exists() and not DataValueChange.objects.exists()


def test_dhis2_derived_items_are_ignored(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    payload = {
        "dataValues": [
            {"dataElement": "POP", "period": "2024", "orgUnit": first.code, "value": "5"},
            {
                "dataElement": "POP",
                "period": "2024",
                "orgUnit": HUAICHENG,
                "value": "500",
                "derived": "aggregate",
            },
        ]
    }
    summary = _import(town, interchange.dhis2_read(json.dumps(payload)))
    assert summary.status == "WARNING" and summary.ignored == 1 and summary.imported == 1
    assert DataValue.objects.get().unit == first


def test_dhis2_refuses_what_is_not_a_data_value_set(town, world):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match="not JSON"):
        interchange.dhis2_read(b"{oops")
    with pytest.raises(ImportRefused, match="dataValues"):
        interchange.dhis2_read(b'{"values": []}')
    with pytest.raises(ImportRefused, match="only CODE"):
        interchange.dhis2_read(b'{"dataValues": []}', options={"idScheme": "UID"})
    with pytest.raises(ImportRefused, match="only CODE"):
        interchange.dhis2_read(b'{"orgUnitIdScheme": "name", "dataValues": []}')
    with pytest.raises(ImportRefused, match="at most"):
        interchange.dhis2_read(b" " * (interchange.MAX_IMPORT_BYTES + 1))


def test_closed_period_is_a_conflict_of_the_whole_group(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    payload = {
        "dataValues": [
            {"dataElement": "POP", "period": "2024", "orgUnit": first.code, "value": "5"},
            {"dataElement": "POP", "period": "2023", "orgUnit": first.code, "value": "4"},
        ]
    }
    summary = _import(town, interchange.dhis2_read(json.dumps(payload)))
    assert summary.conflicts_total == 1
    assert "closed for entry" in summary.conflicts[0].value
    assert summary.conflicts[0].indexes == [1]
    assert not DataValue.objects.exists()  # the open 2024 part was not kept either


def test_csv_export_bom_header_and_formula_guard(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    pop = world["ind"]["POP"]
    pop.name, pop.measure = '=HYPERLINK("http://x")', "@人"
    pop.save()
    first = _villages()[0]
    DerivedValue.objects.create(
        indicator=pop,
        unit=unit(HUAICHENG),
        period=world["period"],
        value=-2000,
        kind="aggregate",
        computed_at=timezone.now(),
    )
    data = interchange.csv_export(_rows(town, world, derived=True))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(interchange.CSV_COLUMNS)
    assert rows[1][0] == HUAICHENG  # the town's total comes before its villages
    first_row = dict(zip(rows[0], rows[2], strict=True))
    assert first_row["unit_code"] == first.code and first_row["value"] == "1200"
    assert first_row["indicator_name"] == '\'=HYPERLINK("http://x")'
    assert first_row["measure"] == "'@人" and first_row["derived"] == ""
    total = [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == HUAICHENG]
    assert total[0]["value"] == "-2000" and total[0]["derived"] == "aggregate"
    for row in rows[1:]:
        for cell in row[:5] + row[6:]:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_csv_round_trip_is_unchanged_and_skips_derived(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    DerivedValue.objects.create(
        indicator=world["ind"]["POP"],
        unit=unit(HUAICHENG),
        period=world["period"],
        value=2000,
        kind="aggregate",
        computed_at=timezone.now(),
    )
    data = interchange.csv_export(_rows(town, world, derived=True))
    summary = _import(town, interchange.csv_read(data))
    assert (summary.unchanged, summary.ignored, summary.imported) == (4, 1, 0)
    assert summary.status == "WARNING"


def test_csv_bad_rows_named_by_row_and_column(town, world):  # type: ignore[no-untyped-def]
    first, second = _villages()
    text = (
        "unit_code,period,indicator_code,value\n"
        f"{first.code},2024,POP,1 234\n"
        f'{second.code},2024,POP,"12,3"\n'
        f"{first.code},2024,GREEN,35%\n"
        f",2024,POP,3\n"
    )
    summary = _import(town, interchange.csv_read(text.encode()))
    assert [str(c) for c in summary.conflicts] == [
        "row 3, column value: '12,3' is not a number",
        "row 5, column unit_code: missing",
    ]
    assert not DataValue.objects.exists()


def test_csv_thousands_full_width_gbk_and_chinese_headers(town, world):  # type: ignore[no-untyped-def]
    first, second = _villages()
    text = (
        "单位代码,报告期,指标代码,数值,派生\n"
        f'{first.code},2024,POP,"1,234",\n'
        f"{second.code},2024,POP,１２３４,\n"
        f"{first.code},2024,GREEN,—,\n"
    )
    summary = _import(town, interchange.csv_read(text.encode("gb18030"), name="报表.csv"))
    assert summary.stored and (summary.imported, summary.unchanged) == (2, 1)
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [1234, 1234]


def test_csv_refuses_a_file_without_our_columns(town, world):  # type: ignore[no-untyped-def]
    with pytest.raises(ImportRefused, match="missing: indicator_code, value"):
        interchange.csv_read(b"unit_code,period\n1,2\n")
    with pytest.raises(ImportRefused, match="empty"):
        interchange.csv_read(b"")
    with pytest.raises(ImportRefused, match="twice"):
        interchange.csv_read(b"unit_code,period,indicator_code,value,value\n")
    with pytest.raises(ImportRefused, match="cannot be read as CSV"):
        interchange.csv_read(b"\x00\x01\x02PK\x03\x04" * 100)


def test_upload_preview_then_a_change_meanwhile_is_a_conflict(town, world, make_user):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    data = f"unit_code,period,indicator_code,value\n{first.code},2024,POP,10\n".encode()
    upload, summary = interchange.exchange_upload_preview(
        user=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        filename="v.csv",
        data=data,
        today=OPEN_DAY,
    )
    assert summary.imported == 1 and upload.summary["new"] == 1
    assert not DataValue.objects.exists()
    other = make_user("other", "county_operator", "441224000000")
    values_write(
        actor=other,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(first.pk, world["ind"]["POP"].pk, 99)],
        source="form",
        today=OPEN_DAY,
    )
    with pytest.raises(Conflict):
        interchange.exchange_upload_confirm(user=town, upload=upload, today=OPEN_DAY)
    assert DataValue.objects.get().value == 99
    assert Upload.objects.get().state == "conflict"


def test_upload_confirm_stores_with_the_upload_linked(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    payload = {"dataValues": [{"dataElement": "POP", "orgUnit": first.code, "value": 7}]}
    upload, _summary = interchange.exchange_upload_preview(
        user=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        filename="v.json",
        data=json.dumps(payload).encode(),
        today=OPEN_DAY,
    )
    summary = interchange.exchange_upload_confirm(user=town, upload=upload, today=OPEN_DAY)
    assert summary.stored and DataValue.objects.get().source == "dhis2"
    assert DataValueChange.objects.get().upload_id == upload.pk
    upload.refresh_from_db()
    assert upload.state == "stored" and upload.stored_at is not None
    with pytest.raises(interchange.InputError, match="upload the file again"):
        interchange.exchange_upload_confirm(user=town, upload=upload, today=OPEN_DAY)


def test_upload_for_one_period_refuses_items_of_another(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    data = f"unit_code,period,indicator_code,value\n{first.code},2023,POP,10\n".encode()
    _upload, summary = interchange.exchange_upload_preview(
        user=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        filename="v.csv",
        data=data,
        today=OPEN_DAY,
    )
    assert str(summary.conflicts[0]) == "row 2, column period: 2023 is not the period chosen (2024)"
    with pytest.raises(ImportRefused, match=r"\.json"):
        interchange.format_of("v.xlsx")


def test_exports_stay_in_the_area(town, world, make_user):  # type: ignore[no-untyped-def]
    hq = make_user("hq2", "hq_admin", "441200000000")
    elsewhere = unit(DEQING).children.first().children.first()
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(elsewhere.pk, world["ind"]["POP"].pk, 3)],
        source="demo",
    )
    _seed(town, world)
    assert all(row.unit_code.startswith("441224001") for row in _rows(town, world))
    city = interchange.exchange_rows(
        user=hq,
        unit=unit("441200000000"),
        periods=[world["period"]],
        dataset=world["datasets"]["VILLAGE"],
    )
    assert len(city) == 5
    assert interchange.number_text(0.1) == "0.1" and interchange.number_text(3.0) == "3"
    assert date(2025, 2, 1) == OPEN_DAY


def test_dhis2_export_of_one_submitted_report_has_its_complete_date(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    first = _villages()[0]
    Submission.objects.filter(unit=first).update(
        state="submitted", submitted_at=timezone.now(), submitted_by=town
    )
    body = interchange.dhis2_export(
        rows=interchange.exchange_rows(
            user=town,
            unit=first,
            periods=[world["period"]],
            dataset=world["datasets"]["VILLAGE"],
            children=False,
        ),
        dataset=world["datasets"]["VILLAGE"],
        periods=[world["period"]],
        unit=first,
        children=False,
    )
    assert body["orgUnit"] == first.code
    assert body["completeDate"] == timezone.localdate().isoformat()
    assert {v["orgUnit"] for v in body["dataValues"]} == {first.code}


def test_data_set_and_period_checks(town, world):  # type: ignore[no-untyped-def]
    first = _villages()[0]
    other = DataSet.objects.create(
        code="VILLAGE2", name="另一张村级表", level="village", owner=unit("441200000000")
    )
    other.assigned_to.add(unit("441200000000"))
    DataSetMember.objects.create(dataset=other, indicator=world["ind"]["POP"])
    Period.objects.create(
        code="2024Q1", type="quarter", start=date(2024, 1, 1), end=date(2024, 3, 31)
    )
    payload = {
        "dataValues": [
            {"dataElement": "POP", "period": "2024", "orgUnit": first.code, "value": "1"},
            {"dataSet": "NOPE", "dataElement": "GREEN", "period": "2024", "orgUnit": first.code},
            {"dataElement": "GREEN", "period": "2024Q1", "orgUnit": first.code, "value": "1"},
            {"dataElement": "GREEN", "period": "2024", "orgUnit": HUAICHENG, "value": "1"},
            {"dataElement": "GREEN", "period": "2031", "orgUnit": first.code, "value": "1"},
        ]
    }
    summary = _import(town, interchange.dhis2_read(json.dumps(payload)))
    found = {c.object: c.value for c in summary.conflicts}
    assert "several data sets (VILLAGE, VILLAGE2)" in found["dataValues[0].dataSet"]
    assert found["dataValues[1].dataSet"] == "No data set NOPE in your area"
    assert "not for 2024Q1" in found["dataValues[2].period"]
    assert found["dataValues[3].orgUnit"] == f"{HUAICHENG} does not report VILLAGE"
    assert found["dataValues[4].period"] == "no period 2031"


def test_a_submitted_report_is_refused_whole(town, world):  # type: ignore[no-untyped-def]
    _seed(town, world)
    first = _villages()[0]
    Submission.objects.filter(unit=first).update(state="submitted")
    payload = {
        "dataSet": "VILLAGE",
        "period": "2024",
        "dataValues": [
            {"dataElement": "POP", "orgUnit": _villages()[1].code, "value": "900"},
            {"dataElement": "POP", "orgUnit": first.code, "value": "1300"},
        ],
    }
    summary = _import(town, interchange.dhis2_read(json.dumps(payload)))
    assert summary.conflicts_total == 1 and "no longer open" in summary.conflicts[0].value
    assert summary.conflicts[0].object == "VILLAGE 2024" and summary.conflicts[0].indexes == [0, 1]
    assert sorted(
        DataValue.objects.filter(indicator__code="POP").values_list("value", flat=True)
    ) == [
        800,
        1200,
    ]
