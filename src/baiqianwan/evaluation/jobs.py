"""Background work of the evaluation app, run by the database worker (`bqw db_worker`)."""

from __future__ import annotations

from django_tasks import task

from baiqianwan.evaluation.services import run_execute, run_fail


@task()
def run_job(run_id: int) -> None:
    """Compute and store a run; any failure is recorded on the run (the page says why) and
    raised again, so the worker's own record says failed too. Nothing of a failed run's
    results is stored: they are written in one transaction at the end."""
    try:
        run_execute(run_id)
    except BaseException as exc:
        run_fail(run_id=run_id, error=exc)
        raise
