"""The damaged sample document, read from the shared folder beside the repository."""

from __future__ import annotations

import pytest

from tests.factories import shared_path


@pytest.fixture(scope="session")
def sample_text() -> str:
    path = shared_path("samples", "xijiang-daily-commentary-2025.txt")
    return path.read_text(encoding="utf-8")
