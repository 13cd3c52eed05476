"""The notice pages through the real stack: list, filters, export, issue, reply, close, 409."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from baiqianwan.plans.choices import NoticeState
from baiqianwan.plans.models import Assignment, Notice
from baiqianwan.plans.services import plan_issue
from baiqianwan.plans.supervision import notice_issue, notices_escalate
from tests.factories import DEQING, HUAIJI
from tests.plans.factories import assigned, plan_with_tasks


@pytest.fixture
def issued(hq_admin):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    plan = plan_with_tasks(actor=hq_admin, count=1, deadline=today + timedelta(days=60))
    assigned(actor=hq_admin, plan=plan, codes=[HUAIJI, DEQING], today=today)
    plan_issue(actor=hq_admin, plan=plan, version=plan.version, today=today)
    return {a.unit.code: a for a in Assignment.objects.select_related("unit", "task__plan")}


def notice_to(actor, assignment, text="请于期限内报送整改情况", **kwargs):  # type: ignore[no-untyped-def]
    return notice_issue(
        actor=actor, assignment=assignment, text=text, today=timezone.localdate(), **kwargs
    )


@pytest.mark.django_db
def test_issue_from_an_assignment(client, hq_admin, issued):
    client.force_login(hq_admin)
    url = f"/plans/assignments/{issued[HUAIJI].pk}/notice/"
    page = client.get(url)
    assert page.status_code == 200
    default = timezone.localdate() + timedelta(days=5)
    assert f'value="{default:%Y-%m-%d}"' in page.content.decode()
    refused = client.post(url, {"text": "  ", "reply_by": ""})
    assert refused.status_code == 400 and not Notice.objects.exists()
    past = client.post(url, {"text": "请整改", "reply_by": "2000-01-01"})
    assert past.status_code == 400
    assert "回复期限 2000-01-01 已过" in past.content.decode()
    assert "请整改" in past.content.decode()  # the typing is kept
    response = client.post(url, {"text": "请整改", "reply_by": ""})
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/notices/{notice.pk}/"
    assert notice.reply_by == default and notice.addressee.code == HUAIJI


@pytest.mark.django_db
def test_the_printable_notice(client, hq_admin, issued):
    notice = notice_to(hq_admin, issued[HUAIJI])
    client.force_login(hq_admin)
    page = client.get(f"/plans/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    for text in (
        "督办〔",
        "怀集县",
        "请于期限内报送整改情况",
        "测试方案",
        "肇庆市",
        "plans/notice.css",
    ):
        assert text in body, text
    assert 'data-step="issued"' in body
    assert 'data-testid="notice-close-form"' in body  # the issuer closes
    assert 'data-testid="notice-reply-form"' not in body  # and does not reply


@pytest.mark.django_db
def test_reply_and_the_409_that_keeps_the_typing(client, hq_admin, huaiji_operator, issued):
    notice = notice_to(hq_admin, issued[HUAIJI], reply_by=timezone.localdate())
    client.force_login(huaiji_operator)
    page = client.get(f"/plans/notices/{notice.pk}/").content.decode()
    assert 'data-testid="notice-reply-form"' in page and "notice-close-form" not in page
    # The pass escalates the notice while the county types its reply.
    notices_escalate(today=timezone.localdate() + timedelta(days=4))
    url = f"/plans/notices/{notice.pk}/reply/"
    conflict = client.post(url, {"reply": "已完成整改", "version": 1})
    assert conflict.status_code == 409
    body = conflict.content.decode()
    assert "已完成整改" in body and "已被他人更改" in body
    assert 'name="version" value="2"' in body
    notice.refresh_from_db()
    assert notice.state == NoticeState.ESCALATED and notice.reply == ""
    sent = client.post(url, {"reply": "已完成整改", "version": 2})
    assert sent.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.REPLIED and notice.reply == "已完成整改"
    # Closing belongs to the issuer.
    assert (
        client.post(f"/plans/notices/{notice.pk}/", {"version": notice.version}).status_code == 403
    )
    client.force_login(hq_admin)
    closed = client.post(f"/plans/notices/{notice.pk}/", {"version": notice.version, "note": "好"})
    assert closed.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED


@pytest.mark.django_db
def test_list_filters_and_export(client, hq_admin, huaiji_operator, issued):
    huaiji = notice_to(hq_admin, issued[HUAIJI], text="怀集的要求")
    deqing = notice_to(hq_admin, issued[DEQING], text="德庆的要求")
    Notice.objects.filter(pk=deqing.pk).update(reply_by=date(2020, 1, 1))
    client.force_login(hq_admin)
    everything = client.get("/plans/notices/").content.decode()
    assert huaiji.number in everything and deqing.number in everything
    overdue = client.get("/plans/notices/?overdue=on").content.decode()
    assert deqing.number in overdue and huaiji.number not in overdue
    by_unit = client.get(f"/plans/notices/?unit={HUAIJI}").content.decode()
    assert huaiji.number in by_unit and deqing.number not in by_unit
    assert client.get("/plans/notices/?state=replied").content.decode().count("督办〔") == 0
    assert client.get("/plans/notices/?state=nonsense").status_code == 400
    export = client.get("/plans/notices.xlsx?overdue=on")
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert [row[0] for row in rows[1:]] == [deqing.number]
    assert rows[1][3] == "德庆县" and rows[1][11] == "德庆的要求"
    # 怀集's operator sees 怀集's notice only, and may not filter by 德庆.
    client.force_login(huaiji_operator)
    mine = client.get("/plans/notices/").content.decode()
    assert huaiji.number in mine and "德庆" not in mine
    assert client.get(f"/plans/notices/?unit={DEQING}").status_code == 404


@pytest.mark.django_db
def test_deqing_notices_are_404_for_huaiji(client, hq_admin, huaiji_operator, issued):
    notice = notice_to(hq_admin, issued[DEQING])
    client.force_login(huaiji_operator)
    for path in (
        f"/plans/notices/{notice.pk}/",
        f"/plans/notices/{notice.pk}/reply/",
        f"/plans/assignments/{issued[DEQING].pk}/notice/",
    ):
        for response in (client.get(path), client.post(path, {"reply": "x", "version": 1})):
            assert response.status_code == 404, path
            assert "德庆" not in response.content.decode()
    assert Notice.objects.get().state == NoticeState.OPEN


@pytest.mark.django_db
def test_the_list_reads_the_same_queries_for_more_rows(client, hq_admin, issued):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hq_admin)
    counts = []
    for total in (3, 30):
        while Notice.objects.count() < total:
            notice_to(hq_admin, issued[HUAIJI if Notice.objects.count() % 2 else DEQING])
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/plans/notices/")
        assert page.content.decode().count('href="/plans/notices/') == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
