"""SQLite's writer thread: batched transactions keep each write's own outcome.

These run the real writer on a real SQLite file. A first job that waits on a gate holds
the thread, so the jobs sent meanwhile queue up and are committed as one batch.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

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


async def batch_behind_a_gate(db: Database, jobs: list[Callable[[Connection], Any]]) -> list[Any]:
    """Run ``jobs`` as one batch: they queue while a first write holds the writer."""
    gate = threading.Event()
    holder = asyncio.ensure_future(db.write(lambda conn: gate.wait(5)))
    await asyncio.sleep(0.05)  # the holder is on the writer thread now
    waiting = [asyncio.ensure_future(db.write(job)) for job in jobs]
    await asyncio.sleep(0.05)  # every job is queued behind it
    gate.set()
    await holder
    return await asyncio.gather(*waiting, return_exceptions=True)


async def test_a_failing_write_in_a_batch_is_rolled_back_alone(
    db: Database, commits: list[float],
) -> None:
    def half_done_then_fails(conn: Connection) -> None:
        insert(2)(conn)
        raise ValueError("changed its mind")

    results = await batch_behind_a_gate(db, [insert(1), half_done_then_fails, insert(3)])
    assert len(commits) == 2  # the gate's write, then the three as one transaction
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], ValueError)
    assert await stored(db) == [1, 3]


async def test_when_the_commit_fails_every_write_in_the_batch_fails_and_none_is_kept(
    db: Database,
) -> None:
    def defer_foreign_keys(conn: Connection) -> None:
        # The dangling reference below is only checked at COMMIT, so the commit fails.
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))

    results = await batch_behind_a_gate(db, [insert(1), defer_foreign_keys, insert(2, owner=99)])
    assert all(isinstance(r, Exception) and "FOREIGN KEY" in str(r) for r in results)
    assert await stored(db) == []
    assert await db.write(insert(4)) == 4  # the writer carries on
    assert await stored(db) == [4]


async def test_a_write_is_answered_only_after_its_commit(
    db: Database, commits: list[float],
) -> None:
    for item_id in range(1, 6):
        await db.write(insert(item_id))
        answered = time.monotonic()
        assert commits and commits[-1] <= answered
        assert (await stored(db))[-1] == item_id  # and another connection reads it


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
    gate = threading.Event()
    holder = asyncio.ensure_future(db.write(lambda conn: gate.wait(5)))
    await asyncio.sleep(0.05)
    abandoned = asyncio.ensure_future(db.write(insert(1)))
    await asyncio.sleep(0.05)
    abandoned.cancel()
    kept = asyncio.ensure_future(db.write(insert(2)))
    await asyncio.sleep(0.05)
    gate.set()
    await holder
    assert await kept == 2
    assert await stored(db) == [2]


async def test_a_write_holds_the_write_lock_from_its_first_statement(
        db: Database, tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: a write that reads first still excludes other writers, so what it
    # read cannot change under it before it writes.
    gate, started = threading.Event(), threading.Event()

    def read_then_wait(conn: Connection) -> int:
        count = int(conn.execute(text("SELECT count(*) FROM item")).scalar_one())
        started.set()
        gate.wait(5)
        return count

    holder = asyncio.ensure_future(db.write(read_then_wait))
    assert await asyncio.to_thread(started.wait, 5)
    other = sqlite3.connect(tmp_path / "writer.db", timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()
        gate.set()
    assert await holder == 0


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
