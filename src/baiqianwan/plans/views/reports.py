"""Assignments: reporting progress, evidence, review, splitting, my tasks."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
