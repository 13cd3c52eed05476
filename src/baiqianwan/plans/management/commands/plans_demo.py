from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from baiqianwan.plans.demo import DemoError, plans_demo_create, sample_path


class Command(BaseCommand):
    help = (
        "Build the demo plan (marked 演示数据): the sample text's ledger issued to the 8 "
        "counties, split into towns, with reports on every light and an escalated notice. "
        "Dev and demo mode only; does nothing when the demo plan exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--text",
            type=Path,
            default=sample_path(Path.cwd()),
            help="the policy text to build from (default: ../shared/samples' sample)",
        )
        parser.add_argument(
            "--date", type=str, default="", help="the day to build for (YYYY-MM-DD; today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BQW_MODE not in ("dev", "demo"):
            raise CommandError("bqw plans_demo writes demo data: BQW_MODE=dev or demo only.")
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD)") from None
        try:
            made = plans_demo_create(text_path=options["text"], today=today)
        except DemoError as exc:
            self.stdout.write(f"plans_demo: {exc}; nothing to do.")
            return
        self.stdout.write(
            f"Demo plan 「{made.plan.title}」: {made.assignments} assignments, "
            f"{made.reports} reports, {made.notices} notices (演示数据)."
        )
