"""Indicator counts: new cases per area (every level) × category × day and week.

Kept up to date incrementally: `record_cases` adds new cases to their areas and every
ancestor in the transaction that takes them in (two statements for a whole batch, no recount). `backfill` rebuilds the table from the
case history with one grouped query and an in-memory roll-up of the area tree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Count
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


def _lineages(areas: list[Area]) -> dict[int, list[int]]:
    """Area id → the ids of the area and its ancestors (one query for those not yet known)."""
    Area.load_ancestors(areas)
    return {a.pk: [x.pk for x in a.ancestors()] for a in areas}


# Rows per INSERT statement (5 parameters each; far below SQLite's parameter limit).
_UPSERT_CHUNK = 500


def record_cases(cases: list[Case]) -> None:
    """Count new cases in their areas and all ancestors, weekly and daily, in one statement per
    500 counts: `INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count` (SQLite and
    PostgreSQL alike). Must run in the transaction that makes the cases count (the intake, or
    the deferred work's): a rolled-back transaction leaves no count behind."""
    anc = _lineages([c.area for c in cases])
    inc: dict[tuple[str, int, int, dt.date], int] = defaultdict(int)
    for case in cases:
        day = case_day(case)
        week = week_start(day)
        for a in anc[case.area_id]:
            inc[(Freq.WEEKLY, a, case.category_id, week)] += 1
            inc[(Freq.DAILY, a, case.category_id, day)] += 1
    table = IndicatorCount._meta.db_table
    items = sorted(inc.items())  # a fixed order: concurrent writers lock rows alike
    ops = connection.ops
    with connection.cursor() as cur:
        for i in range(0, len(items), _UPSERT_CHUNK):
            chunk = items[i : i + _UPSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params: list = []
            for (f, a, c, p), n in chunk:
                params += [f, a, c, ops.adapt_datefield_value(p), n]
            cur.execute(
                f"INSERT INTO {table} (freq, area_id, category_id, period, count) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (freq, area_id, category_id, period) "
                f"DO UPDATE SET count = {table}.count + excluded.count",
                params,
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
