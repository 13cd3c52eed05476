"""The JSON API (django-ninja, OpenAPI at /api/docs). Errors are problem+json."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from baiqianwan.audit.services import scope_refusal_record, scope_refusal_seen
from baiqianwan.cockpit.api import router as cockpit_router
from baiqianwan.core.listing import ListParamError
from baiqianwan.core.problems import Conflict, InputError, problem_response
from baiqianwan.indicators.api import router as indicators_router
from baiqianwan.notifications.api import router as notifications_router
from baiqianwan.plans.api import router as plans_router
from baiqianwan.units.api import router as units_router

api = NinjaAPI(
    title="Baiqianwan API",
    version="1",
    description="百千万 platform API. Every call is answered within the caller's home unit.",
    auth=django_auth,
    docs_decorator=login_required,
    urls_namespace="api",
)
api.add_router("/units", units_router, tags=["units"])
api.add_router("/plans", plans_router, tags=["plans"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/cockpit", cockpit_router, tags=["cockpit"])
api.add_router("", indicators_router, tags=["indicators"])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(status=401, detail=_("Sign in first: this API needs a session."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(status=403, detail=str(exc) or _("This is outside your area or role."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    if scope_refusal_seen(exc):
        scope_refusal_record(request=request, exception=exc)
    return problem_response(status=404, detail=str(exc) or _("Not found."))


@api.exception_handler(ListParamError)
def _bad_list_param(request: HttpRequest, exc: Exception) -> HttpResponse:
    field = getattr(exc, "field", "")
    return problem_response(status=400, detail=str(exc), field=field)


@api.exception_handler(InputError)
def _bad_input(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, InputError)
    extra = {"field": exc.field} if exc.field else {}
    return problem_response(status=400, detail=exc.message, **extra)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, Conflict)
    return problem_response(status=409, detail=exc.message)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, ValidationError)
    return problem_response(status=400, detail="; ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, NinjaValidationError)
    errors: list[Any] = exc.errors
    parts = [f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}" for e in errors]
    return problem_response(status=422, detail="; ".join(parts), errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    assert isinstance(exc, HttpError)
    return problem_response(status=exc.status_code, detail=str(exc))
