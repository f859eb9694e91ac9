"""The opinion map on a consultation's page: statements to vote on, the groups as an SVG
drawn on the server (circles per group, never a point per person), representative and
consensus statements. Only aggregates of groups of at least ACCORD_OPINION_MIN_GROUP."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.core.errors import DomainError, NotFound
from accord.participation import pseudonyms, selectors
from accord.participation import statements as st_svc
from accord.participation import workflow as wf
from accord.participation.messages import message_for
from accord.participation.models import Consultation, Statement, Vote

GROUP_NAMES = "ABCDEFGHIJ"
COLOURS = ("#1f6f8b", "#b5532a", "#4d7c2a", "#7a4e9c", "#8a6d1f")


def _pct(n: int, d: int) -> int | None:
    return round(100 * n / d) if d else None


def map_view(c: Consultation) -> dict[str, Any] | None:
    """The latest map as the page and the API show it (statement texts resolved)."""
    om = st_svc.map_current(consultation=c)
    if om is None:
        return None
    texts = {s.pk: s.text for s in c.statements.filter(hidden_reason="")}
    data = om.data
    groups = []
    for g in data.get("groups", []):
        name = GROUP_NAMES[g["group"]] if g["group"] < len(GROUP_NAMES) else str(g["group"])
        by_stmt = {r["statement"]: r for r in g["statements"]}
        reps = []
        for r in g["representative"]:
            row = by_stmt.get(r["statement"])
            if row is None or r["statement"] not in texts:
                continue
            count = row["agree"] if r["direction"] == "agree" else row["disagree"]
            reps.append({"text": texts[r["statement"]], "direction": r["direction"],
                         "pct": _pct(count, row["n"])})  # fmt: skip
        groups.append(
            {"name": name, "size": g["size"], "centre": g["centre"], "representative": reps}
        )
    consensus = [
        {"text": texts[x["statement"]], "direction": x["direction"]}
        for x in data.get("consensus", [])
        if x["statement"] in texts
    ]
    return {
        "computed_at": om.computed_at,
        "participants": data.get("participants", 0),
        "groups": groups,
        "hidden_groups": data.get("hidden_groups", 0),
        "consensus": consensus,
        "svg": _svg(groups),
    }


def _svg(groups: list[dict]) -> dict[str, Any]:
    """Coordinates for the SVG: group centres scaled into a 320 × 200 box, circle area
    proportional to the group's size."""
    w, h, pad = 320, 200, 40
    if not groups:
        return {"w": w, "h": h, "circles": []}
    xs = [g["centre"][0] for g in groups]
    ys = [g["centre"][1] for g in groups]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    biggest = max(g["size"] for g in groups)
    circles = []
    for i, g in enumerate(groups):
        cx = pad + (g["centre"][0] - min(xs)) / span * (w - 2 * pad) if len(groups) > 1 else w / 2
        cy = pad + (g["centre"][1] - min(ys)) / span * (h - 2 * pad) if len(groups) > 1 else h / 2
        r = 12 + 22 * math.sqrt(g["size"] / biggest)
        circles.append({"cx": round(cx, 1), "cy": round(cy, 1), "r": round(r, 1),
                        "colour": COLOURS[i % len(COLOURS)], "name": g["name"], "size": g["size"]})  # fmt: skip
    return {"w": w, "h": h, "circles": circles}


def opinion_context(request: HttpRequest, c: Consultation) -> dict[str, Any]:
    if not c.allow_statements or c.status == wf.DRAFT:
        return {}
    pseudo = pseudonyms.for_request(c.salt, request)
    mine = dict(
        Vote.objects.filter(statement__consultation=c, pseudonym=pseudo).values_list(
            "statement_id", "value"
        )
    )
    rows = []
    for s in c.statements.filter(hidden_reason="").order_by("id"):
        rows.append({"id": s.pk, "text": s.text, "my_vote": mine.get(s.pk)})
    to_vote = [r for r in rows if r["my_vote"] is None]
    from collections import Counter

    hidden = Counter(c.statements.exclude(hidden_reason="").values_list("hidden_reason", flat=True))
    zh = (request.LANGUAGE_CODE or "en").startswith("zh")
    return {
        "opinion": {
            "open": c.status == wf.OPEN,
            "to_vote": to_vote[:5],
            "left": len(to_vote),
            "voted": len(rows) - len(to_vote),
            "map": map_view(c),
            "hidden": [(wf.hide_reason_label(h, zh), n) for h, n in sorted(hidden.items())],
        }
    }


def _back(c: Consultation) -> HttpResponse:
    return redirect(reverse("participation:consultation", args=[c.reference]) + "#opinion")


@require_POST
def statement_post(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        c = selectors.consultation_get_for(actor=request.user, reference=reference)
        st_svc.statement_add(
            consultation=c,
            pseudonym=pseudonyms.for_request(c.salt, request),
            text=request.POST.get("text", ""),
        )
    except NotFound:
        return render(request, "404.html", status=404)
    except DomainError as exc:
        messages.error(request, message_for(exc))
        return _back(c)
    messages.success(request, _("Thank you: your statement was added for others to vote on."))
    return _back(c)


@require_POST
def vote_post(request: HttpRequest, reference: str, statement_id: int) -> HttpResponse:
    value = {"agree": 1, "disagree": -1, "pass": 0}.get(request.POST.get("vote", ""))
    try:
        c = selectors.consultation_get_for(actor=request.user, reference=reference)
        if value is None:
            raise NotFound("no such vote")
        st_svc.vote_cast(
            consultation=c,
            statement_id=statement_id,
            pseudonym=pseudonyms.for_request(c.salt, request),
            value=value,
        )
    except NotFound:
        return render(request, "404.html", status=404)
    except DomainError as exc:
        messages.error(request, message_for(exc))
        return _back(c)
    return _back(c)


def statement_get_public(c: Consultation, statement_id: int) -> Statement:
    s = c.statements.filter(pk=statement_id, hidden_reason="").first()
    if s is None:
        raise NotFound(f"no statement {statement_id}")
    return s
