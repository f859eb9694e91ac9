"""Indicator counts: new cases per area (every level) × category × day and week.

Kept up to date incrementally: `record_case` adds one case to its area and every ancestor in
the intake transaction (two statements, no recount). `backfill` rebuilds the table from the
case history with one grouped query and an in-memory roll-up of the area tree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accord.cases.models import Case
from accord.core.audit import audit_record
from accord.core.models import Area
from accord.earlywarning.models import Freq, IndicatorCount


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: the label of a weekly period."""
    return day - dt.timedelta(days=day.weekday())


def period_of(day: dt.date, freq: str) -> dt.date:
    return week_start(day) if freq == Freq.WEEKLY else day


def step(freq: str) -> dt.timedelta:
    return dt.timedelta(days=7 if freq == Freq.WEEKLY else 1)


def case_day(case: Case) -> dt.date:
    return timezone.localdate(case.created_at)


def record_case(case: Case) -> None:
    """Count one new case in its area and all ancestors, weekly and daily. Must run inside
    the intake transaction: a rolled-back intake leaves no count behind."""
    day = case_day(case)
    area_ids = list(
        Area.objects.filter(code__in=case.area.ancestor_codes()).values_list("pk", flat=True)
    )
    periods = {Freq.WEEKLY: week_start(day), Freq.DAILY: day}
    IndicatorCount.objects.bulk_create(
        [
            IndicatorCount(freq=f, area_id=a, category_id=case.category_id, period=p, count=0)
            for f, p in periods.items()
            for a in area_ids
        ],
        ignore_conflicts=True,
    )
    match = Q(freq=Freq.WEEKLY, period=periods[Freq.WEEKLY]) | Q(
        freq=Freq.DAILY, period=periods[Freq.DAILY]
    )
    IndicatorCount.objects.filter(match, category_id=case.category_id, area_id__in=area_ids).update(
        count=F("count") + 1
    )


def ancestor_ids() -> dict[int, list[int]]:
    """Every area's id → its own id and its ancestors' ids (from the materialised paths)."""
    rows = list(Area.objects.values_list("pk", "code", "path"))
    by_code = {code: pk for pk, code, _ in rows}
    return {pk: [by_code[c] for c in path.split("/") if c and c in by_code] for pk, _, path in rows}


def rollup(
    daily: list[tuple[int, int, dt.date, int]], anc: dict[int, list[int]]
) -> dict[tuple[str, int, int, dt.date], int]:
    """(area, category, day, n) at the cases' own areas → counts for every ancestor area,
    daily and weekly. Pure."""
    out: dict[tuple[str, int, int, dt.date], int] = defaultdict(int)
    for area_id, cat_id, day, n in daily:
        week = week_start(day)
        for a in anc.get(area_id, [area_id]):
            out[(Freq.DAILY, a, cat_id, day)] += n
            out[(Freq.WEEKLY, a, cat_id, week)] += n
    return out


def backfill(
    *,
    actor=None,
    since: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    batch: int = 5000,
) -> dict[str, int]:
    """Rebuild the indicator table from the cases (all history, or from the week of `since`).
    One transaction: readers see the old counts or the new ones, never a mix."""
    say = progress or (lambda _m: None)
    started = time.monotonic()
    tz = timezone.get_current_timezone()
    cases = Case.objects.all()
    if since is not None:
        since = week_start(since)
        start_dt = dt.datetime.combine(since, dt.time(0), tzinfo=tz)
        cases = cases.filter(created_at__gte=start_dt)
    grouped = (
        cases.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("area_id", "category_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    daily = [(r["area_id"], r["category_id"], r["day"], r["n"]) for r in grouped.iterator()]
    n_cases = sum(r[3] for r in daily)
    say(
        f"read {n_cases:,} cases in {len(daily):,} area-category-days ({time.monotonic() - started:.1f} s)"
    )
    counts = rollup(daily, ancestor_ids())
    say(f"rolled up to {len(counts):,} indicator rows ({time.monotonic() - started:.1f} s)")
    with transaction.atomic():
        old = IndicatorCount.objects.all()
        if since is not None:
            old = old.filter(period__gte=since)
        deleted = old.delete()[0]
        rows = [
            IndicatorCount(freq=f, area_id=a, category_id=c, period=p, count=n)
            for (f, a, c, p), n in counts.items()
        ]
        for i in range(0, len(rows), batch):
            IndicatorCount.objects.bulk_create(rows[i : i + batch])
            done = min(i + batch, len(rows))
            if done == len(rows) or (i // batch) % 10 == 9:
                say(f"  wrote {done:,}/{len(rows):,} rows ({time.monotonic() - started:.1f} s)")
        out = {
            "cases": n_cases,
            "rows": len(rows),
            "deleted": deleted,
            "weekly": sum(1 for k in counts if k[0] == Freq.WEEKLY),
            "daily": sum(1 for k in counts if k[0] == Freq.DAILY),
        }
        audit_record(
            actor=actor,
            action="earlywarning.backfill",
            object_type="indicators",
            data={**out, "since": since.isoformat() if since else None},
        )
    say(f"done in {time.monotonic() - started:.1f} s")
    return out
