"""SQLite's writer: batched transactions on the event loop keep each write's own outcome.

These run the real writer on a real SQLite file. Writes sent in one turn of the event
loop are committed as one batch; another process's connection stands in for whoever
else might hold the write lock.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from app import sqlite_writer
from app.db import Database
from app.sqlite_writer import WriterClosed


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'writer.db'}")
    await database.write(lambda conn: conn.execute(text(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES item (id))")))
    yield database
    await database.close()


def insert(item_id: int, owner: int | None = None) -> Callable[[Connection], int]:
    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO item (id, owner) VALUES (:id, :owner)"),
                     {"id": item_id, "owner": owner})
        return item_id
    return work


async def stored(db: Database) -> list[int]:
    query = text("SELECT id FROM item ORDER BY id")
    return list(await db.read(lambda conn: conn.execute(query).scalars().all()))


@pytest.fixture
def commits() -> Iterator[list[float]]:
    """When each COMMIT was sent, on any engine, while the test runs."""
    sent: list[float] = []

    def count(conn: Connection) -> None:
        time.sleep(0.05)  # a slow disk: an answer before the commit would show
        sent.append(time.monotonic())

    event.listen(Engine, "commit", count)
    yield sent
    event.remove(Engine, "commit", count)


async def one_batch(db: Database, jobs: list[Callable[[Connection], Any]]) -> list[Any]:
    """Run ``jobs`` as one batch: all of them are sent in the same turn of the loop."""
    return await asyncio.gather(*(db.write(job) for job in jobs), return_exceptions=True)


def foreign_writer(path: Path) -> sqlite3.Connection:
    """Another process's connection holding the write lock until it commits."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO item (id) VALUES (100)")
    return other


async def test_a_failing_write_in_a_batch_is_rolled_back_alone(
    db: Database, commits: list[float],
) -> None:
    def half_done_then_fails(conn: Connection) -> None:
        insert(2)(conn)
        raise ValueError("changed its mind")

    results = await one_batch(db, [insert(1), half_done_then_fails, insert(3)])
    assert len(commits) == 1  # the three as one transaction
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], ValueError)
    assert await stored(db) == [1, 3]


async def test_when_the_commit_fails_every_write_in_the_batch_fails_and_none_is_kept(
    db: Database,
) -> None:
    def defer_foreign_keys(conn: Connection) -> None:
        # The dangling reference below is only checked at COMMIT, so the commit fails.
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))

    results = await one_batch(db, [insert(1), defer_foreign_keys, insert(2, owner=99)])
    assert all(isinstance(r, Exception) and "FOREIGN KEY" in str(r) for r in results)
    assert await stored(db) == []
    assert await db.write(insert(4)) == 4  # the writer carries on
    assert await stored(db) == [4]


async def test_a_write_alone_whose_commit_fails_fails_and_is_not_kept(db: Database) -> None:
    def dangling_reference_checked_at_commit(conn: Connection) -> int:
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        return insert(1, owner=99)(conn)

    with pytest.raises(Exception, match="FOREIGN KEY"):
        await db.write(dangling_reference_checked_at_commit)
    assert await stored(db) == []


async def test_a_write_is_answered_only_after_its_commit(
    db: Database, commits: list[float],
) -> None:
    # On the loop, nobody can resume between the commit and the answer; what can go
    # wrong is the order inside the flush, so look at the batch's answers as it commits.
    answered_at_commit: list[bool] = []

    def look(conn: Connection) -> None:
        answered_at_commit.extend(job.future.done() for job in db._writer._pending)

    event.listen(Engine, "commit", look)
    try:
        for item_id in range(1, 6):
            await db.write(insert(item_id))
            answered = time.monotonic()
            assert commits and commits[-1] <= answered
            assert (await stored(db))[-1] == item_id  # and another connection reads it
    finally:
        event.remove(Engine, "commit", look)
    assert answered_at_commit and not any(answered_at_commit)


async def test_closing_finishes_the_writes_already_queued(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'close.db'}"
    first = Database(url)
    await first.write(lambda conn: conn.execute(text("CREATE TABLE item (id INT, owner INT)")))
    pending = [asyncio.ensure_future(first.write(insert(i))) for i in range(50)]
    await asyncio.sleep(0)  # queued, not necessarily run
    await first.close()
    assert sorted(await asyncio.gather(*pending)) == list(range(50))
    second = Database(url)
    try:
        assert len(await stored(second)) == 50
    finally:
        await second.close()


async def test_a_write_after_closing_fails_at_once_instead_of_waiting(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'closed.db'}")
    await db.close()
    with pytest.raises(WriterClosed):
        await asyncio.wait_for(db.write(insert(1)), 2)


async def test_a_write_whose_caller_gave_up_while_queued_is_not_made(db: Database) -> None:
    abandoned = asyncio.ensure_future(db.write(insert(1)))
    await asyncio.sleep(0)  # queued for the next turn's batch
    abandoned.cancel()
    kept = asyncio.ensure_future(db.write(insert(2)))
    assert await kept == 2
    assert abandoned.cancelled()
    assert await stored(db) == [2]


async def test_a_write_holds_the_write_lock_from_its_first_statement(
        db: Database, tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: a write that reads first still excludes other writers, so what it
    # read cannot change under it before it writes.
    def read_then_try_another_writer(conn: Connection) -> str:
        conn.execute(text("SELECT count(*) FROM item")).scalar_one()
        other = sqlite3.connect(tmp_path / "writer.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            return str(exc)
        finally:
            other.close()
        return "the other connection took the lock"

    assert await db.write(read_then_try_another_writer) == "database is locked"


async def test_a_write_waits_for_another_process_lock_without_blocking_the_loop(
        db: Database, tmp_path: Path) -> None:
    other = foreign_writer(tmp_path / "writer.db")
    writing = asyncio.ensure_future(db.write(insert(1)))
    gaps = []
    for _ in range(20):  # 0.2 s of a loop that stays free while the write waits
        before = time.monotonic()
        await asyncio.sleep(0.01)
        gaps.append(time.monotonic() - before)
    assert max(gaps) < 0.05 and not writing.done()
    other.execute("COMMIT")
    other.close()
    assert await asyncio.wait_for(writing, 2) == 1
    assert await stored(db) == [1, 100]


async def test_a_write_fails_with_a_clear_error_once_the_lock_wait_runs_out(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_writer, "LOCK_WAIT_SECONDS", 0.2)  # the default is 10 s
    other = foreign_writer(tmp_path / "writer.db")
    try:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await db.write(insert(1))
        assert 0.2 <= time.monotonic() - started < 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await db.write(insert(2)) == 2  # and the writer carries on
    assert await stored(db) == [2]


async def test_writes_run_on_the_event_loop_thread_and_checkpoints_on_another(
        db: Database, tmp_path: Path) -> None:
    threads: list[int] = []

    def insert_noting_the_thread(conn: Connection) -> None:
        threads.append(threading.get_ident())
        insert(len(threads))(conn)

    for _ in range(50):
        await db.write(insert_noting_the_thread)
    assert set(threads) == {threading.get_ident()}
    autocheckpoint = await db.write(
        lambda conn: conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())
    assert autocheckpoint == 0
    # The loop never checkpoints (wal_autocheckpoint is off on its connection), yet the
    # rows reach the database file itself: a copy of it without its WAL has them.
    for _ in range(50):
        await asyncio.sleep(0.1)
        shutil.copy(tmp_path / "writer.db", tmp_path / "copy.db")
        copy = sqlite3.connect(tmp_path / "copy.db")
        try:
            count = copy.execute("SELECT count(*) FROM item").fetchone()[0]
        except sqlite3.OperationalError:  # no such table: not checkpointed yet
            count = 0
        finally:
            copy.close()
        if count == 50:
            break
    assert count == 50


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


async def test_the_wal_stays_bounded_under_a_steady_stream_of_writes(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_writer, "CHECKPOINT_SECONDS", 0.05)
    blob = "x" * 2000
    await db.write(lambda conn: conn.execute(text("CREATE TABLE blob (text TEXT)")))

    def insert_blob(item_id: int) -> Callable[[Connection], None]:
        def work(conn: Connection) -> None:
            insert(item_id)(conn)
            conn.execute(text("INSERT INTO blob VALUES (:text)"), {"text": blob})
        return work

    # 3,000 commits in a steady stream, each adding three 4 KB pages to the WAL: 37 MB
    # if the WAL never started again from its beginning (PASSIVE checkpoints alone leave
    # it at that), about 5 MB when it does (RESTART waits for 1,000 pages), and never
    # near half of the 37.
    for item_id in range(1, 3001):
        await db.write(insert_blob(item_id))
        # A short pause with the GIL released, as a busy server has (the loop blocks here
        # on purpose: an asyncio sleep would idle it for a whole millisecond).
        time.sleep(0.0002)  # noqa: ASYNC251
    assert len(await stored(db)) == 3000
    assert (tmp_path / "writer.db-wal").stat().st_size < 18_000_000


class Interrupt(BaseException):
    """Not an Exception, like KeyboardInterrupt: the writer must not be left stuck."""


async def test_a_job_raising_a_base_exception_fails_its_batch_and_the_writer_goes_on(
        db: Database) -> None:
    def interrupted(conn: Connection) -> None:
        raise Interrupt

    results = await asyncio.wait_for(one_batch(db, [insert(1), interrupted, insert(3)]), 2)
    assert all(isinstance(r, RuntimeError) and "not made" in str(r) for r in results)
    assert await stored(db) == []
    assert await asyncio.wait_for(db.write(insert(4)), 2) == 4
    assert await stored(db) == [4]


async def test_a_job_raising_stop_iteration_fails_alone(db: Database) -> None:
    def next_of_nothing(conn: Connection) -> None:
        next(iter([]))

    results = await asyncio.wait_for(one_batch(db, [insert(1), next_of_nothing, insert(3)]), 2)
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[1].__cause__, StopIteration)
    assert await stored(db) == [1, 3]


async def test_more_writes_than_one_batch_holds_are_all_made_in_order(db: Database) -> None:
    count = sqlite_writer.MAX_BATCH * 3 + 5
    order: list[int] = []

    def noting_order(item_id: int) -> Callable[[Connection], int]:
        def work(conn: Connection) -> int:
            order.append(item_id)
            return insert(item_id)(conn)
        return work

    results = await one_batch(db, [noting_order(i) for i in range(1, count + 1)])
    assert results == list(range(1, count + 1))
    assert order == list(range(1, count + 1))
    assert await stored(db) == list(range(1, count + 1))


async def test_closing_while_another_process_holds_the_lock_fails_the_queued_writes(
        db: Database, tmp_path: Path) -> None:
    other = foreign_writer(tmp_path / "writer.db")
    try:
        writing = asyncio.ensure_future(db.write(insert(1)))
        await asyncio.sleep(0.05)  # retrying behind the other process's lock
        closing = asyncio.ensure_future(db.close())
        await asyncio.sleep(0.05)
        closing.cancel()  # a shutdown that stops waiting
        with pytest.raises(asyncio.CancelledError):
            await closing
        with pytest.raises(WriterClosed):
            await asyncio.wait_for(writing, 2)
    finally:
        other.execute("ROLLBACK")
        other.close()
