"""Fixtures of the plans tests."""

from __future__ import annotations

import pytest

from tests.factories import shared_path


@pytest.fixture
def sample_document(hq_admin):  # type: ignore[no-untyped-def]
    """The sample commentary taken in by headquarters, cleaned and drafted into a ledger."""
    from baiqianwan.intake.services import intake_create
    from baiqianwan.textclean.decode import DecodedText

    text = shared_path("samples", "xijiang-daily-commentary-2025.txt").read_text(encoding="utf-8")
    return intake_create(
        user=hq_admin,
        decoded=DecodedText(text=text, encoding="utf-8", kind="paste"),
        source_name="",
    )
