"""Django's `flush`, which empties every table, able to empty the append-only audit table too.

SQLite empties tables with DELETE, which the audit table's triggers refuse; this command lifts
those triggers for the flush and puts the same triggers back, in one transaction. Emptying the
whole database is the one deletion the triggers allow. PostgreSQL flushes with TRUNCATE, which
fires no row trigger, so there the command is Django's own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLE = "audit_auditevent"


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias):
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
