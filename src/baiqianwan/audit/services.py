"""Writing the audit trail. Every service that changes data calls `audit_record`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import current_ip
from baiqianwan.audit.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def changes_between(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        key: [_plain(old.get(key)), _plain(new.get(key))]
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    }


def audit_event(
    *,
    actor: Any,
    action: Action,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved event; `audit_record` saves one, `audit_record_many` saves many at once."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "pk", None) is not None else None
    name = getattr(actor, "username", "") if actor is not None else ""
    return AuditEvent(
        actor=user,
        actor_name=name or (str(actor) if isinstance(actor, str) else "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        ip=current_ip.get(),
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    event = audit_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> int:
    created = AuditEvent.objects.bulk_create(list(events), batch_size=1000)
    return len(created)
