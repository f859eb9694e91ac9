"""Turn proceedings into plain dicts for the API and the pages, in the request's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accord.core.i18n import is_zh
from accord.resolution import access, deadlines
from accord.resolution import workflow as wf
from accord.resolution.models import Clock, Document, Proceeding, StatuteRule
from accord.resolution.selectors import clock_colour

# What each timeline event is called on a page: the table's actions by their row labels, and
# the steps recorded outside the table.
EVENT_NAMES: dict[str, tuple[str, str]] = {
    **{t.action: (t.en, t.zh) for t in wf.PROCEEDING.transitions},
    "open": ("Opened", "立案"),
    "session": ("Mediation session", "调解会"),
    "agreement_drafted": ("Agreement drafted", "起草调解协议"),
    "agreement_edited": ("Agreement edited", "修改调解协议"),
    "signed": ("Agreement signed", "签署调解协议"),
    "handoff": ("Handed on to another channel", "转入其他渠道"),
    "followup_scheduled": ("Follow-up visit scheduled", "安排回访"),
    "followup": ("Follow-up visit", "回访"),
    "assign": ("Assigned", "指派"),
    "supervision_order": ("Supervision order", "督办通知"),
    "supervision_reply": ("Reply to the supervision order", "督办回复"),
}


def event_name(action: str) -> str:
    return _pick(EVENT_NAMES.get(action, (action.replace("_", " "),) * 2))


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if is_zh() else pair[0]


def rule_dict(r: StatuteRule) -> dict[str, Any]:
    zh = is_zh()
    return {
        "code": r.code,
        "channel": r.channel,
        "procedure": r.procedure,
        "step": r.step,
        "amount": r.amount,
        "unit": r.unit,
        "count": r.count,
        "extension_max": r.extension_max,
        "start_event": r.start_event,
        "stop_events": r.stop_events,
        "duty": r.duty,
        "kind": r.kind,
        "roll_forward": r.roll_forward,
        "description": r.description_zh if zh else r.description_en,
        "basis": r.basis_zh if zh else r.basis_en,
    }


def clock_dict(c: Clock, today: dt.date) -> dict[str, Any]:
    zh = is_zh()
    return {
        "rule": c.rule.code,
        "step": c.rule.description_zh if zh else c.rule.description_en,
        "duty": c.rule.duty,
        "count": c.rule.count,
        "started_on": c.started_on,
        "due_on": c.due_on,
        "state": c.state,
        "colour": clock_colour(c, today),
        "days_left": (c.due_on - today).days,
        "suspended_days": c.suspended_days,
        "extension": c.extension,
        "extension_approved_by": c.extension_approved_by,
        "restarts": c.restarts,
        "stopped_on": c.stopped_on,
        "basis": c.rule.basis_zh if zh else c.rule.basis_en,
    }


def proceeding_summary(p: Proceeding) -> dict[str, Any]:
    return {
        "number": p.number,
        "case": p.case.reference,
        "channel": p.channel,
        "channel_name": _pick(wf.CHANNEL_NAMES[p.channel]),
        "procedure": p.procedure,
        "handling_body": p.handling_body,
        "handling_area": p.handling_area.code,
        "status": p.status,
        "status_label": _pick(wf.STATE_NAMES[p.status]),
        "outcome": p.outcome or None,
        "outcome_label": _pick(wf.OUTCOME_NAMES[p.outcome]) if p.outcome else None,
        "outcome_on": p.outcome_on,
        "applied_on": p.applied_on,
        "accepted_on": p.accepted_on,
        "previous": p.previous.number if p.previous_id else None,
        "assignee": p.assignee.username if p.assignee_id else None,
    }


def proceeding_detail(p: Proceeding, actor) -> dict[str, Any]:
    today = timezone.localdate()
    out = proceeding_summary(p)
    caps = access.capabilities(actor, p)
    agreement = getattr(p, "agreement", None) if hasattr(p, "agreement") else None
    out.update(
        {
            "claims": p.claims,
            "knew_on": p.knew_on,
            "outcome_summary": p.outcome_summary,
            "parties": [{"role": x.role, "name": x.name} for x in p.parties.all()],
            "clocks": [clock_dict(c, today) for c in p.clocks.select_related("rule")],
            "limitation": p.data.get("limitation", []),
            "allowed_actions": wf.allowed_actions(p.channel, p.status, caps),
            "handoff_targets": list(wf.handoff_targets(p.channel, p.status, p.outcome)),
            "offers": deadlines.labour_offers(p, today),
            "next": [x.number for x in p.next_set.all()],
            "sessions": [
                {
                    "held_at": s.held_at,
                    "place": s.place,
                    "online": s.online,
                    "attendees": s.attendees,
                    "record": s.record,
                }
                for s in p.sessions.all()
            ],
            "agreement": (
                {
                    "text": agreement.text,
                    "terms": agreement.terms,
                    "signatures": agreement.signatures,
                    "effective_on": agreement.effective_on,
                }
                if agreement is not None
                else None
            ),
            "documents": [document_summary(d) for d in p.documents.all()],
            "supervision_orders": [
                {
                    "id": o.pk,
                    "text": o.text,
                    "reply_due": o.reply_due,
                    "reply": o.reply,
                    "replied_at": o.replied_at,
                    "issuing_area": o.issuing_area.code,
                }
                for o in p.supervision_orders.select_related("issuing_area")
            ],
            "events": [
                {
                    "action": e.action,
                    "on_date": e.on_date,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "note": e.note,
                    "data": e.data,
                    "actor": e.actor.username if e.actor_id else None,
                }
                for e in p.events.select_related("actor")
            ],
        }
    )
    return out


def document_summary(d: Document) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "language": d.language,
        "title": d.title,
        "proceeding": d.proceeding.number if d.proceeding_id else None,
        "created_at": d.created_at,
    }


def followup_dict(f) -> dict[str, Any]:
    return {
        "id": f.pk,
        "case": f.case.reference,
        "proceeding": f.proceeding.number if f.proceeding_id else None,
        "due_on": f.due_on,
        "done_on": f.done_on,
        "performed": f.performed,
        "satisfaction": f.satisfaction,
        "remaining_risk": f.remaining_risk,
        "route": f.route,
        "note": f.note,
    }
