"""Scoped reads of the wellbeing part. Out of scope is `NotFound`; every read of personal
data (contacts, notes) records an access event."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.accounts.permissions import area_scope_q
from accord.core.audit import access_record
from accord.core.errors import NotFound
from accord.core.models import Area
from accord.wellbeing.access import COUNSELLOR_ROLES, is_counsellor, may_read_notes
from accord.wellbeing.hours import is_open
from accord.wellbeing.models import (
    OPEN_ALERT,
    CounsellingRequest,
    CrisisAlert,
    SessionNote,
    Unit,
)


def units_for_area(area: Area | None) -> list[Unit]:
    """Public: the active units serving `area` (in it, above it, or below it), nearest first."""
    qs = Unit.objects.filter(active=True).select_related("area")
    if area is None:
        return list(qs.filter(kind="hotline"))
    chain = list(reversed(area.ancestors()))
    rank = {a.pk: i for i, a in enumerate(chain)}
    units = list(qs.filter(Q(area__in=chain) | Q(area__path__startswith=area.path)))
    units.sort(key=lambda u: (rank.get(u.area_id, -1) if u.area_id in rank else -1, u.code))
    return units


def open_now(units: list[Unit], at=None) -> list[Unit]:
    at = timezone.localtime(at or timezone.now())
    return [u for u in units if is_open(u.hours or {}, at)]


def alert_scope_q(actor) -> Q:
    return area_scope_q(actor, COUNSELLOR_ROLES, "area__path") | Q(steps__notified=actor)


def alert_list_for(*, actor, open_only: bool = True) -> QuerySet[CrisisAlert]:
    if not is_counsellor(actor):
        return CrisisAlert.objects.none()
    qs = CrisisAlert.objects.filter(alert_scope_q(actor)).distinct().select_related("area")
    if open_only:
        qs = qs.filter(status__in=(*OPEN_ALERT, "acknowledged"))
    return qs.order_by("-level", "raised_at")


def record_alert_list_view(*, actor, shown: list[CrisisAlert]) -> None:
    access_record(
        actor=actor, action="wellbeing.alert.list", object_type="crisis_alert",
        data={"shown": [a.reference for a in shown], "count": len(shown)},
    )  # fmt: skip


def alert_get_for(*, actor, reference: str) -> CrisisAlert:
    alert = alert_list_for(actor=actor, open_only=False).filter(reference=reference).first()
    if alert is None:
        access_record(
            actor=actor, action="wellbeing.alert.view", object_type="crisis_alert",
            object_id=reference[:64], outcome="not_found",
        )  # fmt: skip
        raise NotFound(f"no crisis alert {reference!r}")
    access_record(
        actor=actor, action="wellbeing.alert.view", object_type="crisis_alert",
        object_id=alert.reference,
    )  # fmt: skip
    return alert


def request_scope_q(actor) -> Q:
    return Q(unit__counsellors__user=actor) | Q(unit__head=actor)


def request_queue_for(*, actor, open_only: bool = True) -> QuerySet[CounsellingRequest]:
    if not is_counsellor(actor):
        return CounsellingRequest.objects.none()
    qs = (
        CounsellingRequest.objects.filter(request_scope_q(actor))
        .distinct()
        .select_related("unit", "counsellor", "area")
    )
    if open_only:
        qs = qs.filter(status__in=("queued", "scheduled"))
    return qs.order_by("created_at")


def record_queue_view(*, actor, shown: list[CounsellingRequest]) -> None:
    access_record(
        actor=actor, action="wellbeing.request.list", object_type="counselling_request",
        data={"shown": [r.reference for r in shown], "count": len(shown)},
    )  # fmt: skip


def request_get_for(*, actor, reference: str) -> CounsellingRequest:
    req = request_queue_for(actor=actor, open_only=False).filter(reference=reference).first()
    if req is None:
        access_record(
            actor=actor, action="wellbeing.request.view", object_type="counselling_request",
            object_id=reference[:64], outcome="not_found",
        )  # fmt: skip
        raise NotFound(f"no counselling request {reference!r}")
    access_record(
        actor=actor, action="wellbeing.request.view", object_type="counselling_request",
        object_id=req.reference,
    )  # fmt: skip
    return req


def notes_for(*, actor, req: CounsellingRequest) -> list[SessionNote] | None:
    """The session notes, for the assigned counsellor and the unit head only (None for
    anyone else); each read is an access event naming the notes read."""
    if not may_read_notes(actor, req):
        return None
    notes = list(req.notes.select_related("author").order_by("created_at"))
    access_record(
        actor=actor, action="wellbeing.note.read", object_type="counselling_request",
        object_id=req.reference, data={"notes": [n.pk for n in notes]},
    )  # fmt: skip
    return notes
