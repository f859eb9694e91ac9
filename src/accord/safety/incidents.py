"""The incidents register: the grading rule (State Council Order 493, 2007, art. 3) and
`incident_record` (one transaction, audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accord.accounts.models import User
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, ValidationFailed
from accord.core.models import Area
from accord.safety import access, hazards
from accord.safety.models import Cause, Incident, IncidentGrade, Place, Sector

# Order 493 art. 3: the grade is the highest one any of the three measures reaches.
# (grade, deaths ≥, serious injuries ≥, direct loss in yuan ≥)
THRESHOLDS = (
    (IncidentGrade.GRAVE, 30, 100, 100_000_000),
    (IncidentGrade.MAJOR, 10, 50, 50_000_000),
    (IncidentGrade.LARGER, 3, 10, 10_000_000),
)
# A "serious" accident (the one-vote veto of the annual assessment): larger (较大) or above.
SERIOUS = frozenset({IncidentGrade.LARGER, IncidentGrade.MAJOR, IncidentGrade.GRAVE})
MAX_COUNT = 100_000
MAX_SUMMARY = 4000


def grade_for(deaths: int, serious_injuries: int, direct_loss: int = 0) -> str:
    for grade, d, s, loss in THRESHOLDS:
        if deaths >= d or serious_injuries >= s or direct_loss >= loss:
            return grade
    return IncidentGrade.GENERAL


@dataclass(frozen=True)
class IncidentInput:
    occurred_on: dt.date
    sector: str
    cause: str
    place: int | None = None
    area: str = ""
    deaths: int = 0
    serious_injuries: int = 0
    direct_loss: int = 0
    summary: str = ""


def incident_record(*, actor: User, data: IncidentInput) -> Incident:
    if not access.is_safety_staff(actor):
        raise Forbidden("only safety staff record incidents")
    place = None
    if data.place is not None:
        place = Place.objects.select_related("area").filter(pk=data.place).first()
        if place is None:
            raise ValidationFailed(f"unknown place {data.place!r}", code="unknown_place")
        area = place.area
    else:
        area = Area.objects.filter(code=data.area).first() if data.area else None
        if area is None:
            raise ValidationFailed(gettext_noop("choose a registered place or an area"),
                                   code="unknown_area")  # fmt: skip
    if not access.place_manageable(actor, area):
        raise Forbidden("the incident is outside your jurisdiction")
    sector = Sector.objects.filter(code=data.sector, active=True).first()
    if sector is None:
        raise ValidationFailed(f"unknown sector {data.sector!r}", code="unknown_sector")
    if data.cause not in Cause.values:
        raise ValidationFailed(f"unknown cause {data.cause!r}", code="unknown_cause")
    if data.occurred_on > timezone.localdate():
        raise ValidationFailed(gettext_noop("the date is in the future"), code="future_date")
    for n in (data.deaths, data.serious_injuries):
        if not 0 <= n <= MAX_COUNT:
            raise ValidationFailed("casualties must be between 0 and 100000", code="bad_count")
    if data.direct_loss < 0:
        raise ValidationFailed("the loss cannot be negative", code="bad_count")
    summary = (data.summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        raise ValidationFailed(gettext_noop("the description is too long"), code="too_long")
    grade = grade_for(data.deaths, data.serious_injuries, data.direct_loss)
    with transaction.atomic():
        incident = Incident.objects.create(
            occurred_on=data.occurred_on, place=place, area=area,
            handling_area=hazards.handling_area_for(area), sector=sector, deaths=data.deaths,
            serious_injuries=data.serious_injuries, direct_loss=data.direct_loss,
            cause=data.cause, grade=grade, serious=grade in SERIOUS, summary=summary,
            recorded_by=actor, created_at=timezone.now(),
        )  # fmt: skip
        audit_record(
            actor=actor, action="incident.record", object_type="incident",
            object_id=str(incident.pk),
            data={"area": area.code, "sector": sector.code, "on": data.occurred_on.isoformat(),
                  "deaths": data.deaths, "serious_injuries": data.serious_injuries,
                  "grade": grade},
        )  # fmt: skip
    return incident
