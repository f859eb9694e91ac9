"""Mediation work on a proceeding of a mediation channel: sessions held (who attended, where,
the record) and the agreement (its text and terms, then the parties' signatures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.resolution import timeline
from accord.resolution import workflow as wf
from accord.resolution.access import capabilities
from accord.resolution.inputs import clean_date, clean_text
from accord.resolution.inputs import today as _today
from accord.resolution.models import Agreement, MediationSession, Proceeding


def _mediation(actor: User, proceeding: Proceeding) -> Proceeding:
    p = (
        Proceeding.objects.select_for_update(of=("self",))
        .select_related("case", "handling_area")
        .get(pk=proceeding.pk)
    )
    if p.channel not in wf.MEDIATION:
        raise Conflict(f"{p.channel} is not a mediation channel", code="not_mediation")
    if wf.HANDLER not in capabilities(actor, p):
        raise Forbidden("you may not work on this proceeding")
    if p.status not in (wf.P.ACCEPTED, wf.P.IN_PROGRESS):
        raise Conflict(f"the proceeding is {p.status}; accept it first", code="transition_state")
    return p


def session_record(
    *,
    actor: User,
    proceeding: Proceeding,
    held_at: dt.datetime,
    place: str = "",
    online: bool = False,
    attendees: list[str] | None = None,
    record: str = "",
) -> MediationSession:
    record = clean_text(record, "record", required=True)
    place = clean_text(place, "place", limit=200)
    attendees = [clean_text(a, "attendee", required=True, limit=200) for a in (attendees or [])]
    if not attendees:
        raise ValidationFailed("list who attended", code="missing_attendees")
    if not online and not place:
        raise ValidationFailed("give the place, or mark the session as online")
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed("held_at must not be in the future", code="future_date")
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        if timezone.localdate(held_at) < p.applied_on:
            raise ValidationFailed("held_at is before the application", code="date_order")
        session = MediationSession.objects.create(
            proceeding=p,
            held_at=held_at,
            place=place,
            online=online,
            attendees=attendees,
            record=record,
            created_by=actor,
            created_at=timezone.now(),
        )
        from_status = p.status
        if p.status == wf.P.ACCEPTED:
            p.status = wf.P.IN_PROGRESS
            p.save(update_fields=["status", "updated_at"])
        timeline.record(
            p,
            actor,
            "session",
            timezone.localdate(held_at),
            from_status=from_status,
            # The names stay in the session (encrypted); the timeline counts them.
            data={"place": place, "online": online, "attendees": len(attendees)},
        )
    return session


def agreement_record(
    *,
    actor: User,
    proceeding: Proceeding,
    text: str,
    terms: list[dict[str, Any]],
) -> Agreement:
    text = clean_text(text, "text", required=True)
    if not terms:
        raise ValidationFailed("an agreement needs at least one term", code="missing_terms")
    clean = []
    for t in terms:
        term = clean_text(str(t.get("text", "")), "term", required=True, limit=2000)
        due = t.get("due_on")
        if due is not None and not isinstance(due, dt.date):
            try:
                due = dt.date.fromisoformat(str(due))
            except ValueError as exc:
                raise ValidationFailed(f"bad due_on {due!r} (YYYY-MM-DD)") from exc
        clean.append({"text": term, "due_on": due.isoformat() if due else None})
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        agreement, created = Agreement.objects.update_or_create(
            proceeding=p,
            defaults={"text": text, "terms": clean, "created_at": timezone.now()},
        )
        if not created and agreement.signatures:
            raise Conflict("the agreement has been signed; it can no longer be edited")
        timeline.record(
            p,
            actor,
            "agreement_drafted" if created else "agreement_edited",
            _today(),
            from_status=p.status,
            data={"terms": len(clean), "due_on": [t["due_on"] for t in clean if t["due_on"]]},
        )
    return agreement


def agreement_sign(
    *, actor: User, proceeding: Proceeding, name: str, role: str, signed_on: dt.date | None = None
) -> Agreement:
    name = clean_text(name, "name", required=True, limit=200)
    roles = ("applicant", "respondent", "third_party", "mediator")
    if role not in roles:
        raise ValidationFailed(f"role must be one of {', '.join(roles)}")
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        agreement = Agreement.objects.filter(proceeding=p).first()
        if agreement is None:
            raise Conflict("record the agreement text first", code="no_agreement")
        day = clean_date(signed_on, "signed_on", not_before=p.applied_on)
        # The names are encrypted: compare them in Python, not in SQL.
        if role != "mediator" and not any(x.name == name for x in p.parties.filter(role=role)):
            raise ValidationFailed(f"{name!r} is not a {role} of this proceeding")
        if any(s["name"] == name and s["role"] == role for s in agreement.signatures):
            raise Conflict(f"{name} has already signed")
        agreement.signatures = [
            *agreement.signatures,
            {"name": name, "role": role, "signed_on": day.isoformat()},
        ]
        agreement.save(update_fields=["signatures", "updated_at"])
        timeline.record(p, actor, "signed", day, from_status=p.status, data={"role": role})
    return agreement
