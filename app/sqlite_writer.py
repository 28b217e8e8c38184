"""SQLite's one writer: a thread that runs write transactions, a batch at a time.

SQLite lets one connection write at a time. Writes queue for one thread, which takes
whatever has queued up (at most ``MAX_BATCH``) and runs it as one transaction with one
commit; a write that fails is answered alone and the others run again without it. No
write is answered before the commit that makes it durable. Waiting for the write lock,
commits and WAL checkpoints all happen on this thread, so a slow disk or another
process holding the lock never stalls the event loop.

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
        """Run the batch as one transaction and answer each write once it commits.

        A write that fails (most refusals are raised from inside a write) rolls the
        transaction back and is answered with its error; the writes before it run again
        as a batch of their own, then those after it. So a batch costs no savepoints,
        and each refusal costs one rerun of what came before it.
        """
        segments = [batch]
        while segments:
            pending = segments.pop(0)
            results: list[Any] = []
            failed: tuple[int, Exception] | None = None
            try:
                with conn.begin() as transaction:
                    for index, (work, _) in enumerate(pending):
                        try:
                            results.append(work(conn))
                        except Exception as exc:
                            failed = (index, exc)
                            transaction.rollback()
                            break
            except BaseException as exc:
                self._fail(conn, pending, len(results), exc)
                for _, future in (job for rest in segments for job in rest):
                    future.set_exception(WriterClosed(f"Not made: a write before it raised "
                                                      f"{exc!r}."))
                return
            if failed is None:
                for (_, future), result in zip(pending, results, strict=True):
                    future.set_result(result)
                continue
            index, error = failed
            pending[index][1].set_exception(_deliverable(error))
            segments[0:0] = [part for part in (pending[:index], pending[index + 1:]) if part]

    @staticmethod
    def _fail(conn: Connection, pending: list[_Job], ran: int, exc: BaseException) -> None:
        """The commit failed (or a write raised a BaseException): nothing was kept."""
        log.warning("SQLite commit of %d writes failed: %r", len(pending), exc)
        for position, (_, future) in enumerate(pending):
            if position < ran:
                failed = BatchFailed("The write's transaction did not commit.")
                failed.__cause__ = exc
                future.set_exception(failed)
            elif position == ran:  # the write that raised it
                future.set_exception(exc)
            else:
                future.set_exception(WriterClosed(f"Not made: a write before it raised {exc!r}."))
        # A failed COMMIT (a deferred constraint, a full disk) can leave SQLite's own
        # transaction open, and every later BEGIN would fail: start a clean connection.
        driver = conn.connection.driver_connection
        if driver is not None and driver.in_transaction:
            conn.invalidate()
        # Not re-raised, even if not an Exception (a job's KeyboardInterrupt, say): it
        # would only end this thread, and every later write would wait for it forever.


def _deliverable(exc: Exception) -> Exception:
    """``exc``, or a RuntimeError from it where an asyncio future cannot hold it."""
    if not isinstance(exc, StopIteration):
        return exc
    # asyncio refuses a StopIteration (it would end the awaiting coroutine): the copy
    # to the caller's future would fail on the loop, and the caller wait forever.
    failed = RuntimeError(f"The write raised {exc!r}")
    failed.__cause__ = exc
    return failed
