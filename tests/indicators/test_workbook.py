"""The Excel template and its upload: the template's shape, the stamp, and every bad input of
the issue (each a test), then preview → store all-or-nothing and the conflict of two uploads."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.indicators.models import (
    CollectionWindow,
    DataSetMember,
    DataValue,
    DataValueChange,
    Indicator,
    Submission,
    Upload,
    UploadState,
)
from baiqianwan.indicators.upload import WorkbookRefused, sheet_marks
from baiqianwan.indicators.uploads import (
    upload_check,
    upload_confirm,
    upload_create,
    upload_discard,
)
from baiqianwan.indicators.values import Cell, values_write
from baiqianwan.indicators.workbook import FIRST_DATA_ROW, STAMP_SHEET, template_build
from tests.indicators.factories import HUAICHENG, SHANGGUO, system_make, unit

pytestmark = pytest.mark.django_db

SHEET = "Village report"
# Columns: A code, B name, C town, D county, then POP, INCOME, COLLECTIVE, GREEN, CLEAN.
POP, INCOME, COLLECTIVE, GREEN, CLEAN = "E", "F", "G", "H", "I"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    found = system_make()
    # The 2024 window open today, so that the real clock's values_write accepts writes.
    CollectionWindow.objects.filter(period=found["period"]).update(
        opens_on=date(2025, 1, 1), closes_on=timezone.localdate() + timedelta(days=30)
    )
    return found


@pytest.fixture
def town(make_user):  # type: ignore[no-untyped-def]
    return make_user("town", "town_operator", HUAICHENG)


def _template(world) -> bytes:  # type: ignore[no-untyped-def]
    return template_build(
        dataset=world["datasets"]["VILLAGE"], period=world["period"], scope=unit(HUAICHENG)
    )


def _edit(data: bytes, edits) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook with `edits` ({"F7": value}) applied to the data sheet, as a user's
    spreadsheet program would save it."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    for ref, value in edits.items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows_of(data: bytes) -> list[list]:  # type: ignore[type-arg]
    return (
        CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_name(SHEET)
        .to_python(skip_empty_area=False)
    )


def _row_of(data: bytes, code: str) -> int:
    for index, row in enumerate(_rows_of(data)):
        if row and row[0] == code:
            return index + 1
    raise AssertionError(code)


def _create(user, world, data: bytes, scope: str = HUAICHENG):  # type: ignore[no-untyped-def]
    return upload_create(
        user=user,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        scope=unit(scope),
        filename="填报.xlsx",
        data=data,
    )


def _repack(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook with its data sheet's XML passed through `change` (bytes → bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            target.writestr(entry.filename, body)
    return out.getvalue()


# --- the template ----------------------------------------------------------------------------


def test_template_shape(world):  # type: ignore[no-untyped-def]
    data = _template(world)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [SHEET, "Instructions", STAMP_SHEET]
    assert book[STAMP_SHEET].sheet_state == "hidden"
    sheet = book[SHEET]
    assert sheet.protection.sheet is True
    # Dimensions merged over their indicators; fixed columns merged over the header rows.
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "E2:G2" in merged and "H2:I2" in merged and "A2:A5" in merged
    assert [sheet.cell(4, c).value for c in range(5, 10)] == [
        "POP",
        "INCOME",
        "COLLECTIVE",
        "GREEN",
        "CLEAN",
    ]
    # The computed indicator is left out.
    assert "INCOME_PER_10K" not in [sheet.cell(4, c).value for c in range(1, 12)]
    first = FIRST_DATA_ROW + 1
    code = sheet.cell(first, 1)
    assert code.data_type == "s" and code.value == HUAICHENG[:9] + "001"
    assert sheet.cell(first, 3).value == "怀城街道" and sheet.cell(first, 4).value == "怀集县"
    assert sheet.cell(first, 1).protection.locked is True
    assert sheet.cell(first, 5).protection.locked is False
    assert sheet.cell(first, 5).number_format == "0"
    assert sheet.cell(first, 6).number_format == "0.00"
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and "I" in str(lists[0].sqref)
    stamp = {row[0].value: row[1].value for row in book[STAMP_SHEET].iter_rows()}
    assert stamp["dataset"] == "VILLAGE" and stamp["period"] == "2024"
    assert stamp["scope"] == HUAICHENG and stamp["version"] == "1"
    assert "2025-01-01" in book["Instructions"]["A2"].value


def test_template_prefilled_and_formula_injection_neutralised(world, town):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[
            Cell(village.pk, world["ind"]["POP"].pk, 1234),
            Cell(village.pk, world["ind"]["CLEAN"].pk, 1),
        ],
        source="form",
    )
    village.name = '=HYPERLINK("http://x")'
    village.save(update_fields=["name"])
    data = _template(world)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    row = _row_of(data, SHANGGUO)
    assert sheet[f"{POP}{row}"].value == 1234
    assert sheet[f"{CLEAN}{row}"].value == "yes"
    name = sheet[f"B{row}"]
    assert name.data_type == "s" and name.quotePrefix
    # A re-upload of the template as downloaded changes nothing.
    upload = _create(town, world, data)
    assert upload.state == UploadState.PREVIEWED
    assert upload.summary["new"] == upload.summary["changed"] == upload.summary["cleared"] == 0
    assert upload.summary["unchanged"] > 0


# --- refusals of the whole file ---------------------------------------------------------------


def test_not_a_workbook_and_not_the_template(world, town):  # type: ignore[no-untyped-def]
    with pytest.raises(WorkbookRefused, match="not the platform's template"):
        _create(town, world, b"PK\x03\x04 not really a zip")
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    with pytest.raises(WorkbookRefused, match="not the platform's template"):
        _create(town, world, plain.getvalue())
    assert not Upload.objects.exists()


def test_older_template_version_refused(world, town):  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(_template(world)))
    stamp = book[STAMP_SHEET]
    for row in stamp.iter_rows():
        if row[0].value == "version":
            row[1].value = "0"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(WorkbookRefused, match=r"older template \(format 0; the current one is 1\)"):
        _create(town, world, out.getvalue())


def test_template_of_another_period_and_area_names_what_differs(world, make_user):  # type: ignore[no-untyped-def]
    county = make_user("county", "county_operator", HUAICHENG[:6] + "000000")
    data = _template(world)
    with pytest.raises(WorkbookRefused) as refused:
        _create(county, world, data, scope=HUAICHENG[:6] + "000000")
    assert "area 441224001000, not 441224000000" in refused.value.message
    CollectionWindow.objects.filter(period=world["previous"]).update(
        closes_on=timezone.localdate() + timedelta(days=30)
    )
    with pytest.raises(WorkbookRefused, match="period 2024, not 2023"):
        upload_create(
            user=county,
            dataset=world["datasets"]["VILLAGE"],
            period=world["previous"],
            scope=unit(HUAICHENG),
            filename="x.xlsx",
            data=data,
        )


def test_changed_indicator_list_refused(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    extra = Indicator.objects.create(
        system=world["system"], code="EXTRA", name="新指标", levels=["village"]
    )
    DataSetMember.objects.create(dataset=world["datasets"]["VILLAGE"], indicator=extra, order=9)
    with pytest.raises(WorkbookRefused, match="indicators of VILLAGE 报表 changed"):
        _create(town, world, data)


def test_zip_bomb_refused(world, town):  # type: ignore[no-untyped-def]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (64 * 2**20) + b"</a>")
    with pytest.raises(WorkbookRefused, match=r"compressed \d+ times: refused as a zip bomb"):
        _create(town, world, bomb.getvalue())


def test_xml_bomb_refused(world, town):  # type: ignore[no-untyped-def]
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )

    def bomb(xml: bytes) -> bytes:
        return laughs + xml.split(b"?>", 1)[1]

    with pytest.raises(WorkbookRefused, match=r"sheet1\.xml declares a DTD or entities"):
        _create(town, world, _repack(_template(world), bomb))


def test_too_large_refused(world, town, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("baiqianwan.indicators.uploads.MAX_UPLOAD_BYTES", 1000)
    with pytest.raises(WorkbookRefused, match="at most 0 MB"):
        _create(town, world, _template(world))


# --- problems by sheet!cell ------------------------------------------------------------------


def test_cell_problems_all_at_once(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    edited = _edit(
        data,
        {
            f"{POP}{row}": "12,3",
            f"{INCOME}{row}": "很多",
            f"{COLLECTIVE}{row}": date(2024, 5, 1),
            f"{GREEN}{row}": 120,
            f"{CLEAN}{row}": "也许",
            f"{POP}{row + 1}": "１２３４",
            f"{INCOME}{row + 1}": "1,234,567.5",
            f"{COLLECTIVE}{row + 1}": "—",
            f"{GREEN}{row + 1}": "35%",
            f"{CLEAN}{row + 1}": "是",
        },
    )
    upload = _create(town, world, edited)
    assert upload.state == UploadState.REFUSED
    assert upload.problem_count == 5
    problems = "\n".join(upload.problems)
    assert f"{SHEET}!{POP}{row}: '12,3' is not a number" in problems
    assert f"{SHEET}!{INCOME}{row}: '很多' is not a number" in problems
    assert f"{SHEET}!{COLLECTIVE}{row}:" in problems and "date" in problems
    assert f"{SHEET}!{GREEN}{row}: '120' is above the largest valid value 100" in problems
    assert f"{SHEET}!{CLEAN}{row}: '也许' is not 是 or 否" in problems
    assert f"{row + 1}" not in re.sub(rf"{SHEET}!\w{row}:", "", problems).split(SHEET)[0]
    # Nothing can be stored while there are problems.
    with pytest.raises(InputError, match="only a preview without problems"):
        upload_confirm(user=town, upload=upload)
    assert not DataValue.objects.exists()


def test_accepted_forms_are_stored(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    edited = _edit(
        data,
        {
            f"{POP}{row}": "１２３４",
            f"{INCOME}{row}": "1,234,567.5",
            f"{COLLECTIVE}{row}": "—",
            f"{GREEN}{row}": "35%",
            f"{CLEAN}{row}": "是",
        },
    )
    upload = _create(town, world, edited)
    assert upload.state == UploadState.PREVIEWED, upload.problems
    assert upload.summary["new"] == 4
    upload_confirm(user=town, upload=upload)
    village = unit(SHANGGUO)
    stored = dict(DataValue.objects.filter(unit=village).values_list("indicator__code", "value"))
    assert stored == {"POP": 1234, "INCOME": 1234567.5, "GREEN": 35, "CLEAN": 1}
    assert DataValue.objects.filter(source="excel").count() == 4
    assert set(DataValueChange.objects.values_list("upload_id", flat=True)) == {upload.pk}


def test_formulas_cached_number_kept_otherwise_refused(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    edited = _edit(
        data, {f"{POP}{row}": "=1+2", f"{INCOME}{row}": '="a"&"b"', f"{COLLECTIVE}{row}": "=1/0"}
    )

    def cached(xml: bytes) -> bytes:
        # What Excel saves: each formula with its last result.
        xml = re.sub(
            rb"<f>1\+2</f><v>[^<]*</v>|<f>1\+2</f><v\s*/>|<f>1\+2</f>", b"<f>1+2</f><v>3</v>", xml
        )
        xml = re.sub(
            rb'(<c r="%s%d"[^>]*?)(?: t="\w+")?>' % (INCOME.encode(), row), rb'\1 t="str">', xml
        )
        xml = re.sub(
            rb"(<f>&quot;a&quot;&amp;&quot;b&quot;</f>)(<v>[^<]*</v>|<v\s*/>)?",
            rb"\1<v>ab</v>",
            xml,
        )
        xml = re.sub(
            rb'(<c r="%s%d"[^>]*?)(?: t="\w+")?>' % (COLLECTIVE.encode(), row), rb'\1 t="e">', xml
        )
        return re.sub(rb"(<f>1/0</f>)(<v>[^<]*</v>|<v\s*/>)?", rb"\1<v>#DIV/0!</v>", xml)

    upload = _create(town, world, _repack(edited, cached))
    assert upload.state == UploadState.REFUSED
    problems = "\n".join(upload.problems)
    assert f"{SHEET}!{INCOME}{row}: a formula whose result is not a plain number" in problems
    assert f"{SHEET}!{COLLECTIVE}{row}: a formula whose result is not a plain number" in problems
    assert f"{POP}{row}" not in problems
    # The cached 3 alone is fine.
    only_number = _repack(_edit(data, {f"{POP}{row}": "=1+2"}), cached)
    upload = _create(town, world, only_number)
    assert upload.state == UploadState.PREVIEWED, upload.problems
    upload_confirm(user=town, upload=upload)
    assert DataValue.objects.get(unit=unit(SHANGGUO)).value == 3


def test_formula_without_a_cached_value_refused(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    upload = _create(town, world, _edit(data, {f"{POP}{row}": "=SUM(E7:E9)"}))
    assert upload.state == UploadState.REFUSED
    assert upload.problems == [
        f"{SHEET}!{POP}{row}: a formula whose result is not a plain number; enter the value"
    ]


def test_merged_and_hidden_rows_refused(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[SHEET]
    sheet.merge_cells(f"{POP}{row}:{INCOME}{row}")
    sheet.row_dimensions[row + 2].hidden = True
    out = io.BytesIO()
    book.save(out)
    upload = _create(town, world, out.getvalue())
    assert upload.state == UploadState.REFUSED
    assert (
        f"{SHEET}!{POP}{row}:{INCOME}{row}: merged cells in the data area; unmerge them"
        in upload.problems
    )
    assert (
        f"{SHEET}!{row + 2}: hidden row in the data area; show it or delete its values"
        in upload.problems
    )


def test_sheet_marks_reads_prefixed_xml():  # type: ignore[no-untyped-def]
    xml = (
        b'<x:worksheet><x:sheetData><x:row r="3"><x:c r="B3"><x:f>1+1</x:f><x:v>2</x:v></x:c>'
        b'</x:row><x:row r="7" hidden="1"/></x:sheetData><x:mergeCells>'
        b'<x:mergeCell ref="A1:C1"/><x:mergeCell ref="D8:E9"/></x:mergeCells></x:worksheet>'
    )
    marks = sheet_marks(xml, first_row=6)
    assert marks.formulas == {(2, 1)}
    assert marks.merges == ["D8:E9"] and marks.hidden_rows == [7]


def test_units_outside_scope_unknown_and_duplicates_by_row(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    rows = _rows_of(data)
    last = len(rows)
    row = _row_of(data, SHANGGUO)
    edited = _edit(
        data,
        {
            f"A{last + 1}": "441226100201",  # a village of 德庆县
            f"{POP}{last + 1}": 5,
            f"A{last + 2}": SHANGGUO,
            f"{POP}{last + 2}": 7,
            f"{POP}{last + 3}": 9,
            f"{POP}{row}": 8,
        },
    )
    upload = _create(town, world, edited)
    assert upload.state == UploadState.REFUSED
    assert upload.problems == [
        f"{SHEET}!A{last + 1}: 441226100201 is not a unit of 怀城街道 that reports here",
        f"{SHEET}!A{last + 2}: {SHANGGUO} 上郭社区居委会 is given again (first on row {row})",
        f"{SHEET}!A{last + 3}: values without a unit code",
    ]


def test_problems_are_capped_with_a_count(world, town, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("baiqianwan.indicators.upload.PROBLEMS_SHOWN", 3)
    data = _template(world)
    first = FIRST_DATA_ROW + 1
    upload = _create(town, world, _edit(data, {f"{POP}{first + i}": "x" for i in range(6)}))
    assert upload.problem_count == 6 and len(upload.problems) == 3


def test_period_closed_refused(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    CollectionWindow.objects.filter(period=world["period"]).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    upload = _create(town, world, _edit(data, {f"{POP}{row}": 10}))
    assert upload.state == UploadState.REFUSED
    assert f"{SHEET}!A{row}: 2024 closed for entry on" in upload.problems[0]


def test_period_closing_between_preview_and_store(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    upload = _create(town, world, _edit(data, {f"{POP}{row}": 10}))
    assert upload.state == UploadState.PREVIEWED
    CollectionWindow.objects.filter(period=world["period"]).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(InputError, match="closed for entry"):
        upload_confirm(user=town, upload=upload)
    upload.refresh_from_db()
    assert upload.state == UploadState.REFUSED and "closed for entry" in upload.problems[0]
    assert not DataValue.objects.exists()


def test_submitted_unit_refused_only_when_it_changes(world, town):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    Submission.objects.create(
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        unit=village,
        state="submitted",
    )
    data = _template(world)
    assert _create(town, world, data).state == UploadState.PREVIEWED
    upload = _create(town, world, _edit(data, {f"{POP}{_row_of(data, SHANGGUO)}": 3}))
    assert upload.state == UploadState.REFUSED
    assert "no longer open for changes" in upload.problems[0]


# --- preview, store, conflict ---------------------------------------------------------------


def test_preview_counts_and_changes_then_store(world, town):  # type: ignore[no-untyped-def]
    village = unit(SHANGGUO)
    pop, income, green = (world["ind"][c] for c in ("POP", "INCOME", "GREEN"))
    values_write(
        actor=None,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[
            Cell(village.pk, pop.pk, 100),
            Cell(village.pk, income.pk, 5000),
            Cell(village.pk, green.pk, 30),
        ],
        source="form",
    )
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    edited = _edit(data, {f"{POP}{row}": 120, f"{INCOME}{row}": None, f"{COLLECTIVE}{row}": 12.5})
    upload = _create(town, world, edited)
    assert upload.state == UploadState.PREVIEWED
    summary = upload.summary
    assert (summary["new"], summary["changed"], summary["cleared"]) == (1, 1, 1)
    assert summary["unchanged"] == summary["units"] * 5 - 3
    changes = {(c["indicator"], c["old"], c["new"]) for c in upload.changes}
    assert changes == {
        ("户籍人口", 100, 120),
        ("农村居民人均可支配收入", 5000, None),
        ("村集体经济收入", None, 12.5),
    }
    assert not DataValue.objects.filter(value=120).exists()  # a preview stores nothing
    stored = upload_confirm(user=town, upload=upload)
    assert stored.state == UploadState.STORED
    values = dict(DataValue.objects.filter(unit=village).values_list("indicator__code", "value"))
    assert values == {"POP": 120, "COLLECTIVE": 12.5, "GREEN": 30}
    with pytest.raises(InputError):
        upload_confirm(user=town, upload=upload)  # stored once only


def test_two_uploads_of_one_scope_one_wins_whole(world, town, make_user):  # type: ignore[no-untyped-def]
    other = make_user("town2", "town_operator", HUAICHENG)
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    first = _create(town, world, _edit(data, {f"{POP}{row}": 1, f"{POP}{row + 1}": 1}))
    second = _create(other, world, _edit(data, {f"{POP}{row}": 2, f"{POP}{row + 2}": 2}))
    upload_confirm(user=town, upload=first)
    with pytest.raises(Conflict, match="since you read them; nothing was stored"):
        upload_confirm(user=other, upload=second)
    second.refresh_from_db()
    assert second.state == UploadState.CONFLICT
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [1, 1]


def test_a_change_after_the_preview_is_a_conflict(world, town):  # type: ignore[no-untyped-def]
    data = _template(world)
    row = _row_of(data, SHANGGUO)
    upload = _create(town, world, _edit(data, {f"{POP}{row}": 5}))
    values_write(
        actor=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        cells=[Cell(unit(SHANGGUO).pk, world["ind"]["POP"].pk, 6)],
        source="form",
    )
    with pytest.raises(Conflict):
        upload_confirm(user=town, upload=upload)
    assert DataValue.objects.get().value == 6


def test_only_the_uploader_stores_and_discard(world, town, make_user):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    other = make_user("town2", "town_operator", HUAICHENG)
    data = _template(world)
    upload = _create(town, world, _edit(data, {f"{POP}{_row_of(data, SHANGGUO)}": 5}))
    with pytest.raises(PermissionDenied):
        upload_confirm(user=other, upload=upload)
    upload_discard(user=town, upload=upload)
    assert Upload.objects.get().state == UploadState.DISCARDED
    with pytest.raises(InputError):
        upload_confirm(user=town, upload=Upload.objects.get())
    assert not DataValue.objects.exists()


def test_background_check_then_store(world, town, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    data = _template(world)
    row = _row_of(data, SHANGGUO)
    with django_capture_on_commit_callbacks(execute=True):
        upload = upload_create(
            user=town,
            dataset=world["datasets"]["VILLAGE"],
            period=world["period"],
            scope=unit(HUAICHENG),
            filename="big.xlsx",
            data=_edit(data, {f"{POP}{row}": 77}),
            background=True,
        )
    assert upload.state == UploadState.CHECKING
    assert DBTaskResult.objects.filter(task_path__endswith="upload_check_job").exists()
    upload = upload_check(upload_id=upload.pk)
    assert upload.state == UploadState.PREVIEWED and upload.summary["new"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        claimed = upload_confirm(user=town, upload=upload, background=True)
    assert claimed.state == UploadState.STORING
    assert DBTaskResult.objects.filter(task_path__endswith="upload_store_job").exists()
    from baiqianwan.indicators.uploads import upload_store

    assert upload_store(upload_id=upload.pk, user=town).state == UploadState.STORED
    assert DataValue.objects.get().value == 77


def test_background_check_of_a_bomb_is_refused_on_the_upload(world, town):  # type: ignore[no-untyped-def]
    upload = upload_create(
        user=town,
        dataset=world["datasets"]["VILLAGE"],
        period=world["period"],
        scope=unit(HUAICHENG),
        filename="x.xlsx",
        data=b"not a zip at all",
        background=True,
    )
    upload = upload_check(upload_id=upload.pk)
    assert (
        upload.state == UploadState.REFUSED and "not the platform's template" in upload.problems[0]
    )


def test_scope_outside_the_uploaders_area(world, town):  # type: ignore[no-untyped-def]
    from baiqianwan.accounts.policy import OutOfScope

    with pytest.raises((OutOfScope, Exception)):
        _create(town, world, b"x", scope="441226000000")
    assert not Upload.objects.exists()
