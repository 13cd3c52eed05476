"""Background intake jobs that never get stuck: a failed or stalled job is shown with its
reason and queued again by a writer, once; the job itself is idempotent. All through the
real database worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from baiqianwan.audit.models import AuditEvent
from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.intake.selectors import intake_get, intake_stall
from baiqianwan.intake.services import RetryRefused, _enqueue, intake_retry
from tests.factories import ZHAOQING, shared_path
from tests.intake.test_at_size import document_make, worker_run


@pytest.fixture
def sample() -> str:
    return shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")


@pytest.fixture
def queued(hq_admin, sample) -> IntakeDocument:  # type: ignore[no-untyped-def]
    """A document taken in and waiting for the worker, its job enqueued."""
    document = document_make(hq_admin, sample, rows=0)
    IntakeDocument.objects.filter(pk=document.pk).update(
        status=IntakeStatus.QUEUED, progress=0, clean_text="", ledger={}, task_count=0
    )
    _enqueue(document_id=document.pk)
    document.refresh_from_db()
    return document


def killed_mid_job(document: IntakeDocument, *, minutes_ago: int) -> None:
    """What a worker killed while cleaning leaves: the document and the worker's record of
    the job both running, the last progress `minutes_ago`."""
    IntakeDocument.objects.filter(pk=document.pk).update(
        status=IntakeStatus.RUNNING,
        progress=70,
        updated_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    DBTaskResult.objects.filter(id=document.task_id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def retry_post(client, document, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(f"/intake/{document.pk}/retry/", follow=True)


@pytest.mark.django_db
def test_a_failed_job_is_retried_and_done(
    client, hq_admin, queued, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*, document_id: int) -> None:
        raise RuntimeError("worker ran out of memory")

    monkeypatch.setattr("baiqianwan.intake.jobs.intake_process", broken)
    worker_run(monkeypatch)
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.FAILED and "RuntimeError" in queued.error
    first_job = queued.task_id
    assert DBTaskResult.objects.get(id=first_job).status == "FAILED"
    client.force_login(hq_admin)
    status = client.get(f"/intake/{queued.pk}/status/").content.decode()
    assert "清洗和起草失败" in status and 'data-testid="retry"' in status
    assert "重试" in status

    monkeypatch.undo()
    response = retry_post(client, queued, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "已重新排队" in response.content.decode()
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.QUEUED and queued.progress == 0 and queued.error == ""
    assert queued.task_id and queued.task_id != first_job
    event = AuditEvent.objects.filter(object_id=str(queued.pk)).latest("at")
    assert event.actor == hq_admin and event.changes["status"] == ["failed", "queued"]
    assert "RuntimeError" in event.changes["retried after"]

    worker_run(monkeypatch)
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.DONE and queued.task_count > 0
    assert DBTaskResult.objects.get(id=queued.task_id).status == "SUCCESSFUL"
    assert client.get(f"/intake/{queued.pk}/status/")["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_a_running_job_is_not_queued_twice(
    client, hq_admin, queued, monkeypatch, django_capture_on_commit_callbacks
):
    killed_mid_job(queued, minutes_ago=29)
    client.force_login(hq_admin)
    status = client.get(f"/intake/{queued.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in status and 'data-testid="retry"' not in status
    page = retry_post(client, queued, django_capture_on_commit_callbacks).content.decode()
    assert "正在清洗和起草" in page and "不能再次排队" in page
    assert IntakeDocument.objects.get().status == IntakeStatus.RUNNING
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_stalled_running_job_is_detected_and_retried(
    client, hq_admin, queued, monkeypatch, django_capture_on_commit_callbacks
):
    killed_mid_job(queued, minutes_ago=31)
    client.force_login(hq_admin)
    status = client.get(f"/intake/{queued.pk}/status/").content.decode()
    assert 'data-status="stalled"' in status and "hx-trigger" not in status
    assert "清洗和起草已停滞" in status and "超过 30 分钟没有进展" in status
    assert 'data-testid="retry"' in status
    page = client.get(f"/intake/{queued.pk}/").content.decode()
    assert 'data-testid="intake-stalled"' in page and "70%" in page
    listing = client.get("/intake/").content.decode()
    assert ">已停滞</span>" in listing and 'title="超过 30 分钟没有进展' in listing

    retry_post(client, queued, django_capture_on_commit_callbacks)
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.QUEUED and queued.progress == 0
    # The dead worker's record stays running; the worker takes the new job only.
    worker_run(monkeypatch)
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.DONE and queued.task_count > 0
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["RUNNING", "SUCCESSFUL"]


@pytest.mark.django_db
def test_the_stall_limit_is_a_setting(hq_admin, queued, settings):
    settings.INTAKE_STALL_MINUTES = 5
    killed_mid_job(queued, minutes_ago=4)
    assert intake_stall(document=intake_get(user=hq_admin, pk=queued.pk)) == ""
    killed_mid_job(queued, minutes_ago=6)
    with translation.override("zh-hans"):
        stall = intake_stall(document=intake_get(user=hq_admin, pk=queued.pk))
    assert stall.startswith("超过 5 分钟没有进展")


@pytest.mark.django_db
def test_a_job_the_worker_records_as_failed_is_stalled(client, hq_admin, queued):
    killed_mid_job(queued, minutes_ago=1)
    DBTaskResult.objects.filter(id=queued.task_id).update(status="FAILED")
    client.force_login(hq_admin)
    status = client.get(f"/intake/{queued.pk}/status/").content.decode()
    assert 'data-status="stalled"' in status and "后台任务失败" in status
    DBTaskResult.objects.filter(id=queued.task_id).delete()
    assert "队列已被清空" in client.get(f"/intake/{queued.pk}/status/").content.decode()


@pytest.mark.django_db
def test_a_double_retry_gives_one_job(
    client, hq_admin, queued, monkeypatch, django_capture_on_commit_callbacks
):
    killed_mid_job(queued, minutes_ago=45)
    # Two clicks on the same page: both saw the same stalled state.
    first = intake_get(user=hq_admin, pk=queued.pk)
    second = intake_get(user=hq_admin, pk=queued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        intake_retry(user=hq_admin, document=first)
    with pytest.raises(RetryRefused, match="a moment ago"):
        intake_retry(user=hq_admin, document=second)
    client.force_login(hq_admin)
    page = retry_post(client, queued, django_capture_on_commit_callbacks).content.decode()
    assert "不能再次排队" in page
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    retries = AuditEvent.objects.filter(object_id=str(queued.pk), changes__has_key="retried after")
    assert retries.count() == 1


@pytest.mark.django_db
def test_a_leader_sees_the_status_and_gets_403_on_retry(client, make_user, queued):
    killed_mid_job(queued, minutes_ago=45)
    client.force_login(make_user("leader", "leader", ZHAOQING))
    status = client.get(f"/intake/{queued.pk}/status/").content.decode()
    assert "清洗和起草已停滞" in status and "retry" not in status
    page = client.get(f"/intake/{queued.pk}/").content.decode()
    assert 'data-testid="intake-stalled"' in page and 'data-testid="retry-form"' not in page
    assert client.post(f"/intake/{queued.pk}/retry/").status_code == 403
    assert IntakeDocument.objects.get().status == IntakeStatus.RUNNING
    assert client.get(f"/intake/{queued.pk}/retry/").status_code == 405


@pytest.mark.django_db
def test_the_job_run_twice_leaves_one_result(queued, monkeypatch):
    _enqueue(document_id=queued.pk)  # the same document queued a second time
    worker_run(monkeypatch)
    queued.refresh_from_db()
    assert queued.status == IntakeStatus.DONE and queued.version == 1
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2
    done = AuditEvent.objects.filter(object_id=str(queued.pk), changes__has_key="ledger_rows")
    assert done.count() == 1
    ledger = queued.ledger
    _enqueue(document_id=queued.pk)
    worker_run(monkeypatch)
    queued.refresh_from_db()
    assert queued.ledger == ledger and done.count() == 1
