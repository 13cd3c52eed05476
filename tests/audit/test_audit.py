import pytest

from baiqianwan.audit.models import AuditEvent
from baiqianwan.audit.services import audit_record


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
