from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from baiqianwan.audit.choices import Action
from baiqianwan.audit.selectors import audit_events
from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError, list_paginate
from baiqianwan.core.responses import xlsx_response

EXPORT_LIMIT = 100_000


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip() for key in ("action", "actor", "q")}


def events(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    qs = audit_events(user=request.user, **filters)
    try:
        page = list_paginate(qs, page=request.GET.get("page"))
    except ListParamError as exc:
        return render(
            request,
            "audit/events.html",
            {"error": str(exc), "filters": filters, "actions": Action.choices},
            status=400,
        )
    return render(
        request, "audit/events.html", {"page": page, "filters": filters, "actions": Action.choices}
    )


def events_export(request: HttpRequest) -> HttpResponse:
    qs = audit_events(user=request.user, **_filters(request))[:EXPORT_LIMIT]
    rows = [
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            str(Action(e.action).label),
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.changes, ensure_ascii=False),
            e.ip or "",
        ]
        for e in qs
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
        xlsx_from_rows(sheet=_("Audit"), headers=headers, rows=rows),
        filename=f"audit-{timezone.localdate():%Y%m%d}.xlsx",
    )
