"""Reads for the template and upload pages: the periods and areas a user can choose, and the
uploads of the user's area."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baiqianwan.accounts.policy import scope_prefix
from baiqianwan.indicators.models import CollectionWindow, DataSet, Period, Upload
from baiqianwan.units.choices import Level
from baiqianwan.units.models import Unit

# The levels from the top down: a template's area is a unit above (or at) the data set's level.
_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]
# How many recent uploads the page lists.
RECENT = 20


def workbook_periods(dataset: DataSet) -> list[Period]:
    """The periods that have a collection window for the data set, newest first."""
    ids = CollectionWindow.objects.filter(dataset=dataset).values_list("period_id", flat=True)
    return list(Period.objects.filter(pk__in=ids).order_by("-start"))


def workbook_scopes(*, user: Any, dataset: DataSet) -> list[Unit]:
    """The areas a template can be made for: the user's home unit and the current units of
    its area between it and the data set's level (a county: itself and its towns for a
    village report), by code."""
    home = user.home_unit
    prefix = scope_prefix(user, "indicators.enter")
    if dataset.level not in _ORDER or home.level not in _ORDER:
        return [home]
    top = _ORDER.index(Level(home.level))
    bottom = _ORDER.index(Level(dataset.level))
    if top > bottom:
        return []
    levels = _ORDER[top : bottom + 1] if top == bottom else _ORDER[top:bottom]
    return list(
        Unit.objects.filter(
            valid_to__isnull=True, level__in=levels, code__startswith=prefix
        ).order_by("code")
    )


def uploads_recent(*, user: Any) -> QuerySet[Upload]:
    """The latest uploads of the user's area."""
    prefix = scope_prefix(user, "indicators.read")
    return (
        Upload.objects.filter(scope__code__startswith=prefix)
        .select_related("dataset", "period", "scope", "uploaded_by")
        .order_by("-uploaded_at", "-id")[:RECENT]
    )
