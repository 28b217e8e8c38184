"""Prepared statements give what Connection.execute gives, inside the caller's transaction.

They run on the real schema, on SQLite or on PostgreSQL when FLIPCHART_TEST_DATABASE_URL
is set, and are compared with the same statement run through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, func, insert, select, update
from storage_helpers import NOTE, migrated

from app.board import store
from app.board.models import events, notes, rooms
from app.db import Database
from app.prepared import Prepared
from app.workshops.models import workshops


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    def seed(conn: Connection) -> None:
        conn.execute(insert(workshops).values(
            id=1, code="ABCDEF", title="T", template="activity-2", facilitator_token_hash="x",
            minutes={}, created_at=0.0))
        conn.execute(insert(rooms).values(name="group:1", workshop_id=1))
        conn.execute(insert(notes).values(room="group:1", **NOTE))

    database = await migrated(database_url, seed)
    yield database
    await database.close()


async def test_a_prepared_select_converts_json_and_booleans_as_sqlalchemy_does(
        db: Database) -> None:
    def both(conn: Connection) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        via_prepared = store.get_note(conn, "group:1", "n1")
        via_sqlalchemy = conn.execute(
            select(*(notes.c[c] for c in store.NOTE_COLUMNS)).where(notes.c.id == "n1")
        ).one()._asdict()
        return via_prepared, via_sqlalchemy

    prepared, expected = await db.read(both)
    assert prepared == expected == NOTE
    assert prepared is not None
    assert prepared["private"] is True and prepared["actors"] == ["tutor", "parent"]


async def test_a_missing_row_is_none(db: Database) -> None:
    assert await db.read(lambda conn: store.get_note(conn, "group:1", "nope")) is None
    assert await db.read(lambda conn: store.get_note(conn, "group:2", "n1")) is None


async def test_an_update_sets_only_the_columns_passed(db: Database) -> None:
    def move_then_recolour(conn: Connection) -> dict[str, Any] | None:
        store.update_note(conn, "n1", {"x": 300.0, "y": 40.0, "version": 2})
        store.update_note(conn, "n1", {"colour": "blue", "actors": ["tutor"], "private": False})
        return store.get_note(conn, "group:1", "n1")

    note = await db.write(move_then_recolour)
    assert note == {**NOTE, "x": 300.0, "y": 40.0, "version": 2, "colour": "blue",
                    "actors": ["tutor"], "private": False}


async def test_an_appended_event_reads_back_through_sqlalchemy_and_finds_its_op(
        db: Database) -> None:
    data = {"note": {"id": "n1", "x": 1.25}, "text": "Ünïcode ✓", "list": [1, None, True]}

    def append(conn: Connection) -> tuple[int, int | None]:
        seq = store.lock_room(conn, "group:1")
        store.append_event(conn, "group:1", seq + 1, "note.move", data, op_id="op-1",
                           by="p1", private_to=None, at=2.0)
        return store.seq_and_op(conn, "group:1", "op-1")

    assert await db.write(append) == (1, 1)
    stored = await db.read(lambda conn: conn.execute(
        select(events.c.seq, events.c.data, events.c.op_id)).one())
    assert tuple(stored) == (1, data, "op-1")
    assert await db.read(lambda conn: store.seq_and_op(conn, "group:1", "op-2")) == (1, None)
    # The room's seq is its log's highest: 0 for a room with no event (here, no room).
    assert await db.read(lambda conn: store.seq_and_op(conn, "group:9", "op-1")) == (0, None)
    assert await db.read(lambda conn: store.room_seqs(conn, ["group:1", "group:9"])) \
        == {"group:1": 1}
    assert await db.read(lambda conn: store.lock_room_row(conn, "group:9")) is None


async def test_a_prepared_write_is_rolled_back_with_its_transaction(db: Database) -> None:
    class Refused(Exception):
        pass

    def move_then_fail(conn: Connection) -> None:
        store.update_note(conn, "n1", {"x": 999.0})
        raise Refused

    with pytest.raises(Refused):
        await db.write(move_then_fail)
    note = await db.read(lambda conn: store.get_note(conn, "group:1", "n1"))
    assert note is not None and note["x"] == NOTE["x"]


async def test_a_value_written_into_the_statement_is_sent_with_it(db: Database) -> None:
    first_one = Prepared(select(notes.c.id).where(notes.c.room == bindparam("room"))
                         .order_by(notes.c.id).limit(1).offset(0))
    row = await db.read(lambda conn: first_one.first(conn, {"room": "group:1"}))
    assert row == ("n1",)


async def test_a_statement_with_one_parameter_or_none_sends_just_that(db: Database) -> None:
    by_room = Prepared(select(notes.c.id).where(notes.c.room == bindparam("room")))
    every_note = Prepared(select(func.count()).select_from(notes))
    assert await db.read(lambda conn: by_room.first(conn, {"room": "group:1"})) == ("n1",)
    assert await db.read(lambda conn: by_room.first(conn, {"room": "group:9"})) is None
    assert await db.read(lambda conn: every_note.first(conn, {})) == (1,)


async def test_an_update_reports_the_rows_it_changed(db: Database) -> None:
    recolour = Prepared(update(notes).where(notes.c.id == bindparam("note_id")), ["colour"])
    assert await db.write(lambda conn: recolour.execute(conn, {"note_id": "n1",
                                                               "colour": "pink"})) == 1
    assert await db.write(lambda conn: recolour.execute(conn, {"note_id": "none",
                                                               "colour": "pink"})) == 0


async def test_statements_it_cannot_run_faithfully_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="no column"):
        Prepared(update(notes), ["colour", "colur"])
    # A column left out would take its Python-side default, which is not evaluated here.
    partial = Prepared(insert(events).inline(), ["room", "seq", "kind", "data", "at"])
    with pytest.raises(ValueError, match="Pass every column"):
        await db.write(lambda conn: partial.execute(conn, {}))
    in_list = Prepared(select(notes.c.id).where(notes.c.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="Expanding"):
        await db.read(lambda conn: in_list.first(conn, {"ids": ["n1"]}))
    unlabelled = Prepared(select(notes.c.id, notes.c.version + 1))
    with pytest.raises(ValueError, match="Label every column"):
        await db.read(lambda conn: unlabelled.first_dict(conn, {}))
