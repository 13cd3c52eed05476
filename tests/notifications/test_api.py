"""The notifications API: a user's own notifications, paged, and marking one read."""

from __future__ import annotations

import pytest

from baiqianwan.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def send(user, title, **kwargs):  # type: ignore[no-untyped-def]
    return notification_send(user=user, kind=kwargs.pop("kind", "review"), title=title, **kwargs)


def test_the_list_is_ones_own_newest_first_and_paged(client, huaiji_operator, hq_admin):
    first = send(huaiji_operator, "第一条", url="/units/", unit_code="441224000000")
    second = send(huaiji_operator, "第二条", body="正文")
    third = send(huaiji_operator, "第三条")
    send(hq_admin, "别人的")
    client.force_login(huaiji_operator)
    client.post(f"/api/notifications/{second.pk}/read")

    body = client.get("/api/notifications?page_size=2").json()
    assert (body["count"], body["page"], body["pages"], body["unread"]) == (3, 1, 2, 2)
    assert [item["id"] for item in body["items"]] == [third.pk, second.pk]
    last = client.get("/api/notifications?page_size=2&page=2").json()["items"]
    assert last == [
        {
            "id": first.pk,
            "kind": "review",
            "kind_label": "待审核",  # the request's language, Chinese by default
            "title": "第一条",
            "body": "",
            "url": "/units/",
            "unit_code": "441224000000",
            "created_at": last[0]["created_at"],
            "read_at": None,
            "emailed_at": None,
        }
    ]
    unread = client.get("/api/notifications?unread=true").json()
    assert [item["title"] for item in unread["items"]] == ["第三条", "第一条"]
    assert unread["count"] == 2


def test_mark_read(client, huaiji_operator):
    notification = send(huaiji_operator, "待审核")
    client.force_login(huaiji_operator)
    response = client.post(f"/api/notifications/{notification.pk}/read")
    assert response.status_code == 200
    assert response.json()["id"] == notification.pk and response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_notification_is_not_found(client, huaiji_operator, hq_admin):
    theirs = send(hq_admin, "别人的")
    client.force_login(huaiji_operator)
    response = client.post(f"/api/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "没有这条通知。"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_errors_are_problems(client, huaiji_operator):
    assert client.get("/api/notifications").status_code == 401
    client.force_login(huaiji_operator)
    past = client.get("/api/notifications?page=3")
    assert past.status_code == 400 and past.json()["field"] == "page"
    assert client.get("/api/notifications?unread=maybe").status_code == 422
    assert client.get("/api/notifications/1/read").status_code == 405
