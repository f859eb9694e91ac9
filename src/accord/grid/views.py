"""Pages of the grid app: the offline workbench (a PWA: manifest, service worker), the
Fengqiao indicators and the newcomers' service page."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accord.grid import access

# What the service worker keeps for offline use (the page itself is cached on each visit).
SHELL_STATIC = ("web/accord.css", "grid/grid.css", "grid/idb.js", "grid/workbench.js",
                "grid/icon-192.png")  # fmt: skip
CACHE_VERSION = "accord-grid-2"


@login_required
@never_cache
def workbench(request: HttpRequest) -> HttpResponse:
    if not access.is_grid_worker(request.user):
        return render(request, "403.html", status=403)
    from accord.grid.mediations import NOTICE

    return render(request, "grid/workbench.html", {"notice": NOTICE})


def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Accord grid workbench"),
        "short_name": _("Grid"),
        "start_url": reverse("grid:workbench"),
        "scope": reverse("grid:workbench"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("grid/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("grid/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /grid/ so that its scope is the workbench."""
    shell = [reverse("grid:workbench"), reverse("grid:manifest")]
    shell += [static(p) for p in SHELL_STATIC]
    body = render(
        request,
        "grid/sw.js",
        {"shell_json": json.dumps(shell), "cache_name": json.dumps(CACHE_VERSION)},
        content_type="text/javascript; charset=utf-8",
    )
    body["Cache-Control"] = "no-cache"
    body["Service-Worker-Allowed"] = reverse("grid:workbench")
    return body


def updates(request: HttpRequest) -> HttpResponse:
    """Public: a filer opts in to messages at each step of their case (reference + tracking
    code prove it is theirs)."""
    from accord.cases.selectors import case_track
    from accord.core import notifications
    from accord.core.errors import NotFound, ValidationFailed
    from accord.grid.forms import UpdatesForm

    if request.method != "POST":
        form = UpdatesForm(initial={"reference": request.GET.get("ref", "")[:24]})
        return render(request, "grid/updates.html", {"form": form})
    form = UpdatesForm(request.POST)
    if not form.is_valid():
        return render(request, "grid/updates.html", {"form": form}, status=422)
    reference = form.cleaned_data["reference"].strip().upper()
    try:
        case_track(reference=reference, secret=form.cleaned_data["secret"].strip())
    except NotFound:
        form.add_error(None, _("No case matches that reference and tracking code."))
        return render(request, "grid/updates.html", {"form": form}, status=404)
    try:
        notifications.subscribe(
            reference=reference,
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            language=request.LANGUAGE_CODE,
            actor=request.user if request.user.is_authenticated else None,
        )
    except ValidationFailed as exc:
        form.add_error(None, exc.detail)
        return render(request, "grid/updates.html", {"form": form}, status=422)
    return render(request, "grid/updates.html", {"done": True})


def _width_class(share: float | None) -> str:
    if share is None:
        return "w0"
    return f"w{int(round(share * 20)) * 5}"


@login_required
def fengqiao(request: HttpRequest) -> HttpResponse:
    """ "Fengqiao" indicators: where matters were resolved, per area and month (aggregates,
    small cells suppressed)."""
    from django.conf import settings

    from accord.analytics.fengqiao import TIERS
    from accord.grid import indicators

    if not indicators.roots_for(request.user):
        return render(request, "403.html", status=403)
    zh = (request.LANGUAGE_CODE or "").startswith("zh")
    rows = indicators.table_for(actor=request.user, months=3)
    latest = rows[-1]["month"] if rows else None
    table = []
    for r in rows:
        row = r["row"]
        table.append({
            "area": r["area"].name_zh if zh else r["area"].name_en,
            "month": r["month"],
            "cells": [(row.counts[t], row.shares[t]) for t in TIERS],
            "total": row.total,
            "handed_up": row.handed_up,
            "bars": [(t, _width_class(row.shares[t]), row.shares[t]) for t in TIERS],
            "latest": r["month"] == latest,
        })  # fmt: skip
    chart = []
    for area, row in indicators.window_for(actor=request.user, months=6):
        chart.append({
            "area": area.name_zh if zh else area.name_en,
            "total": row.total,
            "bars": [(t, _width_class(row.shares[t]), row.shares[t]) for t in TIERS],
        })  # fmt: skip
    tier_labels = [_("Grid"), _("Community"), _("Township"), _("County and above")]
    return render(
        request,
        "grid/fengqiao.html",
        {"table": table, "tiers": tier_labels, "min_cell": settings.ACCORD_MIN_CELL,
         "chart": chart, "first_month": indicators.months_back(6)[0],
         "last_month": latest,
         "tier_pairs": list(zip(TIERS, tier_labels, strict=True))},
    )  # fmt: skip


def new_here(request: HttpRequest) -> HttpResponse:
    """Public service page for newcomers and migrant workers: nothing is recorded about the
    reader."""
    from accord.grid.newcomers import page_content

    zh = (request.LANGUAGE_CODE or "").startswith("zh")
    return render(request, "grid/new_here.html", page_content(zh))


def _grid_choices(user, zh: bool) -> list[tuple[str, str]]:
    from accord.accounts.models import CASE_STAFF_ROLES
    from accord.accounts.permissions import areas_for
    from accord.core.models import Area, Level

    out: dict[str, str] = {}
    for root in areas_for(user, CASE_STAFF_ROLES):
        for a in Area.objects.subtree(root).filter(level=Level.GRID).select_related("parent")[:500]:
            parent = a.parent.name_zh if zh else a.parent.name_en
            out[a.code] = f"{parent} · {a.name_zh if zh else a.name_en}"
    return sorted(out.items(), key=lambda kv: kv[1])


@login_required
def task_board(request: HttpRequest) -> HttpResponse:
    """Case staff set tasks for the workers of the grids below them; coordinators move a
    grid's open tasks to another worker."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from accord.accounts.models import CASE_STAFF_ROLES
    from accord.accounts.permissions import areas_for
    from accord.core.errors import DomainError
    from accord.grid import selectors, tasks
    from accord.grid.forms import ReassignForm, TaskForm

    if not areas_for(request.user, CASE_STAFF_ROLES):
        return render(request, "403.html", status=403)
    zh = (request.LANGUAGE_CODE or "").startswith("zh")
    grids = _grid_choices(request.user, zh)
    form = TaskForm(grids=grids)
    move = ReassignForm(grids=grids)
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        bound = (TaskForm if op == "create" else ReassignForm)(request.POST, grids=grids)
        if bound.is_valid():
            try:
                if op == "create":
                    tasks.task_create(actor=request.user, **bound.cleaned_data)
                    messages.success(request, _("Task set."))
                else:
                    n = tasks.grid_tasks_reassign(actor=request.user, **bound.cleaned_data)
                    messages.success(request, _("%(n)s open tasks moved.") % {"n": n})
                return redirect("grid:tasks")
            except DomainError as exc:
                bound.add_error(None, exc.detail)
        status = 422
        if op == "create":
            form = bound
        else:
            move = bound
    items = selectors.task_dicts_for(actor=request.user)
    return render(request, "grid/tasks.html", {"form": form, "move": move, "items": items},
                  status=status)  # fmt: skip
