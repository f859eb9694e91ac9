"""Group commit: the writes of concurrent requests in one transaction.

A filing's transaction is short (a few inserts), but each transaction pays a fixed price: on
SQLite the one write lock is taken and released, the WAL is synced at COMMIT, and on a loaded
server the thread holding the lock waits for the interpreter after every statement. When
filings arrive faster than one at a time can be written, the price is paid once for several:

- a request thread puts its prepared work in this process's queue;
- if no thread of the process is writing, it becomes the writer ("leader"): it begins a
  transaction and then takes every queued item (up to `max_batch`) and writes them in it with
  `write(items)`. On SQLite beginning means waiting for the one write lock, so the items that
  arrive while another process writes join this batch;
- the others wait for their item to be written and then answer their request; one of them
  leads the next batch if items are still queued.

No request is answered before the transaction holding its item has committed, so an
acknowledged filing is as durable as before. If a batch fails, nothing of it is written and
each item is written again in a transaction of its own, so that only the item at fault fails —
with its own error, raised in its own request. When nothing else is queued a batch is one item:
with one client nothing changes but the thread that writes.

A caller already inside a transaction writes its item itself, inside that transaction (tests,
imports, anything that must commit or roll back as a whole).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection, transaction

T = TypeVar("T")


class _Job(Generic[T]):
    __slots__ = ("item", "written", "error", "settled")

    def __init__(self, item: T) -> None:
        self.item = item
        self.written = False
        self.error: BaseException | None = None
        self.settled = False


class GroupCommit(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None], *, max_batch: int = 32) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._write, self.max_batch = write, max_batch
        self._cond = threading.Condition()
        self._queue: list[_Job[T]] = []
        self._leading = False
        self.batches = 0  # written batches and items, for tests and benchmarks
        self.items = 0

    def submit(self, item: T) -> None:
        """Write `item` (alone or with others) and return once it is committed; raise its
        error if it could not be written."""
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: all of the item or nothing
                self._write([item])
            return
        job = _Job(item)
        cond = self._cond
        with cond:
            self._queue.append(job)
            while True:
                while not job.settled and self._leading:
                    cond.wait()
                if job.settled:
                    break
                self._leading = True
                batch: list[_Job[T]] = []
                cond.release()
                try:
                    self._run(batch)
                finally:
                    cond.acquire()
                    self._leading = False
                    if not batch and job in self._queue:
                        # Interrupted before it took a batch: its own item is not written.
                        self._queue.remove(job)
                        batch.append(job)
                    for j in batch:
                        if not j.written and j.error is None:
                            j.error = RuntimeError("the write was interrupted")
                        j.settled = True
                    cond.notify_all()
        if job.error is not None:
            raise job.error

    def _take(self, batch: list[_Job[T]]) -> None:
        """Move up to max_batch queued jobs into `batch` (the leader's list, which the finally
        clause of `submit` settles whatever happens)."""
        with self._cond:
            batch.extend(self._queue[: self.max_batch])
            del self._queue[: self.max_batch]

    def _run(self, batch: list[_Job[T]]) -> None:
        try:
            with transaction.atomic():
                # The batch is taken once the transaction has begun: on SQLite that is when
                # the write lock is ours, so whatever was queued while we waited for it
                # joins this batch instead of waiting for the next one.
                self._take(batch)
                self._write([j.item for j in batch])
        except Exception as exc:  # noqa: BLE001 - handed to the request it belongs to
            if not batch:
                # The transaction could not even begin (the database is down): what is queued
                # now gets that error rather than a retry one by one.
                self._take(batch)
                for j in batch:
                    j.error = exc
                return
            if len(batch) == 1:
                batch[0].error = exc
                return
            # Nothing of the batch was written: write each item alone, so that only the
            # one at fault fails.
            for j in batch:
                try:
                    with transaction.atomic():
                        self._write([j.item])
                except Exception as one:  # noqa: BLE001
                    j.error = one
                else:
                    j.written = True
                    self._count(1)
            return
        for j in batch:
            j.written = True
        self._count(len(batch))

    def _count(self, n: int) -> None:
        self.batches += 1
        self.items += n

    def stats(self) -> dict[str, Any]:
        return {"batches": self.batches, "items": self.items}
