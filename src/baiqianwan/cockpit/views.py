"""The cockpit's pages: one per scope (`home`) and the command-centre wall (`screen`). The
cards are drawn on the server; the charts load the same figures from the API."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from baiqianwan.accounts.policy import home_page
from baiqianwan.cockpit import selectors
from baiqianwan.plans.choices import Light
from baiqianwan.units.choices import Level


@lru_cache(maxsize=64)
def _map_file(city: str) -> str:
    """The static path of a city's county map (shipped by `make assets`), "" for none."""
    path = f"vendor/maps/{city}00.json"
    return static(path) if finders.find(path) else ""


def _labels() -> dict[str, str]:
    """The words the page's script writes, in the reader's language."""
    return {
        "score": _("Evaluation score"),
        "rank": _("Rank"),
        "target": _("Target"),
        "light": _("Light"),
        "provisional": _("provisional: not every unit has reported"),
        "no_data": _("No approved data yet"),
        "green": _("Target met"),
        "yellow": _("Close to target"),
        "red": _("Below target"),
        "light_green": str(Light.GREEN.label),
        "light_yellow": str(Light.YELLOW.label),
        "light_red": str(Light.RED.label),
        "light_done": str(Light.DONE.label),
        "rate": _("Reporting rate (%)"),
        "notices": _("Supervision notices awaiting a reply"),
        "failed": _("The figures could not be loaded."),
        "period": _("Period"),
        "change": _("Rank change"),
    }


def _context(request: HttpRequest) -> dict[str, Any]:
    scope = selectors.scope_of(user=request.user)
    data = selectors.summary(user=request.user)
    choices = selectors.indicator_choices(user=request.user)
    return {
        "scope": scope,
        "summary": data,
        "choices": choices,
        "default_indicator": selectors.indicator_default(scope, choices),
        "spec": {
            "unit": scope.unit.code,
            "name": scope.unit.name,
            "level": scope.unit.level,
            "below": scope.below,
            "map": _map_file(scope.unit.code[:4]) if scope.unit.level == Level.CITY else "",
            "api": reverse("api:cockpit_summary").removesuffix("/summary"),
            "labels": _labels(),
        },
    }


def _nothing_below(request: HttpRequest) -> HttpResponse | None:
    """A village has no units below it to compare: its people are sent to their own page,
    told why, instead of a cockpit of empty charts."""
    scope = selectors.scope_of(user=request.user)
    if scope.below is not None:
        return None
    messages.info(
        request,
        _(
            "The cockpit compares the units below an area; %(unit)s has none. Its own "
            "figures are in data entry and its tasks in My tasks."
        )
        % {"unit": scope.unit.name},
    )
    target = home_page(request.user)
    return redirect("plans:list" if target == "cockpit:home" else target)


def home(request: HttpRequest) -> HttpResponse:
    """The cockpit of the user's scope: cards, map, trends, supervision, completeness."""
    return _nothing_below(request) or render(request, "cockpit/home.html", _context(request))


def screen(request: HttpRequest) -> HttpResponse:
    """大屏 mode: the same figures on a 1920×1080 dark wall, refreshed every minute."""
    return _nothing_below(request) or render(request, "cockpit/screen.html", _context(request))
