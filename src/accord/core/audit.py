"""The audit chains: append an event; verify a chain and its HMAC checkpoints.

Two chains share one mechanism:
- the audit chain (`AuditEvent`, `audit_record`): every change, written in the transaction
  of the change it records;
- the access chain (`AccessEvent`, `access_record`): every view or export of personal data,
  every login, logout and refused access, written in its own transaction so that a refusal
  is recorded although the refused work is rolled back.

Each event stores who (user id, user name, role), what (action, object type and id, a small
`data` dict that never holds personal values), when (UTC), from where (the client address of
the current request, `source`) and the outcome. Every `ACCORD_AUDIT_CHECKPOINT_EVERY` events,
and whenever `accord audit-checkpoint` runs, an `AuditCheckpoint` stores an HMAC
(ACCORD_AUDIT_KEY) of the chain's head.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accord.core.actors import ACTOR_ROLE, ask
from accord.core.ipaddr import client_address
from accord.core.models import AccessEvent, AuditCheckpoint, AuditEvent, ChainedEvent

GENESIS = "0" * 64
# Advisory lock keys so that concurrent PostgreSQL writers append one at a time per chain.
_PG_LOCK_KEYS = {"audit": 7_305_001, "access": 7_305_002}

# The client address of the request being served (set by core.signals on request_started).
current_source: contextvars.ContextVar[str] = contextvars.ContextVar(
    "accord_audit_source", default=""
)


def canonical(event: ChainedEvent) -> str:
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
    # Added later; left out when at their defaults so that older chains still verify.
    if event.source:
        content["source"] = event.source
    if event.outcome and event.outcome != "ok":
        content["outcome"] = event.outcome
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: ChainedEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def checkpoint_mac(chain: str, seq: int, head_hash: str) -> str:
    from accord.core.crypto import keyring

    msg = f"accord-audit-checkpoint|{chain}|{seq}|{head_hash}".encode()
    return hmac.new(keyring().audit_key, msg, hashlib.sha256).hexdigest()


def _append(model: type[ChainedEvent], **event: Any) -> ChainedEvent:
    return _append_many(model, [event])[0]


def _append_many(model: type[ChainedEvent], events: list[dict[str, Any]]) -> list[ChainedEvent]:
    """Append `events` (each: actor, action, object_type, object_id, data, role, outcome,
    source) to the chain, in order: one read of the head, one INSERT."""
    from accord.core.prepared import PreparedRows, insert

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEYS[model.CHAIN]])
    with connection.cursor() as cur:
        table = connection.ops.quote_name(model._meta.db_table)
        cur.execute(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        row = cur.fetchone()
    seq, prev = (row[0], row[1]) if row else (0, GENESIS)
    every = getattr(settings, "ACCORD_AUDIT_CHECKPOINT_EVERY", 0)
    out: list[ChainedEvent] = []
    checkpoints: list[tuple[int, str]] = []
    for e in events:
        actor, source = e.get("actor"), e.get("source")
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        seq += 1
        event = model(
            seq=seq,
            # Microsecond precision survives every backend, so the hash recomputes exactly.
            created_at=timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_username=actor.get_username() if is_user else "",
            actor_role=e.get("role", ""),
            action=e["action"],
            object_type=e.get("object_type", ""),
            object_id=str(e.get("object_id", "")),
            data=json.loads(json.dumps(e.get("data") or {}, default=str)),
            source=(current_source.get() if source is None else source)[:64],
            outcome=e.get("outcome", "ok"),
            prev_hash=prev,
        )
        event.hash = prev = chain_hash(event.prev_hash, event)
        out.append(event)
        if every and seq % every == 0:
            checkpoints.append((seq, event.hash))
    insert([PreparedRows(out)])
    for cp_seq, cp_hash in checkpoints:
        _checkpoint(model.CHAIN, cp_seq, cp_hash)
    return out


def _checkpoint(chain: str, seq: int, head_hash: str) -> AuditCheckpoint:
    return AuditCheckpoint.objects.create(
        chain=chain,
        seq=seq,
        hash=head_hash,
        created_at=timezone.now(),
        mac=checkpoint_mac(chain, seq, head_hash),
    )


# Inside `audit_at_end()`: the events recorded so far in this block, appended at its end.
_held: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "accord_audit_held", default=None
)


@contextmanager
def audit_at_end() -> Iterator[None]:
    """Inside one transaction: append the change events recorded in this block together at
    its end (still inside the transaction, in the order recorded). On PostgreSQL the chain's
    lock is then held only for those appends and the commit, not for all the work in between
    — for long batch transactions that every filing would otherwise wait behind. If the block
    fails nothing is appended (and the transaction rolls back anyway)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_at_end must be used inside the change's transaction")
    outer = _held.get()
    token = _held.set([] if outer is None else outer)
    try:
        yield
        held = _held.get() or []
    finally:
        _held.reset(token)
    if outer is None:
        if held:
            _append_many(AuditEvent, held)


def audit_record(
    *,
    actor: Any | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
    role: str = "",
    outcome: str = "ok",
    source: str | None = None,
) -> AuditEvent | None:
    """Append one change event (inside `audit_at_end()`: hold it for the end of that block).
    Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    event = dict(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=data,
        role=role,
        outcome=outcome,
        source=source,
    )
    held = _held.get()
    if held is None:
        return _append(AuditEvent, **event)
    # Held: fix what the event says now (a copy of `data`, the request's address).
    event["data"] = json.loads(json.dumps(data or {}, default=str))
    event["source"] = current_source.get() if source is None else source
    held.append(event)
    return None


def audit_records(events: list[dict[str, Any]]) -> None:
    """Append several change events in order (each dict holds `audit_record`'s arguments),
    with one read of the chain's head and one INSERT. Must run inside the transaction of the
    changes they record; `source` should be given (the request that made the change)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_records must be called inside the changes' transaction")
    held = _held.get()
    if held is None:
        _append_many(AuditEvent, events)
        return
    for e in events:
        audit_record(**e)


def access_record(
    *,
    actor: Any | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
    role: str | None = None,
    outcome: str = "ok",
    source: str | None = None,
) -> AccessEvent:
    """Append one access event (a read, export, login or refusal) in its own transaction.
    `data` says what was seen (references, counts, filters used), never the values."""
    if role is None:
        role = role_of(actor)
    with transaction.atomic():
        return _append(
            AccessEvent,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=data,
            role=role,
            outcome=outcome,
            source=source,
        )


def role_of(actor: Any | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return ask(ACTOR_ROLE, actor, default="") or ""


def checkpoint_now() -> list[AuditCheckpoint]:
    """Checkpoint the head of each chain (unless it is already checkpointed)."""
    made = []
    for model in (AuditEvent, AccessEvent):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEYS[model.CHAIN]])
            head = model.objects.order_by("-seq").values("seq", "hash").first()
            if head is None:
                continue
            if AuditCheckpoint.objects.filter(chain=model.CHAIN, seq=head["seq"]).exists():
                continue
            made.append(_checkpoint(model.CHAIN, head["seq"], head["hash"]))
    return made


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    chain: str = "audit"
    checkpoints: int = 0


def _events(model: type[ChainedEvent], batch: int = 2000) -> Iterator[ChainedEvent]:
    yield from model.objects.order_by("seq").iterator(chunk_size=batch)


def verify_chain(model: type[ChainedEvent] = AuditEvent) -> ChainReport:
    """Walk the chain in order. A changed row fails its own hash; a removed row leaves a gap
    in the sequence (and breaks the next row's link). Then every HMAC checkpoint must be
    authentic and match the chain at its position: a chain rewritten from some point on with
    recomputed hashes, or cut short at the end, fails there."""
    chain = model.CHAIN
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    checkpoints = {c.seq: c for c in AuditCheckpoint.objects.filter(chain=chain)}
    for event in _events(model):
        if event.seq != expected_seq:
            return ChainReport(
                False, checked, expected_seq, f"event #{expected_seq} is missing", chain
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                event.seq,
                f"event #{event.seq} does not link to its predecessor",
                chain,
            )
        if chain_hash(prev_hash, event) != event.hash:
            return ChainReport(
                False,
                checked,
                event.seq,
                f"event #{event.seq} was changed after it was written",
                chain,
            )
        if event.seq in checkpoints:
            hashes[event.seq] = event.hash
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    for seq, cp in sorted(checkpoints.items()):
        if not hmac.compare_digest(cp.mac, checkpoint_mac(chain, cp.seq, cp.hash)):
            return ChainReport(False, checked, seq, f"checkpoint at #{seq} is not authentic", chain)
        if seq not in hashes:
            return ChainReport(
                False, checked, seq, f"event #{seq} is missing (the chain was cut short)", chain
            )
        if hashes[seq] != cp.hash:
            return ChainReport(
                False,
                checked,
                seq,
                f"event #{seq} does not match its checkpoint (the chain was rewritten)",
                chain,
            )
    return ChainReport(True, checked, chain=chain, checkpoints=len(checkpoints))


def verify_all() -> list[ChainReport]:
    return [verify_chain(AuditEvent), verify_chain(AccessEvent)]


def access_refused(request: Any, *, status: int, code: str) -> AccessEvent | None:
    """Hook for error handlers (e.g. the API's 401/403/404 handlers): record a refused
    request — who (if known), the method and path, the status and error code."""
    if status not in (401, 403, 404):
        return None
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return access_record(
        source=client_address(request),
        actor=user,
        action="http.refused",
        object_type="request",
        object_id=f"{request.method} {request.path}"[:64],
        outcome={401: "unauthenticated", 403: "refused", 404: "not_found"}[status],
        data={"status": status, "code": code},
    )
