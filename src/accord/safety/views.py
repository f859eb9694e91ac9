"""Pages of the safety part: report a hazard and track it (anyone), the hazard board, a
hazard with the actions open now and the five implementations, listed supervision, the
registry. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.models import STAFF_ROLES
from accord.accounts.permissions import roles_of
from accord.core.audit import access_record
from accord.core.errors import DomainError, NotFound
from accord.safety import access, hazards, inspections, photos, present, selectors, workflow
from accord.safety.forms import ActionForm, BoardFilterForm, FiveForm, ReportForm, TrackForm
from accord.safety.models import Checklist, Photo

PAGE_SIZE = 50
COLOUR_LABELS = {
    "green": gettext_lazy("On time"),
    "yellow": gettext_lazy("Due soon"),
    "red": gettext_lazy("Overdue"),
    "grey": gettext_lazy("No deadline yet"),
}


def message_of(exc: DomainError) -> str:
    """The refusal in the reader's language (services word them with gettext_noop)."""
    return _(exc.detail)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def _photo(request: HttpRequest, field: str = "photo"):
    upload = request.FILES.get(field)
    if upload is None:
        return None
    return photos.clean_photo(upload, upload.size)


# --- report and track (anyone) -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    staff = request.user.is_authenticated and bool(roles_of(request.user) & set(STAFF_ROLES))
    form = ReportForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        actor = request.user if request.user.is_authenticated else None
        try:
            photo = _photo(request)
            hazard, secret = hazards.hazard_report(
                actor=actor,
                data=hazards.HazardInput(description=d["description"], sector=d["sector"],
                                         area=d["area"], address=d["address"],
                                         source=d.get("source") or ""),
                photo_list=(photo,) if photo else (),
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, message_of(exc))
            return render(request, "safety/report.html", {"form": form}, status=exc.status)
        link = (
            request.build_absolute_uri(reverse("safety:track"))
            + "?"
            + urlencode({"ref": hazard.reference})
            + f"#secret={secret}"
        )
        qr = segno.make(link, error="m").svg_inline(
            scale=4, dark="#1d2430", light="#ffffff", svgclass="qr",
            title=_("Tracking link for hazard %(ref)s") % {"ref": hazard.reference},
        )  # fmt: skip
        context = {"track": present.track_dict(hazard), "secret": secret, "qr": qr,
                   "routing": present.hazard_detail(hazard, None)["routing"]}  # fmt: skip
        return render(request, "safety/report_done.html", context, status=201)
    status = 422 if request.method == "POST" else 200
    return render(request, "safety/report.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = TrackForm(initial={"reference": request.GET.get("ref", "")[:24]})
        return render(request, "safety/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "safety/track.html", {"form": form}, status=422)
    try:
        hazard = selectors.hazard_track(reference=form.cleaned_data["reference"].strip().upper(),
                                        secret=form.cleaned_data["secret"].strip())  # fmt: skip
    except NotFound:
        form.add_error(None, _("No hazard matches that reference and tracking secret."))
        return render(request, "safety/track.html", {"form": form}, status=404)
    t = present.track_dict(hazard)
    t["colour_label"] = COLOUR_LABELS[t["colour"]]
    return render(request, "safety/track_result.html", {"track": t})


# --- staff ----------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    if not access.is_safety_staff(request.user):
        return _forbidden(request)
    form = BoardFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    qs = selectors.hazard_list_for(actor=request.user, status=d.get("status", ""),
                                   grade=d.get("grade", ""), sector=d.get("sector", ""),
                                   open_only=request.GET.get("all") != "1")  # fmt: skip
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for h in page.object_list:
        row = present.hazard_summary(h)
        row["colour_label"] = COLOUR_LABELS[row["colour"]]
        rows.append(row)
    access_record(actor=request.user, action="hazard.list", object_type="hazard",
                  data={"shown": [r["reference"] for r in rows], "count": page.paginator.count})  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "safety/board.html",
                  {"form": form, "page": page, "rows": rows, "query": query.urlencode()})  # fmt: skip


def _detail_context(request: HttpRequest, hazard, error: str = "", error_action: str = "",
                    five_form: FiveForm | None = None) -> dict:  # fmt: skip
    detail = present.hazard_detail(hazard, request.user)
    detail["colour_label"] = COLOUR_LABELS[detail["colour"]]
    zh = (request.LANGUAGE_CODE or "").startswith("zh")
    actions = [
        {"action": a, "label": workflow.label(a, zh), "note": a in workflow.NOTE_ACTIONS,
         "photo": a in workflow.PHOTO_ACTIONS}
        for a in detail["allowed_actions"]
    ]  # fmt: skip
    criteria = [
        {"code": code, "grade": g, "label": workflow.criterion_label(code, zh)}
        for code, (g, _en, _zh) in workflow.CRITERIA.items()
    ]
    five = detail["five"]
    if five_form is None and five is not None:
        five_form = FiveForm(initial=five)
    show_five = (
        detail["is_inspector"] and detail["grade"] == workflow.MAJOR
        and hazard.status in hazards.FIVE_EDITABLE
    )  # fmt: skip
    return {
        "h": detail, "actions": actions, "criteria": criteria, "error": error,
        "error_action": error_action, "five_form": five_form, "show_five": show_five,
        "events": present.event_dicts(hazard, staff=detail["is_inspector"]),
        "default_days": hazards.settings.ACCORD_SAFETY_RECTIFY_DAYS,
    }  # fmt: skip


@login_required
def hazard_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        hazard = selectors.hazard_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    return render(request, "safety/hazard.html", _detail_context(request, hazard))


@login_required
@require_POST
def hazard_act(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        hazard = selectors.hazard_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _detail_context(request, hazard, _("Please check the values you entered."),
                                  request.POST.get("action", ""))  # fmt: skip
        return render(request, "safety/hazard.html", context, status=422)
    d = form.cleaned_data
    try:
        photo = _photo(request)
        hazards.hazard_transition(
            actor=request.user, hazard=hazard, action=d["action"], note=d["note"],
            grade=d["grade"], criterion=d["criterion"], days=d["days"],
            new_deadline=d["new_deadline"], photo=photo,
        )  # fmt: skip
    except DomainError as exc:
        if exc.status == 403:
            return _forbidden(request)
        context = _detail_context(request, hazard, message_of(exc), d["action"])
        return render(request, "safety/hazard.html", context, status=exc.status)
    zh = (request.LANGUAGE_CODE or "").startswith("zh")
    messages.success(request, _("Done: %(action)s.") % {"action": workflow.label(d["action"], zh)})
    return redirect("safety:hazard", reference=reference)


@login_required
@require_POST
def hazard_five(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        hazard = selectors.hazard_get_for(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    if workflow.INSPECTOR not in access.hazard_capabilities(request.user, hazard):
        return _forbidden(request)
    form = FiveForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, hazard, _("Please check the values you entered."),
                                  "five", five_form=form)  # fmt: skip
        return render(request, "safety/hazard.html", context, status=422)
    try:
        hazards.hazard_five_record(actor=request.user, hazard=hazard, **form.cleaned_data)
    except DomainError as exc:
        context = _detail_context(request, hazard, message_of(exc), "five", five_form=form)
        return render(request, "safety/hazard.html", context, status=exc.status)
    messages.success(request, _("The five implementations were saved."))
    return redirect("safety:hazard", reference=reference)


@login_required
def photo(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """A hazard's photo, for those who may see the hazard (the read is recorded)."""
    try:
        hazard = selectors.hazard_get_for(actor=request.user, reference=reference,
                                          purpose="hazard.photo")  # fmt: skip
    except NotFound:
        return _not_found(request)
    row = Photo.objects.filter(hazard=hazard, pk=pk).first()
    path = photos.path_of(row.stored_name) if row else None
    if path is None:
        return _not_found(request)
    response = FileResponse(open(path, "rb"), content_type="image/jpeg")  # noqa: SIM115
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """Major hazards under listed supervision (挂牌督办)."""
    if not access.is_safety_staff(request.user):
        return _forbidden(request)
    rows = []
    for listing in selectors.listing_list_for(actor=request.user)[:500]:
        row = {**present.hazard_summary(listing.hazard), **present.listing_dict(listing)}
        row["colour_label"] = COLOUR_LABELS[row["colour"]]
        rows.append(row)
    return render(request, "safety/supervision.html", {"rows": rows})


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    if not access.is_safety_staff(request.user):
        return _forbidden(request)
    qs = selectors.place_list_for(actor=request.user, sector=request.GET.get("sector", "")[:40])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [present.place_dict(p, with_people=False) for p in page.object_list]
    return render(request, "safety/places.html", {"page": page, "rows": rows})


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        place = selectors.place_get_for(actor=request.user, place_id=pk)
    except NotFound:
        return _not_found(request)
    hazards_here = [present.hazard_summary(h) for h in
                    selectors.hazard_list_for(actor=request.user).filter(place=place)[:50]]  # fmt: skip
    for row in hazards_here:
        row["colour_label"] = COLOUR_LABELS[row["colour"]]
    history = [present.inspection_dict(i) for i in
               selectors.inspection_list_for(actor=request.user, place=place.pk)[:50]]  # fmt: skip
    return render(request, "safety/place.html",
                  {"p": present.place_dict(place, with_people=True), "hazards": hazards_here,
                   "inspections": history})  # fmt: skip


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def place_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """Inspect a place: choose a checklist, tick each item ok or finding (with a note)."""
    if not access.is_safety_staff(request.user):
        return _forbidden(request)
    try:
        place = selectors.place_get_for(actor=request.user, place_id=pk)
    except NotFound:
        return _not_found(request)
    lists = list(Checklist.objects.filter(active=True).select_related("sector"))
    # The place's sector's checklists first, then the fire check (it fits every place).
    lists.sort(key=lambda c: (c.sector_id != place.sector_id, c.code != "fire-basic", c.code))
    code = request.POST.get("checklist") or request.GET.get("checklist") or ""
    chosen = next((c for c in lists if c.code == code), lists[0] if lists else None)
    error, status = "", 200
    if request.method == "POST" and chosen is not None:
        results = {
            item["code"]: {"result": request.POST.get(f"r_{item['code']}", ""),
                           "note": request.POST.get(f"n_{item['code']}", "")[:3700]}
            for item in chosen.items
        }  # fmt: skip
        try:
            done = inspections.inspection_record(
                actor=request.user,
                data=inspections.InspectionInput(place=place.pk, checklist=chosen.code,
                                                 results=results),
            )  # fmt: skip
        except DomainError as exc:
            error, status = message_of(exc), exc.status
        else:
            messages.success(request, _("Inspection recorded: %(n)d finding(s) filed as hazards.")
                             % {"n": done.findings})  # fmt: skip
            return redirect("safety:place", pk=place.pk)
    items = []
    if chosen is not None:
        for item in chosen.items:
            items.append({"code": item["code"], "text": chosen.item_text(item),
                          "result": request.POST.get(f"r_{item['code']}", ""),
                          "note": request.POST.get(f"n_{item['code']}", "")})  # fmt: skip
    context = {"p": present.place_dict(place, with_people=False), "place_id": place.pk,
               "checklists": lists, "chosen": chosen, "items": items, "error": error}  # fmt: skip
    return render(request, "safety/inspect.html", context, status=status)
