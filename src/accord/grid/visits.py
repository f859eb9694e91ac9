"""Service visits: recorded only with the resident's consent, for a stated purpose."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.core.retention import audit_purge
from accord.grid import access
from accord.grid.models import GridTask, Visit, VisitPurpose
from accord.grid.tasks import _grid

MAX_NOTE = 1000


def visit_record(
    *,
    actor: User,
    area: str,
    purpose: str,
    consent: bool,
    visited_on: dt.date | None = None,
    service_note: str = "",
    task_id: int | None = None,
) -> Visit:
    grid = _grid(area)
    if not access.works_in(actor, grid):
        raise NotFound("no such grid")
    if purpose not in VisitPurpose.values:
        raise ValidationFailed(f"unknown purpose {purpose!r}", code="unknown_purpose")
    if consent is not True:
        raise ValidationFailed(
            "a visit is recorded only with the resident's consent", code="consent_required"
        )
    if len(service_note) > MAX_NOTE:
        raise ValidationFailed(f"note is longer than {MAX_NOTE} characters")
    today = timezone.localdate()
    visited_on = visited_on or today
    if visited_on > today:
        raise ValidationFailed("the visit date lies in the future", code="future_date")
    task = None
    if task_id is not None:
        task = GridTask.objects.filter(pk=task_id, area=grid).first()
        if task is None:
            raise ValidationFailed("no such task in this grid", code="unknown_task")
    with transaction.atomic():
        visit = Visit.objects.create(
            area=grid,
            worker=actor,
            purpose=purpose,
            consent=True,
            visited_on=visited_on,
            service_note=service_note.strip(),
            task=task,
        )
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="grid.visit.record",
            object_type="grid_visit",
            object_id=visit.pk,
            data={"area": grid.code, "purpose": purpose},
        )
    return visit


def visits_purge_expired(cutoff: dt.datetime, dry_run: bool) -> list[str]:
    """Retention: delete visits older than the period (record type `grid_visit`)."""
    qs = Visit.objects.filter(created_at__lt=cutoff)
    ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
    if ids and not dry_run:
        with transaction.atomic():
            Visit.objects.filter(pk__in=[int(i) for i in ids]).delete()
            audit_purge("grid_visit", "delete", cutoff, ids)
    return ids
