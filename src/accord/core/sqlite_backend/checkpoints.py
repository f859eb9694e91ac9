"""WAL checkpoints in the background (server processes on SQLite).

In WAL mode SQLite copies the log back into the database file ("checkpoint") once the log
passes 1000 pages, and it does so inside the COMMIT that crossed the line: that one filing
waits 20–100 ms for the copy and its sync, and so does every writer queued behind it, because
this backend's writer lock is held until COMMIT returns. In a server process this module
turns the automatic checkpoint off for the process's connections and runs a PASSIVE
checkpoint from a thread of its own every ACCORD_SQLITE_CHECKPOINT_SECONDS instead. A passive
checkpoint takes no writer lock: writers go on appending to the log while it copies.

Durability does not depend on it: every COMMIT is synced to the log (synchronous=FULL), and a
crash during a checkpoint is recovered by SQLite. Processes that do not start the thread
(management commands, tests) keep SQLite's automatic checkpoints.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import DatabaseError, connection

from accord.core.locks import database_file

log = logging.getLogger(__name__)


class Checkpointer:
    """One thread per process (started by config/wsgi.py); a forked worker starts its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._stop = threading.Event()
        self.runs = 0  # checkpoints run by this process, for tests and benchmarks

    def active(self) -> bool:
        """True in a process whose thread runs the checkpoints: its new connections turn the
        automatic checkpoint off."""
        return self._pid == os.getpid() and not self._stop.is_set()

    def start(self) -> bool:
        """Start this process's thread (once). Returns False where there is nothing to do:
        not SQLite, a database without a file, or ACCORD_SQLITE_CHECKPOINT_SECONDS = 0."""
        interval = settings.ACCORD_SQLITE_CHECKPOINT_SECONDS
        if interval <= 0 or database_file(connection) is None:
            return False
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._stop = threading.Event()
                threading.Thread(
                    target=self._run, args=(interval,), name="accord-checkpoint", daemon=True
                ).start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def _run(self, interval: float) -> None:
        stop = self._stop
        while not stop.wait(interval):
            try:
                checkpoint()
                self.runs += 1
            except DatabaseError:  # the next round tries again; commits never depend on it
                log.warning("background WAL checkpoint failed", exc_info=True)
            finally:
                connection.close()


def checkpoint(conn=None) -> tuple[int, int, int]:
    """One PASSIVE checkpoint (on this thread's connection unless given one):
    (busy, log frames, frames copied)."""
    with (conn or connection).cursor() as cur:
        cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, frames, copied = cur.fetchone()
    return busy, frames, copied


CHECKPOINTER = Checkpointer()
