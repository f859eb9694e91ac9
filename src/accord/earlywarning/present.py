"""Alerts, tasks and risk scores as plain dicts for the API and the pages, in the request's
language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accord.cases.models import Case, Status
from accord.core.i18n import is_zh
from accord.earlywarning import lifecycle
from accord.earlywarning.access import alert_capabilities
from accord.earlywarning.groups import NEAR_DUPLICATE, SAME_RESPONDENT
from accord.earlywarning.models import (
    ActionTask,
    Alert,
    AlertEvent,
    AlertKind,
    AlertStatus,
    Severity,
    TaskKind,
)
from accord.earlywarning.risk import BY_CODE, MAX_SCORE


def method_label(method: str) -> str:
    labels = {
        "noufaily": _("Noufaily (improved Farrington)"),
        "farrington": _("Farrington"),
        "ears-c1": _("EARS C1"),
        "ears-c2": _("EARS C2"),
        "ears-c3": _("EARS C3"),
        "glrnb": _("Negative-binomial GLR CUSUM"),
        SAME_RESPONDENT: _("Same respondent organisation"),
        NEAR_DUPLICATE: _("Near-duplicate descriptions"),
    }
    return str(labels.get(method, method))


def action_label(action: str) -> str:
    labels = {
        "create": _("Alert raised"),
        "extend": _("Alert continued"),
        "acknowledge": _("Acknowledge"),
        "add_task": _("Add a task to the action plan"),
        "complete_task": _("Task done"),
        "close_real": _("Close: real situation"),
        "close_false": _("Close: false alarm"),
        "escalate": _("Not acknowledged in time: moved up a tier"),
        "raise_tiers": _("Linked cases moved up a tier"),
    }
    return str(labels.get(action, action))


def _name(obj: Any) -> str:
    return obj.name_zh if is_zh() else obj.name_en


def alert_summary(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "kind_label": str(AlertKind(alert.kind).label),
        "area": alert.area.code,
        "area_name": _name(alert.area),
        "area_level": alert.area.level,
        "category": alert.category.code if alert.category else None,
        "category_name": _name(alert.category) if alert.category else "",
        "respondent": alert.respondent_display or alert.respondent,
        "method": alert.method,
        "method_label": method_label(alert.method),
        "freq": alert.freq,
        "period_start": alert.period_start,
        "period_end": alert.period_end,
        "observed": alert.observed,
        "expected": None if alert.expected is None else round(alert.expected, 2),
        "upperbound": None if alert.upperbound is None else round(alert.upperbound, 2),
        "score": None if alert.score is None else round(alert.score, 3),
        "severity": alert.severity,
        "severity_label": str(Severity(alert.severity).label),
        "status": alert.status,
        "status_label": str(AlertStatus(alert.status).label),
        "responsible_area": alert.responsible_area.code,
        "responsible_name": _name(alert.responsible_area),
        "ack_deadline": alert.ack_deadline,
        "escalations": alert.escalations,
        "created_at": alert.created_at,
    }


def task_dict(task: ActionTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "kind_label": str(TaskKind(task.kind).label),
        "description": task.description,
        "owner": task.owner.username,
        "owner_name": str(task.owner),
        "deadline": task.deadline,
        "done": task.done_at is not None,
        "done_at": task.done_at,
        "outcome": task.outcome,
    }


def event_dict(e: AlertEvent) -> dict[str, Any]:
    return {
        "at": e.created_at,
        "action": e.action,
        "action_label": action_label(e.action),
        "actor": e.actor.username if e.actor else None,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "data": e.data,
    }


def case_row(case: Case) -> dict[str, Any]:
    risk = getattr(case, "ew_risk", None)
    return {
        "reference": case.reference,
        "category": case.category.code,
        "category_name": _name(case.category),
        "area": case.area.code,
        "area_name": _name(case.area),
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "tier": case.tier,
        "people_count": case.people_count,
        "created_at": case.created_at,
        "risk_score": risk.score if risk else None,
    }


def alert_detail(alert: Alert, actor, cases: list[Case]) -> dict[str, Any]:
    out = alert_summary(alert)
    out["close_reason"] = alert.close_reason
    out["acknowledged_at"] = alert.acknowledged_at
    out["acknowledged_by"] = alert.acknowledged_by.username if alert.acknowledged_by else None
    out["closed_at"] = alert.closed_at
    out["tasks"] = [task_dict(t) for t in alert.tasks.select_related("owner")]
    out["events"] = [event_dict(e) for e in alert.events.select_related("actor")]
    out["cases"] = [case_row(c) for c in cases]
    out["points"] = [
        {
            "period": p.period,
            "observed": p.observed,
            "expected": p.expected,
            "upperbound": p.upperbound,
        }
        for p in alert.points.all()
    ]
    out["allowed_actions"] = lifecycle.allowed(alert.status, alert_capabilities(actor, alert))
    return out


def risk_dict(score: int, factors: list[dict]) -> dict[str, Any]:
    return {
        "score": score,
        "max": MAX_SCORE,
        "factors": [
            {
                **f,
                "label": str(BY_CODE[f["code"]].label) if f["code"] in BY_CODE else f["code"],
                "unit": str(BY_CODE[f["code"]].unit) if f["code"] in BY_CODE else "",
            }
            for f in factors
        ],
        "note": _(
            "The score only decides which cases get attention first. It never limits what a "
            "party may do: every party can still ask for escalation or go to arbitration or court."
        ),
    }


def weights_table() -> list[dict[str, Any]]:
    from accord.earlywarning.risk import FACTORS

    return [
        {
            "code": f.code,
            "label": str(f.label),
            "weight": f.weight,
            "cap": f.cap,
            "unit": str(f.unit),
        }
        for f in FACTORS
    ]
