"""SQLite's writer: one thread commits batches of writes, and each keeps its own outcome.

These run the real writer on a real SQLite file, through Database's public API only. A
write that waits on a threading.Event holds the writer thread, so that the writes sent
meanwhile queue up and are taken as one batch; a plain sqlite3 connection stands in for
another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import OperationalError

from app.db import Database
from app.sqlite_writer import MAX_BATCH, BatchFailed, WriterClosed

CREATE = "CREATE TABLE item (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES item (id))"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "writer.db"


@pytest.fixture
async def db(path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{path}")
    await database.write(lambda conn: conn.execute(text(CREATE)))
    yield database
    await database.close()


@pytest.fixture
def commits(db: Database) -> Iterator[list[Connection]]:
    """Every COMMIT sent, on any engine, once the db fixture is set up."""
    sent: list[Connection] = []
    count = sent.append  # one object, to remove the listener by
    event.listen(Engine, "commit", count)
    yield sent
    event.remove(Engine, "commit", count)


def insert(item_id: int, owner: int | None = None) -> Callable[[Connection], int]:
    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO item (id, owner) VALUES (:id, :owner)"),
                     {"id": item_id, "owner": owner})
        return item_id
    return work


async def stored(db: Database) -> list[int]:
    query = text("SELECT id FROM item ORDER BY id")
    return list(await db.read(lambda conn: conn.execute(query).scalars().all()))


@contextlib.asynccontextmanager
async def writer_held(db: Database) -> AsyncIterator[None]:
    """Keep the writer thread in a write of its own for the block (one commit): the writes
    sent in the block queue behind it, and are taken together when it ends."""
    running, release = threading.Event(), threading.Event()

    def hold(conn: Connection) -> None:
        running.set()
        release.wait(5)

    held = asyncio.ensure_future(db.write(hold))
    try:
        assert await asyncio.to_thread(running.wait, 5)
        yield
        await asyncio.sleep(0)  # every write sent in the block has queued
    finally:
        release.set()
        await asyncio.wait_for(held, 5)


async def one_batch(db: Database, jobs: list[Callable[[Connection], Any]]) -> list[Any]:
    """Run ``jobs`` as one batch (as many as MAX_BATCH allows), in this order."""
    async with writer_held(db):
        writes = [asyncio.ensure_future(db.write(job)) for job in jobs]
    return await asyncio.wait_for(asyncio.gather(*writes, return_exceptions=True), 5)


def foreign_writer(path: Path) -> sqlite3.Connection:
    """Another process's connection, holding the write lock until it commits."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO item (id) VALUES (100)")
    return other


async def test_a_failing_write_in_a_batch_is_rolled_back_alone(
        db: Database, commits: list[Connection]) -> None:
    def half_done_then_fails(conn: Connection) -> None:
        insert(2)(conn)
        raise ValueError("changed its mind")

    results = await one_batch(db, [insert(1), half_done_then_fails, insert(3)])
    # The holding write's commit, then the writes before the failure, then those after.
    assert len(commits) == 3
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], ValueError)
    assert await stored(db) == [1, 3]


async def test_refused_writes_in_a_batch_cost_at_most_one_rerun_each_of_the_others(
        db: Database) -> None:
    runs: list[int] = []

    def counted(n: int) -> Any:
        def work(conn: Connection) -> int:
            runs.append(n)
            if n % 2:
                raise ValueError(f"write {n} refused")
            return int(insert(n)(conn))
        return work

    count = 40
    results = await one_batch(db, [counted(n) for n in range(count)])
    assert [isinstance(r, ValueError) for r in results] == [n % 2 == 1 for n in range(count)]
    assert await stored(db) == list(range(0, count, 2))
    assert len(runs) <= 2 * count


async def test_when_the_commit_fails_every_write_in_the_batch_fails_and_none_is_kept(
        db: Database) -> None:
    def defer_foreign_keys(conn: Connection) -> None:
        # A dangling reference after this is only checked at COMMIT, which then fails.
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))

    def dangling_reference_alone(conn: Connection) -> int:
        defer_foreign_keys(conn)
        return insert(5, owner=99)(conn)

    results = await one_batch(db, [insert(1), defer_foreign_keys, insert(2, owner=99)])
    assert all(isinstance(result, BatchFailed) for result in results), results
    with pytest.raises(BatchFailed):  # and a write alone, in a batch of one
        await asyncio.wait_for(db.write(dangling_reference_alone), 5)
    assert await stored(db) == []
    assert await asyncio.wait_for(db.write(insert(4)), 5) == 4  # the writer carries on
    assert await stored(db) == [4]


async def test_a_write_is_answered_only_after_its_commit(db: Database, path: Path) -> None:
    def slow_disk(conn: Connection) -> None:
        time.sleep(0.02)  # just before COMMIT: an answer sent before it would show

    other = sqlite3.connect(path, isolation_level=None)
    event.listen(Engine, "commit", slow_disk)
    try:
        alone = [await db.write(insert(item_id)) for item_id in range(1, 4)]
        assert alone == [1, 2, 3]  # and, each time, another process saw it:
        for answer in asyncio.as_completed([db.write(insert(i)) for i in range(4, 20)]):
            item_id = await answer
            seen = other.execute("SELECT 1 FROM item WHERE id = ?", (item_id,)).fetchall()
            assert seen == [(1,)], item_id
    finally:
        event.remove(Engine, "commit", slow_disk)
        other.close()


async def test_closing_finishes_the_writes_already_queued(path: Path) -> None:
    db = Database(f"sqlite:///{path}")
    await db.write(lambda conn: conn.execute(text(CREATE)))
    async with writer_held(db):
        queued = [asyncio.ensure_future(db.write(insert(i))) for i in range(50)]
        await asyncio.sleep(0)
        closing = asyncio.ensure_future(db.close())
        await asyncio.sleep(0)  # closing has begun: the 50 are still queued
        assert not any(write.done() for write in queued)
    await asyncio.wait_for(closing, 5)
    assert sorted(await asyncio.gather(*queued)) == list(range(50))
    with contextlib.closing(sqlite3.connect(path)) as other:
        assert other.execute("SELECT count(*) FROM item").fetchone() == (50,)


async def test_a_write_after_closing_fails_at_once_with_writer_closed(path: Path) -> None:
    db = Database(f"sqlite:///{path}")
    await db.close()
    with pytest.raises(WriterClosed):
        await asyncio.wait_for(db.write(insert(1)), 1)


async def test_a_write_whose_caller_gave_up_while_queued_is_not_made(db: Database) -> None:
    async with writer_held(db):
        abandoned = asyncio.ensure_future(db.write(insert(1)))
        kept = asyncio.ensure_future(db.write(insert(2)))
        await asyncio.sleep(0)  # both queued behind the holding write
        abandoned.cancel()
        with pytest.raises(asyncio.CancelledError):
            await abandoned
    assert await asyncio.wait_for(kept, 5) == 2
    assert await stored(db) == [2]


async def test_a_write_holds_the_write_lock_from_its_first_statement(
        db: Database, path: Path) -> None:
    # BEGIN IMMEDIATE: a write that reads first already excludes other writers, so what
    # it read cannot change under it before it writes.
    has_read, done = threading.Event(), threading.Event()

    def read_then_wait(conn: Connection) -> None:
        conn.execute(text("SELECT count(*) FROM item")).scalar_one()
        has_read.set()
        done.wait(5)

    writing = asyncio.ensure_future(db.write(read_then_wait))
    try:
        assert await asyncio.to_thread(has_read.wait, 5)
        with contextlib.closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        done.set()
        await asyncio.wait_for(writing, 5)


async def test_a_write_waiting_for_another_process_lock_leaves_the_event_loop_free(
        db: Database, path: Path) -> None:
    gaps: list[float] = []

    async def ticker() -> None:
        while True:
            last = time.monotonic()
            await asyncio.sleep(0.005)
            gaps.append(time.monotonic() - last)

    ticking = asyncio.ensure_future(ticker())
    other = foreign_writer(path)
    try:
        writing = asyncio.ensure_future(db.write(insert(1)))
        await asyncio.sleep(0.3)
        assert not writing.done()  # waiting for the lock, on the writer thread
    finally:
        other.execute("COMMIT")
        other.close()
    assert await asyncio.wait_for(writing, 2) == 1  # made once the lock is free
    ticking.cancel()
    assert len(gaps) > 10 and max(gaps) < 0.1, max(gaps)
    assert await stored(db) == [1, 100]


async def test_a_write_fails_with_a_clear_error_once_the_lock_wait_runs_out(
        db: Database, path: Path) -> None:
    # The writer keeps its connection, so a write can shorten its wait (10 s by default).
    await db.write(lambda conn: conn.exec_driver_sql("PRAGMA busy_timeout = 200"))
    other = foreign_writer(path)
    try:
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"):
            await asyncio.wait_for(db.write(insert(1)), 5)
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await asyncio.wait_for(db.write(insert(2)), 5) == 2  # and the writer carries on
    assert await stored(db) == [2]


async def test_a_read_sees_one_snapshot_while_writes_commit(db: Database) -> None:
    await db.write(insert(1))
    gate, read_once = threading.Event(), threading.Event()

    def count_twice(conn: Connection) -> tuple[int, int]:
        query = text("SELECT count(*) FROM item")
        first = int(conn.execute(query).scalar_one())
        read_once.set()
        gate.wait(5)
        return first, int(conn.execute(query).scalar_one())

    reading = asyncio.ensure_future(db.read(count_twice))
    assert await asyncio.to_thread(read_once.wait, 5)
    await db.write(insert(2))
    gate.set()
    assert await reading == (1, 1)
    assert await stored(db) == [1, 2]


class Interrupt(BaseException):
    """Not an Exception, like KeyboardInterrupt: the writer must not be left stuck."""


async def test_a_job_raising_a_base_exception_fails_and_the_writer_goes_on(
        db: Database) -> None:
    def interrupted(conn: Connection) -> None:
        insert(2)(conn)
        raise Interrupt

    results = await one_batch(db, [insert(1), interrupted, insert(3)])
    assert isinstance(results[1], Interrupt)
    assert all(isinstance(result, BaseException) for result in results), results
    with pytest.raises(Interrupt):  # and alone
        await asyncio.wait_for(db.write(interrupted), 5)
    assert await asyncio.wait_for(db.write(insert(4)), 5) == 4
    assert await stored(db) == [4]


async def test_a_job_raising_stop_iteration_fails_alone(db: Database) -> None:
    def next_of_nothing(conn: Connection) -> None:
        next(iter([]))

    results = await one_batch(db, [insert(1), next_of_nothing, insert(3)])
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[1].__cause__, StopIteration)
    with pytest.raises(RuntimeError):  # and alone
        await asyncio.wait_for(db.write(next_of_nothing), 5)
    assert await stored(db) == [1, 3]


async def test_more_writes_than_one_batch_holds_are_all_made_in_order(
        db: Database, commits: list[Connection]) -> None:
    count = MAX_BATCH * 3 + 5
    order: list[int] = []

    def noting_order(item_id: int) -> Callable[[Connection], int]:
        def work(conn: Connection) -> int:
            order.append(item_id)
            return insert(item_id)(conn)
        return work

    results = await one_batch(db, [noting_order(i) for i in range(1, count + 1)])
    assert results == order == list(range(1, count + 1))
    assert len(commits) == 1 + 4  # the holding write's, then three full batches and one
    assert await stored(db) == list(range(1, count + 1))


async def test_the_wal_stays_bounded_under_a_steady_stream_of_writes(
        db: Database, path: Path) -> None:
    await db.write(lambda conn: conn.execute(text("CREATE TABLE blob (text TEXT)")))

    def insert_blob(conn: Connection) -> None:
        conn.execute(text("INSERT INTO item (owner) VALUES (NULL)"))
        conn.execute(text("INSERT INTO blob VALUES (:text)"), {"text": "x" * 2000})

    # 3,000 commits, each adding three 4 KB pages to the WAL: 37 MB if no checkpoint let
    # the WAL start again from its beginning, about 4 MB with SQLite's autocheckpoint.
    for _ in range(3000):
        await db.write(insert_blob)
    assert len(await stored(db)) == 3000
    assert path.with_name("writer.db-wal").stat().st_size < 18_000_000
