"""Database engine and transactions: a SQLite file by default, PostgreSQL by URL.

Domain code is synchronous and runs whole: :meth:`Database.write` and :meth:`Database.read`
take a function of a connection and run it in one transaction, written with SQLAlchemy
Core's public API (whose compiled cache makes repeated statements cheap). On SQLite a
read runs on a pool of threads, so it costs one hop off the event loop however many
statements it runs; writes go to the one writer thread (app.sqlite_writer), as SQLite
allows one writer at a time. On PostgreSQL both run on the async driver (``run_sync``)
and row locks serialise writers across processes.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.json_text import dumps, loads
from app.sqlite_writer import SqliteWriter, Work

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK_KEY = 0x666C6970  # any constant; serialises concurrent start-ups on PostgreSQL
SQLITE_READERS = 4

T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept driver-less or aiosqlite URLs and pick the driver we run on."""
    if url.startswith(("sqlite:///", "sqlite+aiosqlite:///")):
        return "sqlite:///" + url.split(":///", 1)[1]
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self._sync_engine: Engine | None = None
        self._async_engine: AsyncEngine | None = None
        self._blocking_engine: Engine | None = None
        if self.is_sqlite:
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # One connection for each reader thread and the writer.
            engine = create_engine(self.url, pool_size=SQLITE_READERS + 1, max_overflow=4,
                                   json_serializer=dumps, json_deserializer=loads)
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
            self._sync_engine = engine
            self._writer = SqliteWriter(engine)
            self._readers = ThreadPoolExecutor(SQLITE_READERS, thread_name_prefix="sqlite-reader")
        else:
            self._async_engine = create_async_engine(self.url, pool_size=10, max_overflow=20,
                                                     json_serializer=dumps,
                                                     json_deserializer=loads)

    async def write(self, work: Work[T]) -> T:
        """Run ``work`` in one write transaction: committed if it returns, else rolled back."""
        if self._sync_engine is not None:
            return await self._writer.run(work)
        assert self._async_engine is not None
        async with self._async_engine.begin() as conn:
            return await conn.run_sync(work)

    async def read(self, work: Work[T]) -> T:
        """Run ``work`` in one read transaction.

        On SQLite every query in it sees the same snapshot; on PostgreSQL (READ
        COMMITTED) each query sees what was committed when it started.
        """
        if self._sync_engine is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._readers, self._read_now, work)
        assert self._async_engine is not None
        async with self._async_engine.connect() as conn:
            return await conn.run_sync(work)

    def read_blocking(self, work: Work[T]) -> T:
        """Run ``work`` in one read transaction on the calling thread, blocking it.

        For the rare look-up synchronous code cannot defer (a workshop's template copy the
        first time a process meets it); everything else uses :meth:`read`.
        """
        if self._sync_engine is not None:
            return self._read_now(work)
        if self._blocking_engine is None:
            # The same psycopg driver, used synchronously; one small pool for these reads.
            self._blocking_engine = create_engine(self.url, pool_size=1, max_overflow=2,
                                                  json_serializer=dumps,
                                                  json_deserializer=loads)
        with self._blocking_engine.connect() as conn, conn.begin():
            return work(conn)

    async def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        if self._sync_engine is not None:
            await self.write(_upgrade)
            return
        assert self._async_engine is not None
        async with self._async_engine.begin() as conn:
            await conn.execute(text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})"))
            await conn.run_sync(_upgrade)

    async def ping(self) -> None:
        await self.read(lambda conn: conn.execute(text("SELECT 1")).scalar_one())

    async def close(self) -> None:
        if self._sync_engine is not None:
            await self._writer.stop()
            self._readers.shutdown(wait=True)
            self._sync_engine.dispose()
        if self._async_engine is not None:
            await self._async_engine.dispose()
        if self._blocking_engine is not None:
            self._blocking_engine.dispose()

    def _read_now(self, work: Work[T]) -> T:
        assert self._sync_engine is not None
        with self._sync_engine.connect() as conn, conn.begin():
            return work(conn)


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions out of the sqlite3 module's hands: _sqlite_begin opens them.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # The sqlite3 module's own transaction handling is off (_sqlite_connect), so each
    # transaction begins here: a read with BEGIN, which holds one snapshot for all its
    # statements; the writer with BEGIN IMMEDIATE (its execution option), which takes
    # the write lock up front so that what it reads stays true until it commits.
    conn.exec_driver_sql(conn.get_execution_options().get("flipchart_begin", "BEGIN"))
