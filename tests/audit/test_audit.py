import pytest

from baiqianwan.audit.models import AuditEvent
from baiqianwan.audit.services import audit_record
from tests.factories import another_city


@pytest.mark.django_db
def test_only_the_audit_administrator_reads_the_trail(client, hq_admin, auditor):
    audit_record(
        actor=hq_admin,
        action="update",
        object_type="units.unit",
        object_repr="怀集县",
        changes={"name": ["怀集", "怀集县"]},
    )
    client.force_login(hq_admin)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    client.force_login(auditor)
    page = client.get("/audit/", {"action": "update"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "怀集县" in body and "hq" in body
    export = client.get("/audit/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"


@pytest.mark.django_db
def test_account_creation_records_who_what_and_values(hq_admin):
    event = AuditEvent.objects.get(
        action="create", object_type="accounts.user", object_id=str(hq_admin.pk)
    )
    assert event.changes == {"role": "hq_admin", "home_unit": "441200000000"}
    assert event.at is not None and event.actor_name


@pytest.mark.django_db
def test_an_auditor_reads_the_events_of_their_own_area(client, auditor, hq_admin):

    from baiqianwan.accounts.services import user_create
    from tests.factories import PASSWORD

    huizhou = another_city()
    outsider = user_create(
        username="hz-admin", role="hq_admin", unit_code=huizhou.code, password=PASSWORD
    )
    audit_record(
        actor=outsider, action="update", object_type="units.unit", object_repr="惠州市事项"
    )
    audit_record(
        actor=hq_admin, action="update", object_type="units.unit", object_repr="肇庆市事项"
    )
    client.force_login(auditor)
    body = client.get("/audit/", {"action": "update"}).content.decode()
    assert "肇庆市事项" in body and "惠州市事项" not in body


@pytest.mark.django_db
def test_events_without_an_acting_account_stay_in_their_area(client, auditor):
    """An account created from the command line for another city, and failed sign-ins to it,
    are that city's business."""

    from baiqianwan.accounts.services import user_create
    from tests.factories import PASSWORD

    huizhou = another_city()
    user_create(username="hz-op", role="hq_admin", unit_code=huizhou.code, password=PASSWORD)
    client.post("/accounts/login/", {"username": "hz-op", "password": "wrong"})
    client.post("/accounts/login/", {"username": "nobody-at-all", "password": "wrong"})
    client.force_login(auditor)
    body = client.get("/audit/").content.decode()
    assert "hz-op" not in body
    assert "nobody-at-all" in body  # a name no account has concerns every auditor
    created = AuditEvent.objects.get(action="create", object_repr="hz-op")
    assert created.unit_code == "441300000000"
