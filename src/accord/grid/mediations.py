"""On-the-spot mediation at the grid ("small matters do not leave the village"). A matter not
resolved on the spot is filed as a case at the community through the cases filing service,
with the record referenced. The notice of formal channels is always shown and acknowledged:
mediation never blocks a party from arbitration, reconsideration or a court."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.cases.filing import CaseInput, case_create
from accord.cases.models import Category
from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.grid import access
from accord.grid.models import GridMediation, MediationOutcome
from accord.grid.tasks import _grid

NOTICE_VERSION = "2026-1"
NOTICE = _(
    "Mediation is voluntary. You may stop at any time and apply instead to a people's "
    "mediation committee, to labour or other arbitration, for administrative reconsideration, "
    "or to a court. Taking part here waives none of your rights. The time limits of those "
    "channels keep running: ask the grid worker about them."
)
MAX_TEXT = 2000


def mediation_record(
    *,
    actor: User,
    area: str,
    category: str,
    parties: str,
    issue: str,
    outcome: str,
    notice_acknowledged: bool,
    agreement: str = "",
    held_on: dt.date | None = None,
) -> GridMediation:
    grid = _grid(area)
    if not access.works_in(actor, grid):
        raise NotFound("no such grid")
    cat = Category.objects.filter(code=category, active=True).first()
    if cat is None:
        raise ValidationFailed(f"unknown category {category!r}", code="unknown_category")
    if notice_acknowledged is not True:
        raise ValidationFailed(
            "the parties must be shown the notice of formal channels", code="notice_required"
        )
    if outcome not in MediationOutcome.values:
        raise ValidationFailed(f"unknown outcome {outcome!r}", code="unknown_outcome")
    parties, issue, agreement = parties.strip(), issue.strip(), agreement.strip()
    if not parties or not issue:
        raise ValidationFailed("parties and issue are required", code="missing_field")
    if max(len(parties), len(issue), len(agreement)) > MAX_TEXT:
        raise ValidationFailed(f"a field is longer than {MAX_TEXT} characters")
    if outcome == MediationOutcome.RESOLVED and not agreement:
        raise ValidationFailed("a resolved matter records its agreement", code="missing_agreement")
    today = timezone.localdate()
    held_on = held_on or today
    if held_on > today:
        raise ValidationFailed("the date lies in the future", code="future_date")
    with transaction.atomic():
        record = GridMediation.objects.create(
            area=grid,
            worker=actor,
            category=cat,
            parties=parties,
            issue=issue,
            outcome=outcome,
            agreement=agreement,
            notice_acknowledged=True,
            notice_version=NOTICE_VERSION,
            held_on=held_on,
        )
        if outcome == MediationOutcome.UNRESOLVED:
            description = (
                f"{issue}\n\n[On-the-spot mediation GM-{record.pk} at grid {grid.code} on "
                f"{held_on.isoformat()} did not resolve the matter. Parties: {parties}]"
            )
            case, _secret = case_create(
                actor=actor,
                data=CaseInput(category=cat.code, area=grid.code, description=description[:5000]),
            )
            record.case_reference = case.reference
            record.save(update_fields=["case_reference"])
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="grid.mediation.record",
            object_type="grid_mediation",
            object_id=record.pk,
            data={
                "area": grid.code,
                "outcome": outcome,
                "case": record.case_reference,
                "notice": NOTICE_VERSION,
            },
        )
    return record
