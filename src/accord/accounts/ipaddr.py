"""The client's address, for lockouts and rate limits."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# What a request without a usable address counts as (e.g. one built in-process): one shared
# "client", and a value every database accepts in an IP address column.
UNKNOWN = "0.0.0.0"  # noqa: S104 - an address value, not a bind


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with ACCORD_TRUSTED_PROXIES = n the n-th address from the right of
    X-Forwarded-For (the one the outermost trusted proxy saw). Addresses further left were
    written by the client and are not trusted. Always a valid IP address (PostgreSQL's inet
    column refuses anything else): a missing or malformed one counts as UNKNOWN."""
    proxies = getattr(settings, "ACCORD_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies and (hop := _valid(hops[-proxies])):
            return hop
    return _valid(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
