"""Counselling requests (resident → the unit's queue → an appointment), session notes and
referrals to medical or social care. Counsellors neither diagnose nor treat (Mental Health
Law arts. 23, 29): there is no diagnosis anywhere; a referral records where to, not why."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area
from accord.core.statemachine import check_or_raise
from accord.wellbeing.access import may_read_notes, request_capabilities
from accord.wellbeing.models import (
    CounsellingRequest,
    Counsellor,
    Mode,
    Referral,
    ReferralTo,
    SessionNote,
    Unit,
)
from accord.wellbeing.workflow import REQUEST, RequestFacts

EXCLUDED = ("hotline", "school")
KIND_ORDER = {"station": 0, "social_work": 1, "hospital": 2}


def unit_for(area: Area, mode: str) -> Unit | None:
    """The nearest active unit offering `mode`: in the area itself, else the closest area
    above it; in one area a community station first, then a social-work organisation, then
    a hospital department (hotlines take calls, not requests; school counselling offices
    serve their own students)."""
    chain = list(reversed(area.ancestors()))
    units = [
        u
        for u in Unit.objects.filter(area__in=chain, active=True).exclude(kind__in=EXCLUDED)
        if mode in (u.services or [])
    ]
    rank = {a.pk: i for i, a in enumerate(chain)}
    units.sort(key=lambda u: (rank[u.area_id], KIND_ORDER.get(u.kind, 9), u.code))
    return units[0] if units else None


def request_create(
    *, actor, area: Area, mode: str, contact: str, name: str = "", message: str = "",
    language: str = "zh",
) -> CounsellingRequest:  # fmt: skip
    if mode not in Mode.values:
        raise ValidationFailed(f"unknown mode {mode!r}", code="invalid_mode")
    if not contact.strip():
        raise ValidationFailed("a phone number or other contact is required", code="no_contact")
    unit = unit_for(area, mode)
    if unit is None:
        raise ValidationFailed(
            "no counselling unit serves this area in that way; please call the hotline",
            code="no_unit",
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        req = CounsellingRequest.objects.create(
            reference="CR-" + secrets.token_hex(4).upper(), unit=unit, area=area, mode=mode,
            language=language[:8], name=name[:200], contact=contact[:200],
            message=message[:4000], requester=user,
        )  # fmt: skip
        audit_record(
            actor=user, action="wellbeing.request.create", object_type="counselling_request",
            object_id=req.reference, data={"unit": unit.code, "mode": mode, "area": area.code},
        )  # fmt: skip
    return req


def _get(actor, reference: str) -> tuple[CounsellingRequest, set[str]]:
    req = (
        CounsellingRequest.objects.select_for_update().select_related("unit")
        .filter(reference=reference).first()
    )  # fmt: skip
    caps = request_capabilities(actor, req) if req else set()
    if req is None or not caps:
        raise NotFound(f"no counselling request {reference!r}")
    return req, caps


def request_transition(
    *, actor, reference: str, action: str, counsellor: str = "",
    appointment_at: dt.datetime | None = None,
) -> CounsellingRequest:  # fmt: skip
    with transaction.atomic():
        req, caps = _get(actor, reference)
        who = None
        if counsellor:
            who = User.objects.filter(username=counsellor, wb_posts__unit=req.unit).first()
            if who is None:
                raise ValidationFailed(
                    "no counsellor of this unit by that name", code="unknown_counsellor"
                )
        facts = RequestFacts(req.status, appointment_at is not None, bool(who or req.counsellor_id))
        t = check_or_raise(REQUEST, action, facts, caps, code_prefix="request")
        if action == "schedule":
            if appointment_at < timezone.now() - dt.timedelta(minutes=5):
                raise ValidationFailed("the appointment must not be in the past", code="past")
            req.appointment_at = appointment_at
            req.counsellor = who or req.counsellor
        before, req.status = req.status, t.target or req.status
        req.save()
        audit_record(
            actor=actor, action=f"wellbeing.request.{action}", object_type="counselling_request",
            object_id=req.reference, role=primary_role(actor),
            data={"from": before, "to": req.status,
                  "counsellor": req.counsellor.username if req.counsellor else ""},
        )  # fmt: skip
    return req


def note_add(*, actor, reference: str, text: str) -> SessionNote:
    if not text.strip() or len(text) > 20000:
        raise ValidationFailed("a note of 1 to 20000 characters is required", code="invalid_note")
    with transaction.atomic():
        req, _caps = _get(actor, reference)
        if not may_read_notes(actor, req):
            raise NotFound(f"no counselling request {reference!r}")
        note = SessionNote.objects.create(request=req, author=actor, text=text)
        audit_record(
            actor=actor, action="wellbeing.note.add", object_type="session_note",
            object_id=note.pk, role=primary_role(actor), data={"request": req.reference},
        )  # fmt: skip
    return note


def referral_add(*, actor, reference: str, to_kind: str, to_name: str = "", note: str = ""):
    if to_kind not in ReferralTo.values:
        raise ValidationFailed(f"unknown referral destination {to_kind!r}", code="invalid_referral")
    with transaction.atomic():
        req, _caps = _get(actor, reference)
        if not may_read_notes(actor, req):
            raise NotFound(f"no counselling request {reference!r}")
        ref = Referral.objects.create(
            request=req, to_kind=to_kind, to_name=to_name[:200], note=note[:4000], by=actor
        )
        audit_record(
            actor=actor, action="wellbeing.referral.add", object_type="referral",
            object_id=ref.pk, role=primary_role(actor),
            data={"request": req.reference, "to": to_kind},
        )  # fmt: skip
    return ref


def counsellor_link(*, actor, user: User, unit: Unit) -> Counsellor:
    with transaction.atomic():
        post, _ = Counsellor.objects.get_or_create(user=user, unit=unit)
        audit_record(
            actor=actor, action="wellbeing.counsellor.link", object_type="unit",
            object_id=unit.code, data={"user": user.username},
        )  # fmt: skip
    return post
