from __future__ import annotations

import pytest


@pytest.fixture
def with_email():  # type: ignore[no-untyped-def]
    """Give an account an e-mail address."""

    def give(user, address: str):  # type: ignore[no-untyped-def]
        user.email = address
        user.save(update_fields=["email"])
        return user

    return give


@pytest.fixture
def site_url(settings):  # type: ignore[no-untyped-def]
    settings.BQW_SITE_URL = "https://bqw.example.gov.cn"
    settings.BQW_EMAIL_ENABLED = True
    return settings.BQW_SITE_URL
