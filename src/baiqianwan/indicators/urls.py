"""The indicators app's pages: each views module keeps its own `urlpatterns`."""

from __future__ import annotations

from typing import Any

from baiqianwan.indicators.views import (
    entry,
    interchange,
    quality,
    rules,
    submissions,
    system,
    workbook,
)

app_name = "indicators"
urlpatterns: list[Any] = []
urlpatterns += system.urlpatterns
urlpatterns += entry.urlpatterns
urlpatterns += workbook.urlpatterns
urlpatterns += interchange.urlpatterns
urlpatterns += submissions.urlpatterns
urlpatterns += quality.urlpatterns
urlpatterns += rules.urlpatterns
