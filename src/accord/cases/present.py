"""Turn cases into plain dicts for the API and the pages, in the request's language."""

from __future__ import annotations

from typing import Any

from accord.cases import workflow
from accord.cases.access import case_capabilities
from accord.cases.models import Case, CaseEvent, Status
from accord.cases.selectors import colour_of
from accord.core.i18n import is_zh


def handling_unit(case: Case) -> str:
    cat = case.category
    if is_zh():
        return f"{case.handling_area.name_zh} · {cat.department_zh}"
    return f"{case.handling_area.name_en} · {cat.department_en}"


def case_summary(case: Case) -> dict[str, Any]:
    zh = is_zh()
    return {
        "reference": case.reference,
        "category": case.category.code,
        "category_name": case.category.name_zh if zh else case.category.name_en,
        "area": case.area.code,
        "area_name": case.area.name_zh if zh else case.area.name_en,
        "handling_area": case.handling_area.code,
        "handling_unit": handling_unit(case),
        "tier": case.tier,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "channel": case.channel,
        "description": case.description,
        "people_count": case.people_count,
        "amount": case.amount,
        "risk_of_violence": case.risk_of_violence,
        "vulnerable_party": case.vulnerable_party,
        "police_liaison": case.police_liaison,
        "assignee": case.assignee.username if case.assignee else None,
        "deadline": case.deadline,
        "colour": colour_of(case),
        "routing_explanation": [r["zh"] if zh else r["en"] for r in case.routing],
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "satisfaction": case.satisfaction,
        "agreement_performed": case.agreement_performed,
    }


def case_detail(case: Case, actor) -> dict[str, Any]:
    out = case_summary(case)
    out["parties"] = [
        {
            "role": p.role,
            "kind": p.kind,
            "name": p.name,
            "contact": p.contact,
            "id_number": p.id_number,
        }
        for p in case.parties.all()
    ]
    out["allowed_actions"] = workflow.allowed_actions(case.status, case_capabilities(actor, case))
    return out


def event_dict(event: CaseEvent) -> dict[str, Any]:
    return {
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
        "actor": event.actor.username if event.actor else None,
        "actor_role": event.actor_role,
        "created_at": event.created_at,
        "data": event.data,
    }


def track_dict(case: Case) -> dict[str, Any]:
    zh = is_zh()
    events = case.events.order_by("created_at", "id")
    return {
        "reference": case.reference,
        "status": case.status,
        "status_label": str(Status(case.status).label),
        "category_name": case.category.name_zh if zh else case.category.name_en,
        "tier": case.tier,
        "handling_unit": handling_unit(case),
        "deadline": case.deadline,
        "timeline": [
            {
                "action": e.action,
                "to_status": e.to_status,
                "status_label": str(Status(e.to_status).label),
                "created_at": e.created_at,
            }
            for e in events
        ],
    }
