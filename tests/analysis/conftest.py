"""Shared fixtures: the published reference tables in ../shared/data/reference (skip if absent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "reference"


def load_reference(name: str) -> dict[str, Any]:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference table {path} is not available")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
