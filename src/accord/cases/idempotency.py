"""Repeated filings: a web form's one-time token or an API `Idempotency-Key`.

`filing_once` claims the key (a unique row) before filing: a second submission with the same
key finds the row and gets the first filing's case back instead of filing again; a different
request under the same key is refused. Keys older than `ACCORD_IDEMPOTENCY_HOURS` are forgotten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.cases.models import Case, FilingKey
from accord.core.errors import Conflict, ValidationFailed

MAX_KEY = 200


def fingerprint(value: Any) -> str:
    """A stable hash of a request body (JSON-able)."""
    raw = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _key_hash(scope: str, key: str) -> str:
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def filing_once(
    *, scope: str, key: str, request_hash: str, file: Callable[[], tuple[Case, str]]
) -> tuple[Case, str | None, bool]:
    """File with `file()` unless `key` (for this `scope`, the caller) was used already.
    Returns (case, secret, replayed); a replay has no secret (only its hash is stored)."""
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise ValidationFailed(
            f"the idempotency key must be 1 to {MAX_KEY} characters", code="bad_idempotency_key"
        )
    digest = _key_hash(scope, key)
    now = timezone.now()
    expired = now - timedelta(hours=settings.ACCORD_IDEMPOTENCY_HOURS)
    FilingKey.objects.filter(created_at__lt=expired).delete()
    try:
        with transaction.atomic():
            row = FilingKey.objects.create(
                key_hash=digest, request_hash=request_hash, created_at=now
            )
    except IntegrityError:
        first = FilingKey.objects.select_related("case").filter(key_hash=digest).first()
        if first is None:  # removed meanwhile (its filing failed): try once more
            return filing_once(scope=scope, key=key, request_hash=request_hash, file=file)
        if first.request_hash != request_hash:
            raise ValidationFailed(
                "this idempotency key was already used with a different request; "
                "use a new key for a new case",
                code="idempotency_key_reused",
            ) from None
        if first.case is None:
            raise Conflict(
                "this request is still being filed; try again in a moment",
                code="filing_in_progress",
            ) from None
        return first.case, None, True
    try:
        case, secret = file()
    except BaseException:
        FilingKey.objects.filter(pk=row.pk).delete()
        raise
    FilingKey.objects.filter(pk=row.pk).update(case=case)
    return case, secret, False
