"""The database itself refuses to change or delete an audit event (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from baiqianwan.audit.models import AuditEvent
from baiqianwan.audit.services import audit_record


def refused(action) -> None:  # type: ignore[no-untyped-def]
    with (
        pytest.raises(IntegrityError, match="audit events are append-only"),
        transaction.atomic(),
    ):
        action()


@pytest.mark.django_db
def test_an_event_cannot_be_changed_or_deleted(hq_admin):
    event = audit_record(actor=hq_admin, action="update", object_repr="怀集县")
    rows = AuditEvent.objects.filter(pk=event.pk)
    refused(lambda: rows.update(object_repr="篡改"))
    refused(lambda: rows.update(actor_name="someone-else"))
    event.object_repr = "篡改"
    refused(lambda: event.save())
    refused(lambda: rows.delete())
    refused(lambda: AuditEvent.objects.all().delete())

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET ip = %s", ["203.0.113.1"])

    refused(raw_sql)
    if connection.vendor == "postgresql":

        def truncate() -> None:
            with connection.cursor() as cursor:
                # The deferred foreign-key checks of the rows just added must run first, or
                # PostgreSQL refuses the TRUNCATE for pending events, not for the trigger.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE audit_auditevent")

        refused(truncate)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.object_repr == "怀集县" and stored.actor_name == "hq"


@pytest.mark.django_db
def test_events_are_still_added(hq_admin):
    before = AuditEvent.objects.count()
    audit_record(actor=hq_admin, action="update", object_repr="a")
    audit_record(actor=hq_admin, action="update", object_repr="b")
    assert AuditEvent.objects.count() == before + 2


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditevent"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass"
                " AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_keeps_the_triggers():
    """`bqw flush` empties every table, the audit table too, and the triggers stay."""
    names = trigger_names()
    assert names
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert trigger_names() == names
    event = audit_record(actor="system", action="load", object_repr="after flush")
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())


@pytest.mark.django_db
def test_flush_refuses_in_production(settings):
    from django.core.management.base import CommandError

    audit_record(actor="system", action="load", object_repr="kept")
    settings.BQW_MODE = "production"
    with pytest.raises(CommandError, match="audit trail"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(object_repr="kept").exists()
