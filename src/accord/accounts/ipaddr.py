"""The client's address, for lockouts and rate limits."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with ACCORD_TRUSTED_PROXIES = n the n-th address from the right of
    X-Forwarded-For (the one the outermost trusted proxy saw). Addresses further left were
    written by the client and are not trusted."""
    proxies = getattr(settings, "ACCORD_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]
