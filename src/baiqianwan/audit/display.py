"""Audit events as an auditor reads them: 字段: 旧值 → 新值, with the field's own label and
values as the pages show them (a choice by its label, a date as a date, a unit by its name)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.audit.choices import Action
from baiqianwan.audit.models import AuditEvent

EMPTY = "—"
ARROW = " → "
# Actions whose changes are {field: [old, new]}; the others list {field: value}.
CHANGING = frozenset({Action.UPDATE, Action.RETIRE, Action.ACCOUNT_DISABLE, Action.ACCOUNT_ENABLE})
# Keys that are no model field: the summaries of loads, texts taken in, downloads, refusals.
LABELS = {
    "file": gettext_lazy("File"),
    "path": gettext_lazy("Address"),
    "filters": gettext_lazy("Filters"),
    "method": gettext_lazy("Method"),
    "permission": gettext_lazy("Permission"),
    "unit": gettext_lazy("Unit"),
    "source": gettext_lazy("Source"),
    "encoding": gettext_lazy("Encoding"),
    "characters": gettext_lazy("Characters"),
    "ledger_rows": gettext_lazy("Ledger rows"),
    "rows": gettext_lazy("Rows"),
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Updated"),
    "renamed": gettext_lazy("Renamed"),
    "retired": gettext_lazy("Retired"),
    "unchanged": gettext_lazy("Unchanged"),
    # The columns of an intake ledger's rows (a ledger save records rows as {column: value}).
    "category": gettext_lazy("Category"),
    "number": gettext_lazy("No."),
    "task": gettext_lazy("Task"),
    "lead": gettext_lazy("Lead units"),
    "partners": gettext_lazy("Partner units"),
    "deadline": gettext_lazy("Deadline"),
    "progress": gettext_lazy("Progress"),
    "targets": gettext_lazy("Targets"),
    "places": gettext_lazy("Places"),
    # Lock-outs, wrong old passwords and unlocks (accounts/lockout.py, accounts/services.py).
    "locked_out": gettext_lazy("Lock-out scope"),
    "failures": gettext_lazy("Failures"),
    "minutes": gettext_lazy("Lock-out minutes"),
    "old_password": gettext_lazy("Old password"),
    "addresses": gettext_lazy("Locked addresses"),
    "account_wide": gettext_lazy("Locked from every address"),
}
# Keys whose values are codes: the words a reader sees for them.
VALUES = {
    "locked_out": {
        "address": gettext_lazy("this address"),
        "account": gettext_lazy("every address"),
    },
    "old_password": {
        "wrong": gettext_lazy("wrong"),
        "refused": gettext_lazy("not checked: too many wrong ones"),
    },
}
# Parts of a record that say where, not what: left out of the reading.
HIDDEN = frozenset({"source"})
# Keys whose values are unit codes (`441224000000`, or `441224000000#17` for one version).
UNIT_KEYS = frozenset({"parent", "home_unit", "unit", "predecessor", "successor"})
ROW = re.compile(r"^row (\d+)$")


@dataclass(frozen=True)
class ChangeLine:
    """One field of an event: `old` is None when the event lists values rather than changes."""

    label: str
    new: str
    old: str | None = None

    def __str__(self) -> str:
        if self.old is None:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old}{ARROW}{self.new}"


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(field: Any, key: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        return str(capfirst(field.verbose_name))
    if key in LABELS:
        return str(LABELS[key])
    if match := ROW.match(key):
        return _("Row %(number)s") % {"number": match[1]}
    return key


def _unit_code(value: Any) -> str:
    return str(value).split("#", 1)[0]


def _value(value: Any, *, key: str, field: Any, unit_names: Mapping[str, str]) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        parts = [
            f"{_label(None, k)}: {_value(v, key=k, field=None, unit_names=unit_names)}"
            for k, v in value.items()
            if v not in (None, "", [], {}) and k not in HIDDEN
        ]
        return "; ".join(parts) or EMPTY
    if isinstance(value, list):
        return "、".join(_value(v, key=key, field=field, unit_names=unit_names) for v in value)
    if key in VALUES and isinstance(value, str):
        return str(VALUES[key].get(value, value))
    if key in UNIT_KEYS:
        code = _unit_code(value)
        name = unit_names.get(code)
        return f"{name} ({code})" if name else code
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_change(event: AuditEvent, value: Any) -> bool:
    return event.action in CHANGING and isinstance(value, list) and len(value) == 2


def change_lines(
    event: AuditEvent, *, unit_names: Mapping[str, str] | None = None
) -> list[ChangeLine]:
    """The event's changes, one line per field, in the order they were recorded."""
    names = unit_names or {}
    model = _model(event.object_type)
    lines = []
    for key, value in (event.changes or {}).items():
        field = _field(model, key)
        label = _label(field, key)
        if _is_change(event, value) and all(isinstance(v, dict) for v in value):
            # A record changed in place (a ledger row): one line per part that changed.
            old, new = value
            for part in [k for k in {**old, **new} if k not in HIDDEN]:
                if old.get(part) != new.get(part):
                    lines.append(
                        ChangeLine(
                            label=f"{label} · {_label(None, part)}",
                            old=_value(old.get(part), key=part, field=None, unit_names=names),
                            new=_value(new.get(part), key=part, field=None, unit_names=names),
                        )
                    )
        elif _is_change(event, value):
            old, new = value
            lines.append(
                ChangeLine(
                    label=label,
                    old=_value(old, key=key, field=field, unit_names=names),
                    new=_value(new, key=key, field=field, unit_names=names),
                )
            )
        else:
            lines.append(
                ChangeLine(label=label, new=_value(value, key=key, field=field, unit_names=names))
            )
    return lines


def unit_names_of(events: Iterable[AuditEvent]) -> dict[str, str]:
    """{code: name} for every unit code the events' changes name, in one query."""
    from baiqianwan.units.models import Unit

    codes: set[str] = set()
    for event in events:
        for key, value in (event.changes or {}).items():
            if key not in UNIT_KEYS:
                continue
            for item in value if isinstance(value, list) else [value]:
                if item:
                    codes.add(_unit_code(item))
    names: dict[str, str] = {}
    # Several versions may bear a code (renames): the latest name is the one people know.
    for code, name in (
        Unit.objects.filter(code__in=codes).order_by("valid_from").values_list("code", "name")
    ):
        names[code] = name
    return names


def events_with_lines(events: Iterable[AuditEvent]) -> list[tuple[AuditEvent, list[ChangeLine]]]:
    """Each event with its change lines, the unit names read once for them all."""
    events = list(events)
    names = unit_names_of(events)
    return [(event, change_lines(event, unit_names=names)) for event in events]
