"""A change of the law as data: create or update `StatuteRule` rows by code (`accord
resolution-statutes`). The rules the platform ships with are seeded from `statutes.py`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.accounts.models import User
from accord.core.audit import audit_record
from accord.core.errors import ValidationFailed
from accord.resolution import workflow as wf
from accord.resolution.models import StatuteRule

STATUTE_FIELDS = (
    "channel", "procedure", "step", "amount", "unit", "count", "extension_max", "start_event",
    "stop_events", "duty", "kind", "roll_forward", "basis_en", "basis_zh", "description_en",
    "description_zh", "active",
)  # fmt: skip


def statute_rules_load(*, actor: User | None, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update statute rules by code (a change of the law as data). All rows are
    validated first; nothing is written if one is wrong. Returns (created, updated)."""
    clean = []
    for i, row in enumerate(rows):
        where = f"row {i + 1} ({row.get('code', '?')})"
        code = str(row.get("code", ""))
        channel = code.split(".")[0]
        if channel not in wf.CHANNELS or "." not in code:
            raise ValidationFailed(f"{where}: code must be '<channel>.<step>' of a known channel")
        values = {k: row[k] for k in STATUTE_FIELDS if k in row}
        values.setdefault("channel", channel)
        if values["channel"] != channel:
            raise ValidationFailed(f"{where}: channel does not match the code")
        if values.get("unit", "day") not in ("day", "month", "year"):
            raise ValidationFailed(f"{where}: unit must be day, month or year")
        if values.get("count", "calendar") not in ("calendar", "working"):
            raise ValidationFailed(f"{where}: count must be calendar or working")
        if values.get("duty", "body") not in ("body", "party", "external"):
            raise ValidationFailed(f"{where}: duty must be body, party or external")
        if values.get("kind", "period") not in ("period", "limitation"):
            raise ValidationFailed(f"{where}: kind must be period or limitation")
        amount = values.get("amount", 1)
        if not isinstance(amount, int) or amount <= 0:
            raise ValidationFailed(f"{where}: amount must be a positive whole number")
        exists = StatuteRule.objects.filter(code=code).exists()
        if not exists and not all(k in values for k in ("step", "amount", "unit", "start_event")):
            raise ValidationFailed(f"{where}: a new rule needs step, amount, unit, start_event")
        if not exists and not (values.get("basis_en") and values.get("basis_zh")):
            raise ValidationFailed(f"{where}: a new rule needs its legal basis in both languages")
        clean.append((code, values))
    created = updated = 0
    with transaction.atomic():
        for code, values in clean:
            _, was_created = StatuteRule.objects.update_or_create(code=code, defaults=values)
            created += was_created
            updated += not was_created
        audit_record(
            actor=actor,
            action="statute.load",
            object_type="statute_table",
            data={"codes": [c for c, _ in clean], "created": created, "updated": updated},
        )
    return created, updated
