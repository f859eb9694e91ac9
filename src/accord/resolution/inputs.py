"""Clean what a person sent before anything is written: trimmed, bounded text and dates that
are not in the future (nor before an earlier date of the same proceeding)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accord.core.errors import ValidationFailed

MAX_TEXT = 10000


def today() -> dt.date:
    return timezone.localdate()


def clean_text(value: str, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{name} must not be empty", code=f"missing_{name}")
    if len(value) > limit:
        raise ValidationFailed(f"{name} is longer than {limit} characters")
    return value


def clean_date(value: dt.date | None, name: str, *, not_before: dt.date | None = None) -> dt.date:
    now = today()
    value = value or now
    if value > now:
        raise ValidationFailed(f"{name} must not be in the future", code="future_date")
    if not_before is not None and value < not_before:
        raise ValidationFailed(f"{name} must not be before {not_before}", code="date_order")
    return value
