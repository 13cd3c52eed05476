"""The signed-in user's own notifications: list them, mark one read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from baiqianwan.core.listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from baiqianwan.core.schemas import READ_ERRORS
from baiqianwan.notifications.models import Notification
from baiqianwan.notifications.schemas import NotificationOut, NotificationPageOut
from baiqianwan.notifications.selectors import notifications_page, unread_count
from baiqianwan.notifications.services import notification_read

router = Router()


def notification_out(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "kind_label": str(notification.get_kind_display()),
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "unit_code": notification.unit_code,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "emailed_at": notification.emailed_at,
    }


@router.get("", response={200: NotificationPageOut, **READ_ERRORS}, summary="Your notifications")
def notifications_list(
    request: HttpRequest,
    unread: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Your own notifications, newest first; `unread=true` for the unread ones only.
    `unread` (the count) is how many of all yours are unread."""
    result = notifications_page(
        user=request.user, unread_only=unread, page=page, page_size=page_size
    )
    return {
        "count": result.count,
        "page": result.number,
        "pages": result.num_pages,
        "unread": unread_count(user=request.user),
        "items": [notification_out(n) for n in result.items],
    }


@router.post("/{int:pk}/read", response={200: NotificationOut, **READ_ERRORS}, summary="Mark read")
def notification_mark_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Mark one of your notifications read; the time of the first reading is kept. Another
    user's notification is not found (404)."""
    return notification_out(notification_read(user=request.user, notification_id=pk))
