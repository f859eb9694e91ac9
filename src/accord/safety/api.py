"""API of the safety part (registered in accord.config.api.ROUTER_MODULES): thin; parse,
call one service or selector, return."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Status

from accord.accounts.apiauth import AUTH, optional_user
from accord.accounts.permissions import roles_of
from accord.core.errors import Forbidden
from accord.safety import access, hazards, inspections, places, present, selectors
from accord.safety.models import Sector
from accord.safety.schemas import (
    HazardActionIn,
    HazardCreatedOut,
    HazardDetailOut,
    HazardFiveIn,
    HazardIn,
    HazardOut,
    HazardTrackIn,
    HazardTrackOut,
    InspectionIn,
    InspectionOut,
    SafetyPlaceDetailOut,
    SafetyPlaceIn,
    SafetyPlaceOut,
    SafetySectorOut,
)

router = Router(tags=["safety"])


@router.get("/safety/sectors", response=list[SafetySectorOut], auth=None)
def list_sectors(request: HttpRequest):
    """Hazard sectors and their competent departments (public reference data)."""
    return list(Sector.objects.filter(active=True).order_by("code"))


@router.post("/safety/hazards", response={201: HazardCreatedOut}, auth=None)
def report_hazard(request: HttpRequest, payload: HazardIn):
    """Report a hazard (anyone, anonymously too). The tracking secret is shown once."""
    actor = optional_user(request)
    hazard, secret = hazards.hazard_report(actor=actor, data=hazards.HazardInput(**payload.dict()))
    return Status(201, {"reference": hazard.reference, "tracking_secret": secret,
                        "status": hazard.status, "handling_unit": hazard.handling_area.name(),
                        "department": hazard.sector.department()})  # fmt: skip


@router.post("/safety/track", response=HazardTrackOut, auth=None)
def track_hazard(request: HttpRequest, payload: HazardTrackIn):
    """Status and steps of a hazard by reference + tracking secret (no names, no notes)."""
    hazard = selectors.hazard_track(reference=payload.reference.strip().upper(),
                                    secret=payload.secret.strip())  # fmt: skip
    return present.track_dict(hazard)


@router.get("/safety/hazards", response=list[HazardOut], auth=AUTH)
def list_hazards(
    request: HttpRequest,
    status: str = Query("", max_length=24),
    grade: str = Query("", max_length=10),
    sector: str = Query("", max_length=40),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Hazards of the caller's jurisdiction (a reporter: what they reported), most urgent first."""
    qs = selectors.hazard_list_for(actor=request.auth, status=status, grade=grade, sector=sector)
    return [present.hazard_summary(h) for h in qs[offset : offset + limit]]


@router.get("/safety/hazards/{reference}", response=HazardDetailOut, auth=AUTH)
def get_hazard(request: HttpRequest, reference: str):
    hazard = selectors.hazard_get_for(actor=request.auth, reference=reference)
    return present.hazard_detail(hazard, request.auth)


@router.post("/safety/hazards/{reference}/actions", response=HazardDetailOut, auth=AUTH)
def act_on_hazard(request: HttpRequest, reference: str, payload: HazardActionIn):
    """One step of the table (409 wrong state, 403 role, 422 guard). Photos: the web page."""
    hazard = selectors.hazard_get_for(actor=request.auth, reference=reference)
    hazard = hazards.hazard_transition(actor=request.auth, hazard=hazard, **payload.dict())
    return present.hazard_detail(hazard, request.auth)


@router.post("/safety/hazards/{reference}/five", response=HazardDetailOut, auth=AUTH)
def record_five(request: HttpRequest, reference: str, payload: HazardFiveIn):
    """A major hazard's five implementations and rectification plan."""
    hazard = selectors.hazard_get_for(actor=request.auth, reference=reference)
    if not access.hazard_capabilities(request.auth, hazard) & {"inspector"}:
        raise Forbidden("only safety staff record the five implementations")
    hazard = hazards.hazard_five_record(actor=request.auth, hazard=hazard, **payload.dict())
    return present.hazard_detail(hazard, request.auth)


@router.get("/safety/places", response=list[SafetyPlaceOut], auth=AUTH)
def list_places(
    request: HttpRequest,
    sector: str = Query("", max_length=40),
    kind: str = Query("", max_length=24),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Registered places of the caller's jurisdiction (safety staff)."""
    if not access.is_safety_staff(request.auth):
        raise Forbidden("the registry is for safety staff")
    qs = selectors.place_list_for(actor=request.auth, sector=sector, kind=kind)
    return [present.place_dict(p, with_people=False) for p in qs[offset : offset + limit]]


@router.get("/safety/places/{place_id}", response=SafetyPlaceDetailOut, auth=AUTH)
def get_place(request: HttpRequest, place_id: int):
    """A place with its duty holders (staff of its area only; the read is recorded)."""
    place = selectors.place_get_for(actor=request.auth, place_id=place_id)
    return present.place_dict(place, with_people=True)


@router.post("/safety/places", response={201: SafetyPlaceDetailOut}, auth=AUTH)
def create_place(request: HttpRequest, payload: SafetyPlaceIn):
    place = places.place_create(actor=request.auth, data=places.PlaceInput(**payload.dict()))
    return Status(201, present.place_dict(place, with_people=True))


@router.get("/safety/counts", response=list[dict], auth=AUTH)
def hazard_counts(request: HttpRequest, since: dt.date | None = None):
    """Hazards by handling unit × sector (all and open) in the caller's jurisdiction, for
    safety staff, supervisors and analysts; cells below ACCORD_MIN_CELL suppressed (null)."""
    if not roles_of(request.auth) & selectors.COUNT_ROLES:
        raise Forbidden("hazard counts are for safety staff, supervisors and analysts")
    return selectors.hazard_counts(actor=request.auth, since=since)


@router.get("/safety/inspections", response=list[InspectionOut], auth=AUTH)
def list_inspections(
    request: HttpRequest,
    place: int | None = Query(None, ge=1),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Inspections of places in the caller's jurisdiction (safety staff), newest first."""
    if not access.is_safety_staff(request.auth):
        raise Forbidden("inspections are for safety staff")
    qs = selectors.inspection_list_for(actor=request.auth, place=place)
    return [present.inspection_dict(i) for i in qs[offset : offset + limit]]


@router.get("/safety/inspections/{inspection_id}", response=InspectionOut, auth=AUTH)
def get_inspection(request: HttpRequest, inspection_id: int):
    """One inspection of a place in the caller's jurisdiction (safety staff); else 404."""
    if not access.is_safety_staff(request.auth):
        raise Forbidden("inspections are for safety staff")
    return present.inspection_dict(
        selectors.inspection_get_for(actor=request.auth, inspection_id=inspection_id)
    )


@router.post("/safety/inspections", response={201: InspectionOut}, auth=AUTH)
def record_inspection(request: HttpRequest, payload: InspectionIn):
    """Record an inspection; every finding becomes a hazard (source "inspection")."""
    d = payload.dict()
    inspection = inspections.inspection_record(
        actor=request.auth,
        data=inspections.InspectionInput(place=d["place"], checklist=d["checklist"],
                                         inspected_on=d["inspected_on"], results=d["results"]),
    )  # fmt: skip
    return Status(201, present.inspection_dict(inspection))
