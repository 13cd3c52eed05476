"""Intake at size: lean lists, background cleaning of large texts, texts shown in parts,
ledgers above the save limit, and the ledger as a leader reads it."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baiqianwan.intake.choices import IntakeStatus
from baiqianwan.intake.models import IntakeDocument
from baiqianwan.intake.selectors import PART_CHARS
from baiqianwan.intake.services import BACKGROUND_CHARS
from tests.factories import ZHAOQING, shared_path

LARGE_COLUMNS = ("original", "clean_text", "report", "changes", "draft", "ledger")


@pytest.fixture
def sample() -> str:
    return shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")


def repeated(sample: str, characters: int) -> str:
    copies = characters // len(sample) + 1
    return "\n".join(f"（{n}）\n{sample}" for n in range(copies))[:characters]


def document_make(user, text: str, rows: int = 3) -> IntakeDocument:  # type: ignore[no-untyped-def]
    """A done document built directly (no cleaning), for the pages that show one."""
    return IntakeDocument.objects.create(
        title="大文本",
        unit=user.home_unit,
        created_by=user,
        source_kind="paste",
        encoding="utf-8",
        original=text,
        clean_text=text,
        report={"counts": {"lost_characters": 0}, "lost": [], "suspects": []},
        draft={},
        ledger={
            "schema": "baiqianwan.ledger/1",
            "plan": {"title": "方案", "issuer": "肇庆市"},
            "rows": [
                {
                    "category": "一、产业",
                    "number": str(n),
                    "task": f"第{n}项任务",
                    "lead": ["市农业农村局"],
                    "partners": [],
                    "deadline": "",
                    "progress": "",
                    "targets": [],
                    "places": [],
                    "source": {"start": 0, "end": 1},
                }
                for n in range(1, rows + 1)
            ],
        },
        task_count=rows,
    )


def worker_run(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Run the real database worker until no task is left. Between tasks it closes database
    connections as a request does; inside the test's transaction (PostgreSQL) that would end
    the test's connection, so that housekeeping alone is left out."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")


@pytest.mark.django_db
def test_the_job_runs_after_the_takers_account_is_disabled(
    client, huaiji_operator, sample, django_capture_on_commit_callbacks, monkeypatch
):
    """The right to take a text in was checked when it was taken in; the job drafts against
    the document's unit, so a disabled or moved account does not strand it."""
    client.force_login(huaiji_operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/intake/new/", {"text": repeated(sample, BACKGROUND_CHARS + 1000)})
    huaiji_operator.is_active = False
    huaiji_operator.save(update_fields=["is_active"])
    worker_run(monkeypatch)
    document = IntakeDocument.objects.get()
    assert document.status == IntakeStatus.DONE, document.error
    assert document.task_count > 100


@pytest.mark.django_db
def test_the_list_and_the_export_never_read_a_document_body(client, hq_admin, sample):
    client.force_login(hq_admin)
    assert client.post("/intake/new/", {"text": sample}).status_code == 302
    for path in ("/intake/", "/intake/documents.xlsx"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        reads = [q["sql"] for q in queries.captured_queries if "intake_intakedocument" in q["sql"]]
        assert reads, path
        for sql in reads:
            selected = sql.split(" FROM ", 1)[0]
            for column in LARGE_COLUMNS:
                assert f'"intake_intakedocument"."{column}"' not in selected, (path, column)


@pytest.mark.django_db
def test_a_large_text_is_cleaned_and_drafted_by_the_worker(
    client, hq_admin, sample, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(hq_admin)
    text = repeated(sample, BACKGROUND_CHARS + 1000)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/intake/new/", {"text": text})
    assert response.status_code == 302
    document = IntakeDocument.objects.get()
    assert document.status == IntakeStatus.QUEUED and document.progress == 0
    assert document.clean_text == "" and document.task_count == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert "后台" in page and f'hx-get="/intake/{document.pk}/status/"' in page
    assert 'hx-trigger="every 2s"' in page and 'data-testid="ledger-form"' not in page
    assert client.get(f"/intake/{document.pk}/ledger.xlsx").status_code == 404

    worker_run(monkeypatch)

    document.refresh_from_db()
    assert document.status == IntakeStatus.DONE and document.progress == 100
    assert "(jù)" not in document.clean_text and "抓住风貌这个基础" in document.clean_text
    assert document.task_count == len(document.ledger["rows"]) > 100
    assert document.changes and "changes" not in document.report
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    status = client.get(f"/intake/{document.pk}/status/")
    assert status["HX-Refresh"] == "true"
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert "风貌：" in page and 'data-testid="intake-status"' not in page
    last = document.task_count - 1
    assert document.task_count <= 2000 and f'name="rows-{last}-task"' in page  # the editor


@pytest.mark.django_db
def test_a_failing_job_shows_its_error_in_chinese(client, hq_admin, monkeypatch):
    from baiqianwan.intake.jobs import intake_process_job

    client.force_login(hq_admin)
    # Blank text cannot be cleaned: the worker records the refusal on the document.
    document = document_make(hq_admin, " " * 10)
    IntakeDocument.objects.filter(pk=document.pk).update(status=IntakeStatus.QUEUED, progress=0)
    intake_process_job.enqueue(document_id=document.pk)
    worker_run(monkeypatch)
    document.refresh_from_db()
    assert document.status == IntakeStatus.FAILED
    assert document.error == "文本为空。"
    status = client.get(f"/intake/{document.pk}/status/").content.decode()
    assert "清洗和起草失败" in status and "文本为空。" in status and "hx-trigger" not in status
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert 'data-testid="intake-error"' in page and "文本为空。" in page
    assert "失败" in client.get("/intake/").content.decode()


@pytest.mark.django_db
def test_a_small_text_stays_synchronous(client, hq_admin, sample):
    from django_tasks_db.models import DBTaskResult

    client.force_login(hq_admin)
    assert client.post("/intake/new/", {"text": sample}).status_code == 302
    document = IntakeDocument.objects.get()
    assert document.status == IntakeStatus.DONE and document.task_count > 0
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_long_text_is_shown_a_part_at_a_time(client, hq_admin):
    client.force_login(hq_admin)
    text = "".join(f"〔{n:07d}〕" for n in range(300_000 // 9))  # markers of 9 characters
    document = document_make(hq_admin, text)
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert "〔0000000〕" in page and text[PART_CHARS - 9 : PART_CHARS] in page
    assert text[PART_CHARS : PART_CHARS + 9] not in page
    assert len(page) < 3 * PART_CHARS * 3 + 100_000  # two parts, not the whole text
    part = client.get(f"/intake/{document.pk}/original/?part=2").content.decode()
    assert text[PART_CHARS : PART_CHARS + 9] in part and "〔0000000〕" not in part
    assert "第 2 / 15 部分" in part and "?part=3" in part and "?part=1" in part
    assert client.get(f"/intake/{document.pk}/?clean=15").content.decode().count(text[-9:]) == 1
    clean = client.get(f"/intake/{document.pk}/clean/?part=99").content.decode()
    assert "第 15 / 15 部分" in clean and text[-9:] in clean and "?part=14" in clean


@pytest.mark.django_db
def test_a_short_text_keeps_its_highlights_across_parts(client, hq_admin, sample):
    client.force_login(hq_admin)
    assert client.post("/intake/new/", {"text": sample}).status_code == 302
    document = IntakeDocument.objects.get()
    part = client.get(f"/intake/{document.pk}/original/?part=1").content.decode()
    assert 'class="chg chg-annotation"' in part


@pytest.mark.django_db
def test_a_ledger_above_the_save_limit_is_read_in_pages_and_says_so(client, hq_admin):
    client.force_login(hq_admin)
    document = document_make(hq_admin, "正文", rows=2345)
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert 'data-testid="ledger-form"' not in page and 'name="rows-0-task"' not in page
    assert "这份台账有 2345 项任务，超过本页一次保存所能容纳的 2000 项" in page
    assert "第1项任务" in page and "第101项任务" not in page
    second = client.get(f"/intake/{document.pk}/tasks/?tasks=2").content.decode()
    assert "第101项任务" in second and "第1项任务<" not in second
    assert "第 2 / 24 页（共 2345 项任务）" in second


@pytest.mark.django_db
def test_a_leader_reads_the_ledger_as_text(client, hq_admin, make_user, sample):
    client.force_login(hq_admin)
    assert client.post("/intake/new/", {"text": sample}).status_code == 302
    document = IntakeDocument.objects.get()
    editor = client.get(f"/intake/{document.pk}/").content.decode()
    assert 'data-testid="ledger-form"' in editor and 'name="rows-0-task"' in editor
    client.force_login(make_user("leader", "leader", ZHAOQING))
    page = client.get(f"/intake/{document.pk}/").content.decode()
    assert 'data-testid="ledger-view"' in page and "<input" not in page.split("ledger-view")[1]
    assert "<textarea" not in page and "ledger-too-long" not in page
    assert document.ledger["rows"][0]["task"] in page
    assert not re.search(r'name="rows-\d+-', page)


@pytest.mark.django_db
def test_a_bad_version_is_named(client, hq_admin, sample):
    client.force_login(hq_admin)
    assert client.post("/intake/new/", {"text": sample}).status_code == 302
    document = IntakeDocument.objects.get()
    response = client.post(f"/intake/{document.pk}/", {"version": "x", "rows-0-task": "任务"})
    assert response.status_code == 400
    assert "版本" in response.content.decode()
    assert IntakeDocument.objects.get().version == 1


@pytest.mark.django_db
def test_the_migration_moves_changes_out_of_the_report(hq_admin):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("baiqianwan.intake.migrations.0002_document_status_and_lean_columns")
    document = document_make(hq_admin, "正文", rows=4)
    change = {"kind": "annotation", "before": "(jù)", "after": ""}
    IntakeDocument.objects.filter(pk=document.pk).update(
        report={"counts": {"lost_characters": 6}, "lost": [], "changes": [change]},
        draft={
            "issuer": None,
            "title": {"text": "方案"},
            "levers": [{"text": "风貌", "role": "基础", "children": [1, 2]}],
        },
        changes=[],
        task_count=0,
        outline={},
    )
    migration.lean_columns_fill(apps, None)
    document.refresh_from_db()
    assert document.changes == [change] and "changes" not in document.report
    assert document.task_count == 4 and document.lost_characters == 6
    assert document.outline["title"] == "方案" and document.outline["issuer"] == ""
    assert document.outline["levers"] == [{"text": "风貌", "role": "基础", "children": 2}]
    migration.lean_columns_unfill(apps, None)
    document.refresh_from_db()
    assert document.report["changes"] == [change]


@pytest.mark.django_db
def test_a_ledger_still_being_drafted_cannot_be_saved(client, hq_admin):
    client.force_login(hq_admin)
    document = document_make(hq_admin, "正文")
    IntakeDocument.objects.filter(pk=document.pk).update(status=IntakeStatus.RUNNING)
    response = client.post(
        f"/intake/{document.pk}/", {"version": "1", "rows-0-task": "任务", "rows-0-carried": "{}"}
    )
    assert response.status_code == 400 and "台账尚未起草完成。" in response.content.decode()
    assert IntakeDocument.objects.get().version == 1
