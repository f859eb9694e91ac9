"""Self-screening: score, and store only with a separate, purpose-specific consent.

Without consent nothing about the answers is written: they are scored in memory and
discarded. A crisis (PHQ-9 item 9 > 0, or a severe band) still raises an alert, in the same
transaction, carrying only the area, the time, the level and a contact if the person gave one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area
from accord.wellbeing import scoring
from accord.wellbeing.crisis import alert_raise
from accord.wellbeing.models import AlertSource, CrisisAlert, Screening

# The consent text's version (templates/wellbeing/screening.html words it); a change of the
# wording gets a new version.
CONSENT_VERSION = "2026-1"
CONSENT_BY = ("self", "guardian")


@dataclass
class Submitted:
    result: scoring.Result
    stored: Screening | None
    withdraw_code: str  # shown once when stored anonymously
    alert: CrisisAlert | None


def cutoffs(instrument: str) -> tuple[int, ...]:
    spec = {
        scoring.PHQ9: settings.ACCORD_WELLBEING_PHQ9_CUTOFFS,
        scoring.GAD7: settings.ACCORD_WELLBEING_GAD7_CUTOFFS,
    }[instrument]
    return scoring.parse_cutoffs(spec, instrument)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def area_by_code(code: str | None) -> Area | None:
    if not code:
        return None
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationFailed(f"unknown area {code!r}", code="unknown_area")
    return area


def fallback_area() -> Area:
    """Where an alert goes when the person named no area: the root of the tree."""
    root = Area.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise ValidationFailed("no areas are configured", code="unknown_area")
    return root


def screening_submit(
    *, actor, instrument: str, answers: list[int], difficulty: int | None = None,
    area: Area | None = None, consent: bool = False, consent_by: str = "self",
    contact: str = "", submission_key: str = "", now=None,
) -> Submitted:  # fmt: skip
    try:
        result = scoring.score(instrument, answers, cutoffs(instrument))
    except scoring.InvalidAnswers as exc:
        raise ValidationFailed(str(exc), code="invalid_answers") from exc
    if difficulty is not None and not 0 <= difficulty <= 3:
        raise ValidationFailed("difficulty must be 0, 1, 2 or 3", code="invalid_answers")
    if consent and consent_by not in CONSENT_BY:
        raise ValidationFailed("consent is given by 'self' or by a 'guardian'")
    if result.total == 0:
        difficulty = None  # asked only when a problem was checked
    if not result.crisis and not consent:
        return Submitted(result, None, "", None)  # scored and discarded: nothing written
    now = now or timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        alert = None
        if result.crisis:
            alert = alert_raise(
                area=area or fallback_area(), level=result.level, source=AlertSource.SCREENING,
                submission_key=submission_key or secrets.token_hex(16), contact=contact,
                now=now,
            )  # fmt: skip
        stored, code = None, ""
        if consent:
            if user is None:
                code = secrets.token_hex(6).upper()
            stored = Screening.objects.create(
                instrument=instrument, owner=user, withdraw_hash=hash_code(code) if code else "",
                answers=json.dumps({"items": list(answers), "difficulty": difficulty}),
                total=result.total, band=result.band, area=area,
                consent_version=CONSENT_VERSION, consent_by=consent_by, created_at=now,
            )  # fmt: skip
            audit_record(
                actor=user, action="wellbeing.screening.store", object_type="screening",
                object_id=stored.pk,
                data={"consent_version": CONSENT_VERSION, "consent_by": consent_by},
            )  # fmt: skip
    return Submitted(result, stored, code, alert)


def screening_withdraw(*, actor, code: str = "", screening_id: int | None = None) -> int:
    """Withdraw consent: the screening is deleted (not anonymised). Returns how many."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        if code:
            qs = Screening.objects.filter(withdraw_hash=hash_code(code))
        elif user is not None and screening_id is not None:
            qs = Screening.objects.filter(owner=user, pk=screening_id)
        elif user is not None:
            qs = Screening.objects.filter(owner=user)
        else:
            qs = Screening.objects.none()
        ids = [str(i) for i in qs.values_list("pk", flat=True)]
        if not ids:
            raise NotFound("no stored screening matches")
        qs.delete()
        audit_record(
            actor=user, action="wellbeing.screening.withdraw", object_type="screening",
            object_id=",".join(ids)[:64], data={"count": len(ids)},
        )  # fmt: skip
    return len(ids)


def screening_export(*, code: str) -> dict:
    """The person's own stored screening (by its withdrawal code) as FHIR."""
    from accord.core.audit import access_record
    from accord.wellbeing.fhir import questionnaire_response

    s = Screening.objects.filter(withdraw_hash=hash_code(code)).first() if code else None
    if s is None:
        raise NotFound("no stored screening matches")
    data = json.loads(s.answers)
    access_record(actor=None, action="wellbeing.screening.export", object_type="screening",
                  object_id=s.pk)  # fmt: skip
    return questionnaire_response(
        instrument=s.instrument, items=data["items"], difficulty=data.get("difficulty"),
        total=s.total, authored=s.created_at,
    )  # fmt: skip


def danger_raise(*, actor, area: Area | None, contact: str = "", submission_key: str = ""):
    """'I am in danger': an urgent alert at once (the page shows 12356 and 120 at once)."""
    with transaction.atomic():
        return alert_raise(
            area=area or fallback_area(), level=scoring.URGENT, source=AlertSource.DANGER,
            submission_key=submission_key or secrets.token_hex(16), contact=contact,
        )  # fmt: skip


def purge_screenings(cutoff, dry_run: bool) -> list[str]:
    """Retention handler (core.retention): delete screenings stored before `cutoff`."""
    from accord.core.retention import audit_purge

    qs = Screening.objects.filter(created_at__lt=cutoff)
    ids = [str(i) for i in qs.values_list("pk", flat=True)]
    if ids and not dry_run:
        with transaction.atomic():
            qs.delete()
            audit_purge("wellbeing_screening", "delete", cutoff, ids)
    return ids
