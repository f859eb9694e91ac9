"""Dicts of hazards and places for the API and the pages (labels in the reader's language)."""

from __future__ import annotations

from django.utils.translation import get_language

from accord.safety import access, hazards, selectors, workflow
from accord.safety.models import Grade, Hazard, Listing, Place, PlaceKind, Source, Status


def _zh() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def hazard_summary(h: Hazard) -> dict:
    colour = selectors.colour_of(h)
    return {
        "reference": h.reference,
        "status": h.status,
        "status_label": str(Status(h.status).label),
        "grade": h.grade,
        "grade_label": str(Grade(h.grade).label) if h.grade else "",
        "sector": h.sector.code,
        "sector_name": h.sector.name(),
        "department": h.sector.department(),
        "area": h.area.code,
        "area_name": area_label(h.area),
        "handling_unit": h.handling_area.name(),
        "place": h.place.name if h.place_id else "",
        "source": h.source,
        "source_label": str(Source(h.source).label),
        "deadline": h.deadline,
        "colour": colour,
        "work_suspended": h.work_suspended,
        "escalation_level": h.escalation_level,
        "created_at": h.created_at,
    }


def area_label(area) -> str:
    """A grid is named with its community ("Liu'an Community › Grid 1")."""
    if area.level == "grid" and area.parent_id:
        return f"{area.parent.name()} › {area.name()}"
    return area.name()


def hazard_detail(h: Hazard, actor) -> dict:
    """Everything a person allowed to see the hazard may see (the selector checked that)."""
    caps = access.hazard_capabilities(actor, h)
    facts = hazards.facts_for(h, actor)
    allowed = workflow.HAZARD.allowed(h.status, caps, facts.assuming_inputs())
    listing = Listing.objects.filter(hazard=h).first()
    zh = _zh()
    out = {
        **hazard_summary(h),
        "description": h.description,
        "address": h.address,
        "lat": h.lat,
        "long": h.long,
        "criterion": h.grade_criterion,
        "criterion_label": workflow.criterion_label(h.grade_criterion, zh),
        "routing": [r.get("zh" if zh else "en", "") for r in h.routing],
        "allowed_actions": allowed,
        "is_inspector": workflow.INSPECTOR in caps,
        "rectifier": h.rectifier.username if h.rectifier_id else "",
        "listing": listing_dict(listing) if listing else None,
        "five": {
            "responsibility": h.five_responsibility,
            "measures": h.five_measures,
            "funds": h.five_funds,
            "deadline": h.five_deadline,
            "contingency": h.five_contingency,
            "plan": h.plan,
            "complete": hazards.five_complete(h) and bool(h.plan.strip()),
        },
        "photos": [
            {"id": p.pk, "stage": p.stage, "width": p.width, "height": p.height}
            for p in h.photos.all()
        ],
    }
    if workflow.INSPECTOR not in caps:  # the reporter sees the report, not the working notes
        out["five"] = None
        out["rectifier"] = ""
    return out


def listing_dict(listing: Listing) -> dict:
    return {
        "listed_on": listing.listed_on,
        "publish_by": listing.publish_by,
        "published_on": listing.published_on,
        "deadline": listing.deadline,
        "extensions": listing.extensions,
        "delisted_on": listing.delisted_on,
        "explanation": listing.explanation,
    }


def event_dicts(h: Hazard, *, staff: bool) -> list[dict]:
    zh = _zh()
    out = []
    for e in h.events.select_related("actor").order_by("created_at", "id"):
        out.append({
            "created_at": e.created_at,
            "action": e.action,
            "action_label": action_label(e.action, zh),
            "status_label": str(Status(e.to_status).label),
            "actor": (str(e.actor) if e.actor else "") if staff else "",
            "note": e.note if staff else "",
        })  # fmt: skip
    return out


EXTRA_ACTIONS = {"report": ("Reported", "举报"), "five": ("Five implementations recorded",
                 "填报五落实")}  # fmt: skip


def action_label(action: str, zh: bool) -> str:
    if action in EXTRA_ACTIONS:
        return EXTRA_ACTIONS[action][1 if zh else 0]
    return workflow.label(action, zh)


def place_dict(p: Place, *, with_people: bool) -> dict:
    out = {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": str(PlaceKind(p.kind).label),
        "name": p.name,
        "area": p.area.code,
        "area_name": p.area.name(),
        "sector": p.sector.code,
        "sector_name": p.sector.name(),
        "department": p.sector.department(),
        "address": p.address,
        "licences": p.licences,
    }
    if with_people:
        out.update(
            responsible_name=p.responsible_name,
            responsible_phone=p.responsible_phone,
            safety_manager_name=p.safety_manager_name,
            safety_manager_phone=p.safety_manager_phone,
            hazard_sources=[
                {"name": s.name, "grade": s.grade, "filed_on": s.filed_on,
                 "filing_number": s.filing_number}
                for s in p.hazard_sources.all()
            ],
        )  # fmt: skip
    return out


def track_dict(h: Hazard) -> dict:
    """What the public tracking page shows: status, deadline, who handles it, the steps (no
    names, no notes)."""
    return {**hazard_summary(h), "place": "", "events": event_dicts(h, staff=False)}


def inspection_dict(i) -> dict:
    """An inspection for a page or the API: items in the reader's language, each finding with
    its hazard reference (the note lives in the hazard)."""
    texts = {item["code"]: i.checklist.item_text(item) for item in i.checklist.items}
    inspector = i.inspector
    return {
        "id": i.pk, "place": i.place_id, "place_name": i.place.name,
        "checklist": i.checklist.code, "checklist_name": i.checklist.name(),
        "inspected_on": i.inspected_on,
        "inspector": (inspector.display_name or inspector.username) if inspector else "",
        "findings": i.findings,
        "items": [{"item": r["item"], "text": texts.get(r["item"], r["item"]),
                   "result": r["result"], "hazard": r["hazard"]} for r in i.results],
    }  # fmt: skip
