"""Shared fixtures: the published reference tables in ../shared/data/reference."""

from __future__ import annotations

import json
from typing import Any

from tests.factories import shared_path


def load_reference(name: str) -> dict[str, Any]:
    path = shared_path("data", "reference", name)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
