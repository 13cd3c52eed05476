"""Plans from ledgers (intake review, xlsx import), ledger export, departments."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
