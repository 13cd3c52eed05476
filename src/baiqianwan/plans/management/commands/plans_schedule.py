from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.plans.jobs import next_run, plans_daily_schedule


class Command(BaseCommand):
    help = (
        "Queue the plans' nightly pass for the next 01:00 unless it is queued already "
        "(the worker, `bqw db_worker`, runs it and queues the next night's itself)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        when = timezone.localtime(next_run(timezone.now())).strftime("%Y-%m-%d %H:%M")
        if plans_daily_schedule():
            self.stdout.write(_("The plans' daily pass is queued for %(when)s.") % {"when": when})
        else:
            self.stdout.write(_("The plans' daily pass is queued already."))
