from __future__ import annotations

from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    unit_code: str
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


class NotificationPageOut(Schema):
    count: int
    page: int
    pages: int
    unread: int
    items: list[NotificationOut]
