from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.audit.models import AuditEvent


def audit_events(
    *, user: Any, action: str = "", actor: str = "", q: str = ""
) -> QuerySet[AuditEvent]:
    """The audit trail, for the audit administrator only (MLPS 2.0 separation of duties)."""
    # Events that concern units of the auditor's area, and those that concern no unit
    # (a failed sign-in under an unknown name, a load's summary).
    prefix = scope_prefix(user, "audit.read")
    qs = AuditEvent.objects.filter(Q(unit_code__startswith=prefix) | Q(unit_code=""))
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if q:
        qs = qs.filter(object_repr__icontains=q)
    return qs
