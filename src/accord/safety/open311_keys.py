"""Open311 API keys: one per integration, only the SHA-256 stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.errors import Conflict, NotFound, ValidationFailed
from accord.safety.models import Open311Key


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_create(*, name: str, area_code: str = "") -> str:
    """A new key for integration `name`, filing in `area_code` (default: the root area)."""
    from accord.core.models import Area

    name = name.strip()
    area = (
        Area.objects.filter(code=area_code).first()
        if area_code
        else Area.objects.filter(parent=None).order_by("path").first()
    )
    if area is None:
        raise ValidationFailed(f"unknown area {area_code!r}" if area_code else "no areas yet")
    if not name or len(name) > 100:
        raise ValidationFailed("the integration's name must be 1 to 100 characters")
    if Open311Key.objects.filter(name=name).exists():
        raise Conflict(f"an integration {name!r} has a key already")
    key = "o311_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        row = Open311Key.objects.create(
            name=name, prefix=key[:12], key_hash=_hash(key), area=area, created_at=timezone.now()
        )
        audit_record(actor=None, action="open311.key_create", object_type="open311_key",
                     object_id=str(row.pk), data={"name": name, "area": area.code})  # fmt: skip
    return key


def key_revoke(*, name: str) -> None:
    with transaction.atomic():
        row = Open311Key.objects.select_for_update().filter(name=name, revoked_at=None).first()
        if row is None:
            raise NotFound(f"no active key for {name!r}")
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(actor=None, action="open311.key_revoke", object_type="open311_key",
                     object_id=str(row.pk), data={"name": name})  # fmt: skip


def key_check(key: str) -> Open311Key | None:
    """The active key row for `key`, or None."""
    if not key or len(key) > 200:
        return None
    digest = _hash(key)
    row = Open311Key.objects.filter(key_hash=digest, revoked_at=None).first()
    if row is None or not hmac.compare_digest(row.key_hash, digest):
        return None
    Open311Key.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row
