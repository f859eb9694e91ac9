"""SQLite WAL checkpoints in server processes run from a background thread, not inside a
COMMIT: connections of such a process turn the automatic checkpoint off, and the passive
checkpoint copies the log back into the database file while writers go on."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from tests.durability.test_sqlite_writer_queue import in_thread, wrapper

from accord.core.sqlite_backend import checkpoints
from accord.core.sqlite_backend.checkpoints import CHECKPOINTER, Checkpointer


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def wal_db(path: Path):
    w = wrapper(path)
    w.ensure_connection()
    w.connection.execute("PRAGMA journal_mode=WAL")
    return w


def autocheckpoint(w) -> int:
    return w.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0]


def test_connections_of_a_checkpointing_process_leave_commits_alone(tmp_path, monkeypatch):
    def run():
        plain = wal_db(tmp_path / "a.sqlite3")
        assert autocheckpoint(plain) == 1000  # SQLite's default: inside COMMIT
        plain.close()
        monkeypatch.setattr(CHECKPOINTER, "_pid", os.getpid())  # as after start()
        monkeypatch.setattr(CHECKPOINTER, "_stop", threading.Event())
        served = wal_db(tmp_path / "a.sqlite3")
        assert autocheckpoint(served) == 0
        served.close()
        CHECKPOINTER.stop()  # a stopped checkpointer leaves new connections as SQLite has them
        again = wal_db(tmp_path / "a.sqlite3")
        assert autocheckpoint(again) == 1000
        again.close()

    in_thread(run)


def test_a_passive_checkpoint_copies_the_log_while_the_data_stays(tmp_path, monkeypatch):
    monkeypatch.setattr(CHECKPOINTER, "_pid", os.getpid())
    monkeypatch.setattr(CHECKPOINTER, "_stop", type(CHECKPOINTER._stop)())

    def run():
        w = wal_db(tmp_path / "b.sqlite3")
        w.connection.execute("CREATE TABLE t (x INTEGER)")
        for i in range(1500):  # more than 1000 pages' worth of commits would have checkpointed
            w.connection.execute("INSERT INTO t VALUES (?)", [i])
        busy, frames, copied = checkpoints.checkpoint(w)
        assert busy == 0 and frames > 1000 and copied == frames
        assert w.connection.execute("SELECT count(*) FROM t").fetchone()[0] == 1500
        w.close()

    in_thread(run)


def test_start_does_nothing_without_a_database_file(settings, monkeypatch):
    c = Checkpointer()
    for vendor, name in (("sqlite", ":memory:"), ("sqlite", "file:memdb?mode=memory"),
                         ("postgresql", "accord")):  # fmt: skip
        fake = type("Conn", (), {"vendor": vendor, "settings_dict": {"NAME": name}})
        monkeypatch.setattr(checkpoints, "connection", fake)
        assert c.start() is False and not c.active()
    settings.ACCORD_SQLITE_CHECKPOINT_SECONDS = 0
    monkeypatch.setattr(checkpoints, "connection", wrapper("/tmp/unused.sqlite3"))
    assert c.start() is False and not c.active()


def test_the_thread_checkpoints_every_interval(tmp_path, settings, monkeypatch):
    settings.ACCORD_SQLITE_CHECKPOINT_SECONDS = 0.05
    w = in_thread(lambda: wal_db(tmp_path / "c.sqlite3"))
    monkeypatch.setattr(checkpoints, "connection", w)
    c = Checkpointer()
    try:
        assert c.start() is True and c.active()
        assert c.start() is True  # once per process: no second thread
        deadline = time.monotonic() + 10
        while c.runs < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert c.runs >= 3
        assert sum(t.name == "accord-checkpoint" for t in threading.enumerate()) == 1
    finally:
        c.stop()
        time.sleep(0.2)
    assert not c.active()
