from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from baiqianwan.audit.context import current_ip


class AuditActorMiddleware:
    """Remember the client address so services can stamp their audit records with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
