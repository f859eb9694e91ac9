"""core.locks: named locks across processes beside a SQLite file (PostgreSQL: advisory locks,
exercised through early warning's queue tests on a PostgreSQL run)."""

from __future__ import annotations

import threading
import time

from accord.core.locks import ProcessLock, database_file


def fake_sqlite(path) -> object:
    return type("C", (), {"vendor": "sqlite", "settings_dict": {"NAME": str(path)}})()


def test_database_file_only_for_a_sqlite_file(tmp_path):
    assert database_file(fake_sqlite(tmp_path / "a.sqlite3")) == str(tmp_path / "a.sqlite3")
    for name in ("", ":memory:", "file:memdb1?mode=memory&cache=shared"):
        assert database_file(fake_sqlite(name)) is None
    assert database_file(type("C", (), {"vendor": "postgresql"})()) is None


def test_locks_of_different_names_are_apart_and_each_is_seen_from_elsewhere(tmp_path):
    conn = fake_sqlite(tmp_path / "a.sqlite3")
    one, two = ProcessLock(".one", 1), ProcessLock(".two", 2)
    assert not one.held_elsewhere(conn)  # no lock file yet
    with one.hold(conn):
        assert one.held_elsewhere(conn)  # another open file of it sees it taken
        assert not two.held_elsewhere(conn)
        with two.hold_session(conn) as held:  # does not wait for the other name
            assert held() and two.held_elsewhere(conn)
    assert not one.held_elsewhere(conn) and not two.held_elsewhere(conn)


def test_a_second_holder_is_told_and_waits(tmp_path):
    conn = fake_sqlite(tmp_path / "a.sqlite3")
    lock = ProcessLock(".x", 3)
    inside, order = threading.Event(), []

    def first():
        with lock.hold_session(conn):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    t = threading.Thread(target=first)
    t.start()
    assert inside.wait(5)
    with lock.hold_session(conn, waiting=lambda: order.append("second waits")):
        order.append("second holds")
    t.join(5)
    assert order == ["second waits", "first done", "second holds"]
