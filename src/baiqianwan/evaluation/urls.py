"""The evaluation app's pages, mounted at /evaluation/ with the namespace `evaluation`."""

from __future__ import annotations

from typing import Any

from baiqianwan.evaluation.views import results, runs, schemes

app_name = "evaluation"
urlpatterns: list[Any] = []
urlpatterns += schemes.urlpatterns
urlpatterns += runs.urlpatterns
urlpatterns += results.urlpatterns
