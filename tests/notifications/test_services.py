"""Sending notifications: de-duplication by key, e-mail after commit, links that stay on the
site, and a unit's people notified in a constant number of queries."""

from __future__ import annotations

import logging
import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from baiqianwan.accounts.models import User
from baiqianwan.audit.models import AuditEvent
from baiqianwan.core.problems import InputError
from baiqianwan.notifications import services
from baiqianwan.notifications.choices import NotificationKind
from baiqianwan.notifications.models import Notification
from baiqianwan.notifications.selectors import notifications_list, unread_count
from baiqianwan.notifications.services import (
    notification_read,
    notification_send,
    notifications_read_all,
    notifications_send_to_unit,
)
from baiqianwan.units.models import Unit
from tests.factories import DEQING, HUAIJI, ZHAOQING

HUAIJI_TOWN = "441224001000"  # 怀城街道

pytestmark = pytest.mark.django_db


def send(user, **kwargs):  # type: ignore[no-untyped-def]
    fields = {"kind": NotificationKind.DUE_SOON, "title": "任务临近期限", **kwargs}
    return notification_send(user=user, **fields)


def test_the_kinds_and_their_chinese_labels():
    from django.utils import translation

    with translation.override("zh-hans"):
        labels = [str(label) for label in NotificationKind.labels]
    assert labels == [
        "临近期限",
        "已逾期",
        "被退回",
        "待审核",
        "督办通知",
        "已升级督办",
        "约谈",
        "通知",
    ]


def test_a_key_is_sent_to_a_user_once(huaiji_operator, hq_admin):
    first = send(huaiji_operator, key="task:7:due:2025-06-30", url="/plans/tasks/7/")
    assert first is not None and first.user == huaiji_operator
    assert send(huaiji_operator, key="task:7:due:2025-06-30", title="又一次") is None
    assert Notification.objects.filter(user=huaiji_operator).count() == 1
    assert Notification.objects.get(user=huaiji_operator).title == "任务临近期限"
    # Another user gets the same key; without a key nothing is de-duplicated.
    assert send(hq_admin, key="task:7:due:2025-06-30") is not None
    assert send(huaiji_operator) is not None and send(huaiji_operator) is not None
    assert Notification.objects.filter(user=huaiji_operator).count() == 3


def test_a_racing_sender_is_refused_by_the_database(huaiji_operator, monkeypatch):
    """Two jobs reading "not sent yet" at once: the unique constraint lets one row in, and
    the loser gets None, not an error."""
    Notification.objects.create(
        user=huaiji_operator, kind="overdue", title="先到的", key="task:9:overdue"
    )
    real_get = QuerySet.get
    calls = {"n": 0}

    def get_missing_first(queryset, *args, **kwargs):  # type: ignore[no-untyped-def]
        if queryset.model is Notification:
            calls["n"] += 1
            if calls["n"] == 1:  # the other job's row is not there yet when this one looks
                raise Notification.DoesNotExist
        return real_get(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", get_missing_first)
    assert send(huaiji_operator, kind="overdue", key="task:9:overdue") is None
    assert calls["n"] == 2  # looked, failed to insert, looked again
    assert Notification.objects.filter(user=huaiji_operator).count() == 1


def test_sending_is_audited(huaiji_operator):
    notification = send(huaiji_operator, unit_code=HUAIJI, key="k1")
    event = AuditEvent.objects.get(object_type="notifications.notification")
    assert event.object_id == str(notification.pk)
    assert event.object_repr == "任务临近期限"
    assert event.unit_code == HUAIJI
    assert event.actor_name == "system"
    assert event.changes == {"user": "huaiji", "kind": "due_soon", "key": "k1"}


def test_e_mail_after_commit_with_subject_and_link(
    huaiji_operator, with_email, site_url, django_capture_on_commit_callbacks
):
    with_email(huaiji_operator, "op@huaiji.gov.cn")
    with django_capture_on_commit_callbacks() as callbacks:
        notification = send(
            huaiji_operator,
            kind=NotificationKind.RETURNED,
            title="进展报告被退回",
            body="请补充佐证材料。",
            url="/plans/reports/12/",
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "【百千万】进展报告被退回"
    assert message.to == ["op@huaiji.gov.cn"]
    assert message.body == "请补充佐证材料。\n\nhttps://bqw.example.gov.cn/plans/reports/12/"
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_link_without_a_site_address(
    huaiji_operator, with_email, settings, django_capture_on_commit_callbacks
):
    settings.BQW_SITE_URL = ""
    with_email(huaiji_operator, "op@huaiji.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        send(huaiji_operator, body="请处理。", url="/plans/tasks/7/")
    assert mail.outbox[0].body == "请处理。"


def test_no_e_mail_without_an_address_or_for_a_disabled_account(
    huaiji_operator, hq_admin, with_email, site_url, django_capture_on_commit_callbacks
):
    with_email(hq_admin, "hq@zhaoqing.gov.cn")
    hq_admin.is_active = False
    hq_admin.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = send(huaiji_operator)
        second = send(hq_admin)
    assert callbacks == [] and mail.outbox == []
    assert Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at=None).count() == 2


def test_no_e_mail_where_e_mail_is_off(
    huaiji_operator, with_email, settings, django_capture_on_commit_callbacks
):
    """Production without a mail server: the notification is kept, no e-mail is claimed."""
    settings.BQW_EMAIL_ENABLED = False
    with_email(huaiji_operator, "op@huaiji.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(huaiji_operator)
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_a_failing_mail_server_is_logged_not_raised(
    huaiji_operator, with_email, site_url, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    with_email(huaiji_operator, "op@huaiji.gov.cn")

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPRecipientsRefused({"op@huaiji.gov.cn": (550, b"no such user")})

    monkeypatch.setattr(services, "send_mail", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notification = send(huaiji_operator)
    assert notification is not None
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert f"E-mail for notification {notification.pk} failed" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/plans/",
        "/\\evil.example",
        "plans/tasks/7/",
        "/plans/ tasks/",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
)
def test_a_link_must_be_a_path_on_this_site(huaiji_operator, url):
    with pytest.raises(InputError) as caught:
        send(huaiji_operator, url=url)
    assert caught.value.field == "url"
    assert "is not a path on this site" in caught.value.message
    assert not Notification.objects.exists()


def test_a_local_link_with_query_and_fragment_is_kept(huaiji_operator):
    notification = send(huaiji_operator, url="/plans/tasks/7/?tab=reports#latest")
    assert notification.url == "/plans/tasks/7/?tab=reports#latest"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "  "}, "title", "needs a title"),
        ({"title": "第一行\n第二行"}, "title", "must be one line"),
        ({"title": "长" * 301}, "title", "301 characters long; the limit is 300"),
        ({"kind": "reminder"}, "kind", "“reminder” is not a kind"),
        ({"unit_code": "4412"}, "unit_code", "“4412” is not a 12-digit unit code"),
        ({"key": "k" * 201}, "key", "201 characters long; the limit is 200"),
        ({"url": "/" + "a" * 500}, "url", "501 characters long; the limit is 500"),
    ],
)
def test_bad_input_names_the_field(huaiji_operator, fields, field, message):
    with pytest.raises(InputError) as caught:
        send(huaiji_operator, **fields)
    assert caught.value.field == field
    assert message in caught.value.message


# --- A unit's people -------------------------------------------------------------------------


def _people(unit_code: str, role: str, count: int, *, prefix: str, email: bool = True):  # type: ignore[no-untyped-def]
    """`count` accounts at one unit, made in one insert (no password hashing)."""
    unit = Unit.objects.get(code=unit_code)
    return User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i}",
                role=role,
                home_unit=unit,
                password="!",
                email=f"{prefix}{i}@example.gov.cn" if email else "",
            )
            for i in range(count)
        ]
    )


def test_a_unit_notice_reaches_that_units_operators_only(make_user, with_email):
    operator = with_email(make_user("hj-op", "county_operator", HUAIJI), "op@huaiji.gov.cn")
    second = make_user("hj-op2", "county_operator", HUAIJI)
    make_user("hj-leader", "leader", HUAIJI)
    retired = make_user("hj-gone", "county_operator", HUAIJI)
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    make_user("hc-town", "town_operator", HUAIJI_TOWN)  # under 怀集, not 怀集 itself
    make_user("dq-op", "county_operator", DEQING)
    make_user("zq-hq", "hq_admin", ZHAOQING)
    huaiji = Unit.objects.get(code=HUAIJI)

    count = notifications_send_to_unit(
        unit=huaiji, kind=NotificationKind.NOTICE, title="督办通知：绿美肇庆", key="notice:3"
    )

    assert count == 2
    reached = set(Notification.objects.values_list("user__username", flat=True))
    assert reached == {"hj-op", "hj-op2"}
    assert set(Notification.objects.values_list("unit_code", flat=True)) == {HUAIJI}
    assert {operator.pk, second.pk} == set(Notification.objects.values_list("user", flat=True))


def test_a_unit_notice_to_chosen_roles(make_user):
    make_user("hj-op", "county_operator", HUAIJI)
    make_user("hj-leader", "leader", HUAIJI)
    huaiji = Unit.objects.get(code=HUAIJI)
    sent = notifications_send_to_unit(
        unit=huaiji, kind=NotificationKind.INTERVIEW, title="约谈通知", roles=["leader"]
    )
    assert sent == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["hj-leader"]
    with pytest.raises(InputError) as caught:
        notifications_send_to_unit(unit=huaiji, kind="interview", title="x", roles=["boss"])
    assert caught.value.field == "roles" and "“boss” is not a role" in caught.value.message


def test_a_unit_notice_with_a_key_reaches_only_those_without_it(make_user):
    make_user("hj-op", "county_operator", HUAIJI)
    huaiji = Unit.objects.get(code=HUAIJI)
    fields = {"unit": huaiji, "kind": "overdue", "title": "任务已逾期", "key": "task:5:overdue"}
    assert notifications_send_to_unit(**fields) == 1
    assert notifications_send_to_unit(**fields) == 0
    make_user("hj-new", "county_operator", HUAIJI)
    assert notifications_send_to_unit(**fields) == 1
    assert Notification.objects.filter(key="task:5:overdue").count() == 2
    assert AuditEvent.objects.filter(object_type="notifications.notification").count() == 2


def test_a_unit_notice_racing_another_sender_e_mails_only_its_own_rows(
    site_url, monkeypatch, django_capture_on_commit_callbacks
):
    """Another job gives one of the people the key between the read and the insert: the
    insert fails whole, the rest are created one by one, and only they are e-mailed."""
    people = _people(HUAIJI, "county_operator", 3, prefix="race")
    huaiji = Unit.objects.get(code=HUAIJI)
    real_recipients = services._recipients

    def read_then_raced(**kwargs):  # type: ignore[no-untyped-def]
        found = real_recipients(**kwargs)
        Notification.objects.create(
            user=people[1], kind="overdue", title="另一个任务", key="task:5:overdue"
        )
        return found

    monkeypatch.setattr(services, "_recipients", read_then_raced)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notifications_send_to_unit(
            unit=huaiji, kind="overdue", title="任务已逾期", key="task:5:overdue"
        )
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["race0@example.gov.cn", "race2@example.gov.cn"]
    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles == {"race0": "任务已逾期", "race1": "另一个任务", "race2": "任务已逾期"}


def test_a_unit_notice_e_mails_the_created_rows(site_url, django_capture_on_commit_callbacks):
    _people(HUAIJI, "county_operator", 3, prefix="mail")
    _people(HUAIJI, "county_operator", 1, prefix="nomail", email=False)
    huaiji = Unit.objects.get(code=HUAIJI)
    with django_capture_on_commit_callbacks(execute=True):
        notifications_send_to_unit(
            unit=huaiji, kind="review", title="待审核的进展", url="/plans/reports/"
        )
    assert sorted(m.to[0] for m in mail.outbox) == [f"mail{i}@example.gov.cn" for i in range(3)]
    assert {m.subject for m in mail.outbox} == {"【百千万】待审核的进展"}
    assert mail.outbox[0].body == "https://bqw.example.gov.cn/plans/reports/"
    emailed = dict(Notification.objects.values_list("user__username", "emailed_at"))
    assert emailed["nomail0"] is None
    assert all(emailed[f"mail{i}"] is not None for i in range(3))


def test_a_unit_notice_takes_as_many_queries_for_50_people_as_for_1(
    site_url, django_capture_on_commit_callbacks
):
    _people(HUAIJI, "county_operator", 1, prefix="one")
    _people(DEQING, "county_operator", 50, prefix="many")
    counts = []
    for code, key in ((HUAIJI, "a"), (DEQING, "a"), (HUAIJI, "b"), (DEQING, "b")):
        unit = Unit.objects.get(code=code)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            notifications_send_to_unit(unit=unit, kind="due_soon", title="临近期限", key=key)
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] == counts[3], counts
    assert Notification.objects.filter(key="b").count() == 51
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 102
    assert len(mail.outbox) == 102


# --- Reading ---------------------------------------------------------------------------------


def test_read_once_and_only_ones_own(huaiji_operator, hq_admin):
    mine = send(huaiji_operator)
    theirs = send(hq_admin)
    read = notification_read(user=huaiji_operator, notification_id=mine.pk)
    assert read.read_at is not None
    again = notification_read(user=huaiji_operator, notification_id=mine.pk)
    assert again.read_at == read.read_at  # the first reading's time is kept
    with pytest.raises(Http404):
        notification_read(user=huaiji_operator, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_the_users_unread(huaiji_operator, hq_admin):
    for _ in range(3):
        send(huaiji_operator)
    send(hq_admin)
    notification_read(
        user=huaiji_operator, notification_id=notifications_list(user=huaiji_operator)[0].pk
    )
    assert unread_count(user=huaiji_operator) == 2
    assert notifications_read_all(user=huaiji_operator) == 2
    assert unread_count(user=huaiji_operator) == 0
    assert notifications_read_all(user=huaiji_operator) == 0
    assert unread_count(user=hq_admin) == 1


def test_the_list_is_newest_first_and_filters_unread(huaiji_operator):
    first = send(huaiji_operator, title="一")
    second = send(huaiji_operator, title="二")
    third = send(huaiji_operator, title="三")
    notification_read(user=huaiji_operator, notification_id=second.pk)
    assert [n.pk for n in notifications_list(user=huaiji_operator)] == [
        third.pk,
        second.pk,
        first.pk,
    ]
    unread = notifications_list(user=huaiji_operator, unread_only=True)
    assert [n.title for n in unread] == ["三", "一"]
