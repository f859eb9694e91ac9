"""API of the wellbeing app (registered in accord.config.api.ROUTER_MODULES). Thin."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accord.accounts.apiauth import AUTH, optional_user
from accord.core.errors import Forbidden
from accord.wellbeing import counselling, crisis, present, screening, selectors
from accord.wellbeing.access import is_counsellor
from accord.wellbeing.schemas import (
    AlertOut,
    AlertTransitionIn,
    DangerIn,
    DangerOut,
    RequestCreatedOut,
    RequestIn,
    RequestOut,
    RequestTransitionIn,
    ScreeningIn,
    ScreeningOut,
    UnitOut,
    WithdrawIn,
)

router = Router(tags=["wellbeing"])


def _counsellor(request: HttpRequest):
    if not is_counsellor(request.user):
        raise Forbidden("only counsellors", code="forbidden")
    return request.user


@router.get("/wellbeing/units", response=list[UnitOut], auth=None)
def wellbeing_units(request: HttpRequest, area: str = "", open_now: bool = False):
    """Public: the counselling units serving an area (hours, languages, services)."""
    units = selectors.units_for_area(screening.area_by_code(area) if area else None)
    if open_now:
        units = selectors.open_now(units)
    return [present.unit(u) for u in units]


@router.post("/wellbeing/screenings", response=ScreeningOut, auth=None)
def wellbeing_screening_submit(request: HttpRequest, payload: ScreeningIn):
    """Score a PHQ-9 or GAD-7. Stored only with `consent`; a crisis raises an alert."""
    s = screening.screening_submit(
        actor=optional_user(request), instrument=payload.instrument, answers=payload.answers,
        difficulty=payload.difficulty, area=screening.area_by_code(payload.area),
        consent=payload.consent, consent_by=payload.consent_by, contact=payload.contact,
        submission_key=payload.submission_key,
    )  # fmt: skip
    r = s.result
    return {
        "instrument": r.instrument, "total": r.total, "band": r.band,
        "band_label": present.band_label(r.band), "crisis": r.crisis, "level": r.level,
        "not_a_diagnosis": present.not_a_diagnosis(), **present.numbers(),
        "alert": s.alert.reference if s.alert else None, "stored": s.stored is not None,
        "withdraw_code": s.withdraw_code,
    }  # fmt: skip


@router.post("/wellbeing/screenings/withdraw", auth=None)
def wellbeing_screening_withdraw(request: HttpRequest, payload: WithdrawIn):
    """Withdraw consent with the code shown at storage: the screening is deleted."""
    return {"deleted": screening.screening_withdraw(actor=None, code=payload.code)}


@router.post("/wellbeing/danger", response={201: DangerOut}, auth=None)
def wellbeing_danger(request: HttpRequest, payload: DangerIn):
    """'I am in danger': an urgent alert to the on-call counsellor; call the numbers now."""
    a = screening.danger_raise(
        actor=optional_user(request), area=screening.area_by_code(payload.area),
        contact=payload.contact, submission_key=payload.submission_key,
    )  # fmt: skip
    return Status(201, {"alert": a.reference, **present.numbers()})


@router.post("/wellbeing/requests", response={201: RequestCreatedOut}, auth=None)
def wellbeing_request_create(request: HttpRequest, payload: RequestIn):
    """Ask to talk to a counsellor: the request joins the nearest unit's queue."""
    req = counselling.request_create(
        actor=optional_user(request), area=screening.area_by_code(payload.area),
        mode=payload.mode, contact=payload.contact, name=payload.name,
        message=payload.message, language=payload.language,
    )  # fmt: skip
    return Status(201, {"reference": req.reference, "unit": req.unit.code,
                        "unit_phone": req.unit.phone})  # fmt: skip


@router.get("/wellbeing/requests", response=list[RequestOut], auth=AUTH)
def wellbeing_queue(request: HttpRequest, all: bool = False):
    """The queue of the caller's units (counsellors and unit heads)."""
    actor = _counsellor(request)
    rows = list(selectors.request_queue_for(actor=actor, open_only=not all)[:200])
    selectors.record_queue_view(actor=actor, shown=rows)
    return [present.request(r) for r in rows]


@router.post("/wellbeing/requests/{reference}/transitions", response=RequestOut, auth=AUTH)
def wellbeing_request_transition(
    request: HttpRequest, reference: str, payload: RequestTransitionIn
):
    req = counselling.request_transition(
        actor=request.user, reference=reference, action=payload.action,
        counsellor=payload.counsellor, appointment_at=payload.appointment_at,
    )  # fmt: skip
    return present.request(req)


@router.get("/wellbeing/alerts", response=list[AlertOut], auth=AUTH)
def wellbeing_alerts(request: HttpRequest, all: bool = False):
    """Crisis alerts of the caller's jurisdiction, and those they were called for."""
    actor = _counsellor(request)
    rows = list(selectors.alert_list_for(actor=actor, open_only=not all)[:200])
    selectors.record_alert_list_view(actor=actor, shown=rows)
    return [present.alert(a, actor) for a in rows]


@router.post("/wellbeing/alerts/{reference}/transitions", response=AlertOut, auth=AUTH)
def wellbeing_alert_transition(request: HttpRequest, reference: str, payload: AlertTransitionIn):
    """Acknowledge, resolve, or hand an alert to emergency services (outside the caller's
    reach, whatever their role: 404)."""
    actor = request.user
    a = crisis.alert_transition(
        actor=actor, reference=reference, action=payload.action, note=payload.note
    )
    return present.alert(a, actor)


@router.get("/wellbeing/aggregates", auth=AUTH)
def wellbeing_aggregates(request: HttpRequest, weeks: int = 12):
    """Weekly counts by township (cells under 10 suppressed): analysts and counsellors."""
    from accord.accounts.models import Role
    from accord.accounts.permissions import roles_of
    from accord.wellbeing import aggregates

    if not roles_of(request.user) & {Role.ANALYST, Role.COUNSELOR}:
        raise Forbidden("analysts and counsellors only", code="forbidden")
    weeks = max(1, min(weeks, 104))
    return {"min_cell": aggregates.settings.ACCORD_WELLBEING_MIN_CELL,
            "rows": aggregates.weekly(actor=request.user, weeks=weeks)}  # fmt: skip


@router.post("/wellbeing/screenings/export", auth=None)
def wellbeing_screening_export(request: HttpRequest, payload: WithdrawIn):
    """One's own stored screening as a FHIR R4 QuestionnaireResponse (by the code shown at
    storage); each export is an access event."""
    return screening.screening_export(code=payload.code)
