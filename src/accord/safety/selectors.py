"""Reads of the safety part, scoped to the actor's jurisdiction; another unit's object is
NotFound. Reads of personal data (descriptions, duty holders) record an access event."""

from __future__ import annotations

import datetime as dt
import hmac

from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import area_scope_q
from accord.cases.clock import COLOUR_ORDER, GREEN, GREY, RED, YELLOW, supervision_colour
from accord.core.audit import access_record
from accord.core.errors import NotFound
from accord.safety import access, workflow
from accord.safety.hazards import hash_secret
from accord.safety.models import Hazard, Listing, Place


def hazard_scope_q(actor: User) -> Q:
    """Safety staff see their jurisdiction (where it is, or the unit handling it); a signed-in
    reporter sees what they reported."""
    q = area_scope_q(actor, access.SAFETY_ROLES, "area__path") | area_scope_q(
        actor, access.SAFETY_ROLES, "handling_area__path"
    )
    if actor.is_authenticated:
        q |= Q(filed_by=actor)
    return q


def with_urgency(qs: QuerySet[Hazard], today: dt.date | None = None) -> QuerySet[Hazard]:
    today = today or timezone.localdate()

    def rank(colour: str) -> Value:
        return Value(COLOUR_ORDER[colour])

    return qs.annotate(
        urgency=SqlCase(
            When(status__in=workflow.FINISHED, then=rank(GREEN)),
            When(deadline__isnull=True, then=rank(GREEN)),
            When(deadline__lt=today, then=rank(RED)),
            When(deadline_warning__lte=today, then=rank(YELLOW)),
            default=rank(GREEN),
            output_field=IntegerField(),
        )
    )


def hazard_list_for(
    *, actor: User, status: str = "", grade: str = "", sector: str = "", open_only: bool = False
) -> QuerySet[Hazard]:
    qs = Hazard.objects.filter(hazard_scope_q(actor)).select_related(
        "area", "area__parent", "handling_area", "sector", "place"
    )
    if status:
        qs = qs.filter(status=status)
    if grade:
        qs = qs.filter(grade=grade)
    if sector:
        qs = qs.filter(sector__code=sector)
    if open_only:
        qs = qs.exclude(status__in=workflow.FINISHED)
    return with_urgency(qs).order_by("urgency", "deadline", "-created_at")


def hazard_get_for(*, actor: User, reference: str, purpose: str = "hazard.view") -> Hazard:
    hazard = hazard_list_for(actor=actor).filter(reference=reference).first()
    if hazard is None:
        access_record(actor=actor, action=purpose, object_type="hazard",
                      object_id=reference[:64], outcome="not_found")  # fmt: skip
        raise NotFound(f"no hazard {reference!r}")
    access_record(actor=actor, action=purpose, object_type="hazard", object_id=hazard.reference)
    return hazard


def hazard_track(*, reference: str, secret: str) -> Hazard:
    """Public lookup by reference + tracking secret (same error for both mismatches)."""
    hazard = (
        Hazard.objects.select_related("sector", "handling_area").filter(reference=reference).first()
    )
    if hazard is None or not hmac.compare_digest(hazard.tracking_secret_hash, hash_secret(secret)):
        access_record(actor=None, action="hazard.track", object_type="hazard",
                      object_id=reference[:64], outcome="not_found")  # fmt: skip
        raise NotFound("no hazard with that reference and tracking secret")
    return hazard


def colour_of(hazard: Hazard, today: dt.date | None = None) -> str:
    """green on time or done, yellow ≤ 20% left, red overdue (cases.clock's rule); grey
    for a report not yet graded (no clock runs)."""
    if hazard.status in workflow.FINISHED:
        return GREEN
    if hazard.deadline is None:
        return GREY
    return supervision_colour(
        status=hazard.status,
        entered=timezone.localdate(hazard.status_changed_at),
        deadline=hazard.deadline,
        today=today or timezone.localdate(),
    )


def listing_list_for(*, actor: User) -> QuerySet[Listing]:
    """Major hazards under listed supervision (still listed first, then delisted)."""
    return (
        Listing.objects.filter(hazard__in=Hazard.objects.filter(hazard_scope_q(actor)))
        .select_related(
            "hazard",
            "hazard__area",
            "hazard__area__parent",
            "hazard__sector",
            "hazard__handling_area",
        )  # fmt: skip
        .order_by("delisted_on", "deadline", "id")
    )


def place_scope_q(actor: User) -> Q:
    return area_scope_q(actor, access.SAFETY_ROLES, "area__path")


def place_list_for(*, actor: User, sector: str = "", kind: str = "") -> QuerySet[Place]:
    qs = Place.objects.filter(place_scope_q(actor)).select_related("area", "sector")
    if sector:
        qs = qs.filter(sector__code=sector)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "pk")


def place_get_for(*, actor: User, place_id: int) -> Place:
    """A place with its duty holders (names, phones): safety staff of its area only."""
    place = place_list_for(actor=actor).filter(pk=place_id).first()
    if place is None:
        access_record(actor=actor, action="place.view", object_type="place",
                      object_id=str(place_id)[:64], outcome="not_found")  # fmt: skip
        raise NotFound(f"no place {place_id}")
    access_record(actor=actor, action="place.view", object_type="place", object_id=str(place.pk))
    return place


# Roles that may read hazard counts (aggregates only: no hazard, no text, no name).
COUNT_ROLES = frozenset({*access.SAFETY_ROLES, "analyst", "county_supervisor"})


def hazard_counts(*, actor: User, since: dt.date | None = None) -> list[dict]:
    """Open and all hazards by township × sector in the actor's jurisdiction since `since`
    (default: a year back). Cells with fewer than ACCORD_MIN_CELL hazards are suppressed
    (count None), so that a count never points at one place or one reporter."""
    from django.conf import settings
    from django.db.models import Count

    from accord.core.models import Area

    since = since or timezone.localdate() - dt.timedelta(days=365)
    qs = Hazard.objects.filter(area_scope_q(actor, COUNT_ROLES, "area__path"),
                               created_at__date__gte=since)  # fmt: skip
    rows = qs.values("handling_area", "sector__code").annotate(
        n=Count("id"),
        open=Count("id", filter=~Q(status__in=workflow.FINISHED)),
    )
    names = {a.pk: a for a in Area.objects.filter(pk__in={r["handling_area"] for r in rows})}
    floor = int(settings.ACCORD_MIN_CELL)
    out = []
    for r in rows:
        area = names[r["handling_area"]]
        small = r["n"] < floor
        out.append({
            "area": area.code, "area_name": area.name(), "sector": r["sector__code"],
            "count": None if small else r["n"],
            "open": None if small or r["open"] < floor else r["open"],
            "suppressed": small,
        })  # fmt: skip
    return sorted(out, key=lambda r: (r["area"], r["sector"]))


def inspection_list_for(*, actor: User, place: int | None = None) -> QuerySet:
    """Inspections of places in the actor's jurisdiction (safety staff only), newest first."""
    from accord.safety.models import Inspection

    qs = Inspection.objects.filter(
        area_scope_q(actor, access.SAFETY_ROLES, "place__area__path")
    ).select_related("place", "place__area", "checklist", "inspector")
    if place is not None:
        qs = qs.filter(place_id=place)
    return qs.order_by("-inspected_on", "-id")


def inspection_get_for(*, actor: User, inspection_id: int):
    """One inspection of a place in the actor's jurisdiction; anything else is NotFound."""
    inspection = inspection_list_for(actor=actor).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound("no such inspection")
    return inspection
