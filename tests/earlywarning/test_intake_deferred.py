"""ACCORD_EW_INTAKE=deferred: a filing only queues the case; the queue is worked in batches
(counts, group check, risk) with the same results as case-by-case work, and a failed batch
leaves its cases queued with nothing half written."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from accord.cases.filing import PartyInput
from accord.cases.models import Case
from accord.earlywarning import groups, intake, scores
from accord.earlywarning.models import Alert, CaseRisk, IndicatorCount, PendingIntake

pytestmark = pytest.mark.django_db


@pytest.fixture
def deferred(settings, monkeypatch):
    """Deferred mode without the background thread (the tests work the queue themselves)."""
    settings.ACCORD_EW_INTAKE = "deferred"
    settings.ACCORD_EW_GROUP_MIN_CASES = 3
    monkeypatch.setattr(intake.DRAINER, "poke", lambda: None)


def file(make_case, area, *, respondent="Neighbour", kind="person", **kw):
    kw.setdefault("category", "property")
    kw.setdefault("description", f"Complaint about {respondent}: lift broken for weeks.")
    parties = (
        PartyInput(role="applicant", kind="person", name="Wang Fang"),
        PartyInput(role="respondent", kind=kind, name=respondent),
    )
    case, _ = make_case(area=area, parties=parties, **kw)
    return case


def mixed_filings(areas, make_case) -> list[Case]:
    """Three cases against one company (a group), five near-copies of one text (a group of
    near-duplicates), and three unrelated cases, interleaved."""
    out = []
    copies = "Residents of building 3 say the lift has been broken for {n} weeks; no repair."
    for i in range(5):
        out.append(
            file(make_case, areas.t1c1g1, category="neighbour", description=copies.format(n=3))
        )
        if i < 3:
            out.append(
                file(
                    make_case,
                    [areas.t1c1g1, areas.t1c1g2, areas.t1c2g1][i],
                    respondent=["Jinsheng Property Co., Ltd.", "JINSHENG PROPERTY"][i % 2],
                    kind="organisation",
                    people_count=4,
                )
            )
            out.append(
                file(
                    make_case, areas.t2c1g1, category="consumer", description=f"Refund {i} refused"
                )
            )
    return out


def hold_in_another_thread(lock, order: list, done: str) -> threading.Thread:
    """Hold `lock()` in another thread (with its own database connection, like another
    process) from now until 0.3 s later, then append `done` to `order`."""
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with lock():
                held.set()
                release.wait(5)
                order.append(done)
        finally:
            connection.close()

    t = threading.Thread(target=holder)
    t.start()
    assert held.wait(5)
    threading.Timer(0.3, release.set).start()
    return t


def outcome() -> dict:
    """Everything the early-warning work writes, in comparable form."""
    return {
        "counts": {
            (r.freq, r.area_id, r.category_id, r.period): r.count
            for r in IndicatorCount.objects.all()
        },
        "alerts": sorted(
            (a.method, a.respondent, tuple(sorted(a.cases.values_list("pk", flat=True))))
            for a in Alert.objects.all()
        ),
        "tiers": dict(Case.objects.values_list("pk", "tier")),
        "risk": {r.case_id: (r.score, r.factors) for r in CaseRisk.objects.all()},
    }


def test_a_deferred_filing_only_queues_the_case(areas, make_case, deferred):
    case = file(make_case, areas.t1c1g1)
    assert list(PendingIntake.objects.values_list("case_id", flat=True)) == [case.pk]
    assert not IndicatorCount.objects.exists()
    assert not CaseRisk.objects.exists()


def test_working_the_queue_counts_groups_and_scores(areas, make_case, deferred):
    cases = mixed_filings(areas, make_case)
    assert PendingIntake.objects.count() == len(cases) == 11
    assert intake.drain(limit=4) == 11  # three batches
    assert not PendingIntake.objects.exists()
    city = IndicatorCount.objects.filter(area=areas.city, freq="W")
    assert sum(city.values_list("count", flat=True)) == 11
    methods = sorted(Alert.objects.values_list("method", flat=True))
    assert methods == sorted([groups.NEAR_DUPLICATE, groups.SAME_RESPONDENT])
    company = Alert.objects.get(method=groups.SAME_RESPONDENT)
    assert company.cases.count() == 3
    # 12 people against one company: a collective dispute, raised to the township
    assert set(company.cases.values_list("tier", flat=True)) == {"township"}
    assert CaseRisk.objects.count() == 11
    grouped = {
        r.case_id
        for r in CaseRisk.objects.all()
        if any(f["code"] == "group" and f["value"] for f in r.factors)
    }
    linked = set(Alert.cases.through.objects.values_list("case_id", flat=True))
    assert grouped == linked and len(linked) == 8


def test_a_batch_gives_the_same_result_as_case_by_case(areas, make_case, deferred):
    cases = mixed_filings(areas, make_case)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        intake.drain(limit=50)  # the whole queue in one batch
        batched = outcome()
        raise Undo
    assert PendingIntake.objects.count() == len(cases)  # rolled back: still queued
    for case in sorted(cases, key=lambda c: (c.created_at, c.pk)):
        with transaction.atomic():
            fresh = Case.objects.select_related("area", "category").get(pk=case.pk)
            intake.intake_followup([fresh])
    one_by_one = outcome()
    assert batched["counts"] == one_by_one["counts"]
    assert batched["alerts"] == one_by_one["alerts"]
    assert batched["tiers"] == one_by_one["tiers"]
    assert batched["risk"] == one_by_one["risk"]
    assert len(batched["alerts"]) == 2


def test_a_failed_batch_leaves_its_cases_queued_and_nothing_written(
    areas, make_case, deferred, monkeypatch
):
    mixed_filings(areas, make_case)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scores, "risk_write", broken)  # the last write of a batch
    with pytest.raises(RuntimeError):
        intake.work_batch(limit=50)
    assert PendingIntake.objects.count() == 11
    assert not IndicatorCount.objects.exists()
    assert not Alert.objects.exists()
    assert set(Case.objects.values_list("tier", flat=True)) == {"community"}
    monkeypatch.undo()
    assert intake.drain() == 11


def test_a_case_worked_by_another_worker_is_not_counted_twice(areas, make_case, deferred):
    a = file(make_case, areas.t1c1g1)
    b = file(make_case, areas.t1c1g2)
    # another process claimed `a` between this worker's read and its claim
    real_claim = intake._claim

    def claim_after_the_other(ids):
        PendingIntake.objects.filter(case_id=a.pk).delete()
        return real_claim(ids)

    intake._claim = claim_after_the_other
    try:
        assert intake.work_batch() == 1
    finally:
        intake._claim = real_claim
    assert list(CaseRisk.objects.values_list("case_id", flat=True)) == [b.pk]
    grid_a = IndicatorCount.objects.filter(area=areas.t1c1g1)
    assert not grid_a.exists()


def test_ew_intake_command_reports_and_works_the_queue(areas, make_case, deferred, capsys):
    file(make_case, areas.t1c1g1)
    file(make_case, areas.t1c1g2)
    call_command("ew-intake", "--status")
    assert "2 case(s) queued" in capsys.readouterr().out
    assert PendingIntake.objects.count() == 2
    call_command("ew-intake")
    out = capsys.readouterr().out
    assert "worked 2 case(s); 0 queued now" in out
    assert not PendingIntake.objects.exists()


def test_ew_intake_command_refuses_a_bad_batch_size(deferred, areas, make_case):
    from django.core.management.base import CommandError

    file(make_case, areas.t1c1g1)
    with pytest.raises(CommandError, match="--batch"):
        call_command("ew-intake", "--batch", "0")
    assert PendingIntake.objects.count() == 1


def test_inline_mode_queues_nothing(areas, make_case, settings):
    settings.ACCORD_EW_INTAKE = "inline"
    file(make_case, areas.t1c1g1)
    assert not PendingIntake.objects.exists()
    assert CaseRisk.objects.count() == 1 and IndicatorCount.objects.exists()


def test_the_worker_thread_wakes_when_poked_and_sweeps(settings, monkeypatch):
    """The background thread's timing, without a database: a poke wakes it, it works a batch
    only once the batch is ready (waiting the time `batch_wait` says), and it also sweeps on
    its own every ACCORD_EW_INTAKE_SWEEP seconds."""
    settings.ACCORD_EW_INTAKE_SWEEP = 0.3
    settings.ACCORD_EW_INTAKE_GATHER = 0.05
    queue: list[float | None] = [0.1, 0.0, None]  # what batch_wait answers, in turn
    asked: list[tuple[float, float]] = []
    worked: list[float] = []
    seen = threading.Event()

    def fake_wait(limit=None, settle=0.0):
        asked.append((time.monotonic(), settle))
        answer = queue.pop(0) if queue else None
        if answer is None:
            seen.set()
        return answer

    def fake_batch(limit=None):
        worked.append(time.monotonic())
        return 1

    monkeypatch.setattr(intake, "batch_wait", fake_wait)
    monkeypatch.setattr(intake, "work_batch", fake_batch)
    monkeypatch.setattr(intake, "_worker_lock", contextlib.nullcontext)
    monkeypatch.setattr(intake, "follower_running", lambda: False)  # no dedicated worker
    monkeypatch.setattr(intake, "connection", type("C", (), {"close": staticmethod(lambda: None)}))
    drainer = intake.Drainer()
    try:
        drainer.poke()
        assert seen.wait(5), "a poke must wake the worker"
        # Not ready (0.1 s to go): it waited that long, then worked the batch, then found the
        # queue empty.
        assert len(asked) == 3 and len(worked) == 1
        assert all(settle == 0.05 for _, settle in asked)
        assert asked[1][0] - asked[0][0] >= 0.09
        assert asked[1][0] <= worked[0] <= asked[2][0]
        seen.clear()
        assert seen.wait(5), "the worker must also sweep without being poked"
        assert len(asked) >= 4 and len(worked) == 1
    finally:
        drainer.stop()
        time.sleep(0.1)  # let the thread see the stop before the fakes are undone


def test_a_batch_is_ready_when_full_or_when_its_oldest_case_has_waited(
    areas, make_case, deferred, settings
):
    from datetime import timedelta

    from django.utils import timezone

    assert intake.batch_wait(settle=0.2) is None  # nothing queued
    first = file(make_case, areas.t1c1g1)
    file(make_case, areas.t1c1g1)
    wait = intake.batch_wait(settle=60)
    assert 55 < wait <= 60  # just queued: almost the whole settle time to go
    assert intake.batch_wait(settle=0) == 0.0  # no settling asked for
    assert intake.batch_wait(limit=2, settle=60) == 0.0  # a full batch waits
    PendingIntake.objects.filter(case=first).update(
        queued_at=timezone.now() - timedelta(seconds=61)
    )
    assert intake.batch_wait(settle=60) == 0.0  # the oldest has waited long enough


def test_one_queue_worker_at_a_time_across_processes(areas, make_case, deferred):
    """While another worker (here a thread with its own database connection) works the
    queue, drain() waits for it instead of running the same group check on the same rows."""
    file(make_case, areas.t1c1g1)
    order = []
    other = hold_in_another_thread(intake._worker_lock, order, "other done")
    started = time.monotonic()
    assert intake.drain() == 1
    order.append("drain done")
    other.join(5)
    assert time.monotonic() - started >= 0.25
    assert order == ["other done", "drain done"]


def test_the_sqlite_worker_lock_is_a_file_lock_beside_the_database(tmp_path, monkeypatch):
    fake = type("C", (), {"vendor": "sqlite", "settings_dict": {"NAME": tmp_path / "a.sqlite3"}})
    monkeypatch.setattr(intake, "connection", fake)
    inside, order = threading.Event(), []

    def holder():
        with intake._worker_lock():
            inside.set()
            time.sleep(0.3)
            order.append("first")

    t = threading.Thread(target=holder)
    t.start()
    assert inside.wait(5)
    with intake._worker_lock():  # a second open file: waits for the first like another process
        order.append("second")
    t.join(5)
    assert order == ["first", "second"]
    assert (tmp_path / "a.sqlite3.ew-lock").exists()


# --- the dedicated queue worker (`accord ew-intake --follow`) ---------------------------------


def test_follow_works_the_queue_until_stopped(areas, make_case, deferred, settings):
    """The dedicated worker works queued cases exactly as drain() does, holds the follower lock
    while it runs, and returns when stopped."""
    settings.ACCORD_EW_INTAKE_GATHER = 0  # a batch is ready at once
    cases = mixed_filings(areas, make_case)
    stop, seen, calls = threading.Event(), [], []

    def worked(n, total):
        seen.append(intake.follower_running())
        calls.append((n, total))
        if total >= len(cases):
            stop.set()

    assert not intake.follower_running()
    assert intake.follow(stop, worked=worked) == len(cases)
    assert seen and all(seen), "the follower lock is held while it works"
    assert calls[-1][1] == len(cases)
    assert not intake.follower_running(), "and released when it stops"
    assert not PendingIntake.objects.exists()
    assert CaseRisk.objects.count() == len(cases)
    assert Alert.objects.filter(method=groups.NEAR_DUPLICATE).count() == 1


def test_the_worker_thread_leaves_the_queue_to_a_running_follower(settings, monkeypatch):
    """While a follower runs, the server's thread neither works nor even reads the queue, and a
    poke does not wake it; once the follower is gone it takes the work back at its next sweep."""
    settings.ACCORD_EW_INTAKE_SWEEP = 0.2
    settings.ACCORD_EW_INTAKE_GATHER = 0
    follower = {"running": True}
    looked, asked = [], []
    took_over = threading.Event()

    def fake_running():
        looked.append(time.monotonic())
        return follower["running"]

    def fake_wait(limit=None, settle=0.0):
        asked.append(time.monotonic())
        took_over.set()
        return None

    monkeypatch.setattr(intake, "follower_running", fake_running)
    monkeypatch.setattr(intake, "batch_wait", fake_wait)
    monkeypatch.setattr(intake, "_worker_lock", contextlib.nullcontext)
    monkeypatch.setattr(intake, "connection", type("C", (), {"close": staticmethod(lambda: None)}))
    drainer = intake.Drainer()
    try:
        drainer.poke()
        deadline = time.monotonic() + 5
        while not looked and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # two sweeps
        assert looked and drainer.follower
        assert asked == [], "the queue is the follower's"
        n = len(looked)
        drainer.poke()  # a filing commits: the thread is not woken for it
        time.sleep(0.05)
        assert len(looked) == n
        follower["running"] = False
        assert took_over.wait(5), "the thread works the queue again once the follower is gone"
        assert not drainer.follower
    finally:
        drainer.stop()
        time.sleep(0.3)


def test_the_follower_lock_is_one_at_a_time_and_seen_by_the_servers(db):
    """follower_running() sees the lock another worker holds; a second follower waits (and
    says so) until the first has stopped."""
    order = []
    t = hold_in_another_thread(intake._follower_lock, order, "first done")
    assert intake.follower_running()
    with intake._follower_lock(waiting=lambda: order.append("second waits")):
        order.append("second holds")
    t.join(5)
    assert order == ["second waits", "first done", "second holds"]
    assert not intake.follower_running()


def test_the_sqlite_follower_lock_is_a_file_lock_beside_the_database(tmp_path, monkeypatch):
    fake = type("C", (), {"vendor": "sqlite", "settings_dict": {"NAME": tmp_path / "a.sqlite3"}})
    monkeypatch.setattr(intake, "connection", fake)
    assert not intake.follower_running()  # no lock file yet: nobody follows
    with intake._follower_lock():
        assert (tmp_path / "a.sqlite3.ew-follow").exists()
        # Another open file of the same lock (as another process would have) sees it taken.
        assert intake.follower_running()
    assert not intake.follower_running()


def test_ew_intake_follow_command_stops_on_sigterm(areas, make_case, deferred, settings, capsys):
    import os
    import signal

    settings.ACCORD_EW_INTAKE_GATHER = 0
    file(make_case, areas.t1c1g1)
    file(make_case, areas.t1c1g2)
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        call_command("ew-intake", "--follow", "-v", "2")
    finally:
        timer.cancel()
    out = capsys.readouterr().out
    assert "following early warning's queue (2 case(s) queued)" in out
    assert "worked 2 case(s), 2 in all" in out
    assert "stopped; worked 2 case(s); 0 queued now" in out
    assert signal.getsignal(signal.SIGTERM) is before, "the command restores the handler"
    assert not PendingIntake.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--follow", "--batch", "10"], "drop --batch"),
        (["--follow", "--status"], "not allowed with"),
    ],
)
def test_ew_intake_follow_refuses_options_it_cannot_honour(args, message, deferred):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("ew-intake", *args)


def test_follow_takes_its_lock_again_when_it_is_lost(deferred, settings, monkeypatch):
    """A PostgreSQL restart ends the session that holds the follower lock: the worker notices at
    its next sweep and takes the lock again (else the server threads would take the queue
    back while it keeps working)."""
    settings.ACCORD_EW_INTAKE_SWEEP = 0
    settings.ACCORD_EW_INTAKE_GATHER = 0
    stop, taken, looks = threading.Event(), [], []

    @contextlib.contextmanager
    def fake_lock(waiting=None):
        taken.append(time.monotonic())

        def held():
            looks.append(len(taken))
            if len(taken) >= 3:
                stop.set()
            return False  # lost at every look

        yield held

    monkeypatch.setattr(intake, "_follower_lock", fake_lock)
    holding = []
    intake.follow(stop, holding=lambda: holding.append(1))
    assert len(taken) == 3 and len(holding) == 3
    assert looks == [1, 2, 3]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sessions only")
def test_the_postgresql_follower_lock_is_lost_with_its_session(db):
    with intake._follower_lock() as held:
        assert held() and intake.follower_running()
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND objid = %s AND pid <> pg_backend_pid()",
                [intake._PG_FOLLOWER_LOCK & 0xFFFFFFFF],
            )
        deadline = time.monotonic() + 5
        while intake.follower_running() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not held() and not intake.follower_running()
