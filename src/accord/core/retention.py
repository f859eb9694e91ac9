"""Retention: each record type has a period (settings.ACCORD_RETENTION_DAYS) and a handler
that anonymises or deletes what is past it. Apps register their handlers in `ready()`;
`accord purge` runs them all and records what it did in the audit chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core.audit import audit_record


@dataclass(frozen=True)
class Handler:
    record_type: str
    verb: str  # "anonymise" | "delete"
    # (cutoff, dry_run) -> identifiers of the records that were (or would be) purged
    run: Callable[[dt.datetime, bool], list[str]]


HANDLERS: dict[str, Handler] = {}


def register(record_type: str, verb: str, run: Callable[[dt.datetime, bool], list[str]]) -> None:
    HANDLERS[record_type] = Handler(record_type, verb, run)


@dataclass(frozen=True)
class PurgeReport:
    record_type: str
    verb: str
    days: int
    cutoff: dt.datetime
    ids: list[str]


def purge(*, dry_run: bool = False, now: dt.datetime | None = None) -> list[PurgeReport]:
    now = now or timezone.now()
    periods = getattr(settings, "ACCORD_RETENTION_DAYS", {})
    reports = []
    for record_type, handler in sorted(HANDLERS.items()):
        days = periods.get(record_type)
        if days is None:
            continue
        cutoff = now - dt.timedelta(days=days)
        ids = handler.run(cutoff, dry_run)
        reports.append(PurgeReport(record_type, handler.verb, days, cutoff, ids))
    return reports


def audit_purge(record_type: str, verb: str, cutoff: dt.datetime, ids: list[str]) -> None:
    """One audit event per purged batch, naming the records (ids, never their content)."""
    audit_record(
        actor=None,
        action=f"retention.{verb}",
        object_type=record_type,
        object_id=str(len(ids)),
        data={"cutoff": cutoff.isoformat(), "count": len(ids), "ids": ids},
    )


def _purge_sessions(cutoff: dt.datetime, dry_run: bool) -> list[str]:
    from django.contrib.sessions.models import Session

    qs = Session.objects.filter(expire_date__lt=cutoff)
    keys = [k[:8] for k in qs.values_list("session_key", flat=True)]
    if not dry_run and keys:
        with transaction.atomic():
            qs.delete()
            audit_purge("session", "delete", cutoff, keys)
    return keys


register("session", "delete", _purge_sessions)
