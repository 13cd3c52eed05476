"""Runs go through the real database worker: queued at commit, computed, stored; a failure
is recorded on the run with its reason and stores nothing."""

from __future__ import annotations

import pytest

from baiqianwan.evaluation import services
from baiqianwan.evaluation.choices import RunState
from baiqianwan.evaluation.models import Run, RunScore
from baiqianwan.evaluation.services import run_request, runs_reap
from tests.intake.test_at_size import worker_run

pytestmark = pytest.mark.django_db


def test_the_worker_computes_a_queued_run(
    county_scheme, hq_admin, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_request(user=hq_admin, scheme=county_scheme, periods=["2023", "2024"])
    run.refresh_from_db()
    assert run.state == RunState.QUEUED and run.task_id
    worker_run(monkeypatch)
    run.refresh_from_db()
    assert (run.state, run.progress, run.step) == (RunState.DONE, 100, "完成")
    assert RunScore.objects.filter(run=run).count() == 16


def test_a_run_that_fails_in_the_worker_says_why_and_stores_nothing(
    county_scheme, hq_admin, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError("no memory left")

    monkeypatch.setattr(services, "compute", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"])
    worker_run(monkeypatch)
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "MemoryError" in run.error and "no memory left" in run.error
    assert not RunScore.objects.filter(run=run).exists()


def test_a_run_whose_worker_died_is_reaped(county_scheme, hq_admin):
    from datetime import timedelta

    from django.utils import timezone

    run = run_request(user=hq_admin, scheme=county_scheme, periods=["2024"], enqueue=False)
    Run.objects.filter(pk=run.pk).update(
        state=RunState.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    assert runs_reap() == 1
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "中断" in run.error
