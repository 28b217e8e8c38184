"""SQLite's one writer: a thread that owns the write connection and commits in batches.

SQLite lets one connection write at a time, so every write transaction queues here.
When several are waiting, the thread runs them in one transaction, each in a savepoint
of its own, and commits once: a failing one is rolled back alone, and none is answered
before the commit that makes it durable. A batch costs one wake-up of the event loop.

A write whose caller stopped waiting before the thread reached it is skipped; one
already running when its caller gave up still commits, like a request the server
finished for a client that hung up.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
Work = Callable[[Connection], T]

# Marks the writer's connection, so the BEGIN it opens takes the write lock at once.
WRITE_OPTION = "flipchart_write"
MAX_BATCH = 64


class WriterClosed(RuntimeError):
    """The database was closed: this write was not made."""


class BatchFailed(RuntimeError):
    """This write succeeded, but the transaction it shared did not commit."""


class _Job:
    __slots__ = ("future", "loop", "outcome", "work")

    def __init__(self, work: Work[Any], loop: asyncio.AbstractEventLoop,
                 future: asyncio.Future[Any]) -> None:
        self.work = work
        self.loop = loop
        self.future = future
        self.outcome: tuple[bool, Any] | None = None  # (succeeded, result or exception)


class SqliteWriter:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._connection: Connection | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="sqlite-writer", daemon=True)
        self._thread.start()

    async def run(self, work: Work[T]) -> T:
        """Run ``work`` in a write transaction; returns once it is committed."""
        if self._closed or not self._thread.is_alive():
            raise WriterClosed("The database is closed.")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, loop, future))
        return await future

    async def stop(self) -> None:
        """Finish the writes already queued, then close the connection and end the thread."""
        self._closed = True
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)

    # --- the writer thread --------------------------------------------------------------

    def _serve(self) -> None:
        batch: list[_Job] = []
        try:
            while True:
                first = self._jobs.get()
                if first is None:
                    break
                batch = [first]
                stopping = False
                while len(batch) < MAX_BATCH:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        stopping = True
                        break
                    batch.append(job)
                self._commit([job for job in batch if not job.future.cancelled()])
                _answer_all(batch)
                batch = []
                if stopping:
                    break
        finally:
            # Whatever made the thread end, nobody may be left waiting for it.
            self._closed = True
            leftover = batch + _drain(self._jobs)
            for job in leftover:
                if job.outcome is None:
                    job.outcome = (False, WriterClosed("The database is closed."))
            _answer_all(leftover)
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    self._connection.close()

    def _commit(self, batch: list[_Job]) -> None:
        if not batch:
            return
        try:
            conn = self._connect()
            with conn.begin():
                if len(batch) == 1:
                    # Alone, the transaction itself isolates it: no savepoint needed.
                    batch[0].outcome = (True, batch[0].work(conn))
                else:
                    # Plain SQL on the driver: SQLAlchemy's begin_nested() compiles its
                    # SAVEPOINT anew each time, which cost an eighth of the writer's time.
                    driver = conn.connection.dbapi_connection
                    assert driver is not None
                    for job in batch:
                        driver.execute("SAVEPOINT job")
                        try:
                            job.outcome = (True, job.work(conn))
                        except Exception as exc:
                            driver.execute("ROLLBACK TO SAVEPOINT job")
                            job.outcome = (False, exc)
                        driver.execute("RELEASE SAVEPOINT job")
        except Exception as exc:
            # Nothing of this transaction was kept: whatever had succeeded fails with it.
            for job in batch:
                if job.outcome is None:
                    job.outcome = (False, exc)
                elif job.outcome[0]:
                    failed = BatchFailed(f"The write was not committed: {exc}")
                    failed.__cause__ = exc
                    job.outcome = (False, failed)
            self._discard_if_unclean()

    def _discard_if_unclean(self) -> None:
        # A failed COMMIT (a deferred constraint, a full disk) can leave SQLite's own
        # transaction open; a connection in that state must not take the next batch.
        conn = self._connection
        if conn is None:
            return
        if not conn.invalidated and not conn.closed:
            driver = conn.connection.driver_connection
            if driver is not None and not driver.in_transaction:
                return
        self._connection = None
        with contextlib.suppress(Exception):
            conn.invalidate()
            conn.close()

    def _connect(self) -> Connection:
        if self._connection is None or self._connection.closed:
            self._connection = self._engine.connect().execution_options(**{WRITE_OPTION: True})
        return self._connection


def _drain(jobs: queue.SimpleQueue[_Job | None]) -> list[_Job]:
    drained: list[_Job] = []
    while True:
        try:
            job = jobs.get_nowait()
        except queue.Empty:
            return drained
        if job is not None:
            drained.append(job)


def _answer_all(batch: list[_Job]) -> None:
    by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
    for job in batch:
        by_loop.setdefault(job.loop, []).append(job)
    for loop, jobs in by_loop.items():
        # RuntimeError: that event loop has closed, so nobody waits any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_answer, jobs)


def _answer(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done() or job.outcome is None:
            continue  # its caller stopped waiting, so the job was skipped or goes unheard
        ok, value = job.outcome
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)
