"""API endpoints of the resolution app (mounted under /api/v1/): parse, call one service or
selector, return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Status

from accord.accounts.apiauth import AUTH
from accord.cases.models import Category
from accord.core.errors import ValidationFailed
from accord.core.i18n import is_zh
from accord.core.schemas import Strict
from accord.resolution import (
    deadlines,
    documents,
    followups,
    mediation,
    present,
    proceedings,
    selectors,
    supervision,
    transitions,
)
from accord.resolution import workflow as wf
from accord.resolution.models import StatuteRule

router = Router(tags=["resolution"])

Text = Field("", max_length=10000)
FROM_QUERY = Query(None, alias="from")
TO_QUERY = Query(None, alias="to")


class OpenIn(Strict):
    channel: str = Field(..., max_length=40)
    procedure: str = Field("", max_length=40)
    applied_on: dt.date | None = None
    knew_on: dt.date | None = None
    handling_body: str = Field("", max_length=200)
    handling_area: str | None = Field(None, max_length=32)
    claims: str = Text


class HandoffIn(OpenIn):
    note: str = Text


class ProceedingTransitionIn(Strict):
    action: str = Field(..., max_length=32)
    on_date: dt.date | None = None
    note: str = Text
    outcome: str = Field("", max_length=16)
    outcome_summary: str = Text
    approved_by: str = Field("", max_length=200)
    extension: int | None = Field(None, ge=0, le=100000)
    rule: str = Field("", max_length=64)


class SessionIn(Strict):
    held_at: dt.datetime
    place: str = Field("", max_length=200)
    online: bool = False
    attendees: list[str] = Field(default_factory=list, max_length=100)
    record: str = Text


class TermIn(Strict):
    text: str = Field(..., max_length=2000)
    due_on: dt.date | None = None


class AgreementIn(Strict):
    text: str = Text
    terms: list[TermIn] = Field(default_factory=list, max_length=100)


class SignIn(Strict):
    name: str = Field(..., max_length=200)
    role: str = Field(..., max_length=16)
    signed_on: dt.date | None = None


class OrderIn(Strict):
    text: str = Text
    reply_due: dt.date


class ReplyIn(Strict):
    reply: str = Text


class FollowUpIn(Strict):
    performed: bool
    satisfaction: int = Field(..., ge=1, le=5)
    remaining_risk: str = Field("none", max_length=16)
    note: str = Text
    route: str = Field("", max_length=32)
    done_on: dt.date | None = None


class DocumentIn(Strict):
    kind: str = Field(..., max_length=32)
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=50000)
    proceeding: str | None = Field(None, max_length=40)


class ArchiveIn(Strict):
    note: str = Text


def _detail(request: HttpRequest, number: str) -> dict[str, Any]:
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    return present.proceeding_detail(p, request.auth)


# --- reference data (public) ------------------------------------------------------------------


@router.get("/resolution/channels", auth=None)
def channels(request: HttpRequest):
    """The channels, their procedures and outcomes."""
    return [
        {
            "code": c,
            "name": present._pick(wf.CHANNEL_NAMES[c]),
            "procedures": list(wf.PROCEDURES.get(c, ())),
            "outcomes": sorted(wf.CHANNEL_OUTCOMES[c]),
            "formal": c in wf.FORMAL,
        }
        for c in wf.CHANNELS
    ]


@router.get("/resolution/statutes", auth=None)
def statutes(request: HttpRequest, channel: str | None = Query(None, max_length=40)):
    """The statute table: every period with its legal basis."""
    qs = StatuteRule.objects.filter(active=True)
    if channel:
        qs = qs.filter(channel=channel)
    return [present.rule_dict(r) for r in qs]


@router.get("/resolution/limitations", auth=None)
def limitations(
    request: HttpRequest,
    knew_on: dt.date,
    category: str | None = Query(None, max_length=40),
    channel: str | None = Query(None, max_length=40),
):
    """Limitation-period warnings for a resident or staff at intake: the last day to apply
    to each formal channel, counted from the day the party knew of the infringement."""
    if knew_on > timezone.localdate():
        raise ValidationFailed("knew_on must not be in the future", code="future_date")
    if channel:
        if channel not in wf.CHANNEL_NAMES:
            raise ValidationFailed(f"unknown channel {channel!r}", code="unknown_channel")
        chans = [channel]
    elif category:
        cat = Category.objects.filter(code=category).first()
        if cat is None:
            raise ValidationFailed(f"unknown category {category!r}", code="unknown_category")
        chans = wf.channels_of_category(cat.channels)
    else:
        chans = list(wf.CHANNELS)
    rows = deadlines.limitation_warnings(channels=chans, knew_on=knew_on)
    for r in rows:
        r["channel_name"] = present._pick(r["channel_name"])
        r["basis"] = r.pop("basis_zh") if is_zh() else r.pop("basis_en")
        r.pop("basis_en", None)
        r.pop("basis_zh", None)
    return rows


# --- proceedings ------------------------------------------------------------------------------


@router.get("/cases/{reference}/proceedings", auth=AUTH)
def case_proceedings(request: HttpRequest, reference: str):
    selectors.case_for(actor=request.auth, reference=reference)
    qs = selectors.proceeding_list_for(actor=request.auth, case=reference)
    return [present.proceeding_summary(p) for p in qs.order_by("created_at", "id")]


@router.post("/cases/{reference}/proceedings", response={201: dict}, auth=AUTH)
def open_proceeding(request: HttpRequest, reference: str, payload: OpenIn):
    case = selectors.case_for(actor=request.auth, reference=reference)
    p = proceedings.proceeding_open(
        actor=request.auth, case=case, data=proceedings.OpenInput(**payload.model_dump())
    )
    return Status(201, present.proceeding_detail(p, request.auth))


@router.get("/proceedings", auth=AUTH)
def list_proceedings(
    request: HttpRequest,
    channel: str | None = Query(None, max_length=40),
    status: str | None = Query(None, max_length=16),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    qs = selectors.proceeding_list_for(actor=request.auth, channel=channel, status=status)
    return {
        "items": [present.proceeding_summary(p) for p in qs[offset : offset + limit]],
        "count": qs.count(),
    }


@router.get("/proceedings/{number}", auth=AUTH)
def get_proceeding(request: HttpRequest, number: str):
    return _detail(request, number)


@router.post("/proceedings/{number}/transitions", auth=AUTH)
def transition(request: HttpRequest, number: str, payload: ProceedingTransitionIn):
    """One action of the proceeding table (accept, refuse, start, conclude, withdraw,
    suspend, resume, extend, restart). 409 wrong state; 403 role; 422 guard."""
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    transitions.proceeding_transition(actor=request.auth, proceeding=p, **payload.model_dump())
    return _detail(request, number)


@router.post("/proceedings/{number}/handoff", response={201: dict}, auth=AUTH)
def handoff(request: HttpRequest, number: str, payload: HandoffIn):
    """Move the dispute to the next channel; the new proceeding is prefilled."""
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    body = payload.model_dump()
    note = body.pop("note")
    target = proceedings.proceeding_handoff(
        actor=request.auth, source=p, data=proceedings.OpenInput(**body), note=note
    )
    return Status(201, present.proceeding_detail(target, request.auth))


class AssignIn(Strict):
    assignee: str | None = Field(None, max_length=150)


@router.post("/proceedings/{number}/assign", auth=AUTH)
def assign(request: HttpRequest, number: str, payload: AssignIn):
    """Take the proceeding (no assignee) or, as a coordinator, give it to a colleague."""
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    proceedings.proceeding_assign(actor=request.auth, proceeding=p, username=payload.assignee)
    return _detail(request, number)


@router.post("/proceedings/{number}/sessions", response={201: dict}, auth=AUTH)
def add_session(request: HttpRequest, number: str, payload: SessionIn):
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    mediation.session_record(actor=request.auth, proceeding=p, **payload.model_dump())
    return Status(201, _detail(request, number))


@router.post("/proceedings/{number}/agreement", auth=AUTH)
def put_agreement(request: HttpRequest, number: str, payload: AgreementIn):
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    mediation.agreement_record(
        actor=request.auth,
        proceeding=p,
        text=payload.text,
        terms=[t.model_dump() for t in payload.terms],
    )
    return _detail(request, number)


@router.post("/proceedings/{number}/agreement/signatures", auth=AUTH)
def sign_agreement(request: HttpRequest, number: str, payload: SignIn):
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    mediation.agreement_sign(actor=request.auth, proceeding=p, **payload.model_dump())
    return _detail(request, number)


@router.post("/proceedings/{number}/supervision-orders", response={201: dict}, auth=AUTH)
def issue_order(request: HttpRequest, number: str, payload: OrderIn):
    p = selectors.proceeding_get_for(actor=request.auth, number=number)
    order = supervision.supervision_order_issue(
        actor=request.auth, proceeding=p, text=payload.text, reply_due=payload.reply_due
    )
    return Status(201, {"id": order.pk, "reply_due": order.reply_due})


@router.post("/supervision-orders/{order_id}/reply", auth=AUTH)
def reply_order(request: HttpRequest, order_id: int, payload: ReplyIn):
    order = selectors.order_get_for(actor=request.auth, order_id=order_id)
    order = supervision.supervision_order_reply(
        actor=request.auth, order=order, reply=payload.reply
    )
    return {"id": order.pk, "replied_at": order.replied_at}


@router.get("/supervision/board", auth=AUTH)
def board(request: HttpRequest, tier: str | None = Query(None, max_length=16)):
    """Yellow (≤ 20% of the time left), red (overdue) and grey (suspended) clocks by unit
    and channel, in the caller's jurisdiction."""
    if tier and tier not in ("city", "county", "township", "community", "grid"):
        raise ValidationFailed(f"unknown tier {tier!r}")
    return selectors.supervision_board(actor=request.auth, tier=tier)


@router.get("/notifications", auth=AUTH)
def notifications(request: HttpRequest, unread: bool = False):
    zh = is_zh()
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "object": n.object_ref,
            "on_date": n.on_date,
            "text": n.text_zh if zh else n.text_en,
            "read": n.read_at is not None,
        }
        for n in selectors.notifications_for(actor=request.auth, unread=unread)[:200]
    ]


@router.post("/notifications/{notification_id}/read", auth=AUTH)
def read_notification(request: HttpRequest, notification_id: int):
    n = supervision.notification_read(actor=request.auth, notification_id=notification_id)
    return {"id": n.pk, "read": True}


# --- follow-up, documents, dossier ---------------------------------------------------------------


@router.get("/cases/{reference}/followups", auth=AUTH)
def case_followups(request: HttpRequest, reference: str):
    case = selectors.case_for(actor=request.auth, reference=reference)
    return [present.followup_dict(f) for f in case.follow_ups.select_related("proceeding")]


@router.post("/followups/{followup_id}", auth=AUTH)
def record_followup(request: HttpRequest, followup_id: int, payload: FollowUpIn):
    f = selectors.followup_get_for(actor=request.auth, followup_id=followup_id)
    f = followups.followup_record(actor=request.auth, followup=f, **payload.model_dump())
    return present.followup_dict(f)


@router.post("/cases/{reference}/documents", response={201: dict}, auth=AUTH)
def add_document(request: HttpRequest, reference: str, payload: DocumentIn):
    case = selectors.case_for(actor=request.auth, reference=reference)
    p = None
    if payload.proceeding:
        p = selectors.proceeding_get_for(actor=request.auth, number=payload.proceeding)
        if p.case_id != case.pk:
            raise ValidationFailed("that proceeding belongs to another case")
    doc = documents.document_add(
        actor=request.auth,
        case=case,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        proceeding=p,
    )
    return Status(201, present.document_summary(doc))


@router.get("/documents/{document_id}", auth=AUTH)
def get_document(request: HttpRequest, document_id: int):
    doc = selectors.document_get_for(actor=request.auth, document_id=document_id)
    return {**present.document_summary(doc), "body": doc.body}


@router.get("/cases/{reference}/dossier", auth=AUTH)
def dossier(request: HttpRequest, reference: str):
    """The dossier checklist and the JSON bundle (case, timeline, proceedings, documents)."""
    from accord.resolution import dossier as dossier_mod

    case = selectors.case_for(actor=request.auth, reference=reference)
    dossier_mod.dossier_export_audit(actor=request.auth, case=case, fmt="json")
    return dossier_mod.bundle(case, actor=request.auth)


@router.get("/cases/{reference}/dossier.pdf", auth=AUTH)
def dossier_pdf(request: HttpRequest, reference: str):
    from accord.resolution import dossier as dossier_mod

    case = selectors.case_for(actor=request.auth, reference=reference)
    data = dossier_mod.pdf(case, actor=request.auth)
    dossier_mod.dossier_export_audit(actor=request.auth, case=case, fmt="pdf")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-dossier.pdf"'
    return response


@router.post("/cases/{reference}/archive", auth=AUTH)
def archive(request: HttpRequest, reference: str, payload: ArchiveIn):
    """Close and archive the case once the follow-up visit is done and the dossier complete."""
    case = selectors.case_for(actor=request.auth, reference=reference)
    case = followups.case_archive(actor=request.auth, case=case, note=payload.note)
    return {"reference": case.reference, "status": case.status}


@router.get("/resolution/metrics", auth=AUTH)
def metrics(
    request: HttpRequest,
    area: str | None = Query(None, max_length=32),
    date_from: dt.date | None = FROM_QUERY,
    date_to: dt.date | None = TO_QUERY,
):
    """Share resolved at the intake tier, median days per channel, overdue rate, agreement
    performance and satisfaction, for cases in scope (small cells suppressed for analysts)."""
    return selectors.metrics_for(
        actor=request.auth, area=area, date_from=date_from, date_to=date_to
    )
