"""Background work on large uploads, run by the database worker (`bqw db_worker`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from baiqianwan.indicators.uploads import upload_check, upload_fail, upload_store


@task()
def upload_check_job(upload_id: int) -> None:
    """Read and preview a large workbook; a failure is recorded on the upload (the page shows
    it) and raised again, so the worker's own record says failed too."""
    try:
        upload_check(upload_id=upload_id)
    except Exception as exc:
        upload_fail(upload_id=upload_id, error=exc)
        raise


@task()
def upload_store_job(upload_id: int, user_id: int) -> None:
    """Store a confirmed large upload, all-or-nothing; a conflict or refusal is recorded on
    the upload by `upload_store`, anything else by `upload_fail`."""
    user = get_user_model().objects.get(pk=user_id)
    try:
        upload_store(upload_id=upload_id, user=user)
    except Exception as exc:
        upload_fail(upload_id=upload_id, error=exc)
        raise
