"""The request being served: its client address and the request itself, kept for the audit
records written while it is served."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
current_request: ContextVar[Any] = ContextVar("current_request", default=None)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _address(raw: str | None) -> Address | None:
    """One address as a proxy or the server writes it; None for anything else.

    Accepts `[2001:db8::1]` and `203.0.113.9:5123` forms; an IPv4-mapped IPv6 address reads
    as the IPv4 address it maps.
    """
    if not raw:
        return None
    text = raw.strip()
    if text.startswith("[") and "]" in text:  # [v6] or [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    if "%" in text:  # a zone index belongs to no stored address
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: Any) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy (`BQW_TRUSTED_PROXIES`).

    From a trusted proxy, X-Forwarded-For is read from the right, past every trusted proxy;
    the first address that is not one is the client. Each proxy appends the address it got
    the request from, so only the entries to the right of the client were written by our
    proxies: whatever a client writes into the header itself stays to the left, unread.
    An entry that is not an address ends the walk at the last trusted proxy. With no trusted
    proxies configured, X-Forwarded-For is ignored.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = _networks(tuple(settings.BQW_TRUSTED_PROXIES))
    address = remote
    if not networks or not _trusted(address, networks):
        return str(address)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")) if forwarded else ():
        if not _trusted(address, networks):
            break
        previous = _address(hop)
        if previous is None:
            break
        address = previous
    return str(address)
