from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.audit.choices import SECURITY_ACTIONS
from baiqianwan.audit.models import AuditEvent


def _events(
    *,
    prefix: str,
    action: str = "",
    actor: str = "",
    q: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    actions: Iterable[str] | None = None,
) -> QuerySet[AuditEvent]:
    # Events that concern units of the reader's area, and those that concern no unit
    # (a failed sign-in under an unknown name, a load's summary).
    qs = AuditEvent.objects.filter(Q(unit_code__startswith=prefix) | Q(unit_code=""))
    if actions is not None:
        qs = qs.filter(action__in=list(actions))
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if q:
        qs = qs.filter(object_repr__icontains=q)
    # Calendar days in the site's time zone (Asia/Shanghai), both ends included.
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def audit_events(*, user: Any, **filters: Any) -> QuerySet[AuditEvent]:
    """The audit trail, for the audit administrator only (MLPS 2.0 separation of duties)."""
    return _events(prefix=scope_prefix(user, "audit.read"), **filters)


def security_events(*, user: Any, **filters: Any) -> QuerySet[AuditEvent]:
    """Requests refused by scope, failed sign-ins, lock-outs, wrong old passwords and unlocks
    (`SECURITY_ACTIONS`), for the security administrator."""
    return _events(prefix=scope_prefix(user, "security.read"), actions=SECURITY_ACTIONS, **filters)
