from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rich.cells import cell_len

from baiqianwan.accounts.choices import Role
from baiqianwan.accounts.services import demo_user_ensure
from baiqianwan.audit.services import command_actor
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

CITY = "441200000000"  # 肇庆市
COUNTY = "441224000000"  # 怀集县


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    home: str  # "city", "county", "town" (the first of the county) or "village" (its first)


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", Role.HQ_ADMIN, "city"),
    DemoAccount("demo-county", Role.COUNTY_OPERATOR, "county"),
    DemoAccount("demo-town", Role.TOWN_OPERATOR, "town"),
    DemoAccount("demo-village", Role.VILLAGE_REPORTER, "village"),
    DemoAccount("demo-leader", Role.LEADER, "city"),
    DemoAccount("demo-system", Role.SYSTEM_ADMIN, "city"),
    DemoAccount("demo-security", Role.SECURITY_ADMIN, "city"),
    DemoAccount("demo-auditor", Role.AUDIT_ADMIN, "city"),
)


def _first_child(parent: Unit, level: str) -> Unit:
    child = Unit.objects.current().filter(parent=parent, level=level).order_by("code").first()
    if child is None:
        raise CommandError(
            _("%(unit)s has no current %(level)s; load the units again.")
            % {"unit": parent.name, "level": Level(level).label}
        )
    return child


def demo_homes() -> dict[str, Unit]:
    """肇庆市, 怀集县, the first town of 怀集县 and the first village of that town."""
    units = {u.code: u for u in Unit.objects.current().filter(code__in=(CITY, COUNTY))}
    missing = [code for code in (CITY, COUNTY) if code not in units]
    if missing:
        raise CommandError(
            _("Unit %(code)s is not loaded; run `bqw units load --city 4412` first.")
            % {"code": missing[0]}
        )
    town = _first_child(units[COUNTY], "town")
    return {
        "city": units[CITY],
        "county": units[COUNTY],
        "town": town,
        "village": _first_child(town, "village"),
    }


class Command(BaseCommand):
    help = (
        "Create the demo accounts, one for each role (or give them new random passwords), "
        "and print them once: role, user name, password, home unit."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BQW_MODE not in ("dev", "demo"):
            raise CommandError(
                _(
                    "bqw demo_users makes accounts with well-known names and resets their "
                    "passwords: it runs only with BQW_MODE=dev or demo."
                )
            )
        homes = demo_homes()
        rows = []
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                home = homes[account.home]
                _user, password = demo_user_ensure(
                    username=account.username,
                    role=account.role,
                    unit_code=home.code,
                    person_id=account.username,
                    actor=command_actor("demo_users"),
                )
                rows.append((str(account.role.label), account.username, password, home.name))
        headers = (_("Role"), _("User name"), _("Password"), _("Home unit"))
        widths = [max(cell_len(str(row[i])) for row in (headers, *rows)) for i in range(4)]
        for row in (headers, *rows):
            cells = [_pad(str(cell), width) for cell, width in zip(row, widths, strict=True)]
            self.stdout.write("  " + "  ".join(cells).rstrip())


def _pad(text: str, width: int) -> str:
    """`text` filled to `width` terminal columns (a CJK character takes two)."""
    return text + " " * (width - cell_len(text))
