"""The worker's side: a request queues the job after its commit; a failure is recorded on the
document with its reason and leaves no file; the daily run queues itself once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_tasks_db.models import DBTaskResult

from baiqianwan.briefings import services
from baiqianwan.briefings.choices import DocumentState, Kind
from baiqianwan.briefings.jobs import briefings_schedule, document_job, next_run
from baiqianwan.briefings.pdf import PdfError
from baiqianwan.units.models import Unit
from tests.factories import ZHAOQING

pytestmark = pytest.mark.django_db


def _city() -> Unit:
    return Unit.objects.get(code=ZHAOQING, valid_to__isnull=True)


def test_a_request_queues_the_job_once_committed(hq_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(
            user=hq_admin, kind=Kind.BRIEFING, unit=_city(), period="2030"
        )
    document.refresh_from_db()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == document_job.module_path
    assert document.task_id == str(queued.id)


def test_a_failure_is_recorded_with_its_reason_and_no_file(hq_admin, monkeypatch):
    document = services.document_request(
        user=hq_admin, kind=Kind.RANKING, unit=_city(), period="2030", enqueue=False
    )

    def no_fonts(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PdfError("No font folder of BRIEFINGS_FONT_PATHS exists")

    monkeypatch.setattr(services, "pdf_render", no_fonts)
    with pytest.raises(PdfError):
        document_job.call(document.pk)
    document.refresh_from_db()
    assert document.state == DocumentState.FAILED
    assert "No font folder" in document.error
    assert not document.docx and not document.pdf and not document.preview


def test_the_daily_run_is_queued_once_for_six_in_the_morning():
    assert briefings_schedule() is True
    assert briefings_schedule() is False
    assert DBTaskResult.objects.count() == 1
    # 2026-01-04 23:30 UTC is 07:30 on the 5th in Shanghai: the next run is the 6th, 06:00.
    run = next_run(datetime(2026, 1, 4, 23, 30, tzinfo=UTC))
    assert run.astimezone(UTC) == datetime(2026, 1, 5, 22, 0, tzinfo=UTC)
