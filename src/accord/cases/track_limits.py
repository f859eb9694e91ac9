"""Slowing down guessing of tracking secrets: failed lookups (`/track/`, `POST /api/v1/track`)
are counted per case reference and per client address in fixed windows in the cache, like
`core.middleware.RateLimitMiddleware` (buckets `track_fail_ref` and `track_fail_ip` of
`ACCORD_RATE_LIMITS`). Once a count reaches its limit, lookups answer 429 with Retry-After
until the window ends, even with the right secret (else guessing could go on)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

BUCKETS = ("track_fail_ref", "track_fail_ip")


def _keys(reference: str, address: str) -> list[tuple[str, int, int, str]]:
    """(cache key, limit, window, bucket) for each bucket that is configured."""
    now = int(time.time())
    who = {
        "track_fail_ref": hashlib.sha256(reference.strip().upper().encode()).hexdigest()[:32],
        "track_fail_ip": address,
    }
    out = []
    for bucket in BUCKETS:
        if bucket not in settings.ACCORD_RATE_LIMITS:
            continue
        limit, window = settings.ACCORD_RATE_LIMITS[bucket]
        start = now - now % window
        out.append(
            (f"accord:rl:{bucket}:{who[bucket]}:{start}", limit, start + window - now, bucket)
        )
    return out


def blocked(reference: str, address: str) -> tuple[str, int] | None:
    """(message, seconds to wait) when failed lookups of this reference or from this address
    reached their limit in the current window, else None."""
    for key, limit, wait, bucket in _keys(reference, address):
        if (cache.get(key) or 0) >= limit:
            if bucket == "track_fail_ref":
                message = _(
                    "Too many wrong tracking secrets for this case. Please wait %(minutes)d "
                    "minutes and try again."
                )
            else:
                message = _(
                    "Too many failed tracking attempts from your connection. Please wait "
                    "%(minutes)d minutes and try again."
                )
            return message % {"minutes": max(1, -(-wait // 60))}, wait
    return None


def record_failure(reference: str, address: str) -> None:
    for key, _limit, wait, _bucket in _keys(reference, address):
        cache.add(key, 0, timeout=wait + 5)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=wait + 5)
