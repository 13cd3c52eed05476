"""The notification pages: the bell on every page, the list, opening, marking read, export."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from baiqianwan.notifications.models import Notification
from baiqianwan.notifications.services import notification_send

pytestmark = pytest.mark.django_db

PAGE = "/units/441224000000/"  # 怀集县, a page of another app
BADGE = re.compile(r'data-testid="bell-count">(\d+\+?)<')


def send(user, title="任务临近期限", **kwargs):  # type: ignore[no-untyped-def]
    return notification_send(user=user, kind=kwargs.pop("kind", "due_soon"), title=title, **kwargs)


def badge(page) -> str | None:  # type: ignore[no-untyped-def]
    found = BADGE.search(page.content.decode())
    return found.group(1) if found else None


def test_the_bell_shows_the_unread_count_on_every_page(client, huaiji_operator, hq_admin):
    client.force_login(huaiji_operator)
    page = client.get(PAGE)
    assert 'data-testid="bell"' in page.content.decode()
    assert badge(page) is None  # nothing unread: no badge
    for _ in range(3):
        send(huaiji_operator)
    send(hq_admin)  # someone else's
    read = send(huaiji_operator)
    read.read_at = read.created_at
    read.save()
    assert badge(client.get(PAGE)) == "3"


def test_the_badge_stops_at_99(client, huaiji_operator):
    Notification.objects.bulk_create(
        Notification(user=huaiji_operator, kind="general", title=f"通知 {i}") for i in range(100)
    )
    client.force_login(huaiji_operator)
    assert badge(client.get(PAGE)) == "99+"


def test_the_bell_costs_one_count_query(client, huaiji_operator):
    send(huaiji_operator)
    client.force_login(huaiji_operator)
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)
    touching = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("SELECT COUNT(*)"), touching


def test_no_bell_and_no_query_for_an_anonymous_visitor(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/accounts/login/")
    assert 'data-testid="bell"' not in page.content.decode()
    assert not any("notifications_notification" in q["sql"] for q in queries)


def test_the_bell_fragment(client, huaiji_operator):
    send(huaiji_operator)
    send(huaiji_operator)
    client.force_login(huaiji_operator)
    fragment = client.get("/notifications/bell/")
    assert fragment.status_code == 200
    assert badge(fragment) == "2"
    assert "<html" not in fragment.content.decode()
    assert 'hx-trigger="notifications-changed from:body"' in fragment.content.decode()


def test_the_list_all_and_unread(client, huaiji_operator, hq_admin):
    send(huaiji_operator, title="第一条")
    second = send(huaiji_operator, title="第二条", body="请在 6 月 30 日前报送。")
    send(hq_admin, title="别人的")
    second.read_at = second.created_at
    second.save()
    client.force_login(huaiji_operator)
    page = client.get("/notifications/").content.decode()
    assert page.index("第二条") < page.index("第一条")  # newest first
    assert "请在 6 月 30 日前报送。" in page and "别人的" not in page
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "第一条" in unread and "第二条" not in unread


def test_a_wrong_filter_is_a_clear_error(client, huaiji_operator):
    client.force_login(huaiji_operator)
    page = client.get("/notifications/?unread=yes", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "“unread” is 1 (unread only) or 0 (all), not “yes”" in page.content.decode()
    assert client.get("/notifications/?page=9").status_code == 400


def test_the_list_in_chinese(client, huaiji_operator):
    send(huaiji_operator, kind="escalated", title="督办升级")
    client.force_login(huaiji_operator)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已升级督办" in page and "全部标为已读" in page and "标为已读" in page


def test_opening_marks_read_and_follows_the_link(client, huaiji_operator):
    notification = send(huaiji_operator, url="/units/441224000000/")
    client.force_login(huaiji_operator)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/units/441224000000/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_one_without_a_link_goes_to_the_list(client, huaiji_operator):
    notification = send(huaiji_operator)
    client.force_login(huaiji_operator)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_a_stored_foreign_link_is_never_followed(client, huaiji_operator):
    """A row written around the service (a migration, a shell) cannot send anyone away."""
    notification = Notification.objects.create(
        user=huaiji_operator, kind="general", title="x", url="//evil.example/"
    )
    client.force_login(huaiji_operator)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_another_users_notification_is_not_found(client, huaiji_operator, hq_admin):
    theirs = send(hq_admin, url="/units/")
    client.force_login(huaiji_operator)
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.get("/notifications/999999/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_with_htmx_tells_the_bell(client, huaiji_operator):
    notification = send(huaiji_operator, title="待办")
    client.force_login(huaiji_operator)
    response = client.post(f"/notifications/{notification.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    row = response.content.decode()
    assert row.lstrip().startswith("<tr") and "待办" in row and 'data-unread="1"' not in row
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405


def test_mark_one_read_without_javascript(client, huaiji_operator):
    notification = send(huaiji_operator)
    client.force_login(huaiji_operator)
    response = client.post(f"/notifications/{notification.pk}/read/")
    assert (response.status_code, response["Location"]) == (302, "/notifications/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client, huaiji_operator, hq_admin):
    for _ in range(3):
        send(huaiji_operator)
    theirs = send(hq_admin)
    client.force_login(huaiji_operator)
    response = client.post("/notifications/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "3 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(user=huaiji_operator, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    again = client.post("/notifications/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "There were no unread notifications." in again.content.decode()


def test_export_holds_only_ones_own(client, huaiji_operator, hq_admin):
    send(
        huaiji_operator, title="=HYPERLINK(1)", body="正文", url="/units/", unit_code="441224000000"
    )
    read = send(huaiji_operator, title="已读的")
    read.read_at = read.created_at
    read.save()
    send(hq_admin, title="别人的")
    client.force_login(huaiji_operator)
    response = client.get("/notifications/notifications.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="Notifications-')
    rows = _rows(response)
    assert rows[0] == [
        "Time",
        "Kind",
        "Title",
        "Content",
        "Unit code",
        "Read at",
        "E-mailed at",
        "Link",
    ]
    assert [row[2] for row in rows[1:]] == ["已读的", "=HYPERLINK(1)"]
    assert rows[2][1:5] == ["Due soon", "=HYPERLINK(1)", "正文", "441224000000"]
    unread = _rows(client.get("/notifications/notifications.xlsx?unread=1"))
    assert [row[2] for row in unread[1:]] == ["=HYPERLINK(1)"]


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


@pytest.mark.django_db
def test_the_pager_keeps_the_filter(client, huaiji_operator):
    for n in range(60):
        notification_send(user=huaiji_operator, kind="general", title=f"第{n}条")
    client.force_login(huaiji_operator)
    first = client.get("/notifications/?unread=1").content.decode()
    assert 'href="?unread=1&amp;page=2"' in first and "1 / 2" in first
    second = client.get("/notifications/?unread=1&page=2").content.decode()
    assert 'href="?unread=1&amp;page=1"' in second and "2 / 2" in second
