"""Reads of the early-warning part that reach users, always scoped to the actor's jurisdiction.

- Alerts (with their linked cases and action plan) are for case staff over the alert's area
  or its responsible unit.
- Analysts see aggregates only: indicator counts per area × category with cells below
  ACCORD_MIN_CELL suppressed, and alert counts per method.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, Role, User
from accord.accounts.permissions import area_scope_q, areas_for, is_case_staff
from accord.cases import workflow
from accord.cases.models import Case
from accord.cases.selectors import case_scope_q, with_urgency
from accord.core.errors import Forbidden, NotFound, ValidationFailed
from accord.core.models import LEVEL_RANK, Area
from accord.earlywarning import detection, indicators, lifecycle
from accord.earlywarning.models import Alert, AlertKind, Freq, IndicatorCount

AGGREGATE_ROLES = frozenset({Role.ANALYST, *CASE_STAFF_ROLES})


def min_cell() -> int:
    return int(getattr(settings, "ACCORD_MIN_CELL", 5))


def alert_scope_q(actor: User) -> Q:
    """Alerts whose area or responsible unit lies in the actor's case-staff jurisdiction."""
    return area_scope_q(actor, CASE_STAFF_ROLES, "area__path") | area_scope_q(
        actor, CASE_STAFF_ROLES, "responsible_area__path"
    )


def alert_list_for(
    *,
    actor: User,
    status: str | None = None,
    kind: str | None = None,
    method: str | None = None,
    category: str | None = None,
    area: str | None = None,
    open_only: bool | None = None,
) -> QuerySet[Alert]:
    qs = Alert.objects.filter(alert_scope_q(actor)).select_related(
        "area", "responsible_area", "category"
    )
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if method:
        qs = qs.filter(method=method)
    if category:
        qs = qs.filter(category__code=category)
    if area:
        qs = qs.filter(area__path__contains=f"/{area}/")
    if open_only is not None:
        qs = (
            qs.filter(status__in=lifecycle.OPEN)
            if open_only
            else qs.filter(status__in=lifecycle.CLOSED)
        )
    return qs.order_by("status", "-period_end", "-created_at")


def alert_get_for(*, actor: User, pk: int) -> Alert:
    alert = alert_list_for(actor=actor).filter(pk=pk).first()
    if alert is None:
        raise NotFound(f"no alert {pk}")
    return alert


def alert_cases_for(*, actor: User, alert: Alert) -> QuerySet[Case]:
    """The alert's linked cases that the actor may see (scoped like every case read)."""
    qs = alert.cases.filter(case_scope_q(actor)).select_related("category", "area", "ew_risk")
    return qs.order_by("-created_at")


def alert_series(alert: Alert, *, periods: int = 52) -> dict[str, Any]:
    """The chart data: observed counts of the alert's series over the last `periods` periods
    up to the alert's last period, with the method's expected value and upper bound where the
    history allows (computed by the engine for this one series)."""
    if alert.kind == AlertKind.GROUP or alert.category_id is None:
        return _group_series(alert)
    freq = alert.freq
    end = alert.period_end
    rows = list(
        IndicatorCount.objects.filter(
            freq=freq, area_id=alert.area_id, category_id=alert.category_id, period__lte=end
        ).values_list("period", "count")
    )
    if not rows:
        return {"periods": [], "observed": [], "expected": [], "upperbound": [], "alarms": []}
    first = min(p for p, _ in rows)
    days = indicators.step(freq).days
    n = (end - first).days // days + 1
    counts = np.zeros((1, n))
    for p, c in rows:
        counts[0, (p - first).days // days] += c
    matrix = detection.SeriesMatrix(
        freq, [first + dt.timedelta(days=days * i) for i in range(n)], [(0, 0)], counts
    )
    lo = max(0, n - periods)
    expected = [None] * (n - lo)
    upper = [None] * (n - lo)
    try:
        feasible = [c for c in range(lo, n) if _feasible(alert.method, freq, c)]
        if feasible:
            out = detection.run_engine(matrix, alert.method, feasible)
            for j, c in enumerate(feasible):
                expected[c - lo] = detection.finite(out.expected[0, j])
                upper[c - lo] = detection.finite(out.upperbound[0, j])
    except (ValidationFailed, ValueError):
        pass
    alarms = set(alert.points.values_list("period", flat=True))
    labels = matrix.periods[lo:]
    return {
        "periods": [p.isoformat() for p in labels],
        "observed": [int(v) for v in counts[0, lo:]],
        "expected": [None if v is None else round(v, 2) for v in expected],
        "upperbound": [None if v is None else round(v, 2) for v in upper],
        "alarms": [p.isoformat() for p in labels if p in alarms],
    }


def _feasible(method: str, freq: str, col: int) -> bool:
    per_year = 52 if freq == Freq.WEEKLY else 365
    if method in ("noufaily", "farrington"):
        return col >= per_year + 3
    if method == "glrnb":
        return col >= per_year
    return col >= 9


def _group_series(alert: Alert) -> dict[str, Any]:
    days: dict[dt.date, int] = {}
    for created in alert.cases.values_list("created_at", flat=True):
        d = timezone.localdate(created)
        days[d] = days.get(d, 0) + 1
    if not days:
        return {"periods": [], "observed": [], "expected": [], "upperbound": [], "alarms": []}
    start, end = min(days), max(max(days), alert.period_end)
    labels = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return {
        "periods": [d.isoformat() for d in labels],
        "observed": [days.get(d, 0) for d in labels],
        "expected": [None] * len(labels),
        "upperbound": [None] * len(labels),
        "alarms": [],
    }


# ----------------------------------------------------------------------------- aggregates


def _aggregate_areas(actor: User) -> list[Area]:
    areas = areas_for(actor, AGGREGATE_ROLES)
    if not areas:
        raise Forbidden("aggregates are for staff and analysts", code="forbidden")
    return areas


def indicator_aggregates_for(
    *, actor: User, freq: str = Freq.WEEKLY, periods: int = 4, level: str | None = None
) -> dict[str, Any]:
    """Cases per area × category over the last `periods` complete periods, in the actor's
    jurisdiction; cells with fewer than ACCORD_MIN_CELL cases are suppressed (None)."""
    if freq not in Freq.values:
        raise ValidationFailed(f"unknown frequency {freq!r}")
    if not 1 <= periods <= 104:
        raise ValidationFailed("periods must be between 1 and 104")
    if level is not None and level not in LEVEL_RANK:
        raise ValidationFailed(f"unknown level {level!r}")
    areas = _aggregate_areas(actor)
    end = detection.last_complete_period(timezone.localdate(), freq)
    start = end - indicators.step(freq) * (periods - 1)
    q = Q(pk__in=[])
    for a in areas:
        q |= Q(area__path__startswith=a.path)
    qs = IndicatorCount.objects.filter(q, freq=freq, period__gte=start, period__lte=end)
    if level:
        qs = qs.filter(area__level=level)
    rows = (
        qs.values("area__code", "area__name_en", "area__name_zh", "area__level", "category__code")
        .annotate(n=Sum("count"))
        .order_by("area__code", "category__code")
    )
    threshold = min_cell()
    cells = []
    suppressed = 0
    for r in rows:
        small = r["n"] < threshold
        suppressed += small
        cells.append(
            {
                "area": r["area__code"],
                "area_name_en": r["area__name_en"],
                "area_name_zh": r["area__name_zh"],
                "level": r["area__level"],
                "category": r["category__code"],
                "count": None if small else int(r["n"]),
                "suppressed": small,
            }
        )
    return {
        "freq": freq,
        "from": start,
        "to": end,
        "min_cell": threshold,
        "suppressed": suppressed,
        "cells": cells,
    }


def precision_by_method(*, actor: User) -> list[dict[str, Any]]:
    """Per method: alerts closed as real, as false alarm, still open; precision = the share
    of closed alerts that were real. Counts of alerts only (no cases), for staff and analysts."""
    areas = _aggregate_areas(actor)
    q = Q(pk__in=[])
    for a in areas:
        q |= Q(area__path__startswith=a.path)
    rows = (
        Alert.objects.filter(q)
        .values("method")
        .annotate(
            real=Count("id", filter=Q(status=lifecycle.CLOSED_REAL)),
            false=Count("id", filter=Q(status=lifecycle.CLOSED_FALSE)),
            open=Count("id", filter=Q(status__in=lifecycle.OPEN)),
        )
        .order_by("method")
    )
    out = []
    for r in rows:
        closed = r["real"] + r["false"]
        out.append(
            {
                "method": r["method"],
                "closed_real": r["real"],
                "closed_false": r["false"],
                "open": r["open"],
                "precision": round(r["real"] / closed, 3) if closed else None,
            }
        )
    return out


# ----------------------------------------------------------------------------- work queue


def risk_queue_for(*, actor: User, area: str | None = None) -> QuerySet[Case]:
    """Open cases in the actor's jurisdiction, highest escalation risk first, then the most
    urgent supervision colour. The order only decides what gets attention first."""
    if not is_case_staff(actor):
        raise Forbidden("the work queue is for case staff", code="forbidden")
    qs = (
        Case.objects.filter(case_scope_q(actor))
        .exclude(status__in=workflow.FINISHED)
        .select_related("category", "area", "handling_area", "ew_risk", "assignee")
    )
    if area:
        qs = qs.filter(area__path__contains=f"/{area}/")
    return with_urgency(qs).order_by(
        F("ew_risk__score").desc(nulls_last=True), "urgency", "deadline", "-created_at"
    )


def case_risk_for(*, actor: User, reference: str):
    case = (
        Case.objects.filter(case_scope_q(actor), reference=reference)
        .select_related("ew_risk")
        .first()
    )
    if case is None:
        raise NotFound(f"no case {reference!r}")
    return case
