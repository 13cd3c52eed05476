"""Error pages that never show a traceback, and the home redirect."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from baiqianwan.accounts.policy import home_page


def home(request: HttpRequest) -> HttpResponse:
    return redirect(home_page(request.user))


def _error(request: HttpRequest, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        from baiqianwan.core.problems import problem_response

        return problem_response(status=status)
    return render(request, f"errors/{status}.html", status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def error_500(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)
