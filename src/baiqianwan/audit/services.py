"""Writing the audit trail. Every service that changes data calls `audit_record`."""

from __future__ import annotations

import getpass
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


def command_actor(command: str) -> str:
    """Who ran a command, for the audit trail: the operating-system account and the command.

    Commands have no signed-in user; `audit_event` records this string as the actor's name.
    """
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return f"{who} (bqw {command})"


def unit_code_of(obj: Any) -> str:
    """The unit an object belongs to: a unit itself, an account's home unit, a record's unit."""
    if obj is None:
        return ""
    if obj._meta.label_lower == "units.unit":
        return str(obj.code)
    for attribute in ("home_unit", "unit"):
        unit = getattr(obj, attribute, None)
        if unit is not None:
            return str(unit.code)
    return ""


def audit_event(
    *,
    actor: Any,
    action: Action,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    unit_code: str = "",
) -> AuditEvent:
    """An unsaved event; `audit_record` saves one, `audit_record_many` saves many at once."""
    # The object's unit; failing that, the acting account's home unit.
    unit_code = unit_code or unit_code_of(obj) or unit_code_of(getattr(actor, "home_unit", None))
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
        unit_code=unit_code,
        ip=current_ip.get(),
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    event = audit_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> int:
    created = AuditEvent.objects.bulk_create(list(events), batch_size=1000)
    return len(created)
