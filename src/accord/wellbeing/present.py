"""Dicts for the API and the pages: every code goes out with a bilingual label."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accord.wellbeing.access import alert_capabilities
from accord.wellbeing.hours import is_open
from accord.wellbeing.models import AlertLevel, AlertStatus, RequestStatus, UnitKind
from accord.wellbeing.workflow import ALERT


def zh() -> bool:
    return (get_language() or "en").startswith("zh")


def band_label(band: str) -> str:
    return {
        "minimal": _("Minimal or none"),
        "mild": _("Mild"),
        "moderate": _("Moderate"),
        "moderately_severe": _("Moderately severe"),
        "severe": _("Severe"),
    }.get(band, band)


def not_a_diagnosis() -> str:
    return _(
        "This is a screening result, not a diagnosis. Only a doctor can diagnose. Whatever "
        "your score, you can talk to a counsellor or call the hotline."
    )


def action_label(action: str) -> str:
    return ALERT.by_action[action].label(zh())


def unit(u, at=None) -> dict:
    z = zh()
    return {
        "code": u.code, "kind": u.kind, "kind_label": str(UnitKind(u.kind).label),
        "name": u.name(z), "area": u.area.code, "phone": u.phone,
        "address": u.address_zh if z else u.address_en, "hours": u.hours or {},
        "languages": u.languages or [], "services": u.services or [], "capacity": u.capacity,
        "open_now": is_open(u.hours or {}, timezone.localtime(at or timezone.now())),
    }  # fmt: skip


def alert(a, actor) -> dict:
    caps = alert_capabilities(actor, a)
    return {
        "reference": a.reference, "area": a.area.code, "area_name": a.area.name(),
        "level": a.level, "level_label": str(AlertLevel(a.level).label), "source": a.source,
        "status": a.status, "status_label": str(AlertStatus(a.status).label), "step": a.step,
        "contact": a.contact, "raised_at": a.raised_at,
        "next_escalation_at": a.next_escalation_at, "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": a.acknowledged_by.username if a.acknowledged_by else None,
        "actions": ALERT.allowed(a.status, caps),
    }  # fmt: skip


def request(r) -> dict:
    return {
        "reference": r.reference, "unit": r.unit.code, "area": r.area.code, "mode": r.mode,
        "language": r.language, "status": r.status,
        "status_label": str(RequestStatus(r.status).label), "name": r.name,
        "contact": r.contact, "counsellor": r.counsellor.username if r.counsellor else None,
        "appointment_at": r.appointment_at, "created_at": r.created_at,
    }  # fmt: skip


def numbers() -> dict:
    return {"hotline": settings.ACCORD_WELLBEING_HOTLINE,
            "emergency": settings.ACCORD_EMERGENCY_NUMBER}  # fmt: skip
