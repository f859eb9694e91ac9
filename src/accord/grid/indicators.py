"""Reads for the "Fengqiao" indicators: matters resolved per tier, per area and month.

Resolved at the grid: on-the-spot mediations that resolved the matter. Resolved at the
community / township / county: cases that reached "resolved" in the month, by the tier that
handled them. Handed up: mediations filed onward as cases plus cases escalated in the month.
Aggregates only, cells under ACCORD_MIN_CELL suppressed (analytics.fengqiao)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accord.accounts.models import STAFF_ROLES, User
from accord.accounts.permissions import areas_for
from accord.analytics.fengqiao import Row, tier_row
from accord.cases.models import CaseEvent
from accord.core.models import Area, Level
from accord.grid.models import GridMediation, MediationOutcome

TIER_OF_CASE = {"community": "community", "township": "township", "county": "county",
                "city": "county"}  # fmt: skip


def roots_for(actor: User) -> list[Area]:
    areas = sorted(areas_for(actor, STAFF_ROLES), key=lambda a: a.path)
    roots: list[Area] = []
    for area in areas:
        if not any(area.path.startswith(r.path) for r in roots):
            roots.append(area)
    return roots


def months_back(n: int, today: dt.date | None = None) -> list[dt.date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    out = []
    for _ in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def _month_key(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _raw(area: Area, months: list[dt.date]):
    """Unsuppressed counts per month (internal: never shown as they are)."""
    start = months[0]
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    counts: dict[dt.date, dict[str, int]] = {m: {} for m in months}
    handed: dict[dt.date, int] = {m: 0 for m in months}
    meds = (
        GridMediation.objects.filter(area__path__startswith=area.path, held_on__gte=start)
        .annotate(m=TruncMonth("held_on"))
        .values("m", "outcome")
        .annotate(n=Count("id"))
    )
    for r in meds:
        m = _month_key(r["m"])
        if m not in counts:
            continue
        if r["outcome"] == MediationOutcome.RESOLVED:
            counts[m]["grid"] = counts[m].get("grid", 0) + r["n"]
        else:
            handed[m] += r["n"]
    events = CaseEvent.objects.filter(
        case__area__path__startswith=area.path, created_at__gte=since
    ).annotate(m=TruncMonth("created_at"))
    resolved = (
        events.filter(to_status="resolved")
        .values("m", "case__tier")
        .annotate(n=Count("case", distinct=True))
    )
    for r in resolved:
        m = _month_key(r["m"])
        tier = TIER_OF_CASE.get(r["case__tier"])
        if m in counts and tier:
            counts[m][tier] = counts[m].get(tier, 0) + r["n"]
    for r in events.filter(action="escalate").values("m").annotate(n=Count("id")):
        m = _month_key(r["m"])
        if m in handed:
            handed[m] += r["n"]
    return counts, handed


def area_rows(area: Area, months: list[dt.date]) -> list[tuple[dt.date, Row]]:
    counts, handed = _raw(area, months)
    min_cell = settings.ACCORD_MIN_CELL
    return [(m, tier_row(counts[m], handed[m], min_cell)) for m in months]


def window_row(area: Area, months: list[dt.date]) -> Row:
    """The months together (more matters, so fewer cells suppressed)."""
    counts, handed = _raw(area, months)
    total: dict[str, int] = {}
    for per_month in counts.values():
        for tier, n in per_month.items():
            total[tier] = total.get(tier, 0) + n
    return tier_row(total, sum(handed.values()), settings.ACCORD_MIN_CELL)


def table_for(*, actor: User, months: int = 3) -> list[dict]:
    """Rows for the areas just below each of the actor's top areas (or the area itself when
    it is a grid or community), for the last `months` months."""
    ms = months_back(months)
    out = []
    for root in roots_for(actor):
        children = list(root.children.order_by("path"))
        if root.level in (Level.GRID,) or not children:
            children = [root]
        for area in [root, *children] if children != [root] else [root]:
            for month, row in area_rows(area, ms):
                out.append({"area": area, "month": month, "row": row, "is_root": area == root})
    return out


def window_for(*, actor: User, months: int = 3) -> list[tuple[Area, Row]]:
    ms = months_back(months)
    out = []
    for root in roots_for(actor):
        children = list(root.children.order_by("path"))
        for area in [root, *children]:
            out.append((area, window_row(area, ms)))
    return out
