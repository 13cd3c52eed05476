"""The indicators app's pages: each views module keeps its own `urlpatterns`."""

from __future__ import annotations

from typing import Any

from baiqianwan.indicators.views import system

app_name = "indicators"
urlpatterns: list[Any] = []
urlpatterns += system.urlpatterns
