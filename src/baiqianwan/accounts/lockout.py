"""Sign-in lock-out that a stranger cannot turn against an account's owner.

django-axes counts failures per account and client address (`AXES_LOCKOUT_PARAMETERS`), so
someone guessing from one address locks out that address only, after `AXES_FAILURE_LIMIT`
failures. The account is locked from every address only at the higher
`LOGIN_LOCKOUT_ACCOUNT_FAILURES`, counted over all addresses within the same cool-off time,
each address counting for at most `AXES_FAILURE_LIMIT`: several addresses must fail for it.
The client address is the one axes resolves (`AXES_CLIENT_IP_CALLABLE`, else `REMOTE_ADDR`).
Each lock-out is written to the audit trail when it happens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from baiqianwan.accounts.policy import unit_code_of
from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import current_ip
from baiqianwan.audit.services import audit_record


def lockout_minutes() -> int:
    """How long a lock-out lasts after the last failure (`LOGIN_LOCKOUT_MINUTES`)."""
    return round(float(settings.AXES_COOLOFF_TIME or 0) * 60)


def attempts_current(request: Any = None) -> QuerySet[AccessAttempt]:
    """The failure records that still count: those within the cool-off time."""
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME is None:
        return attempts
    if getattr(request, "axes_attempt_time", None) is not None:
        since = get_cool_off_threshold(request)
    else:
        since = timezone.now() - timedelta(minutes=lockout_minutes())
    return attempts.filter(attempt_time__gte=since)


def failures_by_address(
    *, usernames: Iterable[str] | None = None, request: Any = None
) -> dict[str, dict[str, int]]:
    """Failed sign-ins within the cool-off time, by user name and client address (all
    accounts when `usernames` is None)."""
    attempts = attempts_current(request)
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    failures: dict[str, dict[str, int]] = {}
    rows = attempts.values("username", "ip_address").annotate(total=Sum("failures_since_start"))
    for row in rows:
        failures.setdefault(row["username"], {})[str(row["ip_address"])] = int(row["total"] or 0)
    return failures


def account_wide_failures(per_address: Mapping[str, int]) -> int:
    """The failures that count towards locking an account from every address: each address
    counts for at most `AXES_FAILURE_LIMIT`.

    An address is locked at that limit, but axes goes on counting the attempts it refuses
    (they extend the lock); uncapped, one stranger's address alone would reach the
    account-wide threshold and shut the owner out everywhere.
    """
    limit = int(settings.AXES_FAILURE_LIMIT)
    return sum(min(failures, limit) for failures in per_address.values())


def account_locked(*, username: str, request: Any = None) -> bool:
    """Whether `username` is locked from every address (the account-wide threshold)."""
    per_address = failures_by_address(usernames=[username], request=request).get(username, {})
    return account_wide_failures(per_address) >= settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the account-wide threshold and audited lock-outs."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        per_address = int(super().get_failures(request, credentials))
        username = get_client_username(request, credentials)
        if username and account_locked(username=username, request=request):
            # Reported at axes' own limit, so axes refuses the sign-in as for any lock-out.
            return max(per_address, int(settings.AXES_FAILURE_LIMIT))
        return per_address

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        # axes records the failures made during a lock-out too (they extend it); only the
        # failure that starts a lock-out is a lock-out event.
        was_locked = request is not None and self.is_locked(request, credentials)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or was_locked or not getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        if username:
            _lockout_record(username=str(username), request=request)


def _lockout_record(*, username: str, request: Any) -> None:
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(username=username).select_related("home_unit")
    known = account.first()
    scope = "account" if account_locked(username=username, request=request) else "address"
    token = current_ip.set(request.axes_ip_address)
    try:
        audit_record(
            actor=username,
            action=Action.LOCKOUT,
            object_type="accounts.user",
            object_id=str(known.pk) if known else "",
            object_repr=username,
            unit_code=unit_code_of(known),
            changes={
                "locked_out": scope,
                "failures": getattr(request, "axes_failures_since_start", None),
                "minutes": lockout_minutes(),
            },
        )
    finally:
        current_ip.reset(token)
