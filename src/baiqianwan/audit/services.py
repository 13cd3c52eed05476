"""Writing the audit trail. Every service that changes data calls `audit_record`."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from baiqianwan.accounts.policy import OutOfScope, unit_code_of
from baiqianwan.audit.choices import Action
from baiqianwan.audit.context import current_ip, current_request
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


def _query(request: Any) -> dict[str, str]:
    """The request's query string as {name: value}, without the page number."""
    return {
        key: ", ".join(values)
        for key, values in request.GET.lists()
        if key != "page" and any(values)
    }


def download_record(*, filename: str) -> AuditEvent:
    """A download or export: who took which file, from which address, with which filters."""
    request = current_request.get()
    changes: dict[str, Any] = {"file": filename}
    actor: Any = "system"
    if request is not None:
        actor = request.user if request.user.is_authenticated else "anonymous"
        changes["path"] = request.path
        if filters := _query(request):
            changes["filters"] = filters
    return audit_record(
        actor=actor,
        action=Action.DOWNLOAD,
        object_type="download",
        object_repr=filename,
        changes=changes,
    )


def scope_refusal_seen(exception: BaseException) -> bool:
    """Whether a request was refused because it asked for something outside the user's area."""
    return isinstance(exception, OutOfScope)


def scope_refusal_record(*, request: Any, exception: BaseException) -> AuditEvent:
    """A security event: who asked for what outside their area, from which address."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else "anonymous"
    path = request.get_full_path()
    # What was asked: the action and the code of the unit the object belongs to.
    changes: dict[str, Any] = {
        "method": request.method,
        "path": path,
        "permission": getattr(exception, "action", ""),
        "unit": getattr(exception, "code", ""),
    }
    return audit_record(
        actor=actor,
        action=Action.OUT_OF_SCOPE,
        object_type="request",
        object_repr=path[:200],
        changes=changes,
    )
