"""core.groupcommit: items submitted while another is being written go together into the next
transaction; nobody returns before their item is committed; a failing item fails alone, in
its own request; inside a caller's transaction an item is written there."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from accord.core.groupcommit import GroupCommit
from accord.core.models import Holiday

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2031, 1, 1)


class Undo(Exception):
    pass


def store(names: list[str]) -> None:
    for name in names:
        Holiday.objects.create(date=DAY + dt.timedelta(days=int(name[-1])), kind="holiday",
                               name=name)  # fmt: skip


def stored() -> list[str]:
    return sorted(Holiday.objects.filter(date__gte=DAY).values_list("name", flat=True))


class Gate:
    """A write function whose first call waits (inside its transaction) until released, so
    that the next submits queue up behind it."""

    def __init__(self, write=store) -> None:
        self.batches: list[list[str]] = []
        self.first_in, self.go = threading.Event(), threading.Event()
        self.write = write

    def __call__(self, items: list[str]) -> None:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.first_in.set()
            assert self.go.wait(10)
        self.write(items)


def submit_in_thread(gc: GroupCommit, item: str, out: dict) -> threading.Thread:
    def run() -> None:
        try:
            gc.submit(item)
            out[item] = "ok"
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            out[item] = exc
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    return t


def wait_queued(gc: GroupCommit, n: int) -> None:
    """Wait (at most 10 s) until `n` items are queued behind the writer."""
    deadline = time.monotonic() + 10
    while len(gc._queue) < n and time.monotonic() < deadline:
        time.sleep(0.01)


def queue_behind_the_first(gc: GroupCommit, gate: Gate, first: str, rest: list[str]):
    out: dict = {}
    threads = [submit_in_thread(gc, first, out)]
    assert gate.first_in.wait(10)
    threads += [submit_in_thread(gc, item, out) for item in rest]
    wait_queued(gc, len(rest))
    assert len(gc._queue) == len(rest)
    assert not out  # nobody has returned: the first item is not committed yet
    gate.go.set()
    for t in threads:
        t.join(10)
    return out


def test_items_queued_during_a_write_go_together_into_the_next_transaction():
    gate = Gate()
    gc = GroupCommit(gate)
    out = queue_behind_the_first(gc, gate, "a0", ["b1", "c2", "d3", "e4"])
    assert out == dict.fromkeys(["a0", "b1", "c2", "d3", "e4"], "ok")
    assert gate.batches[0] == ["a0"]
    assert sorted(gate.batches[1]) == ["b1", "c2", "d3", "e4"] and len(gate.batches) == 2
    assert stored() == ["a0", "b1", "c2", "d3", "e4"]
    assert gc.stats() == {"batches": 2, "items": 5}


def test_a_batch_is_at_most_max_batch_items():
    gate = Gate()
    gc = GroupCommit(gate, max_batch=2)
    out = queue_behind_the_first(gc, gate, "a0", ["b1", "c2", "d3", "e4", "f5"])
    assert set(out.values()) == {"ok"}
    assert [len(b) for b in gate.batches] == [1, 2, 2, 1]
    assert len(stored()) == 6
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(store, max_batch=0)


def test_a_failing_item_fails_alone_with_its_own_error():
    def write(items: list[str]) -> None:
        store(items)
        if "bad2" in items:
            raise ValueError(f"bad item among {len(items)}")

    gate = Gate(write)
    gc = GroupCommit(gate)
    out = queue_behind_the_first(gc, gate, "a0", ["ok1", "bad2", "ok3"])
    assert out["a0"] == out["ok1"] == out["ok3"] == "ok"
    assert isinstance(out["bad2"], ValueError) and str(out["bad2"]) == "bad item among 1"
    # The batch of three was rolled back, then each was written alone.
    assert sorted(len(b) for b in gate.batches) == [1, 1, 1, 1, 3]
    assert stored() == ["a0", "ok1", "ok3"]


def test_followers_of_an_interrupted_write_are_told_it_failed():
    def write(items: list[str]) -> None:
        store(items)
        if len(items) > 1:
            raise SystemExit("worker aborted")  # not an Exception: no retry

    gate = Gate(write)
    gc = GroupCommit(gate)
    out = queue_behind_the_first(gc, gate, "a0", ["b1", "c2"])
    assert out["a0"] == "ok"
    errors = [out["b1"], out["c2"]]
    # The leader's own request sees the abort; the other learns its item was not written.
    assert sorted(type(e).__name__ for e in errors) == ["RuntimeError", "SystemExit"]
    assert stored() == ["a0"]
    # The next submit is not stuck behind a leader that is gone.
    gc.submit("d3")
    assert stored() == ["a0", "d3"]


def test_inside_a_transaction_the_item_is_written_in_it():
    calls: list[list[str]] = []

    def write(items: list[str]) -> None:
        calls.append(items)
        store(items)

    gc = GroupCommit(write)
    with pytest.raises(Undo), transaction.atomic():
        gc.submit("a0")
        assert stored() == ["a0"]
        raise Undo
    assert stored() == [] and calls == [["a0"]]
    assert gc.stats() == {"batches": 0, "items": 0}


def test_inside_a_transaction_a_failing_item_leaves_nothing_behind():
    def write(items: list[str]) -> None:
        store(items)
        raise ValueError("refused")

    gc = GroupCommit(write)
    with transaction.atomic():
        store(["kept1"])
        with pytest.raises(ValueError, match="refused"):
            gc.submit("a0")
    assert stored() == ["kept1"]  # the caller's own work stands; none of the item's


class SlowBegin:
    """Stands in for `transaction` in core.groupcommit: the first transaction's begin waits
    until released, as a SQLite writer waits for the write lock held by another process."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.waiting, self.go, self.fail, self.calls = threading.Event(), threading.Event(), fail, 0

    def atomic(self):
        self.calls += 1
        first = self.calls == 1
        real = transaction.atomic()
        outer = self

        class Begin:
            def __enter__(self):
                if first:
                    outer.waiting.set()
                    assert outer.go.wait(10)
                    if outer.fail is not None:
                        raise outer.fail
                return real.__enter__()

            def __exit__(self, *exc):
                return real.__exit__(*exc)

        return Begin()


def test_items_queued_while_the_leader_waits_to_begin_join_its_batch(monkeypatch):
    import accord.core.groupcommit as gcmod

    slow = SlowBegin()
    monkeypatch.setattr(gcmod, "transaction", slow)
    batches: list[list[str]] = []

    def write(items: list[str]) -> None:
        batches.append(list(items))
        store(items)

    gc = GroupCommit(write)
    out: dict = {}
    threads = [submit_in_thread(gc, "a0", out)]
    assert slow.waiting.wait(10)
    threads += [submit_in_thread(gc, item, out) for item in ("b1", "c2")]
    wait_queued(gc, 3)
    slow.go.set()
    for t in threads:
        t.join(10)
    assert out == dict.fromkeys(["a0", "b1", "c2"], "ok")
    assert batches == [["a0", "b1", "c2"]]  # one transaction, taken once it had begun
    assert stored() == ["a0", "b1", "c2"]


def test_when_the_transaction_cannot_begin_every_queued_item_gets_the_error(monkeypatch):
    from django.db import OperationalError

    import accord.core.groupcommit as gcmod

    slow = SlowBegin(fail=OperationalError("database is down"))
    monkeypatch.setattr(gcmod, "transaction", slow)
    gc = GroupCommit(store)
    out: dict = {}
    threads = [submit_in_thread(gc, "a0", out)]
    assert slow.waiting.wait(10)
    threads.append(submit_in_thread(gc, "b1", out))
    wait_queued(gc, 2)
    slow.go.set()
    for t in threads:
        t.join(10)
        assert not t.is_alive()
    assert {k: str(v) for k, v in out.items()} == dict.fromkeys(["a0", "b1"], "database is down")
    assert stored() == [] and gc._queue == []
    gc.submit("c2")  # the next one begins normally and is not stuck
    assert stored() == ["c2"]
