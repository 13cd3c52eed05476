from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.plans.jobs import plans_daily


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--date %(text)s is not a date written YYYY-MM-DD.") % {"text": text}
        ) from None


class Command(BaseCommand):
    help = (
        "The plans' daily pass now: lights, reminders, escalation of unanswered notices "
        "(the worker runs it every night at 01:00)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", default="", help="the day to run it for, YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["date"]) if options["date"] else timezone.localdate()
        summary = plans_daily(today=today).summary()
        self.stdout.write(
            _(
                "%(today)s: %(lights_changed)d lights changed, %(due_soon)d due-soon and "
                "%(overdue)d overdue reminders (%(notified)d notifications), "
                "%(escalated)d notices escalated, "
                "%(interviews)d marked for interview."
            )
            % summary
        )
