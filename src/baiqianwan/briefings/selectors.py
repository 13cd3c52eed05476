"""Reads of the briefings app, always through the user's area: documents of an area within
the user's (and notices addressed to a unit within it), the templates and schedules of the
user's area and the areas above it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import OutOfScope, scope_prefix
from baiqianwan.briefings.models import Document, Schedule, Template
from baiqianwan.indicators.selectors import unit_in_area
from baiqianwan.units.models import Unit


def area_get(*, user: Any, code: str) -> Unit:
    """A current unit of the user's area by code (their home unit when empty); 404 outside."""
    code = (code or user.home_unit.code).strip()
    return unit_in_area(user=user, code=code, action="briefings.read")


def documents_visible(*, user: Any, kind: str = "") -> QuerySet[Document]:
    prefix = scope_prefix(user, "briefings.read")
    documents = Document.objects.filter(
        Q(unit__code__startswith=prefix) | Q(assignment__unit__code__startswith=prefix)
    ).select_related("unit", "created_by", "assignment__unit")
    return documents.filter(kind=kind) if kind else documents


def document_get(*, user: Any, pk: int) -> Document:
    """A document of the user's area; 404 otherwise (one elsewhere is a security event)."""
    found = documents_visible(user=user).filter(pk=pk).first()
    if found is not None:
        return found
    code = Document.objects.filter(pk=pk).values_list("unit__code", flat=True).first()
    if code is None:
        raise Http404(_("No such document."))
    raise OutOfScope(user=user, action="briefings.read", code=code, message=_("No such document."))


def _own_and_above(user: Any, action: str) -> Q:
    prefix = scope_prefix(user, action)
    home = user.home_unit.code
    above = {home[:n].ljust(12, "0") for n in (2, 4, 6, 9)}
    return Q(unit__code__startswith=prefix) | Q(unit__code__in=above)


def templates_visible(*, user: Any) -> QuerySet[Template]:
    return Template.objects.filter(_own_and_above(user, "briefings.read")).select_related(
        "unit", "uploaded_by"
    )


def template_get(*, user: Any, pk: int) -> Template:
    found = templates_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such template."))
    return found


def schedules_visible(*, user: Any) -> QuerySet[Schedule]:
    prefix = scope_prefix(user, "briefings.read")
    return Schedule.objects.filter(unit__code__startswith=prefix).select_related(
        "unit", "created_by"
    )
