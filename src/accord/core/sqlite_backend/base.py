"""Django's SQLite backend with a fair writer queue.

SQLite allows one writer at a time. When a write transaction finds the database locked, SQLite's
busy handler sleeps and tries again with growing pauses (1, 2, 5 … 100 ms): under many
concurrent filings a writer that keeps losing the race waits seconds while others get through,
and the CPU sits idle during the sleeps. Here every write transaction (Accord's are all
`BEGIN IMMEDIATE`) first takes an exclusive `flock` on a file beside the database and holds it
until COMMIT or ROLLBACK. The kernel wakes a waiter the moment the lock is free, across threads
and processes, so writers queue instead of polling. The SQLite lock itself is unchanged and
still guards against writers that do not use this backend (e.g. the `sqlite3` shell).

A process that dies holding the file lock releases it with its file descriptors.

Server processes also move SQLite's WAL checkpoints out of COMMIT into a thread of their own
(checkpoints.py), so that no writer waits behind a checkpoint while holding the lock.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base

from accord.core.locks import database_file
from accord.core.sqlite_backend.checkpoints import CHECKPOINTER


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if CHECKPOINTER.active():
            # This process checkpoints from its own thread (checkpoints.py), not in COMMIT.
            conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    def _writer_lock_path(self) -> str | None:
        name = database_file(self)
        return None if name is None else name + ".writer-lock"

    def _start_transaction_under_autocommit(self) -> None:
        path = self._writer_lock_path()
        if path is not None and not self._writer_held:
            if self._writer_fd is None:
                self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._writer_fd, fcntl.LOCK_EX)
            self._writer_held = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_release()
            raise

    def _writer_release(self) -> None:
        if self._writer_held and self._writer_fd is not None:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
