from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view says `login_not_required`.

    The API answers for itself (401 problem+json), so it is left to the API's own auth.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def _size_limit(path: str) -> int:
    """The largest request taken on `path`: DATA_UPLOAD_MAX_MEMORY_SIZE, or the limit of the
    first of settings.REQUEST_SIZE_EXCEPTIONS whose pattern matches it (file uploads)."""
    for pattern, limit in getattr(settings, "REQUEST_SIZE_EXCEPTIONS", ()):
        if re.match(pattern, path):
            return int(limit)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestSizeLimitMiddleware:
    """Refuse an oversized request before anything reads its body, with a page that says so.

    Without this, Django would stop reading at DATA_UPLOAD_MAX_MEMORY_SIZE inside the CSRF
    check and answer a bare "Bad Request".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = _size_limit(request.path)
        if length > limit:
            if request.path.startswith(API_PREFIX):
                from baiqianwan.core.problems import problem_response

                return problem_response(
                    status=413,
                    detail=_("The request is %(length)d bytes; the limit is %(limit)d.")
                    % {"length": length, "limit": limit},
                )
            return render(request, "errors/413.html", {"limit_mb": limit // 2**20}, status=413)
        return self.get_response(request)


# Everything the pages load comes from this site (no CDN, ever); the browser enforces it too.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Bootstrap layouts, htmx's indicator style and ECharts' tooltips set inline styles.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user: pages, the
    API and downloads all show programme data, which no browser or proxy cache may keep.
    Static files (the same for everyone) are left to their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            response["Cache-Control"] = "private, no-store"
        return response
