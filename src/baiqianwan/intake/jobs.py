"""Background work of intake, run by the database worker (`bqw db_worker`)."""

from __future__ import annotations

from django_tasks import task

from baiqianwan.intake.services import intake_fail, intake_process


@task()
def intake_process_job(document_id: int) -> None:
    """Clean and draft a large text taken in; a failure is recorded on the document (the page
    shows it) and raised again, so the worker's own record says failed too. Running it twice
    for one document leaves one result (see `intake_process`)."""
    try:
        intake_process(document_id=document_id)
    except Exception as exc:
        intake_fail(document_id=document_id, error=exc)
        raise
