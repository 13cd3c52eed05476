from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from baiqianwan.briefings.demo import BriefingDemoSkipped, briefings_demo_create


class Command(BaseCommand):
    help = (
        "Write the demo briefing (演示数据) of 肇庆市 for the last year the evaluation demo "
        "ranked. Dev and demo mode only; once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.BQW_MODE not in ("dev", "demo"):
            raise CommandError("bqw briefings_demo writes demo data: BQW_MODE=dev or demo only.")
        try:
            document = briefings_demo_create()
        except BriefingDemoSkipped as exc:
            self.stdout.write(f"briefings_demo: {exc}")
            return
        self.stdout.write(
            f"Demo briefing {document.number}: {document.pages} pages, .docx and .pdf (演示数据)."
        )
