"""The indicators app's pages: each views module keeps its own `urlpatterns`."""

from __future__ import annotations

from typing import Any

app_name = "indicators"
urlpatterns: list[Any] = []

from baiqianwan.indicators.views import workbook  # noqa: E402

urlpatterns += workbook.urlpatterns
