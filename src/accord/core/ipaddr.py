"""The client's address: one rule for lockouts, rate limits and the access log."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

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


def address_from_meta(meta: Mapping, default: str = UNKNOWN) -> str:
    """REMOTE_ADDR, or with ACCORD_TRUSTED_PROXIES = n the n-th address from the right of
    X-Forwarded-For (the one the outermost trusted proxy saw). Addresses further left were
    written by the client and are not trusted. `meta` is a request's META or a WSGI environ.
    Always a valid IP address (PostgreSQL's inet column refuses anything else): a missing or
    malformed one counts as `default`."""
    proxies = getattr(settings, "ACCORD_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h.strip() for h in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies and (hop := _valid(hops[-proxies])):
            return hop
    return _valid(meta.get("REMOTE_ADDR") or "") or default


def client_ip(request: HttpRequest) -> str:
    """The client address of a request (UNKNOWN when it has none); also django-axes'
    AXES_CLIENT_IP_CALLABLE."""
    return address_from_meta(getattr(request, "META", None) or {})


def client_address(request) -> str:
    """The client address recorded in the access log: as client_ip, but empty when unknown."""
    return address_from_meta(getattr(request, "META", None) or {}, default="")
