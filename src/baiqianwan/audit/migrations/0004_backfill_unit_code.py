"""Give the events recorded before 0003 the unit they concern, so auditors see only their area.

The unit comes from the object (a unit, an account's home unit, a document's unit) or, failing
that, the acting account's home unit; events that concern no unit keep a blank code.
"""

from django.db import migrations


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Unit = apps.get_model("units", "Unit")
    User = apps.get_model("accounts", "User")
    IntakeDocument = apps.get_model("intake", "IntakeDocument")
    by_type = {
        "units.unit": lambda pk: Unit.objects.filter(pk=pk).values_list("code", flat=True).first(),
        "accounts.user": lambda pk: (
            User.objects.filter(pk=pk).values_list("home_unit__code", flat=True).first()
        ),
        "intake.intakedocument": lambda pk: (
            IntakeDocument.objects.filter(pk=pk).values_list("unit__code", flat=True).first()
        ),
    }
    for event in AuditEvent.objects.filter(unit_code="").iterator():
        code = None
        lookup = by_type.get(event.object_type)
        if lookup is not None and event.object_id.isdigit():
            code = lookup(int(event.object_id))
        if not code and event.actor_id is not None:
            code = (
                User.objects.filter(pk=event.actor_id)
                .values_list("home_unit__code", flat=True)
                .first()
            )
        if code:
            AuditEvent.objects.filter(pk=event.pk).update(unit_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_auditevent_unit_code"),
        ("units", "0001_initial"),
        ("accounts", "0002_user_user_separated_admin_has_person_and_more"),
        ("intake", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
