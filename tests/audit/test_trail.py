"""The audit trail as an auditor reads it: changes, dates, downloads, security events."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from baiqianwan.audit.display import change_lines
from baiqianwan.audit.models import AuditEvent
from baiqianwan.audit.services import audit_record
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.units.models import Unit
from tests.factories import DEQING, HUAIJI, ZHAOQING, another_city

pytestmark = pytest.mark.django_db


def cells(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.content[:2] == b"PK"
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return sheet.get_sheet_by_index(0).to_python()


def test_an_update_reads_field_old_and_new_values(hq_admin):
    unit = Unit.objects.current().get(code=HUAIJI)
    event = audit_record(
        actor=hq_admin,
        action="update",
        obj=unit,
        changes={
            "name": ["怀集", "怀集县"],
            "level": ["town", "county"],
            "valid_to": [None, "2025-01-01"],
            "parent": [f"{DEQING}#3", f"{ZHAOQING}#1"],
        },
    )
    assert [str(line) for line in change_lines(event)] == [
        "Name: 怀集 → 怀集县",
        "Level: Town level → County level",
        "Valid to: — → 2025-01-01",
        f"Parent: {DEQING} → {ZHAOQING}",
    ]
    lines = change_lines(event, unit_names={DEQING: "德庆县", ZHAOQING: "肇庆市"})
    assert str(lines[3]) == f"Parent: 德庆县 ({DEQING}) → 肇庆市 ({ZHAOQING})"


def test_a_creation_lists_its_values_plainly(hq_admin):
    event = AuditEvent.objects.get(action="create", object_repr="hq")
    assert [str(line) for line in change_lines(event)] == [
        "Role: Headquarters administrator",
        f"Home unit: {ZHAOQING}",
    ]


def test_the_page_shows_chinese_labels_values_and_unit_names(client, hq_admin, auditor):
    unit = Unit.objects.current().get(code=HUAIJI)
    audit_record(
        actor=hq_admin,
        action="update",
        obj=unit,
        changes={"level": ["town", "county"], "valid_to": [None, "2025-01-01"]},
    )
    client.force_login(auditor)
    body = client.get("/audit/").content.decode()
    assert "<b>层级</b>: 乡镇级 → 县级" in body
    assert "<b>失效日期</b>: — → 2025-01-01" in body
    assert f"<b>所属单位</b>: 肇庆市 ({ZHAOQING})" in body  # the creation of `hq`
    assert "{&#x27;" not in body and "[&#x27;" not in body  # no raw dicts or lists


def at(text: str):  # type: ignore[no-untyped-def]
    """Record events as if at `text` (UTC)."""
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_the_date_range_counts_days_in_china_time(client, hq_admin, auditor):
    for when, name in (
        ("2025-03-01T02:00:00", "三月一日"),
        ("2025-03-02T15:30:00", "三月二日深夜"),  # 23:30 in Beijing, 2 March
        ("2025-03-02T16:30:00", "三月三日凌晨"),  # 00:30 in Beijing, 3 March
    ):
        with at(when):
            audit_record(actor=hq_admin, action="update", object_repr=name)
    client.force_login(auditor)
    one_day = {"date_from": "2025-03-02", "date_to": "2025-03-02", "action": "update"}
    body = client.get("/audit/", one_day).content.decode()
    assert "三月二日深夜" in body
    assert "三月一日" not in body and "三月三日凌晨" not in body
    body = client.get("/audit/", {"date_from": "2025-03-02", "action": "update"}).content.decode()
    assert "三月二日深夜" in body
    assert "三月三日凌晨" in body
    assert "三月一日" not in body
    rows = cells(client.get("/audit/export.xlsx", one_day))
    assert [row[5] for row in rows[1:]] == ["三月二日深夜"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "2025-13-01"}, "From: Enter a valid date."),
        ({"date_to": "昨天"}, "To: Enter a valid date."),
        (
            {"date_from": "2025-03-02", "date_to": "2025-03-01"},
            "To: The end date 2025-03-01 is before the start date 2025-03-02.",
        ),
        ({"action": "delete_everything"}, "Action: Select a valid choice."),
    ],
)
def test_a_wrong_filter_is_named_and_shows_nothing(client, auditor, query, message):
    client.force_login(auditor)
    response = client.get("/audit/", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'data-testid="audit-events"' not in body
    assert client.get("/audit/export.xlsx", query).status_code == 400


def test_a_wrong_date_reads_in_chinese(client, auditor):
    client.force_login(auditor)
    body = client.get("/audit/", {"date_from": "2025-13-01"}).content.decode()
    assert "起始日期: 输入一个有效的日期。" in body


def test_every_download_is_recorded_with_its_filters(client, hq_admin):
    client.force_login(hq_admin)
    response = client.get("/units/search.xlsx", {"q": "怀集", "page": "2"})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="download").latest("id")
    assert event.actor_name == "hq" and event.actor == hq_admin
    assert event.object_repr.endswith(".xlsx") and event.changes["file"] == event.object_repr
    assert event.changes["path"] == "/units/search.xlsx"
    assert event.changes["filters"] == {"q": "怀集"}
    assert event.unit_code == ZHAOQING
    client.get(f"/units/{HUAIJI}/children.xlsx")
    assert AuditEvent.objects.filter(action="download").count() == 2
    with translation.override("en"):
        lines = [str(line) for line in change_lines(event)]
    assert lines[1:] == ["Address: /units/search.xlsx", "Filters: q: 怀集"]


def test_exporting_the_audit_trail_is_itself_recorded(client, auditor):
    client.force_login(auditor)
    client.get("/audit/export.xlsx", {"action": "login"})
    event = AuditEvent.objects.get(action="download")
    assert event.actor == auditor and event.changes["filters"] == {"action": "login"}


def test_a_ledger_download_is_recorded(client, hq_admin):
    client.force_login(hq_admin)
    text = "肇庆市2025年百县千镇万村高质量发展工程工作方案\n一、推进绿美肇庆建设。\n"
    assert client.post("/intake/new/", {"text": text}).status_code == 302
    document = IntakeDocument.objects.get()
    for suffix in ("xlsx", "json"):
        assert client.get(f"/intake/{document.pk}/ledger.{suffix}").status_code == 200
    files = AuditEvent.objects.filter(action="download").values_list("object_repr", flat=True)
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["json", "xlsx"]


@pytest.fixture
def security_admin(make_user):  # type: ignore[no-untyped-def]
    return make_user("security", "security_admin", ZHAOQING)


def test_a_request_outside_the_area_is_a_security_event(
    client, huaiji_operator, security_admin, auditor
):
    client.force_login(huaiji_operator)
    assert client.get(f"/units/{DEQING}/", REMOTE_ADDR="198.51.100.4").status_code == 404
    assert client.get(f"/api/units/{DEQING}", REMOTE_ADDR="198.51.100.4").status_code == 404
    assert client.get("/units/449999999999/").status_code == 404  # no such unit anywhere
    events = AuditEvent.objects.filter(action="out_of_scope").order_by("id")
    assert [e.changes["path"] for e in events] == [f"/units/{DEQING}/", f"/api/units/{DEQING}"]
    first = events[0]
    assert first.actor == huaiji_operator and first.ip == "198.51.100.4"
    assert first.changes["permission"] == "units.read" and first.changes["unit"] == DEQING
    assert first.unit_code == HUAIJI  # the area of the one who asked

    client.force_login(security_admin)
    page = client.get("/audit/security/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/units/{DEQING}/" in body and "Refused: outside the area" in body
    assert f"<b>Unit</b>: 德庆县 ({DEQING})" in body
    assert "<b>Permission</b>: units.read" in body
    assert "Created" not in body  # account creations are not security events
    rows = cells(client.get("/audit/security/export.xlsx", {"action": "out_of_scope"}))
    assert len(rows) == 3 and all(row[2] == "拒绝：超出辖区" for row in rows[1:])
    # The auditor reads them in the whole trail; neither reads the other's page.
    client.force_login(auditor)
    assert f"/units/{DEQING}/" in client.get("/audit/").content.decode()
    assert client.get("/audit/security/").status_code == 403
    client.force_login(security_admin)
    assert client.get("/audit/").status_code == 403


def test_security_events_stay_in_their_area(client, make_user, security_admin):
    huizhou = another_city()
    outsider = make_user("hz-county", "hq_admin", huizhou.code)
    client.force_login(outsider)
    assert client.get(f"/units/{HUAIJI}/").status_code == 404
    assert AuditEvent.objects.filter(action="out_of_scope", actor=outsider).exists()
    client.force_login(security_admin)
    assert "hz-county" not in client.get("/audit/security/").content.decode()


def test_other_roles_do_not_read_security_events(client, hq_admin, huaiji_operator):
    for user in (hq_admin, huaiji_operator):
        client.force_login(user)
        assert client.get("/audit/security/").status_code == 403
        assert client.get("/audit/security/export.xlsx").status_code == 403


def test_a_ledger_row_edit_reads_part_by_part(hq_admin):
    row = {"number": "1", "task": "推进绿美肇庆", "lead": ["市林业局"], "source": {"start": 0}}
    event = audit_record(
        actor=hq_admin,
        action="update",
        object_type="intake.intakedocument",
        object_repr="方案",
        changes={
            "row 1": [row, {**row, "task": "推进绿美肇庆建设", "lead": ["市林业局", "各县"]}],
            "row 2": [None, {"number": "2", "task": "新任务", "lead": []}],
        },
    )
    assert [str(line) for line in change_lines(event)] == [
        "Row 1 · Task: 推进绿美肇庆 → 推进绿美肇庆建设",
        "Row 1 · Lead units: 市林业局 → 市林业局、各县",
        "Row 2: — → No.: 2; Task: 新任务",
    ]
