"""API endpoints of the earlywarning app (mounted under /api/v1/)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from accord.accounts.apiauth import AUTH
from accord.accounts.models import Role
from accord.accounts.permissions import roles_of
from accord.core.errors import Forbidden
from accord.core.schemas import Strict
from accord.earlywarning import alerts, detect, present, selectors

router = Router(tags=["earlywarning"])


class NoteIn(Strict):
    note: str = Field("", max_length=5000)


class TaskIn(Strict):
    kind: Literal["joint_mediation", "department_visit", "meeting", "investigation", "other"]
    owner: str = Field(min_length=1, max_length=150)
    deadline: dt.date
    description: str = Field("", max_length=5000)


class TaskDoneIn(Strict):
    outcome: str = Field("", max_length=5000)


class CloseIn(Strict):
    real: bool
    reason: str = Field(min_length=1, max_length=5000)


class RunIn(Strict):
    as_of: dt.date | None = None
    method: Literal["noufaily", "farrington", "ears-c1", "ears-c2", "ears-c3", "glrnb"] | None = (
        None
    )
    freq: Literal["W", "D"] = "W"


def _alert(request: HttpRequest, alert_id: int):
    return selectors.alert_get_for(actor=request.auth, pk=alert_id)


def _detail(request: HttpRequest, alert) -> dict[str, Any]:
    cases = list(selectors.alert_cases_for(actor=request.auth, alert=alert)[:500])
    return present.alert_detail(alert, request.auth, cases)


@router.get("/early-warning/alerts", auth=AUTH)
def list_alerts(
    request: HttpRequest,
    status: str | None = Query(None, max_length=16),
    kind: str | None = Query(None, max_length=16),
    method: str | None = Query(None, max_length=16),
    category: str | None = Query(None, max_length=40),
    area: str | None = Query(None, max_length=32),
    open: bool | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Alerts in the caller's jurisdiction (area or responsible unit), open ones first."""
    qs = selectors.alert_list_for(
        actor=request.auth,
        status=status,
        kind=kind,
        method=method,
        category=category,
        area=area,
        open_only=open,
    )
    return {
        "items": [present.alert_summary(a) for a in qs[offset : offset + limit]],
        "count": qs.count(),
    }


@router.get("/early-warning/alerts/{alert_id}", auth=AUTH)
def get_alert(request: HttpRequest, alert_id: int):
    return _detail(request, _alert(request, alert_id))


@router.get("/early-warning/alerts/{alert_id}/series", auth=AUTH)
def alert_series(request: HttpRequest, alert_id: int, periods: int = Query(52, ge=4, le=260)):
    """Observed counts with the method's expected value and upper bound, for the chart."""
    return selectors.alert_series(_alert(request, alert_id), periods=periods)


@router.post("/early-warning/alerts/{alert_id}/acknowledge", auth=AUTH)
def acknowledge(request: HttpRequest, alert_id: int, payload: NoteIn):
    alert = alerts.alert_acknowledge(
        actor=request.auth, alert=_alert(request, alert_id), note=payload.note
    )
    return _detail(request, alert)


@router.post("/early-warning/alerts/{alert_id}/tasks", response={201: dict}, auth=AUTH)
def add_task(request: HttpRequest, alert_id: int, payload: TaskIn):
    task = alerts.alert_add_task(
        actor=request.auth, alert=_alert(request, alert_id), **payload.model_dump()
    )
    return Status(201, present.task_dict(task))


@router.post("/early-warning/alerts/{alert_id}/tasks/{task_id}/done", auth=AUTH)
def complete_task(request: HttpRequest, alert_id: int, task_id: int, payload: TaskDoneIn):
    task = alerts.alert_complete_task(
        actor=request.auth,
        alert=_alert(request, alert_id),
        task_id=task_id,
        outcome=payload.outcome,
    )
    return present.task_dict(task)


@router.post("/early-warning/alerts/{alert_id}/close", auth=AUTH)
def close(request: HttpRequest, alert_id: int, payload: CloseIn):
    alert = alerts.alert_close(
        actor=request.auth,
        alert=_alert(request, alert_id),
        real=payload.real,
        reason=payload.reason,
    )
    return _detail(request, alert)


@router.get("/early-warning/indicators", auth=AUTH)
def indicators(
    request: HttpRequest,
    freq: Literal["W", "D"] = "W",
    periods: int = Query(4, ge=1, le=104),
    level: Literal["city", "county", "township", "community", "grid"] | None = None,
):
    """Aggregates for analysts and staff: cases per area × category over the last periods,
    cells below ACCORD_MIN_CELL suppressed (count null)."""
    return selectors.indicator_aggregates_for(
        actor=request.auth, freq=freq, periods=periods, level=level
    )


@router.get("/early-warning/precision", auth=AUTH)
def precision(request: HttpRequest):
    """Per method: alerts closed as real / as false alarm, open, and precision."""
    return selectors.precision_by_method(actor=request.auth)


@router.get("/early-warning/queue", auth=AUTH)
def queue(
    request: HttpRequest,
    area: str | None = Query(None, max_length=32),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """Open cases, highest escalation risk first (the score orders work; it limits nobody)."""
    qs = selectors.risk_queue_for(actor=request.auth, area=area)
    items = []
    for case in qs[offset : offset + limit]:
        risk = getattr(case, "ew_risk", None)
        items.append(
            {
                **present.case_row(case),
                "risk": present.risk_dict(risk.score, risk.factors) if risk else None,
            }
        )
    return {"items": items, "count": qs.count(), "weights": present.weights_table()}


@router.get("/early-warning/cases/{reference}/risk", auth=AUTH)
def case_risk(request: HttpRequest, reference: str):
    case = selectors.case_risk_for(actor=request.auth, reference=reference)
    risk = getattr(case, "ew_risk", None)
    if risk is None:
        return {"reference": case.reference, **present.risk_dict(0, [])}
    return {"reference": case.reference, **present.risk_dict(risk.score, risk.factors)}


@router.post("/early-warning/runs", response={201: dict}, auth=AUTH)
def start_run(request: HttpRequest, payload: RunIn):
    """Run detection now (administrators). The daily task does this on its own."""
    if Role.ADMIN not in roles_of(request.auth):
        raise Forbidden("only an administrator may start a detection run")
    run = detect.detect_run(
        actor=request.auth,
        as_of=payload.as_of,
        method=payload.method,
        freq=payload.freq,
        trigger="api",
    )
    return Status(
        201,
        {
            "id": run.pk,
            "method": run.method,
            "freq": run.freq,
            "period": run.period,
            "series": run.n_series,
            "alarms": run.n_alarms,
            "new": run.n_new,
            "extended": run.n_extended,
            "seconds": round(run.seconds, 3),
        },
    )
