"""Pages of the wellbeing part. Thin: parse the form, call one service or selector, render.

Public (no login): "Help now", the "I am in danger" button, a counselling request, the
PHQ-9 / GAD-7 self-screening and consent withdrawal. Counsellors: the alert board with the
unit's queue, and a request's page (appointment, session notes, referral)."""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accord.accounts.apiauth import optional_user
from accord.core.errors import DomainError
from accord.core.models import Area
from accord.wellbeing import counselling, crisis, instruments, present, screening, selectors
from accord.wellbeing.access import is_counsellor, may_read_notes, request_capabilities
from accord.wellbeing.models import Mode, ReferralTo
from accord.wellbeing.scoring import GAD7, ITEMS, PHQ9
from accord.wellbeing.workflow import REQUEST


def _areas() -> list[tuple[str, str]]:
    zh = present.zh()
    qs = Area.objects.filter(level__in=("township", "community")).order_by("path")
    return [("", _("— choose your area —"))] + [
        (a.code, ("\u2003" if a.level == "community" else "") + a.name("zh" if zh else "en"))
        for a in qs
    ]


class RequestForm(forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("Your area"))
    mode = forms.ChoiceField(label=gettext_lazy("How would you like to talk?"),
                             choices=Mode.choices, widget=forms.RadioSelect, initial="phone")  # fmt: skip
    contact = forms.CharField(label=gettext_lazy("Phone number or other contact"), max_length=200)
    name = forms.CharField(label=gettext_lazy("What should we call you?"), max_length=200,
                           required=False)  # fmt: skip
    message = forms.CharField(label=gettext_lazy("Anything you would like the counsellor to know"),
                              max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _areas()


def _picked_area(code: str) -> Area | None:
    return Area.objects.filter(code=code).first() if code else None


def help_page(request: HttpRequest, form: RequestForm | None = None, status: int = 200):
    area = _picked_area(request.GET.get("area", "") or request.POST.get("area", ""))
    units = selectors.units_for_area(area)
    rows = [present.unit(u) for u in units]
    context = {
        **present.numbers(), "area": area, "areas": _areas()[1:], "units": rows,
        "open_units": [u for u in rows if u["open_now"]],
        "closed_units": [u for u in rows if not u["open_now"]],
        "form": form or RequestForm(initial={"area": area.code if area else ""}),
        "key": secrets.token_hex(16),
    }  # fmt: skip
    return render(request, "wellbeing/help.html", context, status=status)


@require_POST
def danger(request: HttpRequest) -> HttpResponse:
    """'I am in danger': show the numbers first, whatever else happens; raise the alert."""
    key = "".join(c for c in request.POST.get("key", "") if c.isalnum())[:64]
    contact = request.POST.get("contact", "").strip()[:200]
    alert, failed = None, False
    try:
        alert = screening.danger_raise(
            actor=optional_user(request), area=_picked_area(request.POST.get("area", "")),
            contact=contact, submission_key=key,
        )  # fmt: skip
    except DomainError:
        failed = True
    return render(request, "wellbeing/danger.html",
                  {**present.numbers(), "alert": alert, "failed": failed})  # fmt: skip


@require_POST
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if not form.is_valid():
        return help_page(request, form, status=422)
    d = form.cleaned_data
    try:
        req = counselling.request_create(
            actor=optional_user(request), area=Area.objects.get(code=d["area"]), mode=d["mode"],
            contact=d["contact"], name=d["name"], message=d["message"],
            language="zh" if present.zh() else "en",
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, exc.detail if exc.code != "no_unit" else _(
            "No counselling unit serves this area in that way yet. Please call the hotline, "
            "or choose another way to talk."))  # fmt: skip
        return help_page(request, form, status=422)
    return render(request, "wellbeing/request_sent.html",
                  {**present.numbers(), "req": req, "unit": present.unit(req.unit)})  # fmt: skip


def _questions(instrument: str, data=None) -> list[dict]:
    t = instruments.text(instrument, present.zh())
    out = []
    for i, q in enumerate(t["items"]):
        value = (data or {}).get(f"q{i + 1}")
        out.append({"n": i + 1, "text": q, "name": f"q{i + 1}", "value": value,
                    "options": list(enumerate(t["options"]))})  # fmt: skip
    return out


def screening_page(request: HttpRequest, instrument: str) -> HttpResponse:
    if instrument not in ITEMS:
        raise Http404
    t = instruments.text(instrument, present.zh())
    ctx = {
        **present.numbers(), "instrument": instrument, "t": t, "areas": _areas()[1:],
        "difficulty_options": list(enumerate(t["difficulty_options"])), "errors": [],
        "key": secrets.token_hex(16), "post": {},
    }  # fmt: skip
    if request.method != "POST":
        ctx["questions"] = _questions(instrument)
        return render(request, "wellbeing/screening.html", ctx)
    post = request.POST
    answers = []
    for i in range(ITEMS[instrument]):
        v = post.get(f"q{i + 1}", "")
        answers.append(int(v) if v in ("0", "1", "2", "3") else None)
    if None in answers:
        ctx.update(questions=_questions(instrument, post), post=post,
                   errors=[_("Please answer every question (choose one answer in each row).")])  # fmt: skip
        return render(request, "wellbeing/screening.html", ctx, status=422)
    diff = post.get("difficulty", "")
    consent = post.get("consent") == "yes"
    try:
        s = screening.screening_submit(
            actor=optional_user(request), instrument=instrument, answers=answers,
            difficulty=int(diff) if diff in ("0", "1", "2", "3") else None,
            area=_picked_area(post.get("area", "")), consent=consent,
            consent_by="guardian" if post.get("consent_by") == "guardian" else "self",
            contact=post.get("contact", "").strip()[:200],
            submission_key="".join(c for c in post.get("key", "") if c.isalnum())[:64],
        )  # fmt: skip
    except DomainError as exc:
        ctx.update(questions=_questions(instrument, post), post=post, errors=[exc.detail])
        return render(request, "wellbeing/screening.html", ctx, status=422)
    area = _picked_area(post.get("area", ""))
    return render(request, "wellbeing/result.html", {
        **present.numbers(), "s": s, "r": s.result, "t": t,
        "band_label": present.band_label(s.result.band), "not_a_diagnosis": present.not_a_diagnosis(),
        "max": 3 * ITEMS[instrument], "area": area, "form": RequestForm(initial={"area": area.code if area else ""}),
        "key": secrets.token_hex(16), "other": GAD7 if instrument == PHQ9 else PHQ9,
    })  # fmt: skip


def withdraw(request: HttpRequest) -> HttpResponse:
    done = None
    error = ""
    if request.method == "POST":
        try:
            done = screening.screening_withdraw(
                actor=None, code=request.POST.get("code", "").strip()[:32]
            )
        except DomainError:
            error = _("No stored screening matches this code.")
    return render(request, "wellbeing/withdraw.html", {"done": done, "error": error},
                  status=404 if error else 200)  # fmt: skip


def _counsellor_or_403(request: HttpRequest) -> HttpResponse | None:
    if not is_counsellor(request.user):
        return render(request, "403.html", status=403)
    return None


@login_required
def board(request: HttpRequest) -> HttpResponse:
    refused = _counsellor_or_403(request)
    if refused:
        return refused
    actor = request.user
    alerts = list(selectors.alert_list_for(actor=actor)[:100])
    queue = list(selectors.request_queue_for(actor=actor)[:100])
    selectors.record_alert_list_view(actor=actor, shown=alerts)
    selectors.record_queue_view(actor=actor, shown=queue)
    rows = []
    for a in alerts:
        d = present.alert(a, actor)
        d["action_labels"] = [(x, present.action_label(x)) for x in d["actions"]]
        d["called_me"] = a.steps.filter(notified=actor).exists()
        rows.append(d)
    return render(request, "wellbeing/board.html", {
        "alerts": rows, "queue": [present.request(r) for r in queue], **present.numbers(),
    })  # fmt: skip


@login_required
@require_POST
def alert_act(request: HttpRequest, reference: str) -> HttpResponse:
    refused = _counsellor_or_403(request)
    if refused:
        return refused
    action = request.POST.get("action", "")
    try:
        crisis.alert_transition(actor=request.user, reference=reference, action=action,
                                note=request.POST.get("note", "")[:2000])  # fmt: skip
        messages.success(request, _("Done: %(action)s.") % {"action": present.action_label(action)})
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, {
            "alert_state": _("This is no longer possible: someone else may have acted already."),
            "alert_guard": _("Please write a short note of what was done."),
        }.get(exc.code, exc.detail))  # fmt: skip
    return redirect("wellbeing:board")


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    refused = _counsellor_or_403(request)
    if refused:
        return refused
    try:
        req = selectors.request_get_for(actor=request.user, reference=reference)
    except DomainError as exc:
        raise Http404 from exc
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "note":
                counselling.note_add(actor=request.user, reference=reference,
                                     text=request.POST.get("text", ""))  # fmt: skip
            elif what == "referral":
                counselling.referral_add(
                    actor=request.user, reference=reference,
                    to_kind=request.POST.get("to_kind", ""),
                    to_name=request.POST.get("to_name", "")[:200],
                )  # fmt: skip
            else:
                at = request.POST.get("appointment_at", "")
                when = None
                if at:
                    parsed = dt.datetime.fromisoformat(at)
                    when = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
                counselling.request_transition(
                    actor=request.user, reference=reference, action=request.POST.get("action", ""),
                    counsellor=request.POST.get("counsellor", ""), appointment_at=when,
                )  # fmt: skip
            messages.success(request, _("Saved."))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "detail", _("Please check the date and time.")))
        return redirect("wellbeing:request_detail", reference=reference)
    caps = request_capabilities(request.user, req)
    zh = present.zh()
    return render(request, "wellbeing/request_detail.html", {
        "req": present.request(req), "mode_label": Mode(req.mode).label,
        "message": req.message,
        "notes": selectors.notes_for(actor=request.user, req=req),
        "may_write": may_read_notes(request.user, req),
        "actions": [(a, REQUEST.by_action[a].label(zh)) for a in REQUEST.allowed(req.status, caps)],
        "counsellors": [c.user for c in req.unit.counsellors.select_related("user")],
        "referral_kinds": ReferralTo.choices,
        "referrals": list(req.referrals.order_by("created_at")),
    })  # fmt: skip
