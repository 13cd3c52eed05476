"""Supervision notices: numbering, reply, close, escalation up the tree and interview."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baiqianwan.audit.choices import Action
from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import Conflict, InputError
from baiqianwan.notifications.models import Notification
from baiqianwan.plans import supervision
from baiqianwan.plans.choices import NoticeState, NoticeStepKind
from baiqianwan.plans.models import Assignment, Notice
from baiqianwan.plans.services import assignment_split, plan_close, plan_issue
from baiqianwan.plans.supervision import (
    notice_close,
    notice_issue,
    notice_reply,
    notices_escalate,
)
from tests.factories import DEQING, HUAIJI, ZHAOQING
from tests.plans.factories import assigned, plan_with_tasks, unit

ISSUED = date(2025, 3, 3)


def first_child(code: str):  # type: ignore[no-untyped-def]
    return unit(code).children.filter(valid_to__isnull=True).order_by("code").first()


@pytest.fixture
def tree(hq_admin):  # type: ignore[no-untyped-def]
    """An issued plan of one task: 怀集县 and 德庆县, 怀集's first town, that town's first
    village. Returns the assignments by level."""
    plan = plan_with_tasks(actor=hq_admin, count=1)
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=ISSUED)
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=ISSUED)
    county = Assignment.objects.get(unit__code=HUAIJI)
    town_unit = first_child(HUAIJI)
    (town,) = assignment_split(actor=hq_admin, assignment=county, units=[town_unit], today=ISSUED)
    village_unit = first_child(town_unit.code)
    (village,) = assignment_split(
        actor=hq_admin, assignment=town, units=[village_unit], today=ISSUED
    )
    return {
        "county": county,
        "town": Assignment.objects.select_related("unit", "task__plan").get(pk=town.pk),
        "village": Assignment.objects.select_related("unit", "task__plan").get(pk=village.pk),
        "deqing": Assignment.objects.get(unit__code=DEQING),
    }


def issue(actor, assignment, today=ISSUED, **kwargs):  # type: ignore[no-untyped-def]
    return notice_issue(
        actor=actor, assignment=assignment, text="请加快进度", today=today, **kwargs
    )


@pytest.mark.django_db
def test_numbers_run_per_issuer_and_year(tree, hq_admin, huaiji_operator):
    first = issue(hq_admin, tree["county"])
    second = issue(hq_admin, tree["deqing"])
    by_county = issue(huaiji_operator, tree["town"])
    next_year = issue(hq_admin, tree["village"], today=date(2026, 1, 5))
    assert [first.sequence, second.sequence, by_county.sequence, next_year.sequence] == [1, 2, 1, 1]
    assert second.number == "督办〔2025〕2号" and next_year.number == "督办〔2026〕1号"
    assert by_county.issuer.code == HUAIJI and first.issuer.code == ZHAOQING
    assert first.reply_by == date(2025, 3, 8)  # the plan's 5 days
    assert first.addressee.code == HUAIJI
    assert [s.kind for s in first.steps.all()] == [NoticeStepKind.ISSUED]
    event = AuditEvent.objects.get(action=Action.NOTICE, object_id=str(first.pk))
    assert event.unit_code == HUAIJI and event.changes["number"] == "督办〔2025〕1号"


@pytest.mark.django_db
def test_a_number_taken_meanwhile_is_skipped(tree, hq_admin, monkeypatch):
    """Another request took number 1 after this one read the sequence: the unique constraint
    refuses the stale number, and the notice takes the next one."""
    other = issue(hq_admin, tree["deqing"])
    real = supervision.notice_sequence_next
    reads = []

    def stale_first(*, issuer, year):  # type: ignore[no-untyped-def]
        number = real(issuer=issuer, year=year)
        reads.append(number)
        return number - 1 if len(reads) == 1 else number

    monkeypatch.setattr(supervision, "notice_sequence_next", stale_first)
    notice = issue(hq_admin, tree["county"])
    assert other.sequence == 1 and notice.sequence == 2 and len(reads) == 2
    assert notice.steps.count() == 1
    assert AuditEvent.objects.filter(action=Action.NOTICE).count() == 2


@pytest.mark.django_db
def test_who_may_issue(tree, hq_admin, huaiji_operator, make_user):
    with pytest.raises(PermissionDenied):  # its own county: not below it
        issue(huaiji_operator, tree["county"])
    with pytest.raises(PermissionDenied):  # a town operator issues no notices
        issue(make_user("town-op", "town_operator", tree["town"].unit.code), tree["village"])
    with pytest.raises(Exception) as refused:  # 德庆 lies outside 怀集's area
        issue(huaiji_operator, tree["deqing"])
    assert getattr(refused.value, "code", "") == DEQING
    with pytest.raises(InputError) as empty:
        notice_issue(actor=hq_admin, assignment=tree["county"], text="  ", today=ISSUED)
    assert empty.value.field == "text"
    with pytest.raises(InputError) as past:
        issue(hq_admin, tree["county"], reply_by=date(2025, 3, 1))
    assert past.value.field == "reply_by"
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_reply_and_close(tree, hq_admin, huaiji_operator, make_user):
    town_op = make_user("town-op", "town_operator", tree["town"].unit.code)
    notice = issue(huaiji_operator, tree["town"])
    told = Notification.objects.get(user=town_op)
    assert (told.kind, told.url, told.body) == (
        "notice",
        f"/plans/notices/{notice.pk}/",
        "请加快进度",
    )
    assert told.title.startswith(f"Supervision notice {notice.number} from 怀集县")
    with pytest.raises(PermissionDenied):  # the issuer does not answer its own notice
        notice_reply(
            actor=huaiji_operator, notice=notice, reply="x", version=notice.version, today=ISSUED
        )
    replied = notice_reply(
        actor=town_op, notice=notice, reply="已整改", version=notice.version, today=ISSUED
    )
    assert (replied.state, replied.reply, replied.replied_on) == (
        NoticeState.REPLIED,
        "已整改",
        ISSUED,
    )
    with pytest.raises(Conflict):  # the version read before the reply
        notice_close(actor=huaiji_operator, notice=notice, version=1, today=ISSUED)
    with pytest.raises(PermissionDenied):
        notice_close(actor=town_op, notice=replied, version=replied.version, today=ISSUED)
    closed = notice_close(
        actor=huaiji_operator, notice=replied, version=replied.version, today=date(2025, 3, 4)
    )
    assert closed.state == NoticeState.CLOSED and closed.closed_on == date(2025, 3, 4)
    assert [s.kind for s in closed.steps.all()] == ["issued", "replied", "closed"]
    assert AuditEvent.objects.filter(action=Action.REPLY, unit_code=closed.addressee.code).exists()
    (answer,) = Notification.objects.filter(user=huaiji_operator)
    assert answer.title == f"{tree['town'].unit.name} replied to supervision notice {notice.number}"


@pytest.mark.django_db
def test_escalation_climbs_one_level_then_interview(tree, hq_admin, huaiji_operator):
    """village → town, town → county, county → city; then 约谈 after the second grace."""
    to_village = issue(huaiji_operator, tree["village"])
    to_town = issue(huaiji_operator, tree["town"])
    to_county = issue(hq_admin, tree["county"])
    # reply_by 8 March, 3 days' grace: still open on the 11th, escalated on the 12th.
    assert notices_escalate(today=date(2025, 3, 11)).escalated == ()
    result = notices_escalate(today=date(2025, 3, 12))
    assert set(result.escalated) == {to_village.pk, to_town.pk, to_county.pk}
    for notice, parent in (
        (to_village, tree["town"].unit.code),
        (to_town, HUAIJI),
        (to_county, ZHAOQING),
    ):
        notice.refresh_from_db()
        assert notice.state == NoticeState.ESCALATED and notice.escalated_to.code == parent
        assert notice.escalated_on == date(2025, 3, 12) and notice.version == 2
        step = notice.steps.last()
        assert (step.kind, step.unit.code, step.actor) == ("escalated", parent, None)
    # 怀集县 issued two of them and receives one: told once, of both.
    (told,) = Notification.objects.filter(user=huaiji_operator, kind="escalated")
    assert (
        told.title == "Supervision notices escalated: 2"
        and told.url == "/plans/notices/?state=escalated"
    )
    assert (
        f"{to_town.number} to {tree['town'].unit.name}, unanswered, was escalated to 怀集县."
        in told.body
    )
    event = AuditEvent.objects.get(action=Action.ESCALATE, object_id=str(to_village.pk))
    assert event.actor_name == "system" and event.unit_code == tree["village"].unit.code
    # 5 days' grace after escalation: marked for interview on the 18th.
    assert notices_escalate(today=date(2025, 3, 17)) == supervision.EscalationResult()
    assert set(notices_escalate(today=date(2025, 3, 18)).interviews) == {
        to_village.pk,
        to_town.pk,
        to_county.pk,
    }
    to_village.refresh_from_db()
    assert to_village.state == NoticeState.INTERVIEW and to_village.interview_on == date(
        2025, 3, 18
    )
    assert [s.kind for s in to_village.steps.all()] == ["issued", "escalated", "interview"]
    assert AuditEvent.objects.filter(action=Action.INTERVIEW).count() == 3
    assert Notification.objects.get(user=hq_admin, kind="interview").title == (
        "Supervision notices marked for interview (约谈): 1"
    )


@pytest.mark.django_db
def test_the_pass_is_idempotent_for_a_day(tree, hq_admin):
    notice = issue(hq_admin, tree["county"])
    assert notices_escalate(today=date(2025, 4, 1)).escalated == (notice.pk,)
    assert notices_escalate(today=date(2025, 4, 1)) == supervision.EscalationResult()
    notice.refresh_from_db()
    assert notice.version == 2 and notice.steps.count() == 2
    assert AuditEvent.objects.filter(action=Action.ESCALATE).count() == 1


@pytest.mark.django_db
def test_the_unit_escalated_to_may_reply(tree, huaiji_operator, make_user):
    notice = issue(huaiji_operator, tree["village"])
    notices_escalate(today=date(2025, 3, 12))
    notice.refresh_from_db()
    town_op = make_user("town-op", "town_operator", tree["town"].unit.code)
    replied = notice_reply(
        actor=town_op,
        notice=notice,
        reply="镇已督促",
        version=notice.version,
        today=date(2025, 3, 13),
    )
    assert replied.state == NoticeState.REPLIED
    assert replied.steps.last().unit.code == tree["town"].unit.code
    # A replied notice neither escalates nor goes to interview.
    assert notices_escalate(today=date(2025, 6, 1)) == supervision.EscalationResult()


@pytest.mark.django_db
def test_a_reply_after_the_pass_read_the_notice_is_kept(tree, hq_admin, make_user):
    """The addressee replies with the version it read; the pass has escalated meanwhile: 409,
    nothing overwritten; reading again, the reply goes through."""
    notice = issue(hq_admin, tree["county"])
    county_op = make_user("huaiji-2", "county_operator", HUAIJI)
    notices_escalate(today=date(2025, 3, 12))
    with pytest.raises(Conflict):
        notice_reply(
            actor=county_op, notice=notice, reply="迟复", version=1, today=date(2025, 3, 12)
        )
    notice.refresh_from_db()
    assert notice.state == NoticeState.ESCALATED and notice.reply == ""
    notice_reply(
        actor=county_op,
        notice=notice,
        reply="迟复",
        version=notice.version,
        today=date(2025, 3, 12),
    )


@pytest.mark.django_db
def test_a_closed_plans_notices_do_not_climb(tree, hq_admin):
    notice = issue(hq_admin, tree["county"])
    plan = tree["county"].task.plan
    plan.refresh_from_db()
    plan_close(actor=hq_admin, plan=plan, version=plan.version, today=date(2025, 3, 10))
    assert notices_escalate(today=date(2025, 4, 1)) == supervision.EscalationResult()
    notice.refresh_from_db()
    assert notice.state == NoticeState.OPEN


def escalation_queries(hq_admin, tree, count: int, shift: int) -> int:  # type: ignore[no-untyped-def]
    """The queries of the two passes over `count` notices issued `shift` days after ISSUED
    (another day for each round: each day's notifications are new)."""
    Notice.objects.all().delete()
    for _ in range(count):
        issue(hq_admin, tree["county"], today=ISSUED + timedelta(days=shift))
    with CaptureQueriesContext(connection) as open_pass:
        escalated = notices_escalate(today=date(2025, 3, 12) + timedelta(days=shift)).escalated
    with CaptureQueriesContext(connection) as interview_pass:
        marked = notices_escalate(today=date(2025, 3, 18) + timedelta(days=shift)).interviews
    assert len(escalated) == len(marked) == count
    return len(open_pass) + len(interview_pass)


@pytest.mark.django_db
def test_the_pass_batches_its_queries(tree, hq_admin):
    """Ten times the notices: the same statements, but for the few extra batches that a
    database's limit on the parameters of one INSERT asks for (SQLite: about 100 audit
    events per statement). The notifications go out one per unit, not one per notice."""
    ten = escalation_queries(hq_admin, tree, 10, shift=0)
    hundred = escalation_queries(hq_admin, tree, 100, shift=30)
    assert ten <= 40 and ten <= hundred <= ten + 4
    # The city (issuer and escalated-to) heard once of each pass, with every notice listed.
    escalated = Notification.objects.filter(kind="escalated", user=hq_admin).order_by("pk")
    assert escalated.count() == 2
    assert escalated.last().title == "Supervision notices escalated: 100"
    assert escalated.last().body.count("was escalated to 肇庆市") == 50  # the first 50 listed


@pytest.mark.django_db
def test_the_issuer_never_answers_its_own_notice(tree, hq_admin, huaiji_operator):
    """Headquarters' notice to 怀集县 escalates to 肇庆市, headquarters' own unit: the county
    still answers it, headquarters does not."""
    from django.core.exceptions import PermissionDenied

    from baiqianwan.plans.supervision import notice_repliers_may, notice_reply

    notice = issue(hq_admin, tree["county"])
    notices_escalate(today=date(2025, 3, 12))
    notice.refresh_from_db()
    assert notice.escalated_to.code == ZHAOQING
    assert not notice_repliers_may(actor=hq_admin, notice=notice)
    with pytest.raises(PermissionDenied):
        notice_reply(
            actor=hq_admin,
            notice=notice,
            reply="自己答复",
            version=notice.version,
            today=date(2025, 3, 13),
        )
    assert notice_repliers_may(actor=huaiji_operator, notice=notice)
    replied = notice_reply(
        actor=huaiji_operator,
        notice=notice,
        reply="已整改",
        version=notice.version,
        today=date(2025, 3, 13),
    )
    assert replied.state == NoticeState.REPLIED
