"""Server-rendered pages. Thin: parse the form, call one service or selector, render."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.models import User
from accord.accounts.permissions import is_case_staff
from accord.cases import (
    attachments,
    idempotency,
    present,
    resident,
    selectors,
    track_limits,
    transitions,
    workflow,
)
from accord.cases.models import Party, Status, Tier
from accord.core.errors import DomainError, NotFound, ValidationFailed
from accord.core.ipaddr import client_ip
from accord.web import labels
from accord.web import selectors as web_selectors
from accord.web.forms import (
    ActionForm,
    CaseFilterForm,
    CaseIntakeForm,
    TrackActionForm,
    TrackForm,
    UploadForm,
)

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_case_staff(request.user):
        return redirect("web:case_list")
    if request.user.is_authenticated and web_selectors.dashboard_roots(actor=request.user):
        return redirect("web:dashboard")
    return render(request, "web/home.html")


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Staff with ACCORD_REQUIRE_TOTP: the password alone does not log in; the code page
        # (or first-time authenticator set-up) does.
        from accord.accounts import twofactor

        user = form.get_user()
        if twofactor.required_for(user):
            twofactor.begin(self.request, user, self.get_success_url())
            if twofactor.confirmed_device(user) is None:
                return redirect("accounts:totp_enrol")
            return redirect("accounts:totp_verify")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def forbidden(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


QUEUES = ("unit", "mine")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not is_case_staff(request.user):
        return forbidden(request)
    queue = request.GET.get("queue") if request.GET.get("queue") in QUEUES else "unit"
    form = CaseFilterForm(request.GET or None)
    qs = selectors.case_list_for(actor=request.user, **form.selector_kwargs())
    if queue == "mine":
        qs = qs.filter(assignee=request.user)
    if form.open_only():
        qs = qs.exclude(status__in=workflow.FINISHED)
    # Most urgent first; cases without a deadline after those with one on every backend.
    qs = qs.order_by("urgency", F("deadline").asc(nulls_last=True), "-created_at")
    # The selector orders by supervision colour (red first) then deadline, in SQL.
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        row = present.case_summary(case)
        row["colour_label"] = labels.colour_label(row["colour"])
        rows.append(row)
    query = request.GET.copy()
    query.pop("page", None)
    filters = request.GET.copy()
    filters.pop("page", None)
    filters.pop("queue", None)
    staff = web_selectors.assignable_staff(actor=request.user)
    return render(
        request,
        "web/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "queue": queue,
            "queue_links": {q: "?" + urlencode({**filters.dict(), "queue": q}) for q in QUEUES},
            "staff": staff,
            "bulk": bool(staff),
        },
    )


@login_required
@require_POST
def case_bulk_assign(request: HttpRequest) -> HttpResponse:
    """Coordinators give the ticked cases to one staff member; each case is one transition
    (each succeeds or fails on its own, and the page says which)."""
    staff = dict(web_selectors.assignable_staff(actor=request.user))
    if not staff:
        return forbidden(request)
    back_query = QueryDict(request.POST.get("back", "")[:2000]).urlencode()
    back = reverse("web:case_list") + ("?" + back_query if back_query else "")
    assignee = request.POST.get("assignee", "")
    references = [r for r in request.POST.getlist("references") if r][: PAGE_SIZE * 2]
    if assignee not in staff or not references:
        messages.error(request, _("Tick at least one case and choose a staff member."))
        return redirect(back)
    done, failed = [], []
    for reference in references:
        try:
            case = selectors.case_get_for(actor=request.user, reference=reference)
            transitions.case_transition(
                actor=request.user, case=case, action="assign", assignee=assignee
            )
            done.append(reference)
        except DomainError as exc:
            failed.append(f"{reference}: {labels.domain_message(exc)}")
    if done:
        messages.success(
            request,
            _("Assigned %(count)s case(s) to %(name)s.") % {"count": len(done), "name": assignee},
        )
    for line in failed:
        messages.error(request, _("Not assigned: %(reason)s") % {"reason": line})
    return redirect(back)


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
    files = [
        {
            "id": a.pk,
            "name": a.original_name,
            "type": a.content_type,
            "size": a.size,
            "is_image": a.content_type.startswith("image/"),
            "created_at": a.created_at,
        }
        for a in attachments.attachment_list_for(actor=request.user, reference=case.reference)
    ]
    return {
        "case": detail,
        "events": events,
        "actions": actions,
        "unsaved_note": unsaved,
        "attachments": files,
        "upload_form": UploadForm(),
        "can_upload": case.status not in workflow.FINISHED,
    }


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
        transitions.case_transition(actor=request.user, case=case, **form.transition_kwargs())
    except DomainError as exc:
        context = _detail_context(request, case, posted)
        context["error"] = labels.domain_message(exc)
        context["error_action"] = posted["action"]
        return render(request, "web/case_detail.html", context, status=exc.status)
    messages.success(
        request, _("Done: %(action)s.") % {"action": labels.action_label(posted["action"])}
    )
    return redirect("web:case_detail", reference=case.reference)


@login_required
@require_POST
def case_upload(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        case = selectors.case_get_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, case)
        context["upload_form"] = form
        context["error"] = " ".join(str(e) for e in form.errors.get("evidence", []))
        return render(request, "web/case_detail.html", context, status=422)
    added = 0
    for checked in form.checked_files:
        try:
            attachments.attachment_add(actor=request.user, case=case, file=checked)
            added += 1
        except DomainError as exc:
            messages.error(request, labels.domain_message(exc))
            break
    if added:
        messages.success(request, _("%(count)s file(s) added.") % {"count": added})
    return redirect(reverse("web:case_detail", args=[case.reference]) + "#files-h")


@login_required
def attachment_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Evidence is served only to those who may see the case; never inline as active
    content (PDFs are downloaded, images shown with nosniff)."""
    try:
        attachment, path = attachments.attachment_open_for(
            actor=request.user, reference=reference, attachment_id=pk
        )
    except NotFound:
        return render(request, "404.html", status=404)
    inline = attachment.content_type.startswith("image/") and request.GET.get("inline") == "1"
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _tracking_url(request: HttpRequest, reference: str, secret: str) -> str:
    """A link that opens the tracking page filled in. The secret travels in the fragment,
    which browsers never send to the server, so it stays out of logs."""
    url = request.build_absolute_uri(reverse("web:track")) + "?" + urlencode({"ref": reference})
    return f"{url}#secret={secret}"


def qr_svg(data: str, title: str) -> str:
    return segno.make(data, error="m").svg_inline(
        scale=4, dark="#1d2430", light="#ffffff", title=title, svgclass="qr"
    )


@never_cache
@require_http_methods(["GET", "POST"])
def file_case(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("filing_token", "")[:64] if request.method == "POST" else ""
    if request.method == "POST":
        form = CaseIntakeForm(request.POST, request.FILES)
    else:
        form = CaseIntakeForm(initial={"category": request.GET.get("category", "")[:40]})
    if request.method == "POST" and form.is_valid():
        actor = request.user if request.user.is_authenticated else None

        def file():
            return attachments.case_create_with_attachments(
                actor=actor, data=form.case_input(), files=form.checked_files
            )

        try:
            if token:
                # The form's one-time token: sent twice (reload, double click), it files once.
                case, secret, _replayed = idempotency.filing_once(
                    scope="web", key=token, request_hash="web", file=file
                )
            else:
                case, secret = file()
        except DomainError as exc:
            form.add_error(None, labels.domain_message(exc))
            context = {"form": form, "filing_token": token or secrets.token_urlsafe(24)}
            return render(request, "web/file_case.html", context, status=exc.status)
        # Redirect after POST: reloading the receipt page asks for it again, files nothing.
        filed = request.session.get(SESSION_FILED, {})
        if case.reference not in filed or secret:
            filed[case.reference] = secret or ""
            request.session[SESSION_FILED] = dict(list(filed.items())[-20:])
        return redirect("web:file_receipt", reference=case.reference)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "filing_token": token or secrets.token_urlsafe(24)}
    return render(request, "web/file_case.html", context, status=status)


# The cases this browser session filed: reference -> its tracking secret until the receipt
# has shown it once, then "".
SESSION_FILED = "accord.filed"


@never_cache
@require_http_methods(["GET"])
def file_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt of a case this session filed. The tracking secret is shown on the first
    display only; afterwards the page says it was shown."""
    filed = request.session.get(SESSION_FILED, {})
    if reference not in filed:
        return render(request, "404.html", status=404)
    case = selectors.case_receipt(reference=reference)
    secret = filed[reference]
    if secret:
        filed[reference] = ""
        request.session[SESSION_FILED] = filed
    link = _tracking_url(request, case.reference, secret) if secret else ""
    context = {
        "track": _track_context(case),
        "routing": present.case_summary(case)["routing_explanation"],
        "secret": secret,
        "files": case.attachments.count(),
        "tracking_link": link,
        "qr": qr_svg(link, _("Tracking link for case %(ref)s") % {"ref": case.reference})
        if link
        else "",
    }
    return render(request, "web/file_done.html", context)


def _track_context(case) -> dict:
    """What the public tracking page shows: status, the next deadline, who handles it and
    the steps taken (no names of parties, no notes)."""
    track = present.track_dict(case)
    colour = selectors.colour_of(case)
    track["colour"] = colour
    track["colour_label"] = labels.colour_label(colour)
    track["tier_label"] = Tier(case.tier).label
    assignee = User.objects.filter(pk=case.assignee_id).first() if case.assignee_id else None
    track["assignee_name"] = str(assignee) if assignee else ""
    track["can_escalate"] = resident.can_escalate(case)
    track["can_rate"] = case.status in resident.RATEABLE
    track["satisfaction"] = case.satisfaction
    steps = []
    for e in case.events.order_by("created_at", "id"):
        steps.append(
            {
                "created_at": e.created_at,
                "action_label": labels.action_label(e.action),
                "status_label": Status(e.to_status).label,
                "by_party": e.actor_role == "applicant",
            }
        )
    track["timeline"] = steps
    return track


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = TrackForm(initial={"reference": request.GET.get("ref", "")[:24]})
        return render(request, "web/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "web/track.html", {"form": form}, status=422)
    reference = form.cleaned_data["reference"].strip().upper()
    secret = form.cleaned_data["secret"].strip()
    address = client_ip(request)
    limited = track_limits.blocked(reference, address)
    if limited is not None:
        message, wait = limited
        form.add_error(None, message)
        response = render(request, "web/track.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        case = selectors.case_track(reference=reference, secret=secret)
    except NotFound:
        track_limits.record_failure(reference, address)
        form.add_error(None, _("No case matches that reference and tracking secret."))
        return render(request, "web/track.html", {"form": form}, status=404)
    status, error, action_error = 200, "", ""
    if request.POST.get("do"):
        actor = request.user if request.user.is_authenticated else None
        status, error, action_error = _party_action(
            request,
            escalate=lambda note: resident.case_party_escalate(
                reference=reference, secret=secret, note=note, actor=actor
            ),
            rate=lambda satisfaction, comment: resident.case_party_rate(
                reference=reference,
                secret=secret,
                satisfaction=satisfaction,
                comment=comment,
                actor=actor,
            ),
        )
        case = selectors.case_track(reference=reference, secret=secret)
    context = {
        "track": _track_context(case),
        "secret": secret,
        "action_url": reverse("web:track"),
        "error": error,
        "action_error": action_error,
    }
    return render(request, "web/track_result.html", context, status=status)


def _party_action(request: HttpRequest, *, escalate, rate) -> tuple[int, str, str]:
    """Run the escalation or rating a party posted; (status, error message, failed action)."""
    action = TrackActionForm(request.POST)
    try:
        if not action.is_valid():
            raise ValidationFailed("invalid", code="invalid")
        data = action.cleaned_data
        if data["do"] == "escalate":
            case = escalate(data["note"])
            messages.success(
                request,
                _("Your request has been recorded: the case now goes to %(tier)s.")
                % {"tier": Tier(case.tier).label},
            )
        else:
            if data["satisfaction"] is None:
                raise ValidationFailed("satisfaction", code="satisfaction")
            rate(data["satisfaction"], data["note"])
            messages.success(request, _("Thank you. Your rating has been recorded."))
    except DomainError as exc:
        error = (
            _("Please choose a rating from 1 to 5.")
            if exc.code == "satisfaction"
            else labels.domain_message(exc)
        )
        return exc.status, error, request.POST.get("do", "")
    return 200, "", ""


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The cases a signed-in resident filed (residents need no account; this is for those
    who have one)."""
    qs = selectors.case_list_for(actor=request.user).filter(filed_by=request.user)
    page = Paginator(qs.order_by("-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        row = present.case_summary(case)
        row["colour_label"] = labels.colour_label(row["colour"])
        rows.append(row)
    return render(request, "web/my_cases.html", {"page": page, "rows": rows})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, reference: str) -> HttpResponse:
    """A case the signed-in resident filed: the tracking view, with escalation and rating."""
    try:
        case = selectors.case_get_for(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    if case.filed_by_id != request.user.pk:
        return render(request, "404.html", status=404)
    status, error, action_error = 200, "", ""
    if request.method == "POST":
        status, error, action_error = _party_action(
            request,
            escalate=lambda note: resident.case_filer_escalate(
                actor=request.user, reference=reference, note=note
            ),
            rate=lambda satisfaction, comment: resident.case_filer_rate(
                actor=request.user, reference=reference, satisfaction=satisfaction, comment=comment
            ),
        )
        if status == 200:
            return redirect("web:my_case", reference=reference)
        case = selectors.case_get_for(actor=request.user, reference=reference)
    context = {
        "track": _track_context(case),
        "action_url": reverse("web:my_case", args=[reference]),
        "error": error,
        "action_error": action_error,
    }
    return render(request, "web/track_result.html", context, status=status)
