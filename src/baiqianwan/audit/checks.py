"""Start-up checks of what the audit trail and the lock-out depend on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register("security")
def check_client_address(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """HTTPS in production means nginx in front (docs/deployment.md). With no trusted proxy
    every request seems to come from nginx's address: the audit trail records that address
    and the per-address lock-out becomes one lock for everyone."""
    if settings.BQW_MODE != "production" or not settings.SESSION_COOKIE_SECURE:
        return []
    if settings.BQW_TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "BQW_HTTPS=1 but BQW_TRUSTED_PROXIES is empty: behind nginx every client would "
            "have nginx's address (audit trail, lock-out).",
            hint="Set BQW_TRUSTED_PROXIES to the proxy's address, e.g. 127.0.0.1; leave it "
            "empty only when clients reach the site directly.",
            id="baiqianwan.W001",
        )
    ]
