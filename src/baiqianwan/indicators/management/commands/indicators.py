from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.audit.services import command_actor
from baiqianwan.core.problems import InputError
from baiqianwan.indicators.demo import DemoExists, demo_create
from baiqianwan.indicators.loader import SystemLoadError, system_load
from baiqianwan.indicators.models import DataSet, Period
from baiqianwan.indicators.rollup import rollup_refresh
from baiqianwan.indicators.windows import windows_open, years_parse

# The starter system shipped in the package, wherever the command is run from.
STARTER_FILE = Path(__file__).resolve().parents[2] / "data" / "zhaoqing-starter.yaml"
# The years `periods` opens when none are given: the demo's.
DEFAULT_YEARS = "2023-2025"


class Command(BaseCommand):
    help = (
        "The indicator system: `load FILE` (the YAML system file), `periods` (periods and "
        "collection windows of the data sets), `demo` (synthetic values, dev and demo mode), "
        "`rollup DATASET PERIOD` (recompute a data set's totals for a period)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load (or reload) an indicator system file")
        load.add_argument("file", type=Path, nargs="?", help="the YAML file")
        load.add_argument(
            "--starter",
            action="store_true",
            help="the starter system shipped with Baiqianwan (zhaoqing-starter.yaml)",
        )
        periods = sub.add_parser(
            "periods", help="make the periods of the data sets and open their windows"
        )
        periods.add_argument("--dataset", default="", help="a data set's code (default: all)")
        periods.add_argument(
            "--years", default=DEFAULT_YEARS, help=f"e.g. 2023-2025 (default {DEFAULT_YEARS})"
        )
        sub.add_parser("demo", help="store the demo values (演示数据) for 2023–2025")
        rollup = sub.add_parser(
            "rollup", help="recompute every total of a data set for a period (from approved values)"
        )
        rollup.add_argument("dataset", help="data set code")
        rollup.add_argument("period", help="period code, e.g. 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _load(self, options: dict[str, Any]) -> None:
        if bool(options["file"]) == bool(options["starter"]):
            raise CommandError(_("Name one indicator system file, or --starter."))
        if options["starter"]:
            options["file"] = STARTER_FILE
        try:
            report = system_load(path=options["file"], actor=command_actor("indicators load"))
        except SystemLoadError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("%(count)d problem(s) in %(file)s. Nothing was stored.")
                % {"count": len(exc.problems), "file": options["file"]}
            ) from None
        system = report.system
        self.stdout.write(
            _("Loaded %(name)s, version %(version)s.")
            % {"name": system.name, "version": system.version}
        )
        for line in report.lines():
            self.stdout.write("  " + line)

    def _periods(self, options: dict[str, Any]) -> None:
        try:
            years = years_parse(options["years"])
        except InputError as exc:
            raise CommandError(exc.message) from None
        datasets = DataSet.objects.order_by("code")
        if options["dataset"]:
            datasets = datasets.filter(code=options["dataset"])
            if not datasets.exists():
                raise CommandError(
                    _("No data set has the code %(code)s.") % {"code": options["dataset"]}
                )
        report = windows_open(
            datasets=list(datasets), years=years, actor=command_actor("indicators periods")
        )
        for line in report.lines():
            self.stdout.write(line)

    def _demo(self, options: dict[str, Any]) -> None:
        if settings.BQW_MODE not in ("dev", "demo"):
            raise CommandError(
                _("bqw indicators demo writes demo data: BQW_MODE=dev or demo only.")
            )
        try:
            made = demo_create()
        except DemoExists as exc:
            self.stdout.write(str(exc))
            return
        except InputError as exc:
            raise CommandError(exc.message) from None
        for line in made.lines():
            self.stdout.write(line)

    def _rollup(self, options: dict[str, Any]) -> None:
        dataset = DataSet.objects.filter(code=options["dataset"]).first()
        if dataset is None:
            raise CommandError(_("No data set %(code)s.") % {"code": options["dataset"]})
        period = Period.objects.filter(code=options["period"].strip().upper()).first()
        if period is None:
            raise CommandError(_("No period %(code)s.") % {"code": options["period"]})
        started = time.perf_counter()
        result = rollup_refresh(dataset=dataset, period=period)
        self.stdout.write(
            _("%(dataset)s %(period)s: %(rows)d totals for %(units)d units in %(seconds).2f s.")
            % {
                "dataset": dataset.code,
                "period": period.code,
                "rows": result.rows,
                "units": result.units,
                "seconds": time.perf_counter() - started,
            }
        )
