from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from baiqianwan.accounts.policy import in_scope, require, scope_prefix

# --- Account management (the system, security and audit administrators) --------------------

ACCOUNT_STATUSES = ("active", "disabled", "locked")


@dataclass(frozen=True)
class AccountLock:
    """Who is locked out of an account now: some client addresses, or every address."""

    addresses: tuple[str, ...]
    account_wide: bool


@dataclass(frozen=True)
class AccountFilters:
    role: str = ""
    unit: str = ""  # a unit's code: accounts whose home unit lies in its subtree
    status: str = ""  # one of ACCOUNT_STATUSES, or "" for all
    q: str = ""  # part of the user name or the person's name


def account_locks(*, usernames: Iterable[str] | None = None) -> dict[str, AccountLock]:
    """The sign-in locks in force now, by user name, by the rules of `accounts.lockout`."""
    from baiqianwan.accounts.lockout import account_wide_failures, failures_by_address

    locks = {}
    for username, per_address in failures_by_address(usernames=usernames).items():
        addresses = tuple(
            sorted(ip for ip, total in per_address.items() if total >= settings.AXES_FAILURE_LIMIT)
        )
        account_wide = account_wide_failures(per_address) >= settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES
        if addresses or account_wide:
            locks[username] = AccountLock(addresses=addresses, account_wide=account_wide)
    return locks


def accounts_list(*, user: Any, filters: AccountFilters) -> list[tuple[Any, AccountLock | None]]:
    """Accounts whose home unit lies in the reader's area, filtered, each with its lock."""
    from baiqianwan.accounts.models import User
    from baiqianwan.units.codes import prefix_of
    from baiqianwan.units.models import Unit

    prefix = scope_prefix(user, "accounts.read")
    qs = User.objects.filter(home_unit__code__startswith=prefix).select_related("home_unit")
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.unit:
        unit = Unit.objects.current().filter(code=filters.unit).first()
        if unit is None or not in_scope(user, unit.code):
            return []
        qs = qs.filter(home_unit__code__startswith=prefix_of(unit.code, unit.level))
    if filters.q:
        qs = qs.filter(
            Q(username__icontains=filters.q)
            | Q(first_name__icontains=filters.q)
            | Q(last_name__icontains=filters.q)
        )
    if filters.status == "active":
        qs = qs.filter(is_active=True)
    elif filters.status == "disabled":
        qs = qs.filter(is_active=False)
    accounts = list(qs.order_by("home_unit__code", "username"))
    locks = account_locks(usernames=[a.username for a in accounts])
    rows = [(account, locks.get(account.username)) for account in accounts]
    if filters.status == "locked":
        rows = [(account, lock) for account, lock in rows if lock is not None]
    return rows


def account_get(*, user: Any, username: str) -> Any:
    """One account of the reader's area; an unknown name and one outside answer alike (404,
    the latter as `OutOfScope`, a security event)."""
    from baiqianwan.accounts.models import User

    require(user, "accounts.read")
    account = User.objects.filter(username=username).select_related("home_unit").first()
    if account is None:
        raise Http404
    require(user, "accounts.read", account)
    return account
