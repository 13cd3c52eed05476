from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baiqianwan.audit.choices import SECURITY_ACTIONS, Action
from baiqianwan.audit.display import events_with_lines
from baiqianwan.audit.forms import AuditFilterForm
from baiqianwan.audit.models import AuditEvent
from baiqianwan.audit.selectors import audit_events, security_events
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.responses import xlsx_response

EXPORT_LIMIT = 100_000

Select = Callable[..., QuerySet[AuditEvent]]

TRAILS: dict[str, dict[str, Any]] = {
    "events": {
        "select": audit_events,
        "actions": None,
        "title": gettext_lazy("Audit trail"),
        "export": "audit:export",
        "file": "audit",
    },
    "security": {
        "select": security_events,
        "actions": SECURITY_ACTIONS,
        "title": gettext_lazy("Security events"),
        "export": "audit:security_export",
        "file": "security",
    },
}


def _form(request: HttpRequest, trail: dict[str, Any]) -> AuditFilterForm:
    actions = trail["actions"]
    choices = [(a.value, a.label) for a in actions] if actions is not None else None
    return AuditFilterForm(request.GET or None, actions=choices)


def _filtered(
    request: HttpRequest, kind: str
) -> tuple[dict[str, Any], QuerySet[AuditEvent] | None]:
    """The page's context and its events; no events when a filter is wrong (the form says
    which). The reader's right comes first: 403 before any 400."""
    trail = TRAILS[kind]
    form = _form(request, trail)
    context: dict[str, Any] = {"form": form, "trail": trail, "title": str(trail["title"])}
    select: Select = trail["select"]
    qs = select(user=request.user)
    if form.is_bound:
        if not form.is_valid():
            return context, None
        qs = select(user=request.user, **form.filters())
    return context, qs


def _page(request: HttpRequest, kind: str) -> HttpResponse:
    context, qs = _filtered(request, kind)
    if qs is None:
        return render(request, "audit/events.html", context, status=400)
    try:
        page = list_paginate(qs, page=request.GET.get("page"))
    except ListParamError as exc:
        return render(request, "audit/events.html", {**context, "error": str(exc)}, status=400)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, rows=events_with_lines(page.items), query=query.urlencode())
    return render(request, "audit/events.html", context)


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    context, qs = _filtered(request, kind)
    if qs is None:
        return render(request, "audit/events.html", context, status=400)
    trail = context["trail"]
    rows = [
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            str(Action(e.action).label),
            e.object_type,
            e.object_id,
            e.object_repr,
            "\n".join(str(line) for line in lines),
            e.ip or "",
        ]
        for e, lines in events_with_lines(qs[:EXPORT_LIMIT])
    ]
    headers = [
        _("Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Changes"),
        _("IP address"),
    ]
    return xlsx_response(
        xlsx_from_rows(sheet=str(trail["title"]), headers=headers, rows=rows),
        filename=f"{trail['file']}-{timezone.localdate():%Y%m%d}.xlsx",
    )


def events(request: HttpRequest) -> HttpResponse:
    return _page(request, "events")


def events_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "events")


def security(request: HttpRequest) -> HttpResponse:
    return _page(request, "security")


def security_export(request: HttpRequest) -> HttpResponse:
    return _export(request, "security")
