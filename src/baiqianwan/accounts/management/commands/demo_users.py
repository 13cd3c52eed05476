from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import Role
from baiqianwan.accounts.services import demo_user_ensure
from baiqianwan.audit.services import command_actor
from baiqianwan.units.models import Unit

DEMO_ACCOUNTS = (("demo-admin", Role.HQ_ADMIN), ("demo-auditor", Role.AUDIT_ADMIN))


class Command(BaseCommand):
    help = "Create (or give new random passwords to) the demo accounts and print them once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", default="441200000000", help="home unit (default 肇庆市)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Unit.objects.current().filter(code=options["unit"]).exists():
            raise CommandError(
                _("Unit %(code)s is not loaded; run `bqw units load --city 4412` first.")
                % {"code": options["unit"]}
            )
        for username, role in DEMO_ACCOUNTS:
            _user, password = demo_user_ensure(
                username=username,
                role=role,
                unit_code=options["unit"],
                person_id=username,
                actor=command_actor("demo_users"),
            )
            self.stdout.write(
                "  "
                + _("%(role)s — user: %(user)s  password: %(password)s")
                % {"role": role.label, "user": username, "password": password}
            )
