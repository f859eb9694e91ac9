"""Early warning on the demo ground truth: is every injected situation flagged, how soon, and
how many false alerts per 1 000 series-weeks — for each detection method.

    ACCORD_DATA_DIR=var .venv/bin/python bench/ew_demo_eval.py [--methods noufaily,farrington,ears-c2,glrnb]
        [--backfill] [--grace 2] [--json out.json]

Needs a database seeded with `accord seed-demo --size medium --seed 1` (any size works) and the
indicator table filled (`accord backfill-indicators`, or pass --backfill). Nothing is written
to the database except by --backfill.

What it does, per method: the weekly indicator series (every area at every level × category)
go through the platform's own detection code (`earlywarning.detection.run_engine`) for every
week that has enough history (52 + 3 weeks for Farrington/Noufaily with b = 1 year, which is
what three years of demo history allow), as the daily task would have on each Monday. For
Farrington, Noufaily and EARS the weeks are independent, so all weeks go in one batched call;
the GLR CUSUM depends on its window, so it is replayed week by week.

Matching: an alarm belongs to a situation when its category is the situation's and its area is
the situation's area, one of its descendants or ancestors, and its week lies between the
situation's first week and `--grace` weeks after its last. The delay is the number of weeks
from the situation's first week to its first alarm (0 = flagged in the week it started).
Every other alarm is false. "False alerts" merge a series' alarms in consecutive weeks (one
quiet week allowed), as the platform extends a continuing alert instead of duplicating it.

Group disputes (same respondent organisation within 30 days, above its usual rate; and
near-duplicate descriptions) are replayed case by case with the intake rule and reported
separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections import defaultdict

import django
import numpy as np


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
    django.setup()


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default="noufaily,farrington,ears-c2,glrnb")
    ap.add_argument("--grace", type=int, default=2, help="weeks after a situation still matched")
    ap.add_argument("--backfill", action="store_true", help="rebuild the indicators first")
    ap.add_argument("--no-groups", action="store_true", help="skip the group-dispute replay")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()
    setup()

    from accord.core.models import Area
    from accord.demo.models import InjectedSituation
    from accord.earlywarning import detection, indicators
    from accord.earlywarning.models import Freq, IndicatorCount

    if args.backfill:
        indicators.backfill(progress=say)
    if not IndicatorCount.objects.filter(freq=Freq.WEEKLY).exists():
        say("no indicator counts: run `accord backfill-indicators` or pass --backfill")
        return 2
    situations = list(InjectedSituation.objects.order_by("start_date"))
    if not situations:
        say("no injected situations: seed the demo data first (accord seed-demo)")
        return 2

    last = IndicatorCount.objects.filter(freq=Freq.WEEKLY).order_by("-period").first().period
    # The last complete week: the demo history ends the day before --end.
    end = detection.last_complete_period(last + dt.timedelta(days=7), Freq.WEEKLY)
    t0 = time.monotonic()
    matrix = detection.load_series(Freq.WEEKLY, end=end)
    say(
        f"{matrix.n_series:,} series x {len(matrix.periods)} weeks loaded in {time.monotonic() - t0:.1f} s"
    )
    first_col = 52 + 3
    cols = np.arange(first_col, len(matrix.periods))
    n_cells = matrix.n_series * len(cols)

    areas = {a.pk: a for a in Area.objects.all()}
    by_code = {a.code: a for a in areas.values()}
    from accord.cases.models import Category

    cat_code = dict(Category.objects.values_list("pk", "code"))
    row_area = [areas[k[0]] for k in matrix.keys]
    row_cat = [cat_code[k[1]] for k in matrix.keys]

    # Each situation's zone: rows (category, related area) × columns (its weeks + grace).
    zones = []
    for s in situations:
        sa = by_code[s.area_code]
        rows = np.array(
            [
                i
                for i, (a, c) in enumerate(zip(row_area, row_cat, strict=True))
                if c == s.category_code
                and (a.path.startswith(sa.path) or sa.path.startswith(a.path))
            ],
            dtype=np.int64,
        )
        w0 = indicators.week_start(s.start_date)
        w1 = indicators.week_start(s.end_date) + dt.timedelta(days=7 * args.grace)
        c0, c1 = matrix.column(w0), min(matrix.column(w1), len(matrix.periods) - 1)
        zones.append((s, rows, c0, c1, w0))

    report: dict = {
        "series": matrix.n_series,
        "weeks_monitored": len(cols),
        "first_week": matrix.periods[first_col].isoformat(),
        "last_week": end.isoformat(),
        "series_weeks": n_cells,
        "methods": {},
    }
    for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
        t1 = time.monotonic()
        if method == "glrnb":
            alarm = np.zeros((matrix.n_series, len(cols)), dtype=bool)
            for j, c in enumerate(cols):
                alarm[:, j] = detection.run_engine(matrix, method, [int(c)]).alarm[:, 0]
                if j % 10 == 9:
                    say(f"  glrnb week {j + 1}/{len(cols)} ({time.monotonic() - t1:.0f} s)")
        else:
            alarm = detection.run_engine(matrix, method, cols).alarm
        secs = time.monotonic() - t1
        full = np.zeros((matrix.n_series, len(matrix.periods)), dtype=bool)
        full[:, cols] = alarm
        true_mask = np.zeros_like(full)
        per_sit = []
        for s, rows, c0, c1, _w0 in zones:
            if len(rows):
                true_mask[np.ix_(rows, np.arange(c0, c1 + 1))] = True
            hit = full[np.ix_(rows, np.arange(c0, c1 + 1))] if len(rows) else np.zeros((0, 0))
            cols_hit = np.nonzero(hit.any(axis=0))[0] if hit.size else []
            first = int(cols_hit[0]) if len(cols_hit) else None
            where = []
            if first is not None:
                where = sorted({row_area[rows[i]].code for i in np.nonzero(hit[:, first])[0]})
            per_sit.append(
                {
                    "key": s.key,
                    "kind": s.kind,
                    "category": s.category_code,
                    "area": s.area_code,
                    "start": s.start_date.isoformat(),
                    "flagged": first is not None,
                    "weeks_after_start": first,
                    "first_alarm_week": matrix.periods[c0 + first].isoformat()
                    if first is not None
                    else None,
                    "flagged_at": where,
                    "alarmed_series_weeks": int(hit.sum()) if hit.size else 0,
                }
            )
        false = full & ~true_mask
        false_cells = int(false.sum())
        # merge a series' alarms with at most one quiet week between them into one alert
        false_alerts = 0
        for i in np.nonzero(false.any(axis=1))[0]:
            idx = np.nonzero(false[i])[0]
            false_alerts += 1 + int(np.sum(np.diff(idx) > 2))
        report["methods"][method] = {
            "seconds": round(secs, 2),
            "alarms": int(alarm.sum()),
            "false_alarm_series_weeks": false_cells,
            "false_alerts": false_alerts,
            "false_alarms_per_1000_series_weeks": round(1000 * false_cells / n_cells, 3),
            "false_alerts_per_1000_series_weeks": round(1000 * false_alerts / n_cells, 3),
            "situations": per_sit,
        }
        say(f"{method}: {int(alarm.sum())} alarms in {secs:.1f} s")

    if not args.no_groups:
        report["groups"] = replay_groups(situations)

    print_report(report)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2, ensure_ascii=False)
    return 0


def replay_groups(situations) -> dict:
    """Replay the intake group-dispute rules over the history, case by case (in memory)."""
    from django.conf import settings
    from django.utils import timezone

    from accord.cases.models import Case, Party
    from accord.core.models import Area
    from accord.earlywarning.similarity import cosine, group_threshold, ngrams

    t0 = time.monotonic()
    window = int(getattr(settings, "ACCORD_EW_GROUP_WINDOW_DAYS", 30))
    base_days = int(getattr(settings, "ACCORD_EW_GROUP_BASELINE_DAYS", 365))
    min_cases = int(getattr(settings, "ACCORD_EW_GROUP_MIN_CASES", 5))
    nd_window = int(getattr(settings, "ACCORD_EW_NEARDUP_WINDOW_DAYS", 14))
    nd_min = int(getattr(settings, "ACCORD_EW_NEARDUP_MIN_CASES", 5))
    nd_sim = float(getattr(settings, "ACCORD_EW_NEARDUP_SIMILARITY", 0.85))
    paths = dict(Area.objects.values_list("pk", "path"))

    def anc(path: str, depth: int) -> str:
        parts = [p for p in path.split("/") if p]
        return "/".join(parts[:depth])

    rows = list(
        Case.objects.order_by("created_at", "pk").values_list(
            "pk", "created_at", "area_id", "category_id", "description"
        )
    )
    resp = defaultdict(set)
    for case_id, name in (
        Party.objects.filter(role="respondent", kind="organisation")
        .exclude(normalised_name="")
        .values_list("case_id", "normalised_name")
    ):
        resp[case_id].add(name)
    sit_cases = {s.key: set(s.cases.values_list("pk", flat=True)) for s in situations}
    sit_resp = {s.respondent: s for s in situations if s.respondent}

    def in_window(s, created: dt.datetime) -> bool:
        day = timezone.localdate(created)
        return s.start_date - dt.timedelta(days=7) <= day <= s.end_date + dt.timedelta(days=14)

    # --- same respondent (per township, as at intake)
    seen: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    episodes: dict[tuple[str, str], dt.datetime] = {}  # open episode: last flag time
    flagged_resp: dict[str, dt.datetime] = {}
    false_resp = 0
    for pk, created, area_id, _cat, _text in rows:
        for org in resp.get(pk, ()):
            key = (org, anc(paths[area_id], 3))
            times = seen[key]
            times.append(created)
            since = created - dt.timedelta(days=window)
            n = sum(1 for t in times if t >= since)
            base = sum(1 for t in times if since - dt.timedelta(days=base_days) <= t < since)
            if n >= group_threshold(base, base_days, window, min_cases):
                last = episodes.get(key)
                if last is None or created - last > dt.timedelta(days=window):
                    if org in sit_resp and in_window(sit_resp[org], created):
                        flagged_resp.setdefault(org, created)
                    else:
                        false_resp += 1
                episodes[key] = created
    # --- near-duplicate descriptions (per township and category)
    recent: dict[tuple[str, int], list[tuple[dt.datetime, int, object]]] = defaultdict(list)
    nd_episodes: dict[tuple[str, int], dt.datetime] = {}
    nd_true: dict[str, dt.datetime] = {}
    nd_false = 0
    case_sit = {pk: key for key, ids in sit_cases.items() for pk in ids}
    for pk, created, area_id, cat, text in rows:
        key = (anc(paths[area_id], 3), cat)
        lst = recent[key]
        since = created - dt.timedelta(days=nd_window)
        lst[:] = [x for x in lst if x[0] >= since]
        grams = ngrams(text)
        similar = [x[1] for x in lst if cosine(grams, x[2]) >= nd_sim]
        lst.append((created, pk, grams))
        if len(similar) + 1 >= nd_min:
            last = nd_episodes.get(key)
            if last is None or created - last > dt.timedelta(days=nd_window):
                sits = {case_sit[c] for c in [pk, *similar] if c in case_sit}
                if sits:
                    for s in sits:
                        nd_true.setdefault(s, created)
                else:
                    nd_false += 1
            nd_episodes[key] = created
    out = {"seconds": round(time.monotonic() - t0, 1), "situations": []}
    for s in situations:
        start = dt.datetime.combine(
            s.start_date, dt.time(0), tzinfo=timezone.get_current_timezone()
        )
        r = flagged_resp.get(s.respondent)
        d = nd_true.get(s.key)
        out["situations"].append(
            {
                "key": s.key,
                "respondent_flagged": r is not None,
                "respondent_days_after_start": (r - start).days if r else None,
                "near_duplicate_flagged": d is not None,
                "near_duplicate_days_after_start": (d - start).days if d else None,
            }
        )
    out["false_respondent_groups"] = false_resp
    out["false_near_duplicate_groups"] = nd_false
    out["cases"] = len(rows)
    return out


def print_report(rep: dict) -> None:
    print(
        f"\n{rep['series']:,} weekly series (area at every level x category), "
        f"{rep['weeks_monitored']} weeks monitored ({rep['first_week']} - {rep['last_week']}), "
        f"{rep['series_weeks']:,} series-weeks\n"
    )
    methods = list(rep["methods"])
    keys = [s["key"] for s in rep["methods"][methods[0]]["situations"]] if methods else []
    print("| situation | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for i, key in enumerate(keys):
        cells = []
        for m in methods:
            s = rep["methods"][m]["situations"][i]
            cells.append(
                f"week {s['weeks_after_start']} ({', '.join(s['flagged_at'][:2])})"
                if s["flagged"]
                else "not flagged"
            )
        print(f"| {key} | " + " | ".join(cells) + " |")
    print(
        "| false alarms / 1 000 series-weeks | "
        + " | ".join(str(rep["methods"][m]["false_alarms_per_1000_series_weeks"]) for m in methods)
        + " |"
    )
    print(
        "| false alerts (continuing merged) / 1 000 series-weeks | "
        + " | ".join(str(rep["methods"][m]["false_alerts_per_1000_series_weeks"]) for m in methods)
        + " |"
    )
    print(
        "| engine time over all weeks (s) | "
        + " | ".join(str(rep["methods"][m]["seconds"]) for m in methods)
        + " |"
    )
    g = rep.get("groups")
    if g:
        print(f"\nGroup disputes replayed over {g['cases']:,} cases in {g['seconds']} s:")
        print("| situation | same respondent | near-duplicate descriptions |")
        print("|---|---|---|")
        for s in g["situations"]:
            r = (
                f"day {s['respondent_days_after_start']}"
                if s["respondent_flagged"]
                else "not flagged"
            )
            d = (
                f"day {s['near_duplicate_days_after_start']}"
                if s["near_duplicate_flagged"]
                else "not flagged"
            )
            print(f"| {s['key']} | {r} | {d} |")
        print(
            f"| false groups (episodes) | {g['false_respondent_groups']} | "
            f"{g['false_near_duplicate_groups']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
