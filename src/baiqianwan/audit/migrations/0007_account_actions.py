"""Events of accounts under their own actions: lock-outs, wrong old passwords, disabling,
enabling and resets. Choices only: the column and the append-only triggers stay as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("retire", "Retired"),
                    ("load", "Loaded"),
                    ("login", "Signed in"),
                    ("login_failed", "Failed sign-in"),
                    ("logout", "Signed out"),
                    ("password", "Password changed"),
                    ("unlock", "Account unlocked"),
                    ("lockout", "Account locked out"),
                    ("old_password", "Old password check failed"),
                    ("account_disable", "Account disabled"),
                    ("account_enable", "Account enabled"),
                    ("password_reset", "Password reset"),
                    ("download", "Downloaded"),
                    ("out_of_scope", "Refused: outside the area"),
                ],
                db_index=True,
                max_length=16,
                verbose_name="action",
            ),
        ),
    ]
