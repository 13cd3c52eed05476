"""The bell in the navigation bar: how many notifications the signed-in user has not read."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from baiqianwan.notifications.selectors import unread_count

# A badge shows at most this number, then "99+".
BADGE_MAX = 99


class Bell:
    """The unread count, counted when a template first asks for it (one COUNT query), so a
    response that shows no bell costs nothing."""

    def __init__(self, user: Any) -> None:
        self._user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(user=self._user)

    @property
    def badge(self) -> str:
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)


def bell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
