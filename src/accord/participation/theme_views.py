"""Staff pages for suggested themes: the consultation's comments are grouped by
accord.analytics.topics (decrypted server-side, for the staff of the area only; the read is
an access event), staff name a group and the name becomes the theme of its comments that have
none yet. Only the theme names and counts reach the public ("you said, we did")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.analytics.topics import suggest_themes
from accord.core.errors import DomainError, NotFound
from accord.participation import comments as comment_svc
from accord.participation import present, selectors
from accord.participation import workflow as wf
from accord.participation.messages import message_for
from accord.participation.views import _not_found, _staff_only

EXAMPLES = 3  # example comments shown per group (staff only)
EXAMPLE_CHARS = 200


def _groups(comments) -> tuple[list[dict], int]:
    """The suggested groups of the visible comments, largest first, and how many comments
    were too short to group."""
    visible = [m for m in comments if not m.hidden_reason]
    result = suggest_themes([m.text for m in visible], seed=0)
    groups: list[dict] = []
    for t in result.themes:
        members = [m for m, lab in zip(visible, result.labels, strict=True) if lab == t.index]
        groups.append(
            {
                "index": t.index,
                "language": t.language,
                "terms": t.terms,
                "size": t.size,
                "ids": [m.pk for m in members],
                "unthemed": sum(1 for m in members if not m.theme),
                "themes": sorted({m.theme for m in members if m.theme}),
                "examples": [m.text[:EXAMPLE_CHARS] for m in members[:EXAMPLES]],
            }
        )
    groups.sort(key=lambda g: (-g["size"], g["index"]))
    return groups, sum(1 for lab in result.labels if lab < 0)


def _page(request: HttpRequest, c, *, error: str = "", status: int = 200) -> HttpResponse:
    comments = selectors.comments_for_staff(actor=request.user, consultation=c)
    groups, short = _groups(comments)
    return render(
        request,
        "participation/themes.html",
        {
            "c": present.consultation_detail(c, request.user),
            "groups": groups,
            "short": short,
            "can_answer": c.status in (wf.OPEN, wf.CLOSED),
            "error": error,
        },
        status=status,
    )


@login_required
def themes_suggest(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        c = selectors.consultation_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    return _page(request, c)


@login_required
@require_POST
def theme_apply(request: HttpRequest, reference: str) -> HttpResponse:
    if (refused := _staff_only(request)) is not None:
        return refused
    try:
        c = selectors.consultation_get_managed(actor=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    ids = [int(v) for v in request.POST.getlist("comment") if v.isdigit()]
    try:
        n = comment_svc.comment_theme_set(
            actor=request.user, consultation=c, comment_ids=ids, theme=request.POST.get("theme", "")
        )
    except DomainError as exc:
        if exc.status == 404:
            return _not_found(request)
        return _page(request, c, error=message_for(exc), status=exc.status)
    messages.success(
        request,
        _("The theme %(theme)s is given to %(n)d comment(s) that had none.")
        % {"theme": request.POST.get("theme", "").strip(), "n": n},
    )
    return redirect("participation:themes", reference=c.reference)
