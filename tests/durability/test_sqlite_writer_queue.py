"""Accord's SQLite engine queues write transactions on a file lock beside the database: a
second writer waits (without SQLite's sleeping busy handler) and goes on the moment the first
commits or rolls back; a closed connection never keeps the lock."""

from __future__ import annotations

import threading
import time

import pytest

from accord.core.sqlite_backend.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database."""
    with django_db_blocker.unblock():
        yield


def wrapper(path, timeout: float = 30) -> DatabaseWrapper:
    settings = {
        "ENGINE": "accord.core.sqlite_backend",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    w = DatabaseWrapper(settings, alias=f"queue-{id(settings)}")
    w.inc_thread_sharing()  # the tests hand wrappers between threads on purpose
    return w


def in_thread(fn):
    """Run `fn` in a fresh thread and return its result: Django refuses to open connections
    in a thread with a running event loop, which earlier browser tests leave in the main one."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # re-raised below
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    if "error" in out:
        raise out["error"]
    return out.get("value")


def begin(w: DatabaseWrapper) -> None:
    w.ensure_connection()
    w.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path):
    db = tmp_path / "q.sqlite3"
    # The second writer has no busy timeout: without the queue its BEGIN IMMEDIATE would fail
    # at once with "database is locked"; with it, it waits on the file lock.
    first, second = wrapper(db), wrapper(db, timeout=0)

    def first_writes() -> None:
        begin(first)
        with first.cursor() as c:
            c.execute("CREATE TABLE t (v INTEGER)")
            c.execute("INSERT INTO t VALUES (1)")

    in_thread(first_writes)
    assert (tmp_path / "q.sqlite3.writer-lock").exists()
    got: list[float] = []

    def write() -> None:
        begin(second)  # blocks on the file lock until `first` commits
        got.append(time.monotonic())
        with second.cursor() as c:
            c.execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.set_autocommit(True)

    t = threading.Thread(target=write)
    t.start()
    time.sleep(0.3)
    assert not got, "the second writer must wait while the first holds the lock"
    released = time.monotonic()

    def first_commits() -> list[int]:
        first.commit()
        first.set_autocommit(True)
        t.join(10)
        with first.cursor() as c:
            c.execute("SELECT v FROM t ORDER BY v")
            return [r[0] for r in c.fetchall()]

    assert in_thread(first_commits) == [1, 2]
    assert got and got[0] >= released
    in_thread(first.close)
    in_thread(second.close)


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_or_close_releases_the_lock(tmp_path, end):
    db = tmp_path / "q.sqlite3"
    first, second = wrapper(db), wrapper(db, timeout=0)

    def first_ends() -> None:
        begin(first)
        if end == "rollback":
            first.rollback()
            first.set_autocommit(True)
        else:
            first.close()

    in_thread(first_ends)
    done = threading.Event()

    def write() -> None:
        begin(second)
        second.rollback()
        second.set_autocommit(True)
        done.set()

    t = threading.Thread(target=write)
    t.start()
    assert done.wait(5), f"{end} must release the writer lock"
    t.join(5)
    in_thread(first.close)
    in_thread(second.close)
