"""What the case sees of its proceedings: every proceeding event is recorded on the
proceeding's timeline, mirrored on the case timeline and audited (`record`), and the case
status follows a proceeding's steps through `cases.transitions.case_transition(handoff=...)`
(`case_follows`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.cases import transitions as case_transitions
from accord.cases import workflow as case_wf
from accord.cases.models import Case, CaseEvent
from accord.core.audit import audit_record
from accord.resolution.models import Proceeding, ProceedingEvent


def record(
    proceeding: Proceeding,
    actor: User | None,
    action: str,
    on_date: dt.date,
    *,
    from_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ProceedingEvent:
    """Record a proceeding event, mirror it on the case timeline, audit it. The note is
    encrypted on both timelines; `data` is copied in clear to the proceeding and case events
    and to the audit chain, so it must never hold names or free text."""
    now = timezone.now()
    data = {k: v for k, v in (data or {}).items() if v not in (None, "", [], {})}
    event = ProceedingEvent.objects.create(
        proceeding=proceeding,
        created_at=now,
        on_date=on_date,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=proceeding.status,
        note=note,
        data=jsonable(data),
    )
    case = Case.objects.get(pk=proceeding.case_id)
    role = primary_role(actor) if actor is not None and actor.is_authenticated else ""
    CaseEvent.objects.create(
        case=case,
        created_at=now,
        actor=event.actor,
        actor_role=role,
        action=f"proceeding_{action}"[:32],
        from_status=case.status,
        to_status=case.status,
        note=note,
        data=jsonable(
            {
                "proceeding": proceeding.number,
                "channel": proceeding.channel,
                "on_date": on_date,
                "status": proceeding.status,
                **data,
            }
        ),
    )
    audit_record(
        actor=actor,
        role=role,
        action=f"proceeding.{action}",
        object_type="proceeding",
        object_id=proceeding.number,
        data={"case": case.reference, "from": from_status, "to": proceeding.status, **data},
    )
    return event


def jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [jsonable(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def case_follows(
    actor: User, case: Case, action: str, p: Proceeding, note: str = "", **kw: Any
) -> None:
    """Move the case with the proceeding, if the case workflow allows it from here."""
    case.refresh_from_db()
    if case.status not in case_wf.BY_ACTION[action].sources:
        return
    case_transitions.case_transition(
        actor=actor,
        case=case,
        action=action,
        note=note or f"{p.number} ({p.channel})",
        handoff={"proceeding": p.number, "channel": p.channel},
        **kw,
    )
