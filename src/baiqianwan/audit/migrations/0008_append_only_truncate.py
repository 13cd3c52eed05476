"""PostgreSQL: TRUNCATE fires no row trigger, so a statement trigger refuses it too.

SQLite has no TRUNCATE (its "DELETE FROM t" fires the row triggers of 0006). `bqw flush`
lifts this trigger for the flush it runs, as it lifts SQLite's (audit/management/commands).
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only()",
]
POSTGRESQL_REVERSE = ["DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_account_actions"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE)),
    ]
