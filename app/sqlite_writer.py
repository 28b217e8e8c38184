"""SQLite's one writer: a thread that runs write transactions, a batch at a time.

SQLite lets one connection write at a time. Writes queue for one thread, which takes
whatever has queued up (at most ``MAX_BATCH``) and runs it as one transaction: each
write in a savepoint of its own, so a failing one is rolled back alone, then one
commit. No write is answered before the commit that makes it durable. Waiting for the
write lock, commits and WAL checkpoints all happen on this thread, so a slow disk or
another process holding the lock never stalls the event loop.

A write whose caller stopped waiting before its batch ran is skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
Work = Callable[[Connection], T]
log = logging.getLogger(__name__)

MAX_BATCH = 64
# The execution option app.db's BEGIN listener reads: take the write lock up front, so
# everything a write reads stays true until it commits.
BEGIN_IMMEDIATE = {"flipchart_begin": "BEGIN IMMEDIATE"}


class WriterClosed(RuntimeError):
    """The database was closed: this write was not made."""


class BatchFailed(RuntimeError):
    """This write succeeded, but the transaction it shared did not commit."""


_Job = tuple[Work[Any], "concurrent.futures.Future[Any]"]
_STOP = None


class SqliteWriter:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def run(self, work: Work[T]) -> T:
        """Run ``work`` in a write transaction; returns once it is committed."""
        if self._closed:
            raise WriterClosed("The database is closed.")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((work, future))
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        """Finish the writes already queued, then stop the thread."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_STOP)
        await asyncio.to_thread(self._thread.join)

    # --- on the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        try:
            with self._engine.connect().execution_options(**BEGIN_IMMEDIATE) as conn:
                while True:
                    batch, stopping = self._take()
                    if batch:
                        self._commit(conn, batch)
                    if stopping:
                        break
        except Exception:
            log.exception("the SQLite writer stopped")
            self._closed = True
        # Anything still queued is refused, not left waiting.
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job[1].set_exception(WriterClosed("The database was closed before this "
                                                  "write was made."))

    def _take(self) -> tuple[list[_Job], bool]:
        """The next batch: a blocking wait for the first job, then whatever else queued."""
        batch: list[_Job] = []
        job = self._jobs.get()
        while job is not _STOP:
            assert job is not None
            # False: the caller was cancelled while the job queued.
            if job[1].set_running_or_notify_cancel():
                batch.append(job)
            if len(batch) >= MAX_BATCH:
                return batch, False
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return batch, False
        return batch, True

    def _commit(self, conn: Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with conn.begin():
                for work, _ in batch:
                    outcomes.append(self._attempt(conn, work, alone=len(batch) == 1))
                if len(batch) == 1 and not outcomes[0][0]:
                    raise _RolledBack
        except _RolledBack:
            pass
        except BaseException as exc:
            log.warning("SQLite commit of %d writes failed: %r", len(batch), exc)
            for (_, future), (succeeded, _) in zip(batch, outcomes, strict=False):
                future.set_exception(BatchFailed("The write's transaction did not commit.")
                                     if succeeded else exc)
            for _, future in batch[len(outcomes):]:
                future.set_exception(exc)
            # A failed COMMIT (a deferred constraint, a full disk) can leave SQLite's own
            # transaction open, and every later BEGIN would fail: start a clean connection.
            driver = conn.connection.driver_connection
            if driver is not None and driver.in_transaction:
                conn.invalidate()
            # Not re-raised, even if not an Exception (a job's KeyboardInterrupt, say): it
            # would only end this thread, and every later write would wait for it forever.
            return
        for (_, future), (succeeded, result) in zip(batch, outcomes, strict=True):
            if succeeded:
                future.set_result(result)
            else:
                future.set_exception(result)

    @staticmethod
    def _attempt(conn: Connection, work: Work[Any], *, alone: bool) -> tuple[bool, Any]:
        """Run one write; in a batch, inside a savepoint that a failure rolls back."""
        if alone:
            try:
                return True, work(conn)
            except Exception as exc:
                return False, _deliverable(exc)
        savepoint = conn.begin_nested()
        try:
            result = work(conn)
        except Exception as exc:
            savepoint.rollback()
            return False, _deliverable(exc)
        savepoint.commit()
        return True, result


def _deliverable(exc: Exception) -> Exception:
    """``exc``, or a RuntimeError from it where an asyncio future cannot hold it."""
    if not isinstance(exc, StopIteration):
        return exc
    # asyncio refuses a StopIteration (it would end the awaiting coroutine): the copy
    # to the caller's future would fail on the loop, and the caller wait forever.
    failed = RuntimeError(f"The write raised {exc!r}")
    failed.__cause__ = exc
    return failed


class _RolledBack(Exception):
    """A lone write failed: its transaction is rolled back, with nothing else in it."""
