"""Writes on the registry: places with their duty holders, and filed major hazard sources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, ValidationFailed
from accord.core.models import Area
from accord.safety import access
from accord.safety.models import MajorHazardSource, Place, PlaceKind, Sector


@dataclass(frozen=True)
class PlaceInput:
    kind: str
    name: str
    area: str
    sector: str
    address: str = ""
    responsible_name: str = ""
    responsible_phone: str = ""
    safety_manager_name: str = ""
    safety_manager_phone: str = ""
    licences: str = ""


def place_create(*, actor: User | None, data: PlaceInput, system: bool = False) -> Place:
    """Register a place (safety staff over its area; `system` for the demo seed)."""
    if data.kind not in PlaceKind.values:
        raise ValidationFailed(f"unknown kind {data.kind!r}", code="unknown_kind")
    name = data.name.strip()
    if not name or len(name) > 200:
        raise ValidationFailed("a name of 1 to 200 characters is required", code="bad_name")
    area = Area.objects.filter(code=data.area).first()
    if area is None:
        raise ValidationFailed(f"unknown area {data.area!r}", code="unknown_area")
    sector = Sector.objects.filter(code=data.sector, active=True).first()
    if sector is None:
        raise ValidationFailed(f"unknown sector {data.sector!r}", code="unknown_sector")
    if not system and not access.place_manageable(actor, area):
        raise Forbidden("only safety staff of the area may register places")
    for field in ("address", "licences", "responsible_name", "responsible_phone",
                  "safety_manager_name", "safety_manager_phone"):  # fmt: skip
        if len(getattr(data, field)) > 2000:
            raise ValidationFailed(f"{field} is too long")
    with transaction.atomic():
        place = Place.objects.create(
            kind=data.kind, name=name, area=area, sector=sector, address=data.address.strip(),
            responsible_name=data.responsible_name.strip(),
            responsible_phone=data.responsible_phone.strip(),
            safety_manager_name=data.safety_manager_name.strip(),
            safety_manager_phone=data.safety_manager_phone.strip(),
            licences=data.licences.strip(), created_at=timezone.now(),
        )  # fmt: skip
        audit_record(
            actor=actor, action="safety.place_create", object_type="place",
            object_id=str(place.pk), data={"area": area.code, "sector": sector.code},
        )  # fmt: skip
    return place


def source_file(
    *, actor: User | None, place: Place, name: str, grade: int, filed_on: dt.date,
    filing_number: str, system: bool = False,
) -> MajorHazardSource:  # fmt: skip
    """Record a major hazard source filed with the regulator (Work Safety Law art. 40)."""
    if not system and not access.place_manageable(actor, place.area):
        raise Forbidden("only safety staff of the area may file hazard sources")
    if grade not in MajorHazardSource.Grade.values:
        raise ValidationFailed("grade must be 1 to 4", code="bad_grade")
    if not name.strip() or not filing_number.strip():
        raise ValidationFailed("name and filing number are required", code="missing")
    with transaction.atomic():
        source = MajorHazardSource.objects.create(
            place=place, name=name.strip(), grade=grade, filed_on=filed_on,
            filing_number=filing_number.strip(),
        )  # fmt: skip
        audit_record(
            actor=actor, action="safety.source_file", object_type="place",
            object_id=str(place.pk), data={"source": source.pk, "grade": grade},
        )  # fmt: skip
    return source
