"""Writes on inspections: `inspection_record` stores an inspection of a place against a
checklist and turns every finding into a hazard through `hazards.hazard_report` (source
"inspection"), all in one transaction, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accord.accounts.models import User
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, NotFound, ValidationFailed
from accord.safety import access, hazards
from accord.safety.models import Checklist, Inspection, Place, Source

OK, FINDING = "ok", "finding"


@dataclass(frozen=True)
class InspectionInput:
    place: int
    checklist: str
    inspected_on: dt.date | None = None
    # item code -> {"result": "ok"|"finding", "note": str}
    results: dict[str, dict] = field(default_factory=dict)


def _checked(checklist: Checklist, results: dict[str, dict]) -> list[tuple[dict, str, str]]:
    codes = [item["code"] for item in checklist.items]
    unknown = sorted(set(results) - set(codes))
    if unknown:
        raise ValidationFailed(f"unknown checklist items {unknown!r}", code="unknown_item")
    out = []
    for item in checklist.items:
        given = results.get(item["code"])
        if given is None:
            raise ValidationFailed(gettext_noop("give a result for every item"),
                                   code="missing_item")  # fmt: skip
        result = given.get("result")
        note = (given.get("note") or "").strip()
        if result not in (OK, FINDING):
            raise ValidationFailed("result must be ok or finding", code="bad_result")
        if result == FINDING and not note:
            raise ValidationFailed(gettext_noop("describe every finding"), code="missing_note")
        if len(note) > hazards.MAX_DESCRIPTION - 300:
            raise ValidationFailed(gettext_noop("the description is too long"), code="too_long")
        out.append((item, result, note))
    return out


def inspection_record(*, actor: User, data: InspectionInput) -> Inspection:
    place = (
        Place.objects.select_related("area", "sector").filter(pk=data.place, active=True).first()
    )
    if place is None or not access.place_manageable(actor, place.area):
        raise NotFound(f"no place {data.place!r}")
    if not access.is_safety_staff(actor):
        raise Forbidden("only safety staff record inspections")
    checklist = Checklist.objects.select_related("sector").filter(code=data.checklist,
                                                                  active=True).first()  # fmt: skip
    if checklist is None:
        raise ValidationFailed(f"unknown checklist {data.checklist!r}", code="unknown_checklist")
    today = timezone.localdate()
    on = data.inspected_on or today
    if on > today:
        raise ValidationFailed(gettext_noop("the inspection date is in the future"),
                               code="future_date")  # fmt: skip
    checked = _checked(checklist, data.results)
    now = timezone.now()
    with transaction.atomic():
        rows = []
        for item, result, note in checked:
            reference = ""
            if result == FINDING:
                hazard, _secret = hazards.hazard_report(
                    actor=actor,
                    data=hazards.HazardInput(
                        description=f"[{checklist.name_en} / {item['en']}] {note}",
                        sector=checklist.sector.code, place=place.pk,
                        source=Source.INSPECTION,
                    ),
                )  # fmt: skip
                reference = hazard.reference
            rows.append({"item": item["code"], "result": result, "hazard": reference})
        inspection = Inspection.objects.create(
            place=place, checklist=checklist, inspector=actor, inspected_on=on, results=rows,
            findings=sum(1 for r in rows if r["result"] == FINDING), created_at=now,
        )  # fmt: skip
        audit_record(
            actor=actor, action="inspection.record", object_type="inspection",
            object_id=str(inspection.pk),
            data={"place": place.pk, "checklist": checklist.code, "on": on.isoformat(),
                  "hazards": [r["hazard"] for r in rows if r["hazard"]]},
        )  # fmt: skip
    return inspection
