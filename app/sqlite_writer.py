"""SQLite's one writer: write transactions run on the event loop, batched per loop turn.

SQLite lets one connection write at a time, and with WAL and ``synchronous=NORMAL`` a
commit is a write to the WAL file, not a disk flush: tens of microseconds. Run on a
thread, each write paid more than that in hand-offs and in waits for the GIL, which
the loop holds while it is busy. So the writes queued in one turn of the loop run
together on the loop's own thread: one transaction, each write in a savepoint of its
own, one commit. A failing write is rolled back alone, and none is answered before the
commit that makes it durable.

The two slow things stay off the loop. WAL checkpoints (which flush to disk) run on a
thread of their own (``Checkpointer``). The write lock, which only another process (or,
for a moment, this one's checkpoint thread) can hold, is not waited for on the loop:
the batch is tried again a few milliseconds later, for up to ``LOCK_WAIT_SECONDS``. The
one exception is opening the write connection (at start-up, or after a failed commit
discarded it), whose set-up statements may wait like any other connection's.

A write whose caller stopped waiting before its batch ran is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
Work = Callable[[Connection], T]
log = logging.getLogger(__name__)

MAX_BATCH = 64
LOCK_RETRY_SECONDS = 0.002
LOCK_WAIT_SECONDS = 10.0
CHECKPOINT_SECONDS = 0.5
RESTART_FRAMES = 1000  # pages of the WAL, about 4 MB
RESTART_WAIT_MS = 2


class WriterClosed(RuntimeError):
    """The database was closed: this write was not made."""


class BatchFailed(RuntimeError):
    """This write succeeded, but the transaction it shared did not commit."""


class _Job:
    __slots__ = ("future", "outcome", "work")

    def __init__(self, work: Work[Any], future: asyncio.Future[Any]) -> None:
        self.work = work
        self.future = future
        self.outcome: tuple[bool, Any] | None = None  # (succeeded, result or exception)


class SqliteWriter:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._pending: list[_Job] = []
        self._scheduled: asyncio.Handle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._locked_since: float | None = None  # when BEGIN first found the lock taken
        self._connection: Connection | None = None
        self._thread: int | None = None  # the one thread the connection is used on
        self._closed = False
        self._checkpointer = Checkpointer(engine)

    async def run(self, work: Work[T]) -> T:
        """Run ``work`` in a write transaction; returns once it is committed."""
        if self._closed:
            raise WriterClosed("The database is closed.")
        if self._thread is None:
            self._thread = threading.get_ident()
        elif self._thread != threading.get_ident():
            raise RuntimeError("SQLite writes run on one event loop's thread.")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append(_Job(work, future))
        if self._scheduled is None or self._loop is not loop:
            self._loop = loop  # a new loop on this thread (tests): the old one's flush is gone
            self._scheduled = loop.call_soon(self._flush)
        return await future

    async def stop(self) -> None:
        """Finish the writes already queued, then close the connection and the checkpointer."""
        self._closed = True
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        try:
            while self._pending:
                if not self._flush_once():
                    await asyncio.sleep(LOCK_RETRY_SECONDS)
        finally:
            # Cancelled while another process held the lock: nobody may be left waiting.
            closed = WriterClosed("The database was closed before this write was made.")
            for job in self._pending:
                job.outcome = (False, closed)
            _answer(self._pending)
            self._pending = []
            if self._connection is not None:
                with contextlib.suppress(Exception):
                    self._connection.close()
                self._connection = None
            await asyncio.to_thread(self._checkpointer.stop)

    # --- on the loop ---------------------------------------------------------------------

    def _flush(self) -> None:
        self._scheduled = None
        locked = False
        try:
            locked = not self._flush_once()
        finally:
            # Even after an exception (re-raised below), the writes behind it go on.
            if self._pending and self._loop is not None:
                self._scheduled = (self._loop.call_later(LOCK_RETRY_SECONDS, self._flush)
                                   if locked else self._loop.call_soon(self._flush))

    def _flush_once(self) -> bool:
        """Commit the next batch; False if another process holds the write lock (then
        nothing ran, and the batch stays first in the queue)."""
        taken = min(len(self._pending), MAX_BATCH)
        batch = [job for job in self._pending[:taken] if not job.future.done()]
        ran = False
        try:
            ran = not batch or self._commit(batch)
        except BaseException as exc:
            # Not an Exception (KeyboardInterrupt, say): the transaction was rolled back.
            # Every write of it fails, and the exception goes on to the loop.
            interrupted = RuntimeError(f"The write was not made: {exc!r}")
            interrupted.__cause__ = exc
            for job in batch:
                job.outcome = (False, interrupted)
            self._discard_if_unclean()
            ran = True
            raise
        finally:
            if ran:
                del self._pending[:taken]
                _answer(batch)
        if batch and ran:
            self._checkpointer.written()
        return ran

    def _commit(self, batch: list[_Job]) -> bool:
        try:
            conn = self._connect()
            driver = conn.connection.driver_connection
            assert driver is not None
            if not self._begin(driver):
                return False
            with conn.begin():  # app.db's begin hook sees the open transaction
                if len(batch) == 1:
                    # Alone, the transaction itself isolates it: no savepoint needed.
                    batch[0].outcome = (True, batch[0].work(conn))
                else:
                    # Plain SQL on the driver: SQLAlchemy's begin_nested() compiles its
                    # SAVEPOINT anew each time, which cost an eighth of the writer's time.
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
        return True

    def _begin(self, driver: Any) -> bool:
        """BEGIN IMMEDIATE, which takes the write lock or fails at once (busy_timeout 0).

        False: another process holds the lock, try again shortly. Past the wait limit the
        batch fails with SQLite's own "database is locked".
        """
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # its extended codes too
                raise
            now = time.monotonic()
            if self._locked_since is None:
                self._locked_since = now
            if now - self._locked_since < LOCK_WAIT_SECONDS:
                return False
            self._locked_since = None
            raise
        self._locked_since = None
        return True

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
            conn = self._engine.connect()
            driver = conn.connection.driver_connection
            assert driver is not None
            # Never wait for the lock on the loop (see _begin), and never checkpoint
            # on it either: the Checkpointer does.
            driver.execute("PRAGMA busy_timeout=0")
            driver.execute("PRAGMA wal_autocheckpoint=0")
            self._connection = conn
        return self._connection


class Checkpointer:
    """Copies the WAL back into the database file, on a thread, while writes go on.

    At most every ``CHECKPOINT_SECONDS``, and only after something was written, a
    PASSIVE checkpoint: it takes no lock anyone waits for, and flushes to disk with the
    GIL released. PASSIVE alone does not keep the WAL bounded: the WAL starts again from
    its beginning only when a write finds all of it checkpointed, and under a steady
    stream of writes that never happens. So once the WAL holds more than
    ``RESTART_FRAMES`` pages, a RESTART checkpoint follows for what was written
    meanwhile. It holds writers off (the loop's writer tries again a moment later) for
    those few pages and a flush, and gives up until next time if a read or a write keeps
    it waiting more than ``RESTART_WAIT_MS``: a long stall of every write would cost
    more than a WAL a little longer.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._due = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sqlite-checkpoint",
                                        daemon=True)
        self._thread.start()

    def written(self) -> None:
        if not self._due.is_set():
            self._due.set()

    def stop(self) -> None:
        self._stopping.set()
        self._due.set()
        self._thread.join()

    def _serve(self) -> None:
        try:
            with contextlib.closing(self._engine.raw_connection()) as conn:
                driver = conn.driver_connection
                assert driver is not None
                driver.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
                while True:
                    self._due.wait()
                    # Cleared before the pause: a write from here on asks for the next
                    # pass, and stop() (which sets both) can never be cleared unseen.
                    self._due.clear()
                    # Closing the last connection checkpoints: stopping needs none here.
                    if self._stopping.wait(CHECKPOINT_SECONDS):
                        return
                    self._checkpoint(driver)
        except Exception:
            log.exception("SQLite's checkpoint thread stopped: the WAL grows until a restart")

    @staticmethod
    def _checkpoint(driver: Any) -> None:
        try:
            # Each row fetched, so each statement is done and holds no read snapshot.
            _, frames, _ = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if frames > RESTART_FRAMES:
                driver.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
        except sqlite3.Error as exc:
            log.warning("SQLite checkpoint failed, will try again: %s", exc)


def _answer(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done() or job.outcome is None:
            continue  # its caller stopped waiting, so the job was skipped or goes unheard
        ok, value = job.outcome
        if ok:
            job.future.set_result(value)
        elif isinstance(value, StopIteration):
            # A future cannot hold a StopIteration (it would end the awaiting coroutine).
            failed = RuntimeError(f"The write raised {value!r}")
            failed.__cause__ = value
            job.future.set_exception(failed)
        else:
            job.future.set_exception(value)
