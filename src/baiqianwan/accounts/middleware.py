from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from baiqianwan.core.middleware import API_PREFIX
from baiqianwan.core.problems import problem_response

# What a user with a one-time password may still reach: the password page, signing out and
# the language switch (and the site's static files).
ALLOWED_NAMES = ("accounts:password_change", "accounts:logout", "set_language")


class MustChangePasswordMiddleware:
    """After a reset (or a new account), the one-time password opens the password page and
    nothing else, pages and API alike, until the user has chosen their own password."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            getattr(user, "is_authenticated", False)
            and getattr(user, "must_change_password", False)
            and request.path not in {reverse(name) for name in ALLOWED_NAMES}
            and not request.path.startswith(settings.STATIC_URL or "/static/")
        ):
            if request.path.startswith(API_PREFIX):
                return problem_response(
                    status=403, detail=_("Change your one-time password before anything else.")
                )
            return redirect("accounts:password_change")
        return self.get_response(request)
