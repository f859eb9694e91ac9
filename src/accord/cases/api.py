"""Case endpoints: parse, call one service or selector, return."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Status

from accord.accounts.apiauth import AUTH, optional_user
from accord.cases import filing, idempotency, present, selectors, track_limits, transitions
from accord.cases.models import Category
from accord.cases.schemas import (
    CaseCreatedOut,
    CaseDetailOut,
    CaseIn,
    CasePageOut,
    CategoryOut,
    EventOut,
    TrackIn,
    TrackOut,
    TransitionIn,
)
from accord.core.audit import access_record
from accord.core.errors import Forbidden, NotFound
from accord.core.i18n import is_zh
from accord.core.ipaddr import client_ip

router = Router(tags=["cases"])


@router.post("/cases", response={201: CaseCreatedOut}, auth=None)
def create_case(request: HttpRequest, payload: CaseIn):
    """File a case. Anonymous filing is allowed where the category permits; the response
    carries the reference, routing explanation and a tracking secret (shown once)."""
    actor = optional_user(request)
    data = filing.CaseInput(
        category=payload.category,
        area=payload.area,
        description=payload.description,
        parties=tuple(filing.PartyInput(**p.model_dump()) for p in payload.parties),
        people_count=payload.people_count,
        amount=payload.amount,
        channel=payload.channel or ("api" if actor is None else None),
        risk_of_violence=payload.risk_of_violence,
        vulnerable_party=payload.vulnerable_party,
    )
    key = request.headers.get("Idempotency-Key")
    if key is None:
        case, secret = filing.case_create(actor=actor, data=data)
        return Status(201, {**present.case_detail(case, actor), "tracking_secret": secret})
    # The same key from the same caller files once; a replay answers with the first filing's
    # body, without the tracking secret (only its hash is kept) and with "replayed": true.
    caller = f"u{actor.pk}" if actor is not None else f"ip{client_ip(request)}"
    case, secret, replayed = idempotency.filing_once(
        scope=f"api:{caller}",
        key=key,
        request_hash=idempotency.fingerprint(payload.model_dump(mode="json")),
        file=lambda: filing.case_create(actor=actor, data=data),
    )
    body = present.case_detail(case, actor)
    if replayed:
        return Status(201, {**body, "replayed": True})
    return Status(201, {**body, "tracking_secret": secret, "replayed": False})


@router.get("/cases", response=CasePageOut, auth=AUTH)
def list_cases(
    request: HttpRequest,
    status: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    area: str | None = None,
    overdue: bool | None = None,
    q: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Cases in the caller's jurisdiction (residents: the cases they filed)."""
    qs = selectors.case_list_for(
        actor=request.auth,
        status=status,
        tier=tier,
        category=category,
        area=area,
        overdue=overdue,
        search=q,
    )
    # Sort only the ids, then load the page's rows: the sort then moves small tuples, not
    # every matching row with its (encrypted) description.
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    rows = {c.pk: c for c in qs.order_by().filter(pk__in=ids)}
    page = [rows[pk] for pk in ids]
    total = qs.count()
    selectors.record_list_view(
        actor=request.auth,
        shown=page,
        total=total,
        filters={"status": status, "tier": tier, "category": category, "area": area,
                 "overdue": overdue, "limit": limit, "offset": offset},
        searched=bool(q),
    )  # fmt: skip
    return {"items": [present.case_summary(c) for c in page], "count": total}


@router.get("/cases/{reference}", response=CaseDetailOut, auth=AUTH)
def get_case(request: HttpRequest, reference: str):
    case = selectors.case_get_for(actor=request.auth, reference=reference)
    return present.case_detail(case, request.auth)


@router.post("/cases/{reference}/transitions", response=CaseDetailOut, auth=AUTH)
def transition_case(request: HttpRequest, reference: str, payload: TransitionIn):
    """Take one workflow action. 409: not possible in this state; 403: not for your role;
    422: a required note, satisfaction or answer is missing."""
    case = selectors.case_get_for(actor=request.auth, reference=reference)
    try:
        case = transitions.case_transition(actor=request.auth, case=case, **payload.model_dump())
    except (Forbidden, NotFound) as exc:
        # A refused action is an access refusal: record it (the refused write rolled back).
        access_record(
            actor=request.auth,
            action=f"case.{payload.action}"[:64],
            object_type="case",
            object_id=case.reference,
            outcome="refused",
            data={"code": exc.code},
        )
        raise
    return present.case_detail(case, request.auth)


@router.get("/cases/{reference}/events", response=list[EventOut], auth=AUTH)
def case_events(request: HttpRequest, reference: str):
    events = selectors.case_events_for(actor=request.auth, reference=reference)
    return [present.event_dict(e) for e in events]


@router.post("/track", response=TrackOut, auth=None)
def track_case(request: HttpRequest, payload: TrackIn):
    """Public status lookup with the reference and the tracking secret: status and timeline
    only, no names and no notes."""
    address = client_ip(request)
    limited = track_limits.blocked(payload.reference, address)
    if limited is not None:
        message, wait = limited
        response = JsonResponse({"detail": message, "code": "too_many_attempts"}, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        case = selectors.case_track(reference=payload.reference, secret=payload.secret)
    except NotFound:
        track_limits.record_failure(payload.reference, address)
        raise
    return present.track_dict(case)


@router.get("/categories", response=list[CategoryOut], auth=None, tags=["reference data"])
def list_categories(request):
    """Dispute categories with their default tier and competent department (public)."""
    zh = is_zh()
    return [
        CategoryOut(
            code=c.code,
            name=c.name_zh if zh else c.name_en,
            name_en=c.name_en,
            name_zh=c.name_zh,
            default_tier=c.default_tier,
            department=c.department_zh if zh else c.department_en,
            help=c.help_zh if zh else c.help_en,
            channels=c.channels,
            allow_anonymous=c.allow_anonymous,
        )
        for c in Category.objects.filter(active=True)
    ]
