from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from baiqianwan.indicators.models import DataSet, Period
from baiqianwan.indicators.rollup import rollup_refresh


class Command(BaseCommand):
    help = "The indicators app: `rollup` recomputes a data set's totals for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rollup = sub.add_parser(
            "rollup", help="recompute every total of a data set for a period (from approved values)"
        )
        rollup.add_argument("dataset", help="data set code")
        rollup.add_argument("period", help="period code, e.g. 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rollup":
            self._rollup(options)

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
