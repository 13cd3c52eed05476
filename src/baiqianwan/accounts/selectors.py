from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from baiqianwan.accounts.choices import Role


def user_scope_prefix(*, user: Any) -> str:
    """The code prefix of the user's home unit: everything they may see starts with it.

    A user without a home unit sees nothing; so does an anonymous user.
    """
    unit = getattr(user, "home_unit", None)
    if not getattr(user, "is_authenticated", False) or unit is None:
        raise PermissionDenied
    return str(unit.prefix)


def user_has_role(*, user: Any, roles: set[Role] | frozenset[Role]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in roles
