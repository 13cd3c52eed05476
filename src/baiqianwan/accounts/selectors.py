from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from baiqianwan.accounts.choices import SEPARATED_ADMIN_ROLES, Role


def user_scope_prefix(*, user: Any) -> str:
    """The code prefix of the user's home unit: everything they may see starts with it.

    A user without a home unit sees nothing; so does an anonymous user.
    """
    unit = getattr(user, "home_unit", None)
    if not getattr(user, "is_authenticated", False) or unit is None:
        raise PermissionDenied
    return str(unit.prefix)


def user_in_scope(*, reader: Any, user: Any) -> bool:
    """Whether `user`'s home unit lies in `reader`'s area."""
    return bool(user.home_unit.code.startswith(user_scope_prefix(user=reader)))


def user_has_role(*, user: Any, roles: set[Role] | frozenset[Role]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles


ACCOUNT_READERS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def users_visible(*, user: Any) -> list[tuple[Any, bool]]:
    """Accounts whose home unit lies in the reader's area, for the system and security
    administrators, each with whether sign-in is locked now."""
    from axes.models import AccessAttempt

    from baiqianwan.accounts.models import User

    if not user_has_role(user=user, roles=ACCOUNT_READERS):
        raise PermissionDenied
    prefix = user_scope_prefix(user=user)
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


def user_reads_business_data(*, user: Any) -> bool:
    """The system, security and audit administrators run the platform; under MLPS 2.0 they do
    not read the programme's own data (units, documents, later indicators)."""
    return bool(getattr(user, "is_authenticated", False)) and user.role not in SEPARATED_ADMIN_ROLES


def business_scope_prefix(*, user: Any) -> str:
    """`user_scope_prefix` for reads of programme data: the separated administrators get 403."""
    if not user_reads_business_data(user=user):
        raise PermissionDenied
    return user_scope_prefix(user=user)
