"""The damaged sample document, read from the shared folder beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "samples" / "xijiang-daily-commentary-2025.txt"
)


@pytest.fixture(scope="session")
def sample_text() -> str:
    if not SAMPLE.exists():
        pytest.skip(f"sample document not found at {SAMPLE}")
    return SAMPLE.read_text(encoding="utf-8")
