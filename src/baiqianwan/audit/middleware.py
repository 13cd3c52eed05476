from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from baiqianwan.audit.context import client_address, current_ip, current_request
from baiqianwan.audit.services import scope_refusal_record, scope_refusal_seen


class AuditActorMiddleware:
    """Remember the request and its client address so services can stamp their audit records
    with them, and record every request refused because it asked for something outside the
    user's area."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip_token = current_ip.set(client_address(request))
        request_token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(request_token)
            current_ip.reset(ip_token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if scope_refusal_seen(exception):
            scope_refusal_record(request=request, exception=exception)
