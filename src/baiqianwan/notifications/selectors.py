"""Reads of a user's own notifications: nobody reads another's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.core.listing import Page, list_paginate
from baiqianwan.notifications.models import Notification


def unread_count(*, user: Any) -> int:
    """How many of the user's notifications are unread: one COUNT on the (user, read_at)
    index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first; only the unread ones with `unread_only`."""
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def notifications_page(
    *, user: Any, unread_only: bool = False, page: Any = None, page_size: Any = None
) -> Page:
    """One page of `notifications_list`, cut by the shared list helper (`ListParamError` for
    a wrong page)."""
    return list_paginate(
        notifications_list(user=user, unread_only=unread_only), page=page, page_size=page_size
    )


def notification_get(*, user: Any, notification_id: int) -> Notification:
    """One of the user's notifications; another user's is not found, like a missing one."""
    notification = Notification.objects.filter(user=user, pk=notification_id).first()
    if notification is None:
        raise Http404(_("No such notification."))
    return notification
