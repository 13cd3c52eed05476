"""Django's `flush`, which empties every table, able to empty the append-only audit table too,
and never in production.

The audit table's triggers refuse DELETE (SQLite's way of emptying a table) and TRUNCATE
(PostgreSQL's); this command lifts them for the flush and puts them back, in one
transaction. Emptying the whole database of a development or demo installation is the one
deletion they allow; in production the command refuses, since it would erase the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

TABLE = "audit_auditevent"
POSTGRESQL_TRUNCATE_TRIGGER = "audit_auditevent_no_truncate"


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        if settings.BQW_MODE == "production":
            raise CommandError(
                _("flush would erase the audit trail: it runs only with BQW_MODE=dev or demo.")
            )
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                self._postgresql(connection, **options)
            else:
                self._sqlite(connection, **options)

    def _sqlite(self, connection: Any, **options: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        super().handle(**options)
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)

    def _postgresql(self, connection: Any, **options: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s",
                [TABLE, POSTGRESQL_TRUNCATE_TRIGGER],
            )
            present = cursor.fetchone() is not None
            if present:
                cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {POSTGRESQL_TRUNCATE_TRIGGER}")
        super().handle(**options)
        if present:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {POSTGRESQL_TRUNCATE_TRIGGER}")
