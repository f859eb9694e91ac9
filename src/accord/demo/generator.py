"""The demo generator's entry point: a fictional city with staff, three years of cases and
ground truth (`accord seed-demo`).

Deterministic for a seed and an end date: every random draw comes from generators seeded
from `seed` and everything is produced in a fixed order. Rows are written in batches, one
transaction per batch, so memory stays bounded at any size. The parts:

- `demo.jurisdiction`: the area tree and the staff accounts;
- `demo.situations`: how many cases when and where (background rates, injected situations);
- `demo.filings`: what each case says when filed, routed as a filing is;
- `demo.lives`: each case's timeline through the workflow, with the production effects;
- `demo.writer`: the bulk INSERTs, personal data sealed by the models' own field code.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction

from accord.accounts.models import ApiToken, Membership, User
from accord.cases.models import Case, CaseEvent, Counter, Party
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.models import Area, Holiday, Level
from accord.demo import names as N
from accord.demo import writer
from accord.demo.filings import Filer, tracking_secret
from accord.demo.holidays import holiday_rows
from accord.demo.jurisdiction import (
    DEMO_PASSWORD,
    SIZES,
    DemoError,
    build_tree,
    create_staff,
    save_tree,
)
from accord.demo.lives import Lives
from accord.demo.models import InjectedSituation
from accord.demo.situations import Weeks, background_counts, plan_situations, record_situations

__all__ = [
    "DEMO_PASSWORD",
    "SIZES",
    "DemoError",
    "SeedResult",
    "ground_truth",
    "has_demo_data",
    "reset_demo_data",
    "seed_demo",
    "tracking_secret",
]

YEARS = 3
BATCH = 5000


@dataclass
class SeedResult:
    size: str
    seed: int
    end: dt.date
    areas: int = 0
    users: int = 0
    cases: int = 0
    parties: int = 0
    events: int = 0
    holidays: int = 0
    situations: list[dict] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, area
    patterns: list[tuple[str, str, str]] = field(default_factory=list)
    example_reference: str = ""
    example_secret: str = ""
    seconds: float = 0.0


# --------------------------------------------------------------------------- data state


def has_demo_data() -> bool:
    return Case.objects.exists() or Area.objects.exists()


def reset_demo_data(progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Delete what the demo creates: situations, cases (with events and parties), counters,
    non-superuser users and areas. Holidays and categories stay."""
    out: dict[str, int] = {}
    with transaction.atomic():
        out["situations"] = InjectedSituation.objects.all().delete()[0]
        out["events"] = CaseEvent.objects.all().delete()[0]
        out["parties"] = Party.objects.all().delete()[0]
        ids = list(Case.objects.values_list("pk", flat=True))
        for i in range(0, len(ids), 20_000):
            Case.objects.filter(pk__in=ids[i : i + 20_000]).delete()
        out["cases"] = len(ids)
        Counter.objects.filter(name__startswith="case-").delete()
        users = User.objects.filter(is_superuser=False)
        ApiToken.objects.filter(user__in=users).delete()
        Membership.objects.all().delete()
        out["users"] = users.delete()[0]
        n = 0
        for level in reversed(Level.values):
            n += Area.objects.filter(level=level).delete()[0]
        out["areas"] = n
        audit_record(actor=None, action="demo.reset", object_type="demo", data=out)
    if progress:
        progress(f"reset: deleted {out['cases']:,} cases, {out['users']} users, {n} areas")
    return out


def ground_truth() -> list[dict]:
    return [s.as_dict() for s in InjectedSituation.objects.prefetch_related("cases")]


# --------------------------------------------------------------------------- the run


def seed_demo(
    *,
    size: str = "small",
    seed: int = 1,
    end: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    batch: int = BATCH,
) -> SeedResult:
    """Generate the demo data into an empty database (see has_demo_data / reset_demo_data)."""
    # With DEBUG on, Django would log (and format) every one of the many INSERTs.
    debug, settings.DEBUG = settings.DEBUG, False
    # The run allocates millions of objects that live for a batch: the collector's automatic
    # full collections walked every live object again and again (11 of the medium run's
    # 42 s of CPU). Only the young generations are collected, after each batch; the rows
    # hold no reference cycles, so nothing waits for the full collection at the end.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _seed_demo(size=size, seed=seed, end=end, progress=progress, batch=batch)
    finally:
        settings.DEBUG = debug
        if was_enabled:
            gc.enable()
        gc.collect()


def _seed_demo(
    *,
    size: str,
    seed: int,
    end: dt.date | None,
    progress: Callable[[str], None] | None,
    batch: int,
) -> SeedResult:
    if size not in SIZES:
        raise DemoError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if has_demo_data():
        raise DemoError("the database already has areas or cases")
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    spec = SIZES[size]
    tz = ZoneInfo(settings.TIME_ZONE)
    end = end or dt.datetime.now(tz).date()
    res = SeedResult(size=size, seed=seed, end=end)
    rng = np.random.default_rng(seed)
    start = end - dt.timedelta(days=365 * YEARS + 1)

    # Holidays: add the years covered; keep any rows a deployment loaded itself.
    rows = holiday_rows(start.year, end.year + 1)
    before = Holiday.objects.count()
    Holiday.objects.bulk_create(
        [Holiday(date=d, kind=k, name=n) for d, k, n in rows], ignore_conflicts=True
    )
    res.holidays = Holiday.objects.count() - before
    calendar = BusinessCalendar.load()

    # Areas and staff.
    city = build_tree(spec, np.random.default_rng([seed, 1]))
    with transaction.atomic():
        nodes = save_tree(city)
    res.areas = len(nodes)
    staff, res.logins, res.patterns = create_staff(city, random.Random(seed * 31 + 7))
    res.users = len(staff)
    say(f"{res.areas:,} areas, {res.users:,} users ({time.monotonic() - started:.1f} s)")

    rnd = random.Random(seed * 1_000_003 + 17)  # one stream for filings and lives
    filer = Filer(seed, staff, rnd)
    lives = Lives(city, staff, calendar, rnd, tz, end)
    comms = [n for n in nodes if n.level == Level.COMMUNITY]
    towns = [n for n in nodes if n.level == Level.TOWNSHIP]
    comm_index = {c.code: i for i, c in enumerate(comms)}
    codes = sorted(filer.categories)
    if set(codes) - set(N.CATEGORY_PROFILE):
        codes = [c for c in codes if c in N.CATEGORY_PROFILE]

    weeks = Weeks.of(start, end, calendar)
    monday0, n_weeks, day_w = weeks.monday0, weeks.n, weeks.day_w
    counts = background_counts(rng, spec, weeks, comms, towns, codes)  # C × K × W
    # Injected situations: extra cases with day offsets inside their windows.
    plan = plan_situations(city, spec, end)
    inj = record_situations(plan, rng, weeks, comm_index, codes, seed)

    total_expected = int(counts.sum()) + sum(s.extra for s in plan)
    say(f"generating ~{total_expected:,} cases over {n_weeks} weeks ({start} – {end})")
    channels = list(N.CHANNEL_WEIGHTS)
    ch_p = np.array(list(N.CHANNEL_WEIGHTS.values()))
    ch_p /= ch_p.sum()
    buf_c: list[Case] = []
    buf_p: list[list[writer.Row]] = []
    buf_e: list[list[writer.Row]] = []
    writers = writer.writers()
    links: list[tuple[int, int]] = []
    last_report = time.monotonic()
    last = ""

    def flush(w: int) -> None:
        nonlocal buf_c, buf_p, buf_e, links, last, last_report
        if not buf_c:
            return
        writer.flush(writers, buf_c, buf_p, buf_e, links, filer.counters)
        gc.collect(1)
        res.cases += len(buf_c)
        res.parties += sum(len(p) for p in buf_p)
        res.events += sum(len(e) for e in buf_e)
        last = buf_c[-1].reference
        buf_c, buf_p, buf_e, links = [], [], [], []
        now = time.monotonic()
        if now - last_report > 5 or w == n_weeks - 1:
            last_report = now
            pct = 100 * res.cases / max(total_expected, 1)
            say(
                f"  {res.cases:,}/{total_expected:,} cases ({pct:.0f}%), "
                f"week {w + 1}/{n_weeks}, {now - started:.1f} s"
            )

    for w in range(n_weeks):
        cell = counts[:, :, w]
        ci, ki = np.nonzero(cell)
        reps = cell[ci, ki]
        c_arr = np.repeat(ci, reps)
        k_arr = np.repeat(ki, reps)
        n = len(c_arr)
        pw = day_w[w] / day_w[w].sum() if day_w[w].sum() > 0 else None
        d_arr = 7 * w + rng.choice(7, size=n, p=pw) if n and pw is not None else np.zeros(0, int)
        s_arr = np.full(n, -1)
        extra = inj.get(w, [])
        if extra:
            ex = np.array(extra, dtype=np.int64)
            d_arr = np.concatenate([d_arr, ex[:, 0]])
            c_arr = np.concatenate([c_arr, ex[:, 1]])
            k_arr = np.concatenate([k_arr, ex[:, 2]])
            s_arr = np.concatenate([s_arr, ex[:, 3]])
        m = len(d_arr)
        if m == 0:
            continue
        minutes = np.clip(rng.normal(13 * 60, 200, size=m), 7 * 60, 22 * 60 + 59).astype(int)
        seconds = rng.integers(0, 60, size=m)
        chan = rng.choice(len(channels), size=m, p=ch_p)
        order = np.lexsort((k_arr, c_arr, seconds, minutes, d_arr))
        for i in order.tolist():
            day = monday0 + dt.timedelta(days=int(d_arr[i]))
            mi = int(minutes[i])
            created = dt.datetime.combine(
                day, dt.time(mi // 60, mi % 60, int(seconds[i])), tzinfo=tz
            )
            sit = plan[int(s_arr[i])] if s_arr[i] >= 0 else None
            case, parties, area = filer.make_case(
                codes[int(k_arr[i])], comms[int(c_arr[i])], created, channels[int(chan[i])], sit
            )
            events = lives.timeline(case, area)
            if sit is not None:
                links.append((len(buf_c), sit.pk))
            buf_c.append(case)
            buf_p.append(parties)
            buf_e.append(events)
        if len(buf_c) >= batch or w == n_weeks - 1:
            flush(w)
    if buf_c:
        flush(n_weeks - 1)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # ids were given explicitly
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                    cur.execute(sql)
        res.situations = [s.as_dict() for s in InjectedSituation.objects.filter(seed=seed)]
        res.example_reference = last if res.cases else ""
        res.example_secret = tracking_secret(seed, last) if res.cases else ""
        res.seconds = time.monotonic() - started
        audit_record(
            actor=None,
            action="demo.seed",
            object_type="demo",
            object_id=str(seed),
            data={
                "size": size,
                "seed": seed,
                "end": end.isoformat(),
                "areas": res.areas,
                "users": res.users,
                "cases": res.cases,
                "events": res.events,
                "situations": [s.key for s in plan],
            },
        )
    return res
