"""Pages of the suggestions box: residents send a suggestion, co-sign others' and look up the
answer by reference; staff answer (point by point above the co-signature threshold)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.core.errors import DomainError, NotFound
from accord.core.models import Area
from accord.participation import present, pseudonyms, selectors
from accord.participation import suggestions as svc
from accord.participation.messages import message_for
from accord.participation.views import _staff_only


def _areas() -> list[tuple[str, str]]:
    zh = present.is_zh()
    return [
        (a.code, a.name_zh if zh else a.name_en)
        for a in Area.objects.filter(level__in=["township", "community"]).order_by("path")[:500]
    ]


def suggestions(request: HttpRequest) -> HttpResponse:
    posted = {"area": "", "title": "", "text": ""}
    error = ""
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in posted}
        try:
            s = svc.suggestion_create(actor=request.user, **posted)
        except DomainError as exc:
            error = message_for(exc)
        else:
            messages.success(
                request,
                _("Your suggestion is registered as %(ref)s. Keep the reference to see the answer.")
                % {"ref": s.reference},
            )
            return redirect("participation:suggestion", reference=s.reference)
    ref = request.GET.get("reference", "").strip()
    if ref:
        return redirect("participation:suggestion", reference=ref[:24])
    rows = [present.suggestion_dict(s) for s in selectors.suggestion_list_public(limit=30)]
    return render(
        request,
        "participation/suggestions.html",
        {"rows": rows, "areas": _areas(), "posted": posted, "error": error},
        status=422 if error else 200,
    )


def suggestion_page(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        s = selectors.suggestion_get_public(reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    return render(request, "participation/suggestion.html", {"s": present.suggestion_dict(s)})


@require_POST
def suggestion_cosign(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        s = selectors.suggestion_get_public(reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    try:
        svc.suggestion_cosign(
            suggestion=s, pseudonym=pseudonyms.for_request(f"suggestion:{s.pk}", request)
        )
    except DomainError as exc:
        messages.error(request, message_for(exc))
    else:
        messages.success(request, _("Thank you: your co-signature is counted."))
    return redirect("participation:suggestion", reference=s.reference)


@login_required
def suggestions_staff(request: HttpRequest) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    rows = [
        present.suggestion_dict(s)
        for s in selectors.suggestion_list_managed(actor=request.user)[:200]
    ]
    return render(request, "participation/suggestions_staff.html", {"rows": rows})


@login_required
def suggestion_answer(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        s = selectors.suggestion_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return render(request, "404.html", status=404)
    error = ""
    posted = {"answer": "", "points": ""}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in posted}
        try:
            svc.suggestion_answer(
                actor=request.user,
                suggestion=s,
                answer=posted["answer"],
                points=posted["points"].splitlines(),
            )
        except DomainError as exc:
            error = message_for(exc)
        else:
            messages.success(request, _("The answer is published."))
            return redirect("participation:suggestions_staff")
    return render(
        request,
        "participation/suggestion_answer.html",
        {"s": present.suggestion_dict(s), "posted": posted, "error": error},
        status=422 if error else 200,
    )
