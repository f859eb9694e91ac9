"""Early warning's work on new cases: `on_cases_filed` (registered into
`cases.hooks.CASES_FILED`) counts them in the indicators, checks them for group disputes and
scores their risk inside the filing's transaction (ACCORD_EW_INTAKE=inline), or queues them
(deferred) for the queue below. Why the queue is not a django-tasks task: docs/earlywarning.md.

Counting a new case in the indicators, checking it for a group dispute and scoring its risk
takes more time than taking the case in. In deferred mode the filing only queues the case
(a `PendingIntake` row, in the filing's own transaction) and each server process runs one
background thread that works the queue right after the commit, in batches:

- the group check (reads only) runs first, outside any transaction; then one short transaction
  claims the batch (`DELETE … RETURNING`) and writes its counts, alerts and scores, so a crash
  at any point either leaves the rows queued or has done all of their work — never half;
- one worker at a time works the queue, across all server processes (`_worker_lock`, a
  `core.locks.ProcessLock`: a PostgreSQL advisory lock, or a file lock beside the SQLite
  database). Without it every
  process's thread read the same oldest rows and ran the same group check, and all but one
  then found nothing left to claim; a thread that finds the lock taken waits for it and then
  works what is still queued (so two batches never both open the same group alert);
- after a wake-up it waits ACCORD_EW_INTAKE_GATHER seconds (0.2) so that a batch gathers;
- the thread also wakes every ACCORD_EW_INTAKE_SWEEP seconds, so rows queued by a process that
  died are worked by the others (or at the next start);
- `accord ew-intake` works the queue from the command line, and `accord detect` works it before
  reading the indicators;
- `accord ew-intake --follow` is a dedicated queue worker: a process of its own that works the
  queue as the threads would, and holds a "follower" lock for its whole life (a PostgreSQL
  advisory lock on a connection of its own, or a file lock beside the SQLite database). While
  that lock is held the server processes' threads leave the queue to it; they look again every
  ACCORD_EW_INTAKE_SWEEP seconds and take the work back when the follower has stopped.
  Early warning's work then no longer shares the request threads' interpreter (one interpreter
  lock per process), so a filing does not wait for a batch's Python work; under load this
  roughly halves a filing's typical latency (docs/security-data.md §10).

Nothing here changes what a case's parties can do: the work only feeds situation-level alerts
and the order of staff queues.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accord.cases.models import Case
from accord.core.audit import audit_at_end
from accord.core.locks import ProcessLock
from accord.core.prepared import PreparedRows, insert
from accord.earlywarning.models import PendingIntake

if TYPE_CHECKING:
    from accord.earlywarning.groups import GroupHit
    from accord.earlywarning.models import Alert

log = logging.getLogger(__name__)

# The one queue worker across processes (pg_advisory_lock key "ACCORD-EWQ"), and the lock a
# running `accord ew-intake --follow` holds for its whole life ("ACCORD-EWF").
_PG_WORKER_LOCK = 0x4143_4557_51
_PG_FOLLOWER_LOCK = 0x4143_4557_46
WORKER_LOCK = ProcessLock(".ew-lock", _PG_WORKER_LOCK)
FOLLOWER_LOCK = ProcessLock(".ew-follow", _PG_FOLLOWER_LOCK)


# --- early warning's work on new cases ------------------------------------------------------


def on_cases_filed(cases: list[Case]) -> None:
    """`cases.hooks.CASES_FILED`: called by `cases.filing` inside the filing's transaction (of
    one filing or of a group commit's several): do early warning's work on the cases now
    (ACCORD_EW_INTAKE=inline) or queue them (deferred; registered as `queues_only` then)."""
    if settings.ACCORD_EW_INTAKE == "deferred":
        enqueue_many(cases)
    else:
        intake_followup(cases, fresh=True)


def intake_followup(cases: list[Case], *, fresh: bool = False) -> list[Alert]:
    """Early warning's work on newly filed cases, inside the caller's transaction: count them
    in the indicators, check for group disputes, score their risk. `fresh`: the cases were
    filed in this very transaction (no history yet). Returns the group alerts touched."""
    from accord.earlywarning.groups import group_hits_batch

    return apply_followup(cases, group_hits_batch(cases), fresh=fresh)


def apply_followup(cases: list[Case], hits: list[GroupHit], *, fresh: bool = False) -> list[Alert]:
    """The writing half of `intake_followup`, given what the group check found (the deferred
    worker runs the check before it takes the write lock). A batch is written as a whole: one
    indicator statement, one alert write per group however many of the batch joined it, one
    risk statement."""
    # Loaded on first use: importing the cases app (and this hook) stays light.
    from accord.earlywarning import groups, indicators, scores

    if not cases:
        return []
    indicators.record_cases(cases)
    touched: dict[int, Case | None] = {}
    alerts = [groups.apply_hit(h, touched) for h in groups.merge_hits(hits)]
    linked = {pk for h in hits for pk in h.ids}
    new_ids = {c.pk for c in cases}
    if touched:
        # Score the cases as they are now (a collective dispute may have raised tiers and
        # moved deadlines), and with them the earlier cases the group has just linked or
        # raised. Cases it had linked before and left as they were keep their scores: a
        # campaign's group is hundreds of cases, and re-scoring them all at every batch held
        # the write lock for most of the batch.
        by_pk = {c.pk: c for c in cases}
        by_pk.update((pk, c) for pk, c in touched.items() if c is not None)
        missing = [pk for pk in touched if pk not in by_pk]
        by_pk.update((c.pk, c) for c in Case.objects.filter(pk__in=missing))
        cases = [by_pk[pk] for pk in sorted(by_pk)]
    scores.risk_write(cases, fresh=new_ids if fresh else (), grouped=linked)
    return alerts


# --- the queue (ACCORD_EW_INTAKE=deferred) --------------------------------------------------
# Its interface: enqueue_many (the filing), pending, drain (the command line, `accord detect`),
# follow and follower_running (`accord ew-intake --follow`), DRAINER (each server process's
# thread). Everything else here is how they work.


def enqueue_many(cases: list[Case]) -> None:
    """Queue cases just filed (in the filings' transaction), with one statement prepared like
    the filing's own rows (`core.prepared`), and wake this process's worker once they
    commit."""
    if not cases:
        return
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    insert(
        [PreparedRows.of_values(PendingIntake, [{"case_id": c.pk, "queued_at": at} for c in cases])]
    )
    transaction.on_commit(DRAINER.poke)


def pending() -> int:
    return PendingIntake.objects.count()


def _claim(ids: list[int]) -> set[int]:
    """Delete the queue rows of these cases in the current transaction and return the ids
    that were still queued (another worker may have taken some); the rows come back if the
    transaction rolls back."""
    table = PendingIntake._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(
            f"DELETE FROM {table} WHERE case_id IN ({marks}) RETURNING case_id",  # noqa: S608
            ids,
        )
        return {r[0] for r in cur.fetchall()}


def batch_wait(limit: int | None = None, settle: float = 0.0) -> float | None:
    """Seconds until the next batch is ready: None when the queue is empty, 0 when a full
    batch waits or its oldest case has been queued for `settle` seconds, else the rest of that
    time. The background thread works a batch only when it is ready, so that the filings of a
    moment share one batch, whichever process queued them."""
    limit = limit or settings.ACCORD_EW_INTAKE_BATCH
    times = list(
        PendingIntake.objects.order_by("queued_at", "case_id").values_list("queued_at", flat=True)[
            :limit
        ]
    )
    if not times:
        return None
    if len(times) >= limit or settle <= 0:
        return 0.0
    age = (timezone.now() - times[0]).total_seconds()
    return max(0.0, settle - age)


def work_batch(limit: int | None = None) -> int:
    """Work one batch of queued cases. Returns how many.

    The group check only reads, so it runs first, outside any transaction; then one short
    transaction claims the batch and writes counts, alerts and scores. Writers of new cases
    (SQLite has one writer at a time) wait for that short part only."""
    from accord.earlywarning.groups import group_hits_batch

    limit = limit or settings.ACCORD_EW_INTAKE_BATCH
    ids = list(
        PendingIntake.objects.order_by("queued_at", "case_id").values_list("case_id", flat=True)[
            :limit
        ]
    )
    if not ids:
        return 0
    cases = list(
        Case.objects.filter(pk__in=ids)
        .select_related("area", "category")
        .prefetch_related("parties")
        .order_by("created_at", "pk")
    )
    hits = group_hits_batch(cases)
    with transaction.atomic():
        claimed = _claim(ids)
        if not claimed:
            return 0
        # The batch's audit events (alerts opened or extended, tiers raised) are appended at
        # its end: filings, which each append to the same chain, then wait only for that.
        with audit_at_end():
            apply_followup(
                [c for c in cases if c.pk in claimed], [h for h in hits if h.origin in claimed]
            )
    return len(claimed)


def _worker_lock():
    """Be the only queue worker across all processes until the block ends (waits for it)."""
    return WORKER_LOCK.hold(connection)


def _follower_lock(*, waiting: Callable[[], None] | None = None):
    """Hold the follower lock until the block ends; when another follower holds it, call
    `waiting` once and wait for it (a standby worker). Yields a check that says whether the
    lock is still held (a PostgreSQL restart ends the session that holds it)."""
    return FOLLOWER_LOCK.hold_session(connection, waiting=waiting)


def follower_running() -> bool:
    """Whether an `accord ew-intake --follow` process holds the follower lock now."""
    return FOLLOWER_LOCK.held_elsewhere(connection)


def follow(
    stop: threading.Event,
    *,
    waiting: Callable[[], None] | None = None,
    worked: Callable[[int, int], None] | None = None,
    holding: Callable[[], None] | None = None,
) -> int:
    """Be the dedicated queue worker until `stop` is set: hold the follower lock, and work each
    batch once it is ready (as the server threads would), looking at the queue every
    ACCORD_EW_INTAKE_GATHER seconds when it is empty. `worked(batch, total)` is called after
    each batch, `holding()` whenever the follower lock has been taken. A failed batch stays
    queued and is tried again after ACCORD_EW_INTAKE_SWEEP seconds; a lock lost with its
    database session is taken again. Returns the number of cases worked."""
    sweep = settings.ACCORD_EW_INTAKE_SWEEP
    total = 0
    while not stop.is_set():
        try:
            with _follower_lock(waiting=waiting) as held:
                if holding:
                    holding()
                total = _follow_while(stop, held, worked, total)
        except DatabaseError:  # the database is unreachable: the lock could not be taken
            log.exception("early-warning queue worker: could not take its lock; trying again")
            stop.wait(sweep)
    return total


def _follow_while(
    stop: threading.Event,
    held: Callable[[], bool],
    worked: Callable[[int, int], None] | None,
    total: int,
) -> int:
    """follow()'s work while the follower lock is held (checked every sweep)."""
    gather, sweep = settings.ACCORD_EW_INTAKE_GATHER, settings.ACCORD_EW_INTAKE_SWEEP
    idle = max(gather, 0.05)
    checked = time.monotonic()
    while not stop.is_set():
        if time.monotonic() - checked >= sweep:
            if not held():
                log.warning("early-warning queue worker: its lock was lost; taking it again")
                return total
            checked = time.monotonic()
        try:
            n, wait = _step(gather)
            if n:
                total += n
                if worked:
                    worked(n, total)
                continue
            stop.wait(idle if wait is None else max(wait, 0.01))
        except Exception:  # keep working: the rows stay queued for the next try
            log.exception("early-warning intake work failed; the cases stay queued")
            connection.close()
            stop.wait(sweep)
    return total


def _step(gather: float) -> tuple[int, float | None]:
    """One step of a queue worker (the server thread or `follow`): as the only worker, work the
    next batch if it is ready. Returns the cases worked and `batch_wait`'s answer (0: worked;
    None: the queue is empty; else seconds until the next batch is ready)."""
    with _worker_lock():
        wait = batch_wait(settle=gather)
        return (work_batch() if wait == 0 else 0), wait


def drain(*, limit: int | None = None, progress: Callable[[str], None] | None = None) -> int:
    """Work the queue until it is empty, as the only worker for that time. Returns the number
    of cases worked."""
    total = 0
    with _worker_lock():
        while True:
            n = work_batch(limit)
            total += n
            if n == 0:
                return total
            if progress:
                progress(f"  worked {total:,} queued case(s)")


class Drainer:
    """One background thread per process that drains the queue when poked (after a filing
    commits) and every ACCORD_EW_INTAKE_SWEEP seconds. Started on first use in each process
    (a forked server worker starts its own). While an `accord ew-intake --follow` process runs
    it leaves the queue to that process (looking again at every sweep)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.follower = False  # a dedicated worker was running at the last look
        self._looked = float("-inf")  # time.monotonic() of that look

    def poke(self) -> None:
        if self.follower and self._pid == os.getpid():
            return  # the dedicated worker finds the case by itself
        self.start()
        self._wake.set()

    def start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._wake, self._stop = threading.Event(), threading.Event()
            threading.Thread(target=self._run, name="accord-ew-intake", daemon=True).start()

    def stop(self) -> None:
        """End the thread after its current batch (tests; the server simply exits)."""
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        sweep = settings.ACCORD_EW_INTAKE_SWEEP
        gather = settings.ACCORD_EW_INTAKE_GATHER
        while not self._stop.is_set():
            self._wake.wait(timeout=sweep)
            self._wake.clear()
            try:
                if time.monotonic() - self._looked >= sweep:
                    self.follower, self._looked = follower_running(), time.monotonic()
                while not self.follower and not self._stop.is_set():
                    # A batch is worked once its oldest case has waited `gather` seconds (or a
                    # full batch waits): the group check and the writes cost much the same for
                    # one case as for fifty. The wait is spent outside the worker lock.
                    _n, wait = _step(gather)
                    if wait == 0:
                        continue
                    if wait is None:
                        break
                    self._stop.wait(wait)
            except Exception:  # keep the thread alive: the rows stay queued for the next try
                log.exception("early-warning intake work failed; the cases stay queued")
            finally:
                connection.close()  # this thread's own connection; reopened on the next round


DRAINER = Drainer()
