"""Pages of participation: residents read drafts, comment, vote and see "you said, we did";
staff publish drafts and answer every comment. Thin: parse, call one service or selector,
render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.accounts.permissions import areas_for
from accord.core.errors import DomainError, NotFound, ValidationFailed
from accord.participation import access, present, selectors
from accord.participation import comments as comment_svc
from accord.participation import consultations as svc
from accord.participation import workflow as wf
from accord.participation.messages import message_for

# Page messages for the service's refusals, in the reader's language.


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not access.is_participation_staff(request.user):
        return render(request, "403.html", status=403)
    return None


# --- residents and the public -------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    qs = selectors.consultation_list_for(actor=None)
    rows = [present.consultation_summary(c) for c in qs[:100]]
    return render(
        request,
        "participation/index.html",
        {
            "open": [r for r in rows if r["status"] == wf.OPEN],
            "done": [r for r in rows if r["status"] != wf.OPEN],
        },
    )


def _consultation_context(request: HttpRequest, c) -> dict:
    detail = present.consultation_detail(c, request.user)
    today = timezone.localdate()
    accepting = c.status == wf.OPEN and c.opens_on <= today <= c.closes_on
    ctx = {
        "c": detail,
        "accepting": accepting,
        "can_comment": accepting and (c.allow_anonymous or request.user.is_authenticated),
        "is_staff": access.manages_area(request.user, c.area),
    }
    from accord.participation.opinion_views import opinion_context

    ctx.update(opinion_context(request, c))
    return ctx


def consultation_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        c = selectors.consultation_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    return render(request, "participation/consultation.html", _consultation_context(request, c))


@require_POST
def comment_post(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        c = selectors.consultation_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    article = request.POST.get("article") or None
    try:
        number = int(article) if article else None
    except ValueError:
        number = -1
    try:
        comment_svc.comment_create(
            actor=request.user, consultation=c, text=request.POST.get("text", ""), article=number
        )
    except DomainError as exc:
        ctx = _consultation_context(request, c)
        ctx["error"] = message_for(exc)
        ctx["posted"] = {"text": request.POST.get("text", ""), "article": article or ""}
        return render(request, "participation/consultation.html", ctx, status=exc.status)
    messages.success(
        request, _("Thank you: your comment was received. Every comment gets an answer.")
    )
    return redirect(reverse("participation:consultation", args=[c.reference]) + "#comment")


def results_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        c = selectors.consultation_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    board = selectors.you_said_we_did(c, zh=present.is_zh())
    for g in board["groups"]:
        g["rate_pct"] = None if g["adoption_rate"] is None else round(100 * g["adoption_rate"])
        g["rows"] = [
            (wf.disposition_label(d, present.is_zh()), g["counts"][d]) for d in wf.DISPOSITION_NAMES
        ]
    board["rate_pct"] = (
        None if board["adoption_rate"] is None else round(100 * board["adoption_rate"])
    )
    return render(
        request,
        "participation/results.html",
        {
            "c": present.consultation_summary(c),
            "responded": c.status == wf.RESPONDED,
            "board": board,
            "totals": [
                (wf.disposition_label(d, present.is_zh()), board["counts"][d])
                for d in wf.DISPOSITION_NAMES
            ],
        },
    )


@login_required
def my_comments(request: HttpRequest) -> HttpResponse:
    rows = [present.comment_mine(m) for m in selectors.my_comments(actor=request.user)]
    return render(request, "participation/my_comments.html", {"rows": rows})


# --- staff workbench ----------------------------------------------------------------------


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """Case staff reach it from the navigation; only consultation staff (coordinators,
    supervisors, administrators) have consultations here and may start one."""
    from accord.accounts.permissions import is_case_staff

    if not (is_case_staff(request.user) or access.is_participation_staff(request.user)):
        return render(request, "403.html", status=403)
    rows = []
    for c in selectors.consultation_list_managed(actor=request.user)[:200]:
        row = present.consultation_summary(c)
        row["undisposed"] = svc.facts_of(c).undisposed
        rows.append(row)
    return render(
        request,
        "participation/workbench.html",
        {"rows": rows, "can_start": access.is_participation_staff(request.user)},
    )


def _areas_below(areas) -> list[tuple[str, str]]:
    """Townships and communities inside the staff member's areas (for "areas affected")."""
    from django.db.models import Q

    from accord.core.models import Area

    if not areas:
        return []
    q = Q()
    for a in areas:
        q |= Q(path__startswith=a.path)
    rows = Area.objects.filter(q, level__in=["township", "community"]).order_by("path")[:300]
    zh = present.is_zh()
    return [(a.code, a.name_zh if zh else a.name_en) for a in rows]


def _split_articles(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n---\n")]
    return [p for p in parts if p]


@login_required
def new_consultation(request: HttpRequest) -> HttpResponse:
    return _draft_form(request, None)


@login_required
def edit_consultation(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        c = selectors.consultation_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    if c.status != wf.DRAFT:
        return redirect("participation:manage", reference=c.reference)
    return _draft_form(request, c)


def _posted_from(c) -> dict:
    arts = list(c.articles.all())
    return {
        "title_en": c.title_en, "title_zh": c.title_zh,
        "explanation_en": c.explanation_en, "explanation_zh": c.explanation_zh,
        "articles_en": "\n---\n".join(a.body_en for a in arts),
        "articles_zh": "\n---\n".join(a.body_zh for a in arts),
        "short_reason_en": c.short_reason_en, "short_reason_zh": c.short_reason_zh,
        "opens_on": c.opens_on.isoformat(), "closes_on": c.closes_on.isoformat(),
        "area": c.area.code, "decision_type": c.decision_type,
        "allow_anonymous": c.allow_anonymous, "allow_statements": c.allow_statements,
        "affected": list(c.affected or []),
    }  # fmt: skip


def _draft_form(request: HttpRequest, existing) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    areas = sorted(
        {a.code: a for a in areas_for(request.user, access.CONSULTATION_ROLES)}.values(),
        key=lambda a: a.path,
    )
    today = timezone.localdate()
    posted = {
        "title_en": "", "title_zh": "", "explanation_en": "", "explanation_zh": "",
        "articles_en": "", "articles_zh": "", "short_reason_en": "", "short_reason_zh": "",
        "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=29)).isoformat(),
        "area": areas[0].code if areas else "", "decision_type": "other",
        "allow_anonymous": True, "allow_statements": False, "affected": [],
    }  # fmt: skip
    if existing is not None:
        posted = _posted_from(existing)
    error = ""
    if request.method == "POST":
        posted.update({k: request.POST.get(k, "") for k in posted if isinstance(posted[k], str)})
        if existing is not None:
            posted["area"] = existing.area.code
        posted["allow_anonymous"] = request.POST.get("allow_anonymous") == "on"
        posted["allow_statements"] = request.POST.get("allow_statements") == "on"
        posted["affected"] = request.POST.getlist("affected")[:200]
        en, zh = _split_articles(posted["articles_en"]), _split_articles(posted["articles_zh"])
        try:
            opens, closes = (dt.date.fromisoformat(posted[k]) for k in ("opens_on", "closes_on"))
        except ValueError:
            error = _("Give the dates as YYYY-MM-DD.")
        else:
            if len(en) != len(zh):
                error = _("The English and Chinese texts must have the same number of articles.")
            else:
                data = svc.ConsultationInput(
                    area=posted["area"], title_en=posted["title_en"], title_zh=posted["title_zh"],
                    opens_on=opens, closes_on=closes,
                    articles=tuple(svc.ArticleInput(body_en=e, body_zh=z) for e, z in zip(en, zh, strict=True)),
                    explanation_en=posted["explanation_en"], explanation_zh=posted["explanation_zh"],
                    decision_type=posted["decision_type"],
                    short_reason_en=posted["short_reason_en"], short_reason_zh=posted["short_reason_zh"],
                    allow_anonymous=posted["allow_anonymous"], allow_statements=posted["allow_statements"],
                    affected=tuple(posted["affected"]),
                )  # fmt: skip
                try:
                    if existing is None:
                        c = svc.consultation_create(actor=request.user, data=data)
                    else:
                        c = svc.consultation_update_draft(
                            actor=request.user, consultation=existing, data=data
                        )
                except DomainError as exc:
                    error = message_for(exc)
                else:
                    messages.success(request, _("Draft saved. Publish it when it is ready."))
                    return redirect("participation:manage", reference=c.reference)
    from accord.participation.models import Consultation

    return render(
        request,
        "participation/new.html",
        {
            "areas": [(a.code, a.name_zh if present.is_zh() else a.name_en) for a in areas],
            "below": _areas_below(areas),
            "types": [(v, str(label)) for v, label in Consultation.DecisionType.choices],
            "posted": posted,
            "error": error,
            "editing": existing,
        },
        status=422 if error else 200,
    )


def _manage_context(request: HttpRequest, c) -> dict:
    zh = present.is_zh()
    comments = selectors.comments_for_staff(actor=request.user, consultation=c)
    return {
        "c": present.consultation_detail(c, request.user),
        "comments": [present.comment_staff(m) for m in comments],
        "dispositions": [(d, wf.disposition_label(d, zh)) for d in wf.DISPOSITION_NAMES],
        "hide_reasons": [(h, wf.hide_reason_label(h, zh)) for h in wf.HIDE_REASONS],
        "can_answer": c.status in (wf.OPEN, wf.CLOSED),
        "decision": {
            "en": c.decision_summary_en,
            "zh": c.decision_summary_zh,
            "url": c.decision_url,
        },
        "statements": [
            {"id": s.pk, "text": s.text, "hidden": bool(s.hidden_reason)}
            for s in c.statements.order_by("id")
        ]
        if c.allow_statements
        else [],
        "can_schedule": c.status in (wf.DRAFT, wf.OPEN),
    }


@login_required
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        c = selectors.consultation_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    return render(request, "participation/manage.html", _manage_context(request, c))


def _managed_post(request: HttpRequest, reference: str, do) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        c = selectors.consultation_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    try:
        done = do(c)
    except DomainError as exc:
        if exc.status == 404:
            return _not_found(request)
        if exc.status == 403:
            return render(request, "403.html", status=403)
        ctx = _manage_context(request, c)
        ctx["error"] = message_for(exc)
        return render(request, "participation/manage.html", ctx, status=exc.status)
    messages.success(request, done)
    return redirect("participation:manage", reference=c.reference)


@login_required
@require_POST
def act(request: HttpRequest, reference: str) -> HttpResponse:
    action = request.POST.get("action", "")

    def do(c):
        svc.consultation_transition(actor=request.user, consultation=c, action=action)
        t = wf.CONSULTATION.by_action.get(action)
        return _("Done: %(action)s.") % {"action": t.label(present.is_zh()) if t else action}

    return _managed_post(request, reference, do)


@login_required
@require_POST
def dispose(request: HttpRequest, reference: str) -> HttpResponse:
    ids = []
    for v in request.POST.getlist("comment"):
        if v.isdigit():
            ids.append(int(v))

    def do(c):
        n = comment_svc.comments_dispose(
            actor=request.user,
            consultation=c,
            comment_ids=ids,
            disposition=request.POST.get("disposition", ""),
            reason=request.POST.get("reason", ""),
            theme=request.POST.get("theme") or None,
        )
        return _("%(n)d comment(s) answered.") % {"n": n}

    return _managed_post(request, reference, do)


@login_required
@require_POST
def hide(request: HttpRequest, reference: str) -> HttpResponse:
    def do(c):
        cid = request.POST.get("comment", "")
        m = selectors.comment_get_managed(
            actor=request.user, comment_id=int(cid) if cid.isdigit() else 0
        )
        if m.consultation_id != c.pk:
            raise NotFound("no such comment")
        comment_svc.comment_hide(
            actor=request.user, comment=m, reason=request.POST.get("reason", "")
        )
        return _("The comment is hidden; the reason is shown to its author and counted publicly.")

    return _managed_post(request, reference, do)


@login_required
@require_POST
def decision(request: HttpRequest, reference: str) -> HttpResponse:
    def do(c):
        svc.consultation_record_decision(
            actor=request.user,
            consultation=c,
            summary_en=request.POST.get("summary_en", ""),
            summary_zh=request.POST.get("summary_zh", ""),
            url=request.POST.get("url", ""),
        )
        return _("The decision record is saved.")

    return _managed_post(request, reference, do)


@login_required
@require_POST
def hearing(request: HttpRequest, reference: str) -> HttpResponse:
    def do(c):
        try:
            held = dt.datetime.fromisoformat(request.POST.get("held_at", ""))
        except ValueError:
            raise ValidationFailed(
                "give the date and time of the hearing", code="bad_time"
            ) from None
        if timezone.is_naive(held):
            held = timezone.make_aware(held)
        svc.hearing_schedule(
            actor=request.user, consultation=c, held_at=held, place=request.POST.get("place", "")
        )
        return _("The hearing is scheduled. Publish its materials at least 7 days before.")

    return _managed_post(request, reference, do)


@login_required
@require_POST
def materials(request: HttpRequest, reference: str) -> HttpResponse:
    def do(c):
        hid = request.POST.get("hearing", "")
        h = selectors.hearing_get_managed(
            actor=request.user, hearing_id=int(hid) if hid.isdigit() else 0
        )
        if h.consultation_id != c.pk:
            raise NotFound("no such hearing")
        svc.hearing_publish_materials(
            actor=request.user,
            hearing=h,
            materials_en=request.POST.get("materials_en", ""),
            materials_zh=request.POST.get("materials_zh", ""),
        )
        return _("The hearing materials are published.")

    return _managed_post(request, reference, do)


@login_required
@require_POST
def hide_statement(request: HttpRequest, reference: str) -> HttpResponse:
    def do(c):
        from accord.participation import statements as st_svc

        sid = request.POST.get("statement", "")
        s = selectors.statement_get_managed(
            actor=request.user, statement_id=int(sid) if sid.isdigit() else 0
        )
        if s.consultation_id != c.pk:
            raise NotFound("no such statement")
        st_svc.statement_hide(
            actor=request.user, statement=s, reason=request.POST.get("reason", "")
        )
        return _("The statement is hidden.")

    return _managed_post(request, reference, do)
