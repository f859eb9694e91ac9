"""Staff pages of the resolution app: supervision board, a case's proceedings and dossier, a
proceeding with its clocks and actions, documents, metrics. Thin: parse, call one service or
selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accord.accounts.models import Role
from accord.accounts.permissions import is_case_staff, roles_of
from accord.core.errors import DomainError, NotFound
from accord.core.i18n import is_zh
from accord.core.pages import domain_errors
from accord.resolution import (
    deadlines,
    followups,
    mediation,
    present,
    proceedings,
    selectors,
    transitions,
)
from accord.resolution import dossier as dossier_mod
from accord.resolution import workflow as wf
from accord.resolution.models import StatuteRule

COLOUR_LABELS = {
    "green": gettext_lazy("On time"),
    "yellow": gettext_lazy("Due soon"),
    "red": gettext_lazy("Overdue"),
    "grey": gettext_lazy("Suspended"),
}
ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "refuse": gettext_lazy("Refuse"),
    "start": gettext_lazy("Start (mediation / hearing)"),
    "conclude": gettext_lazy("Conclude with an outcome"),
    "withdraw": gettext_lazy("Withdraw"),
    "suspend": gettext_lazy("Suspend the clock"),
    "resume": gettext_lazy("Resume the clock"),
    "extend": gettext_lazy("Extend (approved)"),
    "restart": gettext_lazy("Restart the clock"),
}
TIERS = ("city", "county", "township", "community")


def _tier_choices() -> list[tuple[str, str]]:
    from accord.cases.models import Tier

    return [(t, str(Tier(t).label)) for t in TIERS]


def _staff_only(request: HttpRequest) -> HttpResponse | None:
    if not is_case_staff(request.user):
        return render(request, "403.html", status=403)
    return None


def _back_to_case(request: HttpRequest, reference: str, **kwargs) -> str:
    return reverse("resolution:case", args=[reference])


def _back_to_proceeding(request: HttpRequest, number: str) -> str:
    return reverse("resolution:proceeding", args=[number])


def _as_text(request: HttpRequest, exc: DomainError, message: str, **kwargs) -> HttpResponse:
    return HttpResponse(message, status=exc.status, content_type="text/plain")


def _coloured(rows: list[dict]) -> list[dict]:
    for r in rows:
        r["colour_label"] = COLOUR_LABELS.get(r["colour"], r["colour"])
    return rows


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    tier = request.GET.get("tier") or None
    if tier not in (None, *TIERS):
        tier = None
    data = selectors.supervision_board(actor=request.user, tier=tier)
    _coloured(data["items"])
    steps = {
        r.code: (r.description_en, r.description_zh)
        for r in StatuteRule.objects.filter(code__in={i["rule"] for i in data["items"]})
    }
    for item in data["items"]:
        item["step"] = present._pick(steps.get(item["rule"], (item["step"],) * 2))
    for row in data["rows"]:
        row["channel_label"] = present._pick(
            wf.CHANNEL_NAMES.get(row["channel"], (row["channel"],) * 2)
        )
    return render(
        request,
        "resolution/board.html",
        {"board": data, "tier": tier, "tiers": _tier_choices(), "notices": _notices(request)},
    )


def _notices(request: HttpRequest) -> list[dict]:
    zh = is_zh()
    return [
        {"text": n.text_zh if zh else n.text_en, "on_date": n.on_date}
        for n in selectors.notifications_for(actor=request.user, unread=True)[:20]
    ]


@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        case = selectors.case_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    procs = selectors.proceeding_list_for(actor=request.user, case=reference)
    return render(
        request,
        "resolution/case.html",
        {
            "case": case,
            "proceedings": [present.proceeding_summary(p) for p in procs.order_by("created_at")],
            "checklist": selectors.dossier_checklist(case),
            "channels": [(c, present._pick(wf.CHANNEL_NAMES[c])) for c in wf.CHANNELS],
            "followups": [present.followup_dict(f) for f in case.follow_ups.all()],
        },
    )


@login_required
@require_POST
@domain_errors(back=_back_to_case)
def case_open(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    p = proceedings.proceeding_open(
        actor=request.user,
        case=case,
        data=proceedings.OpenInput(
            channel=request.POST.get("channel", ""),
            applied_on=_parse_date(request.POST.get("applied_on")),
            knew_on=_parse_date(request.POST.get("knew_on")),
        ),
    )
    return redirect("resolution:proceeding", number=p.number)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(_("Dates are written YYYY-MM-DD.")) from exc


@login_required
def proceeding_page(request: HttpRequest, number: str) -> HttpResponse:
    try:
        p = selectors.proceeding_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "404.html", status=404)
    detail = present.proceeding_detail(p, request.user)
    _coloured(detail["clocks"])
    actions = [(a, ACTION_LABELS[a]) for a in detail["allowed_actions"]]
    for e in detail["events"]:
        e["label"] = present.event_name(e["action"])
    outcomes = [
        (o, present._pick(wf.OUTCOME_NAMES[o])) for o in sorted(wf.CHANNEL_OUTCOMES[p.channel])
    ]
    return render(
        request,
        "resolution/proceeding.html",
        {
            "p": detail,
            "actions": actions,
            "outcomes": outcomes,
            "targets": [(c, present._pick(wf.CHANNEL_NAMES[c])) for c in detail["handoff_targets"]],
            "is_mediation": p.channel in wf.MEDIATION,
        },
    )


@login_required
@require_POST
@domain_errors(back=_back_to_proceeding)
def proceeding_act(request: HttpRequest, number: str) -> HttpResponse:
    try:
        p = selectors.proceeding_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "404.html", status=404)
    post = request.POST
    try:
        extension = int(post["extension"]) if post.get("extension") else None
        transitions.proceeding_transition(
            actor=request.user,
            proceeding=p,
            action=post.get("action", ""),
            on_date=_parse_date(post.get("on_date")),
            note=post.get("note", ""),
            outcome=post.get("outcome", ""),
            approved_by=post.get("approved_by", ""),
            extension=extension,
        )
    except ValueError:
        messages.error(request, _("The extension must be a whole number."))
    else:
        messages.success(request, _("Done."))
    return redirect("resolution:proceeding", number=number)


@login_required
def document_page(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        doc = selectors.document_get_for(actor=request.user, document_id=document_id)
    except NotFound:
        return render(request, "404.html", status=404)
    return render(request, "resolution/document.html", {"doc": doc})


@login_required
@domain_errors(render=_as_text)
def dossier_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    data = dossier_mod.pdf(case, actor=request.user)
    dossier_mod.dossier_export_audit(actor=request.user, case=case, fmt="pdf")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-dossier.pdf"'
    return response


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    # Case staff and analysts (figures only: metrics_for suppresses small cells for analysts).
    if not (is_case_staff(request.user) or Role.ANALYST in roles_of(request.user)):
        return render(request, "403.html", status=403)
    area = (request.GET.get("area") or "").strip()[:32] or None
    try:
        date_from = _parse_date(request.GET.get("from"))
        date_to = _parse_date(request.GET.get("to"))
        data = selectors.metrics_for(
            actor=request.user, area=area, date_from=date_from, date_to=date_to
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        data = selectors.metrics_for(actor=request.user)
    by_channel = [
        (present._pick(wf.CHANNEL_NAMES[c]), v["n"], v["median_days"])
        for c, v in data["median_days_by_channel"].items()
    ]
    return render(
        request, "resolution/metrics.html", {"m": data, "by_channel": by_channel, "area": area}
    )


def limitations_page(request: HttpRequest) -> HttpResponse:
    """Public: how long a resident has to apply to each formal channel (limitation periods),
    counted from the day they knew of the infringement."""
    from accord.cases.models import Category

    categories = [(c.code, c.name()) for c in Category.objects.filter(active=True)]
    code = request.GET.get("category") or ""
    rows, error = [], ""
    knew_raw = request.GET.get("knew_on") or ""
    if knew_raw:
        try:
            knew_on = dt.date.fromisoformat(knew_raw)
        except ValueError:
            error = _("Dates are written YYYY-MM-DD.")
        else:
            if knew_on > timezone.localdate():
                error = _("The date must not be in the future.")
            else:
                cat = Category.objects.filter(code=code).first()
                channels = wf.channels_of_category(cat.channels) if cat else list(wf.CHANNELS)
                zh = is_zh()
                for w in deadlines.limitation_warnings(channels=channels, knew_on=knew_on):
                    w["channel_name"] = present._pick(w["channel_name"])
                    w["basis"] = w["basis_zh"] if zh else w["basis_en"]
                    rows.append(w)
    return render(
        request,
        "resolution/limitations.html",
        {
            "categories": categories,
            "category": code,
            "knew_on": knew_raw,
            "rows": rows,
            "error": error,
        },
        status=422 if error else 200,
    )


def _post_view(request: HttpRequest, run, done_url: str) -> HttpResponse:
    """Run one service call from a posted form; report the outcome as a message (a
    DomainError is answered by the view's @domain_errors)."""
    try:
        run()
    except ValueError:
        messages.error(request, _("The input is not valid."))
    else:
        messages.success(request, _("Done."))
    return redirect(done_url)


@login_required
@require_POST
@domain_errors(back=_back_to_proceeding)
def proceeding_handoff(request: HttpRequest, number: str) -> HttpResponse:
    try:
        p = selectors.proceeding_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "404.html", status=404)
    post = request.POST
    result: dict = {}

    def run() -> None:
        result["p"] = proceedings.proceeding_handoff(
            actor=request.user,
            source=p,
            data=proceedings.OpenInput(
                channel=post.get("channel", ""), applied_on=_parse_date(post.get("applied_on"))
            ),
            note=post.get("note", ""),
        )

    response = _post_view(request, run, reverse("resolution:proceeding", args=[number]))
    if "p" in result:
        return redirect("resolution:proceeding", number=result["p"].number)
    return response


@login_required
@require_POST
@domain_errors(back=_back_to_proceeding)
def proceeding_session(request: HttpRequest, number: str) -> HttpResponse:
    try:
        p = selectors.proceeding_get_for(actor=request.user, number=number)
    except NotFound:
        return render(request, "404.html", status=404)
    post = request.POST

    def run() -> None:
        held = dt.datetime.fromisoformat(post.get("held_at", ""))
        if timezone.is_naive(held):
            held = timezone.make_aware(held)
        mediation.session_record(
            actor=request.user,
            proceeding=p,
            held_at=held,
            place=post.get("place", ""),
            online=post.get("online") == "on",
            attendees=[a.strip() for a in post.get("attendees", "").split(",") if a.strip()],
            record=post.get("record", ""),
        )

    return _post_view(request, run, reverse("resolution:proceeding", args=[number]))


@login_required
@require_POST
@domain_errors(back=_back_to_case)
def case_followup(request: HttpRequest, reference: str, followup_id: int) -> HttpResponse:
    try:
        f = selectors.followup_get_for(actor=request.user, followup_id=followup_id)
    except NotFound:
        return render(request, "404.html", status=404)
    post = request.POST

    def run() -> None:
        followups.followup_record(
            actor=request.user,
            followup=f,
            performed=post.get("performed") == "yes",
            satisfaction=int(post.get("satisfaction", "0")),
            remaining_risk=post.get("remaining_risk", "none"),
            note=post.get("note", ""),
            route=post.get("route", ""),
        )

    return _post_view(request, run, reverse("resolution:case", args=[reference]))


@login_required
@require_POST
@domain_errors(back=_back_to_case)
def case_archive(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    return _post_view(
        request,
        lambda: followups.case_archive(
            actor=request.user, case=case, note=request.POST.get("note", "")
        ),
        reverse("resolution:case", args=[reference]),
    )
