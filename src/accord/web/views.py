"""Server-rendered pages. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.permissions import is_case_staff
from accord.cases import present, selectors, services
from accord.cases.models import Party, Status, Tier
from accord.core.errors import DomainError, NotFound
from accord.web import labels
from accord.web.forms import ActionForm, CaseFilterForm, CaseIntakeForm, TrackForm

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_case_staff(request.user):
        return redirect("web:case_list")
    return render(request, "web/home.html")


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not is_case_staff(request.user):
        return forbidden(request)
    form = CaseFilterForm(request.GET or None)
    qs = selectors.case_list_for(actor=request.user, **form.selector_kwargs())
    # The selector orders by supervision colour (red first) then deadline, in SQL.
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        row = present.case_summary(case)
        row["colour_label"] = labels.colour_label(row["colour"])
        rows.append(row)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/case_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _tier_change(data: dict) -> str:
    change = data.get("tier") if isinstance(data, dict) else None
    if not isinstance(change, dict) or change.get("from") not in Tier.values:
        return ""
    if change.get("to") not in Tier.values:
        return ""
    return f"{Tier(change['from']).label} → {Tier(change['to']).label}"


def _detail_context(request: HttpRequest, case, posted: dict | None = None) -> dict:
    detail = present.case_detail(case, request.user)
    detail["colour_label"] = labels.colour_label(detail["colour"])
    detail["tier_label"] = Tier(detail["tier"]).label
    for party in detail["parties"]:
        party["role_label"] = Party.Role(party["role"]).label
        party["kind_label"] = Party.Kind(party["kind"]).label
    events = [
        {
            **present.event_dict(e),
            "action_label": labels.action_label(e.action),
            "to_status_label": Status(e.to_status).label,
            "tier_change": _tier_change(e.data),
        }
        for e in selectors.case_events_for(actor=request.user, reference=case.reference)
    ]
    posted = posted or {}
    actions = [
        {
            "action": a,
            "label": labels.action_label(a),
            "help": labels.ACTION_HELP.get(a, ""),
            "note_required": labels.note_required(a),
            "caution": a in labels.CAUTION_ACTIONS,
            "values": posted if posted.get("action") == a else {},
        }
        for a in detail["allowed_actions"]
    ]
    shown = {a["action"] for a in actions}
    unsaved = posted.get("note", "") if posted.get("action") not in shown else ""
    return {"case": detail, "events": events, "actions": actions, "unsaved_note": unsaved}


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_get_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    return render(request, "web/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_get_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    form = ActionForm(request.POST)
    posted = {k: request.POST.get(k, "") for k in form.fields}
    if not form.is_valid():
        context = _detail_context(request, case, posted)
        context["error"] = _("The input is not valid.")
        return render(request, "web/case_detail.html", context, status=422)
    try:
        services.case_transition(actor=request.user, case=case, **form.transition_kwargs())
    except DomainError as exc:
        context = _detail_context(request, case, posted)
        context["error"] = labels.domain_message(exc)
        context["error_action"] = posted["action"]
        return render(request, "web/case_detail.html", context, status=exc.status)
    messages.success(
        request, _("Done: %(action)s.") % {"action": labels.action_label(posted["action"])}
    )
    return redirect("web:case_detail", reference=case.reference)


@never_cache
@require_http_methods(["GET", "POST"])
def file_case(request: HttpRequest) -> HttpResponse:
    form = CaseIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        try:
            case, secret = services.case_create(actor=actor, data=form.case_input())
        except DomainError as exc:
            form.add_error(None, labels.domain_message(exc))
            return render(request, "web/file_case.html", {"form": form}, status=exc.status)
        context = {
            "track": present.track_dict(case),
            "routing": present.case_summary(case)["routing_explanation"],
            "secret": secret,
        }
        return render(request, "web/file_done.html", context)
    status = 422 if request.method == "POST" else 200
    return render(request, "web/file_case.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = selectors.case_track(
                reference=form.cleaned_data["reference"].strip(),
                secret=form.cleaned_data["secret"].strip(),
            )
        except NotFound:
            form.add_error(None, _("No case matches that reference and tracking secret."))
            return render(request, "web/track.html", {"form": form}, status=404)
        return render(request, "web/track_result.html", {"track": present.track_dict(case)})
    status = 422 if request.method == "POST" else 200
    return render(request, "web/track.html", {"form": form}, status=status)
