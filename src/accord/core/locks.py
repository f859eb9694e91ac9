"""Locks across processes for one database: a PostgreSQL advisory lock, or an exclusive file
lock (`flock`) on a file beside the SQLite database (a thread lock when the database has no
file: the tests' in-memory one). The kernel or the server releases them when their holder dies.

`ProcessLock(suffix, pg_key)`:
- `hold(conn)`: be the only holder until the block ends (waits for it); on PostgreSQL the
  lock belongs to `conn`'s session.
- `hold_session(conn, waiting=...)`: hold it on a connection of its own (PostgreSQL), so it
  lives as long as that session whatever `conn` does; when another holder has it, call
  `waiting` once, then wait. Yields a check that says whether the lock is still held (a
  PostgreSQL restart ends the session that holds it).
- `held_elsewhere(conn)`: whether someone holds it now (without waiting).

`database_file(conn)` is the SQLite file behind a connection (lock files and checkpoints
need one); Accord's SQLite engine (`core.sqlite_backend`) uses it for its writer lock file.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)


def database_file(conn: Any) -> str | None:
    """The SQLite file behind `conn`, or None: another database, one in memory, or a `file:`
    URI (the tests' shared in-memory database). Lock files and checkpoints need a file."""
    if conn.vendor != "sqlite":
        return None
    name = str(conn.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return name


def _take(try_take: Callable[[], bool], take: Callable[[], object], waiting) -> None:
    """Take a lock at once if free, else call `waiting` (if given) and wait for it."""
    if not try_take():
        if waiting:
            waiting()
        take()


def _flock_now(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class ProcessLock:
    """One named lock across processes: the file `<database><suffix>` beside a SQLite
    database, or the PostgreSQL advisory lock `pg_key`."""

    def __init__(self, suffix: str, pg_key: int) -> None:
        self.suffix = suffix
        self.pg_key = pg_key
        self._local = threading.Lock()  # SQLite databases without a file (tests)

    def _path(self, conn: Any) -> str | None:
        name = database_file(conn)
        return None if name is None else name + self.suffix

    @contextmanager
    def hold(self, conn: Any) -> Iterator[None]:
        """Be the only holder across all processes until the block ends (waits for it)."""
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_lock(%s)", [self.pg_key])
            try:
                yield
            finally:
                try:
                    with conn.cursor() as cur:
                        cur.execute("SELECT pg_advisory_unlock(%s)", [self.pg_key])
                except DatabaseError:  # a broken connection: closing it releases the lock
                    log.warning("could not release the lock %s", self.suffix, exc_info=True)
            return
        path = self._path(conn)
        if path is None:
            with self._local:
                yield
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    @contextmanager
    def hold_session(
        self, conn: Any, *, waiting: Callable[[], None] | None = None
    ) -> Iterator[Callable[[], bool]]:
        """Hold the lock until the block ends; when another holder has it, call `waiting`
        once and wait for it. Yields a check that says whether the lock is still held."""
        if conn.vendor == "postgresql":
            # A connection of its own: the lock lives as long as that session, whatever the
            # caller's own connection does (it is closed after errors and reopened).
            own = connections.create_connection(getattr(conn, "alias", DEFAULT_DB_ALIAS))

            def held() -> bool:
                try:
                    with own.cursor() as cur:
                        cur.execute("SELECT 1")
                except DatabaseError:
                    return False
                return True

            def run(sql: str) -> object:
                with own.cursor() as cur:
                    cur.execute(sql, [self.pg_key])
                    return cur.fetchone()[0]

            try:
                _take(
                    lambda: run("SELECT pg_try_advisory_lock(%s)"),
                    lambda: run("SELECT pg_advisory_lock(%s)"),
                    waiting,
                )
                yield held
            finally:
                own.close()  # ends the session: releases the lock
            return
        path = self._path(conn)
        if path is None:
            _take(lambda: self._local.acquire(blocking=False), self._local.acquire, waiting)
            try:
                yield lambda: True
            finally:
                self._local.release()
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _take(lambda: _flock_now(fd), lambda: fcntl.flock(fd, fcntl.LOCK_EX), waiting)
            yield lambda: True
        finally:
            os.close(fd)  # releases the lock

    def held_elsewhere(self, conn: Any) -> bool:
        """Whether another holder has the lock now (this process's own session-held lock
        counts on SQLite, whose file locks are per open file)."""
        if conn.vendor == "postgresql":
            with conn.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", [self.pg_key])
                free = cur.fetchone()[0]
                if free:
                    cur.execute("SELECT pg_advisory_unlock(%s)", [self.pg_key])
            return not free
        path = self._path(conn)
        if path is None:
            return self._local.locked()
        if not os.path.exists(path):
            return False
        fd = os.open(path, os.O_RDWR)
        try:
            return not _flock_now(fd)
        finally:
            os.close(fd)
