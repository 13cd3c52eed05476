from typing import Any

from django.core.management.base import BaseCommand

from baiqianwan.briefings.jobs import briefings_schedule


class Command(BaseCommand):
    help = "Queue the briefings' daily run (the schedules' documents) unless one is waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = briefings_schedule()
        self.stdout.write("queued" if queued else "already queued")
