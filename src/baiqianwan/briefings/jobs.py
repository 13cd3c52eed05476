"""Background work of the briefings app, run by the database worker (`bqw db_worker`).

`document_job` writes one queued document. `briefings_daily_job` queues what the schedules
owe today (the 5th of each month: last month's briefing), then queues itself for 06:00 the
next day; `briefings_schedule()` (`bqw briefings_schedule`, run by `make demo` before the
worker starts) queues it when nothing is waiting, as the plans app does for its nightly pass.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from baiqianwan.briefings.services import document_fail, document_generate, schedules_run

RUN_AT = time(6, 0)


@task()
def document_job(document_id: int) -> None:
    """Write a document; a failure is recorded on it (the list says why) and raised again, so
    the worker's own record says failed too."""
    try:
        document_generate(document_id)
    except BaseException as exc:
        document_fail(document_id=document_id, error=exc)
        raise


def next_run(now: datetime) -> datetime:
    """The first `RUN_AT` in local time after `now`."""
    local = timezone.localtime(now)
    run = timezone.make_aware(datetime.combine(local.date(), RUN_AT))
    if run > now:
        return run
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), RUN_AT))


@task()
def briefings_daily_job(day: str = "") -> dict[str, Any]:
    """Queue the documents the schedules owe on `day` (ISO date; today when empty), then the
    next day's run."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    made = schedules_run(today=today)
    briefings_schedule()
    return {"today": today.isoformat(), "documents": [d.pk for d in made]}


def briefings_schedule(*, now: datetime | None = None) -> bool:
    """Queue the daily run for the next 06:00 when none is waiting; True when it did."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=briefings_daily_job.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    briefings_daily_job.using(run_after=next_run(now or timezone.now())).enqueue()
    return True
