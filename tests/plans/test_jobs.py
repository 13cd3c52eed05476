"""The daily pass: lights, reminders, escalation; its command and its nightly task."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from baiqianwan.notifications.models import Notification
from baiqianwan.plans.choices import Light, NoticeState
from baiqianwan.plans.jobs import (
    ReminderKind,
    next_run,
    plans_daily,
    plans_daily_job,
    plans_daily_schedule,
    reminders_due,
)
from baiqianwan.plans.models import Assignment
from baiqianwan.plans.services import plan_issue
from baiqianwan.plans.supervision import notice_issue
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks

ISSUED = date(2025, 3, 3)


@pytest.fixture
def issued(hq_admin):  # type: ignore[no-untyped-def]
    """An issued plan of two tasks due 30 June 2025, assigned to 怀集县 and 德庆县."""
    plan = plan_with_tasks(actor=hq_admin, count=2, deadline=date(2025, 6, 30))
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=ISSUED)
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=ISSUED)
    Assignment.objects.update(last_cycle="2099-12")  # every report is in: only deadlines count
    plan.refresh_from_db()
    return plan


@pytest.mark.django_db
def test_the_deadline_passes_red_escalation_interview(issued, hq_admin):
    """Day by day, dates passed in: on time → red → notice → escalated → 约谈. Reply by 6 July;
    past it by more than 3 days (the 10th) escalated; by more than 5 more (the 16th) 约谈."""
    huaiji = Assignment.objects.select_related("unit", "task__plan").filter(unit__code=HUAIJI)[0]
    plans_daily(today=date(2025, 6, 1))
    huaiji.refresh_from_db()
    assert huaiji.light == Light.GREEN
    result = plans_daily(today=date(2025, 7, 1))
    huaiji.refresh_from_db()
    assert huaiji.light == Light.RED and huaiji.light_why == "Overdue by 1 days"
    assert result.lights_changed == 4
    notice = notice_issue(
        actor=hq_admin, assignment=huaiji, text="逾期，请说明", today=date(2025, 7, 1)
    )
    assert notice.reply_by == date(2025, 7, 6)
    for day, state in (
        (date(2025, 7, 9), NoticeState.OPEN),
        (date(2025, 7, 10), NoticeState.ESCALATED),
        (date(2025, 7, 15), NoticeState.ESCALATED),
        (date(2025, 7, 16), NoticeState.INTERVIEW),
    ):
        plans_daily(today=day)
        notice.refresh_from_db()
        assert notice.state == state, day
    assert notice.escalated_to.code == "441200000000"
    again = plans_daily(today=date(2025, 7, 16))
    assert again.lights_changed == 0 and again.escalation.interviews == ()


@pytest.mark.django_db
def test_reminders_one_per_unit_plan_and_month(issued):
    # 20 June: ten days before the deadline, inside the 15-day window: due soon.
    soon = reminders_due(today=date(2025, 6, 20))
    assert [(r.kind, r.count, r.first_deadline) for r in soon] == [
        (ReminderKind.DUE_SOON, 2, date(2025, 6, 30))
    ] * 2
    assert {r.unit_id for r in soon} == set(Assignment.objects.values_list("unit_id", flat=True))
    assert reminders_due(today=date(2025, 6, 14)) == []  # 16 days before: outside
    # Overdue every night of July under the same key, a new one in August.
    july = {r.key for r in reminders_due(today=date(2025, 7, 1))}
    assert july == {r.key for r in reminders_due(today=date(2025, 7, 31))}
    assert all(key.startswith("overdue:") and key.endswith(":2025-07") for key in july)
    august = {r.key for r in reminders_due(today=date(2025, 8, 1))}
    assert len(august) == 2 and not august & july
    # A unit whose work is done hears nothing.
    Assignment.objects.filter(unit__code=DEQING).update(light=Light.DONE, done_on=date(2025, 7, 2))
    assert len(reminders_due(today=date(2025, 8, 1))) == 1


def test_the_next_run_is_the_next_1_am_local():
    local = timezone.get_current_timezone()
    before = timezone.make_aware(datetime(2025, 7, 1, 0, 30), local)
    after = timezone.make_aware(datetime(2025, 7, 1, 1, 0), local)
    assert next_run(before) == timezone.make_aware(datetime(2025, 7, 1, 1, 0), local)
    assert next_run(after) == timezone.make_aware(datetime(2025, 7, 2, 1, 0), local)


@pytest.mark.django_db
def test_scheduling_is_idempotent():
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    assert plans_daily_schedule(now=now) is True
    assert plans_daily_schedule(now=now) is False
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == plans_daily_job.module_path
    assert queued.run_after == next_run(now) and queued.run_after > now


def worker_run(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The real database worker until no task is ready (as in tests/intake/test_at_size.py)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")


@pytest.mark.django_db
def test_the_worker_runs_the_pass_and_queues_the_next_night(issued, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    plans_daily_job.enqueue(day="2025-07-01")
    worker_run(monkeypatch)
    assert set(Assignment.objects.values_list("light", flat=True)) == {Light.RED}
    done, waiting = DBTaskResult.objects.order_by("enqueued_at")
    assert done.status == "SUCCESSFUL" and done.return_value["lights_changed"] == 4
    assert done.return_value["overdue"] == 2
    assert waiting.status == "READY" and waiting.task_path == plans_daily_job.module_path
    assert waiting.args_kwargs == {"args": [], "kwargs": {}}
    assert timezone.now() < waiting.run_after <= timezone.now() + timedelta(days=1)
    assert timezone.localtime(waiting.run_after).hour == 1


@pytest.mark.django_db
def test_the_command(issued, capsys):
    call_command("plans_daily", "--date", "2025-07-01")
    out = capsys.readouterr().out
    assert "2025-07-01: 4 lights changed" in out and "2 overdue reminders" in out
    with pytest.raises(CommandError, match="2025-02-30"):
        call_command("plans_daily", "--date", "2025-02-30")
    call_command("plans_schedule")
    assert "queued for" in capsys.readouterr().out
    call_command("plans_schedule")
    assert "queued already" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_pass_reminds_a_unit_once_a_month(issued, huaiji_operator, make_user):
    deqing = make_user("deqing", "county_operator", DEQING)
    first = plans_daily(today=date(2025, 6, 20))
    assert first.notified == 2  # one due-soon reminder for each county's operator
    (soon,) = Notification.objects.filter(user=huaiji_operator)
    assert soon.kind == "due_soon" and soon.url == "/plans/mine/"
    assert soon.title == "测试方案: 2 tasks due soon (the first by 2025-06-30)"
    for day in (date(2025, 7, 1), date(2025, 7, 2), date(2025, 7, 31)):
        plans_daily(today=day)
    overdue = Notification.objects.filter(user=huaiji_operator, kind="overdue")
    assert overdue.count() == 1
    assert overdue.get().title == "测试方案: 2 tasks past their deadline (the first 2025-06-30)"
    assert plans_daily(today=date(2025, 8, 1)).notified == 2
    assert overdue.count() == 2
    assert Notification.objects.filter(user=deqing, kind="overdue").count() == 2
