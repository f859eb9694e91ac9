"""The audit chain: append an event in the caller's transaction; verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accord.core.models import AuditEvent

GENESIS = "0" * 64
# Advisory lock key so that concurrent PostgreSQL writers append one at a time.
_PG_LOCK_KEY = 7_305_001


def canonical(event: AuditEvent) -> str:
    content = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def audit_record(
    *,
    actor: Any | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
    role: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        # Microsecond precision survives every backend, so the hash recomputes exactly.
        created_at=timezone.now(),
        actor_id=actor.pk if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        actor_role=role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=last["hash"] if last else GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def _events(batch: int = 2000) -> Iterator[AuditEvent]:
    yield from AuditEvent.objects.order_by("seq").iterator(chunk_size=batch)


def verify_chain() -> ChainReport:
    """Walk the chain in order. A changed row fails its own hash; a removed row leaves a gap
    in the sequence (and breaks the next row's link)."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for event in _events():
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return ChainReport(
                False, checked, event.seq, f"event #{event.seq} does not link to its predecessor"
            )
        if chain_hash(prev_hash, event) != event.hash:
            return ChainReport(
                False, checked, event.seq, f"event #{event.seq} was changed after it was written"
            )
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    return ChainReport(True, checked)
