from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.accounts.choices import Role
from baiqianwan.accounts.services import user_create
from baiqianwan.audit.services import command_actor


class Command(BaseCommand):
    help = "Create an account with a role and a home unit. No account exists until you do."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", required=True, help="12-digit code of the home unit")
        parser.add_argument(
            "--person-id", default="", help="staff number (keeps separated admin roles apart)"
        )
        parser.add_argument("--name", default="", help="the person's full name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(_("Password: "))
            if password != getpass.getpass(_("Password (again): ")):
                raise CommandError(_("The passwords do not match."))
        if not password:
            raise CommandError(_("The password is empty."))
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                unit_code=options["unit"],
                password=password,
                actor=command_actor("createuser"),
                person_id=options["person_id"],
                full_name=options["name"],
            )
        except ValidationError as exc:
            messages = (
                "; ".join(f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else "; ".join(exc.messages)
            )
            raise CommandError(messages) from None
        self.stdout.write(
            _("Created %(user)s (%(role)s) at %(unit)s.")
            % {"user": user.username, "role": Role(user.role).label, "unit": user.home_unit}
        )
