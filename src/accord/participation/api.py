"""API of the participation app (registered in accord.config.api.ROUTER_MODULES): parse, call
one service or selector, return."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accord.accounts.apiauth import AUTH, optional_user
from accord.core.errors import NotFound, ValidationFailed
from accord.participation import comments as comment_svc
from accord.participation import consultations as svc
from accord.participation import present, pseudonyms, selectors
from accord.participation import statements as st_svc
from accord.participation import suggestions as sg_svc
from accord.participation import workflow as wf
from accord.participation.access import manages_area
from accord.participation.schemas import (
    ActionIn,
    AnswerIn,
    CommentIn,
    CommentOut,
    ConsultationIn,
    ConsultationOut,
    ConsultationSummaryOut,
    CreatedOut,
    DecisionIn,
    DisposedOut,
    DispositionIn,
    ExportOut,
    HearingIn,
    HearingOut,
    HideIn,
    MapOut,
    MaterialsIn,
    MyCommentOut,
    ResultsOut,
    StatementIn,
    StatementOut,
    SuggestionIn,
    SuggestionOut,
    VoteIn,
)

router = Router(tags=["participation"])


@router.get("/consultations", response=list[ConsultationSummaryOut], auth=None)
def list_consultations(request: HttpRequest, status: str | None = None):
    """Published consultations (and, for staff of an area, its drafts)."""
    qs = selectors.consultation_list_for(actor=optional_user(request), status=status)[:200]
    return [present.consultation_summary(c) for c in qs]


@router.post("/consultations", response={201: ConsultationOut}, auth=AUTH)
def create_consultation(request: HttpRequest, payload: ConsultationIn):
    """Create a draft (coordinators, county supervisors and administrators over the area)."""
    data = payload.model_dump()
    articles = tuple(svc.ArticleInput(**a) for a in data.pop("articles"))
    affected = tuple(data.pop("affected"))
    c = svc.consultation_create(
        actor=request.auth,
        data=svc.ConsultationInput(**data, articles=articles, affected=affected),
    )
    return Status(201, present.consultation_detail(c, request.auth))


@router.get("/consultations/{reference}", response=ConsultationOut, auth=None)
def get_consultation(request: HttpRequest, reference: str):
    actor = optional_user(request)
    c = selectors.consultation_get_for(actor=actor, reference=reference)
    return present.consultation_detail(c, actor)


@router.put("/consultations/{reference}", response=ConsultationOut, auth=AUTH)
def update_draft(request: HttpRequest, reference: str, payload: ConsultationIn):
    """Replace a draft (staff of the area; 409 once published; the area cannot change)."""
    c = selectors.consultation_get_managed(actor=request.auth, reference=reference)
    data = payload.model_dump()
    articles = tuple(svc.ArticleInput(**a) for a in data.pop("articles"))
    affected = tuple(data.pop("affected"))
    c = svc.consultation_update_draft(
        actor=request.auth,
        consultation=c,
        data=svc.ConsultationInput(**data, articles=articles, affected=affected),
    )
    return present.consultation_detail(c, request.auth)


@router.post("/consultations/{reference}/transitions", response=ConsultationOut, auth=AUTH)
def transition_consultation(request: HttpRequest, reference: str, payload: ActionIn):
    """publish, close or respond (staff of the area; others: 404). 409 wrong state, 422 a
    rule (a short period without a reason, a comment without a disposition)."""
    c = selectors.consultation_get_managed(actor=request.auth, reference=reference)
    c = svc.consultation_transition(actor=request.auth, consultation=c, action=payload.action)
    return present.consultation_detail(c, request.auth)


@router.post("/consultations/{reference}/decision", response=ConsultationOut, auth=AUTH)
def record_decision(request: HttpRequest, reference: str, payload: DecisionIn):
    """How the opinions were handled in the decision, with a link to the decision record."""
    c = selectors.consultation_get_managed(actor=request.auth, reference=reference)
    c = svc.consultation_record_decision(
        actor=request.auth,
        consultation=c,
        summary_en=payload.summary_en,
        summary_zh=payload.summary_zh,
        url=payload.url,
    )
    return present.consultation_detail(c, request.auth)


@router.get("/consultations/{reference}/comments", response=list[CommentOut], auth=None)
def list_comments(request: HttpRequest, reference: str):
    """Staff of the area: every comment with its text (the read is recorded). Everyone else:
    the comments' articles and answers, without text or author."""
    actor = optional_user(request)
    c = selectors.consultation_get_for(actor=actor, reference=reference)
    if manages_area(actor, c.area):
        return [
            present.comment_staff(m)
            for m in selectors.comments_for_staff(actor=actor, consultation=c)
        ]
    rows = c.comments.filter(hidden_reason="").select_related("article").order_by("id")
    return [present.comment_public(m) for m in rows]


@router.post("/consultations/{reference}/comments", response={201: CreatedOut}, auth=None)
def create_comment(request: HttpRequest, reference: str, payload: CommentIn):
    """Comment on the draft or on one article; anonymous where the consultation allows."""
    actor = optional_user(request)
    c = selectors.consultation_get_for(actor=actor, reference=reference)
    m = comment_svc.comment_create(
        actor=actor, consultation=c, text=payload.text, article=payload.article
    )
    return Status(201, {"id": m.pk})


@router.post("/consultations/{reference}/dispositions", response=DisposedOut, auth=AUTH)
def dispose_comments(request: HttpRequest, reference: str, payload: DispositionIn):
    """Give one disposition and reason to one or many comments (audited per comment)."""
    c = selectors.consultation_get_managed(actor=request.auth, reference=reference)
    n = comment_svc.comments_dispose(
        actor=request.auth,
        consultation=c,
        comment_ids=payload.comment_ids,
        disposition=payload.disposition,
        reason=payload.reason,
        theme=payload.theme,
    )
    return {"disposed": n}


@router.post("/comments/{comment_id}/hide", response=CommentOut, auth=AUTH)
def hide_comment(request: HttpRequest, comment_id: int, payload: HideIn):
    """Hide a comment for a listed reason (unlawful, personal data, spam, off-topic)."""
    m = selectors.comment_get_managed(actor=request.auth, comment_id=comment_id)
    m = comment_svc.comment_hide(actor=request.auth, comment=m, reason=payload.reason)
    return present.comment_public(m)


@router.get("/consultations/{reference}/results", response=ResultsOut, auth=None)
def consultation_results(request: HttpRequest, reference: str):
    """ "You said, we did": counts, adoption rate and reasons per theme or article."""
    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    board = selectors.you_said_we_did(c, zh=present.is_zh())
    if c.status != wf.RESPONDED:
        board.update(decision_summary="", decision_url="")
    return board


@router.get("/my/comments", response=list[MyCommentOut], auth=AUTH)
def my_comments(request: HttpRequest):
    """The signed-in author's comments with the answers they got."""
    return [present.comment_mine(m) for m in selectors.my_comments(actor=request.auth)]


# --- opinion map ------------------------------------------------------------------------------


@router.get("/consultations/{reference}/statements", response=list[StatementOut], auth=None)
def list_statements(request: HttpRequest, reference: str):
    """The statements residents vote on, with the vote totals (no votes of anyone)."""
    from django.db.models import Count, Q

    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    if not c.allow_statements:
        raise NotFound("this consultation has no opinion map", code="no_opinion_map")
    rows = c.statements.filter(hidden_reason="").annotate(
        agree=Count("votes", filter=Q(votes__value=1)),
        disagree=Count("votes", filter=Q(votes__value=-1)),
        passed=Count("votes", filter=Q(votes__value=0)),
    )
    return [
        {"id": s.pk, "text": s.text, "agree": s.agree, "disagree": s.disagree, "passed": s.passed}
        for s in rows.order_by("id")
    ]


@router.post("/consultations/{reference}/statements", response={201: CreatedOut}, auth=None)
def add_statement(request: HttpRequest, reference: str, payload: StatementIn):
    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    s = st_svc.statement_add(
        consultation=c, pseudonym=_pseudonym(request, c.salt), text=payload.text
    )
    return Status(201, {"id": s.pk})


@router.post(
    "/consultations/{reference}/statements/{statement_id}/vote",
    response={204: None},
    auth=None,
)
def vote(request: HttpRequest, reference: str, statement_id: int, payload: VoteIn):
    """One vote per person and statement (voting again changes it), under a pseudonym."""
    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    st_svc.vote_cast(
        consultation=c,
        statement_id=statement_id,
        pseudonym=_pseudonym(request, c.salt),
        value=payload.vote,
    )
    return Status(204, None)


@router.get("/consultations/{reference}/map", response=MapOut, auth=None)
def opinion_map(request: HttpRequest, reference: str):
    """Groups of opinion (groups under ACCORD_OPINION_MIN_GROUP hidden): sizes, centres,
    representative and consensus statements. Never a person's group or position."""
    from accord.participation.opinion_views import map_view

    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    if not c.allow_statements:
        raise NotFound("this consultation has no opinion map", code="no_opinion_map")
    view = map_view(c)
    if view is None:
        raise NotFound("no opinion map yet: too few votes", code="no_map_yet")
    view.pop("svg")
    return view


def _pseudonym(request: HttpRequest, salt: str) -> str:
    actor = optional_user(request)
    if actor is not None:
        return pseudonyms.pseudonym(salt, user=actor)
    return pseudonyms.pseudonym(salt, session_id=pseudonyms.session_voter_id(request.session))


# --- suggestions ------------------------------------------------------------------------------


@router.get("/suggestions", response=list[SuggestionOut], auth=None)
def list_suggestions(request: HttpRequest):
    """Suggestions are public (so that others can co-sign) without their authors."""
    return [present.suggestion_dict(s) for s in selectors.suggestion_list_public()]


@router.post("/suggestions", response={201: SuggestionOut}, auth=None)
def create_suggestion(request: HttpRequest, payload: SuggestionIn):
    s = sg_svc.suggestion_create(
        actor=optional_user(request), area=payload.area, title=payload.title, text=payload.text
    )
    return Status(201, present.suggestion_dict(s))


@router.get("/suggestions/{reference}", response=SuggestionOut, auth=None)
def get_suggestion(request: HttpRequest, reference: str):
    return present.suggestion_dict(selectors.suggestion_get_public(reference=reference))


@router.post("/suggestions/{reference}/cosign", response=SuggestionOut, auth=None)
def cosign_suggestion(request: HttpRequest, reference: str):
    s = selectors.suggestion_get_public(reference=reference)
    s = sg_svc.suggestion_cosign(suggestion=s, pseudonym=_pseudonym(request, f"suggestion:{s.pk}"))
    return present.suggestion_dict(s)


@router.post("/suggestions/{reference}/answer", response=SuggestionOut, auth=AUTH)
def answer_suggestion(request: HttpRequest, reference: str, payload: AnswerIn):
    """The responsible unit's answer; with many co-signatures, point by point."""
    s = selectors.suggestion_get_managed(actor=request.auth, reference=reference)
    s = sg_svc.suggestion_answer(
        actor=request.auth, suggestion=s, answer=payload.answer, points=payload.points
    )
    return present.suggestion_dict(s)


# --- hearings, moderation of statements, export ----------------------------------------------


def _hearing_out(h) -> dict:
    return {
        "id": h.pk,
        "held_at": h.held_at,
        "place": h.place,
        "materials": present.pick(h, "materials") if h.materials_published_at else "",
        "materials_published_at": h.materials_published_at,
    }


@router.post("/consultations/{reference}/hearings", response={201: HearingOut}, auth=AUTH)
def schedule_hearing(request: HttpRequest, reference: str, payload: HearingIn):
    """Schedule a hearing (art. 16); its materials must be public 7 days ahead."""
    c = selectors.consultation_get_managed(actor=request.auth, reference=reference)
    h = svc.hearing_schedule(
        actor=request.auth, consultation=c, held_at=payload.held_at, place=payload.place
    )
    return Status(201, _hearing_out(h))


@router.post("/hearings/{hearing_id}/materials", response=HearingOut, auth=AUTH)
def publish_materials(request: HttpRequest, hearing_id: int, payload: MaterialsIn):
    """Publish a hearing's materials; 409 hearing_notice_too_late under 7 days before it."""
    h = selectors.hearing_get_managed(actor=request.auth, hearing_id=hearing_id)
    h = svc.hearing_publish_materials(
        actor=request.auth,
        hearing=h,
        materials_en=payload.materials_en,
        materials_zh=payload.materials_zh,
    )
    return _hearing_out(h)


@router.post("/statements/{statement_id}/hide", response={204: None}, auth=AUTH)
def hide_statement(request: HttpRequest, statement_id: int, payload: HideIn):
    s = selectors.statement_get_managed(actor=request.auth, statement_id=statement_id)
    st_svc.statement_hide(actor=request.auth, statement=s, reason=payload.reason)
    return Status(204, None)


@router.get("/consultations/{reference}/export", response=ExportOut, auth=None)
def export_consultation(request: HttpRequest, reference: str, format: str = "json"):
    """Open data: the consultation and every comment's article, theme, disposition and reason
    (no comment text, no author). `format=csv` gives the comments as CSV."""
    import csv
    import io

    from django.http import HttpResponse

    c = selectors.consultation_get_for(actor=optional_user(request), reference=reference)
    rows = selectors.export_rows(c)
    if format == "csv":
        buf = io.StringIO()
        fields = ["consultation", "comment", "article", "received_on", "theme", "disposition",
                  "reason", "hidden_reason"]  # fmt: skip
        w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{c.reference}-comments.csv"'
        return resp
    if format != "json":
        raise ValidationFailed("format must be json or csv", code="invalid")
    responded = c.status == wf.RESPONDED
    return {
        "consultation": present.consultation_summary(c),
        "decision_summary_en": c.decision_summary_en if responded else "",
        "decision_summary_zh": c.decision_summary_zh if responded else "",
        "decision_url": c.decision_url if responded else "",
        "comments": rows,
    }
