"""Migrations keep what is stored: a room's seq survives the move from its row to its
event log, and back.

On SQLite, or on PostgreSQL when FLIPCHART_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from app import eventlog
from app.db import MIGRATIONS_DIR, Database


def migrate(revision: str, *, down: bool = False) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    return run


def add_workshop(conn: Connection) -> None:
    """Workshop 1, written as at revision 0002."""
    conn.execute(text("INSERT INTO workshop (id, code, title, template, facilitator_token_hash, "
                      "created_at, minutes, auto_advance, status, phase_index, phase_version, "
                      "warned) VALUES (1, 'ABCDEF', 'T', 'activity-2', 'x', 0, '{}', true, "
                      "'lobby', -1, 0, false)"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.close()


async def test_a_rooms_seq_moves_to_its_event_log_and_back(db: Database) -> None:
    await db.write(migrate("0002"))

    def seed(conn: Connection) -> None:
        add_workshop(conn)
        conn.execute(text("INSERT INTO room (name, workshop_id, seq) VALUES "
                          "('group:1', 1, 2), ('group:2', 1, 0)"))
        for seq in (1, 2):
            conn.execute(text("INSERT INTO event (room, seq, kind, data, op_id, \"by\", at) "
                              f"VALUES ('group:1', {seq}, 'note.move', '{{}}', 'op-{seq}', "
                              "'p1', 0)"))

    await db.write(seed)
    await db.write(migrate("head"))

    def append_one(conn: Connection) -> int:
        seq = eventlog.lock_room(conn, "group:1")
        eventlog.append_event(conn, "group:1", seq + 1, "note.move", {}, op_id="op-3", by="p1",
                           private_to=None, at=1.0)
        return seq

    assert await db.write(append_one) == 2
    assert await db.read(lambda conn: eventlog.room_seqs(conn, ["group:1", "group:2"])) \
        == {"group:1": 3, "group:2": 0}

    await db.write(migrate("0002", down=True))
    rows = await db.read(lambda conn: conn.execute(
        text("SELECT name, seq FROM room ORDER BY name")).all())
    assert [tuple(row) for row in rows] == [("group:1", 3), ("group:2", 0)]


async def test_a_room_whose_log_ends_before_its_seq_is_not_migrated(db: Database) -> None:
    await db.write(migrate("0002"))

    def seed(conn: Connection) -> None:
        add_workshop(conn)
        conn.execute(text("INSERT INTO room (name, workshop_id, seq) VALUES ('group:1', 1, 2)"))

    await db.write(seed)
    with pytest.raises(RuntimeError, match="group:1"):
        await db.write(migrate("head"))
    rows = await db.read(lambda conn: conn.execute(text("SELECT name, seq FROM room")).all())
    assert [tuple(row) for row in rows] == [("group:1", 2)]  # nothing was dropped


async def test_erase_notes_defaults_to_keep_anonymous_for_existing_workshops(
    db: Database
) -> None:
    await db.write(migrate("0004"))
    await db.write(add_workshop)
    await db.write(migrate("head"))
    mode = await db.read(lambda conn: conn.execute(
        text("SELECT erase_notes FROM workshop WHERE id = 1")).scalar_one())
    assert mode == "keep_anonymous"
    await db.write(migrate("0004", down=True))
    columns = await db.read(lambda conn: conn.execute(text("SELECT * FROM workshop")).keys())
    assert "erase_notes" not in columns
