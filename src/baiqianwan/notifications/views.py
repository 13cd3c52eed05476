from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baiqianwan.core.excel import xlsx_from_rows
from baiqianwan.core.listing import ListParamError
from baiqianwan.core.responses import xlsx_response
from baiqianwan.notifications.selectors import notifications_list, notifications_page
from baiqianwan.notifications.services import (
    notification_read,
    notifications_read_all,
    url_is_local,
)

# The event an htmx response sends when the unread count changed; the bell listens for it.
CHANGED_EVENT = "notifications-changed"


def _unread_only(request: HttpRequest) -> bool:
    raw = request.GET.get("unread", "")
    if raw not in ("", "0", "1"):
        raise ListParamError(
            "unread", _("“unread” is 1 (unread only) or 0 (all), not “%(value)s”") % {"value": raw}
        )
    return raw == "1"


@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, all or unread only; a POST marks them all read."""
    if request.method == "POST":
        count = notifications_read_all(user=request.user)
        if count:
            done = ngettext(
                "%(count)d notification marked read.", "%(count)d notifications marked read.", count
            )
            messages.success(request, done % {"count": count})
        else:
            messages.info(request, _("There were no unread notifications."))
        return redirect("notifications:list")
    try:
        unread_only = _unread_only(request)
        page = notifications_page(
            user=request.user, unread_only=unread_only, page=request.GET.get("page")
        )
    except ListParamError as exc:
        return render(request, "notifications/list.html", {"error": str(exc)}, status=400)
    context = {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""}
    return render(request, "notifications/list.html", context)


@require_GET
def open_(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it points (the list when it points nowhere)."""
    notification = notification_read(user=request.user, notification_id=pk)
    if notification.url and url_is_local(notification.url):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; htmx gets the row back and the bell is told."""
    notification = notification_read(user=request.user, notification_id=pk)
    if not request.headers.get("HX-Request"):
        return redirect("notifications:list")
    response = render(request, "notifications/_row.html", {"notification": notification})
    response["HX-Trigger"] = CHANGED_EVENT
    return response


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell and its badge, for htmx to swap in when the count changed."""
    return render(request, "notifications/_bell.html")


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    try:
        unread_only = _unread_only(request)
    except ListParamError as exc:
        return render(request, "notifications/list.html", {"error": str(exc)}, status=400)
    rows = [
        [
            timezone.localtime(n.created_at).strftime("%Y-%m-%d %H:%M"),
            n.get_kind_display(),
            n.title,
            n.body,
            n.unit_code,
            timezone.localtime(n.read_at).strftime("%Y-%m-%d %H:%M") if n.read_at else "",
            timezone.localtime(n.emailed_at).strftime("%Y-%m-%d %H:%M") if n.emailed_at else "",
            n.url,
        ]
        for n in notifications_list(user=request.user, unread_only=unread_only)
    ]
    headers = [
        _("Time"),
        _("Kind"),
        _("Title"),
        _("Content"),
        _("Unit code"),
        _("Read at"),
        _("E-mailed at"),
        _("Link"),
    ]
    body = xlsx_from_rows(sheet=_("Notifications"), headers=headers, rows=rows)
    return xlsx_response(body, filename=f"{_('Notifications')}-{timezone.localdate():%Y%m%d}.xlsx")
