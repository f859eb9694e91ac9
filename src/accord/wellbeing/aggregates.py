"""Weekly wellbeing counts by township: consented screenings by band, crisis alerts and
counselling requests. For analysts and counsellors over their jurisdiction. A cell under
ACCORD_WELLBEING_MIN_CELL (10) is suppressed (null), and no totals are given (they would let
a suppressed cell be recomputed). Nothing here names or scores a person."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.utils import timezone

from accord.accounts.models import Role
from accord.accounts.permissions import area_scope_q
from accord.core.audit import access_record
from accord.wellbeing.models import CounsellingRequest, CrisisAlert, Screening

ROLES = (Role.ANALYST, Role.COUNSELOR)


def _township(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return codes[2] if len(codes) >= 3 else codes[-1]


def _monday(ts: dt.datetime) -> str:
    d = timezone.localtime(ts).date()
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def weekly(*, actor, weeks: int = 12, now=None) -> list[dict]:
    now = now or timezone.now()
    since = now - dt.timedelta(weeks=weeks)
    scope = area_scope_q(actor, ROLES, "area__path")
    cells: Counter = Counter()
    for path, at in CrisisAlert.objects.filter(scope, raised_at__gte=since).values_list(
        "area__path", "raised_at"
    ):
        cells[(_township(path), _monday(at), "crisis_alerts")] += 1
    for path, at in CounsellingRequest.objects.filter(scope, created_at__gte=since).values_list(
        "area__path", "created_at"
    ):
        cells[(_township(path), _monday(at), "requests")] += 1
    for path, at, inst, band in Screening.objects.filter(scope, created_at__gte=since).values_list(
        "area__path", "created_at", "instrument", "band"
    ):
        cells[(_township(path), _monday(at), f"screenings_{inst}_{band}")] += 1
    k = settings.ACCORD_WELLBEING_MIN_CELL
    rows = [
        {"area": a, "week": w, "measure": m, "count": n if n >= k else None,
         "suppressed": n < k}
        for (a, w, m), n in sorted(cells.items())
    ]  # fmt: skip
    access_record(actor=actor, action="wellbeing.aggregates", object_type="aggregate",
                  data={"weeks": weeks, "cells": len(rows)})  # fmt: skip
    return rows
