from __future__ import annotations

from typing import Any

from django.conf import settings

from baiqianwan.accounts.policy import scope_prefix


def users_visible(*, user: Any) -> list[tuple[Any, bool]]:
    """Accounts whose home unit lies in the reader's area, for the separated administrators,
    each with whether sign-in is locked now."""
    from axes.models import AccessAttempt

    from baiqianwan.accounts.models import User

    prefix = scope_prefix(user, "accounts.read")
    users = list(
        User.objects.filter(home_unit__code__startswith=prefix)
        .select_related("home_unit")
        .order_by("home_unit__code", "username")
    )
    limit = settings.AXES_FAILURE_LIMIT
    locked = set(
        AccessAttempt.objects.filter(failures_since_start__gte=limit).values_list(
            "username", flat=True
        )
    )
    return [(account, account.username in locked) for account in users]
