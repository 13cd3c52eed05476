"""`bqw departments_load FILE [--unit CODE]`, or `--zhaoqing` for the register shipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.audit.services import command_actor
from baiqianwan.core.problems import InputError
from baiqianwan.plans.departments import ZHAOQING_DEPARTMENTS, departments_load, departments_read


class Command(BaseCommand):
    help = (
        "Load departments (unit_code,name,aliases CSV) into the departments' register; "
        "idempotent, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("file", nargs="?", type=Path, help="CSV file: unit_code,name,aliases")
        which.add_argument(
            "--zhaoqing", action="store_true", help="the municipal departments of 肇庆市 shipped"
        )
        parser.add_argument("--unit", help="load only the departments of this 12-digit unit code")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = ZHAOQING_DEPARTMENTS if options["zhaoqing"] else options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc.strerror}
            ) from None
        try:
            rows = departments_read(data)
            loaded = departments_load(
                rows=rows, actor=command_actor("departments_load"), unit_code=options["unit"]
            )
        except InputError as exc:
            raise CommandError(f"{path}: {exc.message}") from None
        self.stdout.write(
            _("Departments: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": loaded.created,
                "updated": loaded.updated,
                "unchanged": loaded.unchanged,
            }
        )
