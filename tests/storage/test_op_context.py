"""A board op's context, read in one statement on SQLite, is what the statements in lock
order (PostgreSQL's way) read: the phase state, the member's group, the room's
seq, whether the op was applied, and the note it names.

Both ways run on the same database, on SQLite or on PostgreSQL when
FLIPCHART_TEST_DATABASE_URL is set (there both calls take the lock-order way).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Connection, insert
from storage_helpers import NOTE, migrated

from app.board import op_context, store
from app.board.models import notes, rooms
from app.board.op_context import OpContext, read_op_context
from app.db import Database
from app.workshops.models import groups, participants, workshops


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    def seed(conn: Connection) -> None:
        for wid, code in ((1, "ABCDEF"), (2, "GHJKLM")):
            conn.execute(insert(workshops).values(
                id=wid, code=code, title="T", template="activity-2",
                facilitator_token_hash=f"x{wid}", minutes={}, created_at=0.0,
                status="running", phase_index=1, ends_at=99.5, phase_version=4, warned=True))
            conn.execute(insert(groups).values(id=wid, workshop_id=wid, name="G", position=0))
            conn.execute(insert(rooms).values(name=f"group:{wid}", workshop_id=wid))
        conn.execute(insert(participants).values(id=7, workshop_id=1, group_id=1, name="Ann",
                                                 token_hash="t7", created_at=0.0))
        conn.execute(insert(notes).values(room="group:1", **NOTE))
        store.append_event(conn, "group:1", 1, "note.create", {}, op_id="op-1", by="p7",
                           private_to=None, at=1.0)
        store.append_event(conn, "group:1", 2, "note.move", {}, op_id="op-2", by="p7",
                           private_to=None, at=2.0)

    database = await migrated(database_url, seed)
    yield database
    await database.close()


async def both_ways(db: Database, workshop_id: int, member: int | None, room: str,
                    op_id: str, note_id: str | None) -> OpContext | None:
    def read(conn: Connection) -> tuple[OpContext | None, OpContext | None]:
        args = (conn, workshop_id, member, room, op_id, note_id)
        return read_op_context(*args), op_context._in_lock_order(*args)

    one_statement, in_lock_order = await db.write(read)
    assert one_statement == in_lock_order
    return one_statement


async def test_a_members_op_on_a_note_reads_phase_group_seq_and_the_note(db: Database) -> None:
    context = await both_ways(db, 1, 7, "group:1", "op-new", "n1")
    assert context is not None
    assert context.room_seq == 2 and context.applied is None
    assert context.note == NOTE and context.note["private"] is True
    assert context.workshop == {"id": 1, "template": "activity-2", "status": "running",
                                "phase_index": 1, "ends_at": 99.5, "remaining": None,
                                "phase_version": 4, "warned": True, "member_group": 1}


async def test_an_op_sent_again_reads_the_seq_it_was_applied_at(db: Database) -> None:
    context = await both_ways(db, 1, 7, "group:1", "op-2", "n1")
    assert context is not None and context.applied == 2


async def test_an_op_naming_no_note_or_a_missing_one_reads_no_note(db: Database) -> None:
    for note_id in (None, "nope"):
        context = await both_ways(db, 1, 7, "group:1", "op-new", note_id)
        assert context is not None and context.note is None and context.room_seq == 2


async def test_another_workshops_room_or_note_is_not_read(db: Database) -> None:
    context = await both_ways(db, 2, None, "group:1", "op-new", "n1")
    assert context is not None and context.room_seq is None and context.note is None
    assert context.workshop["id"] == 2 and context.workshop["member_group"] is None


async def test_a_member_of_another_workshop_reads_no_group(db: Database) -> None:
    context = await both_ways(db, 2, 7, "group:2", "op-new", None)
    assert context is not None and context.workshop["member_group"] is None
    assert context.room_seq == 0


async def test_no_such_workshop_reads_nothing(db: Database) -> None:
    assert await both_ways(db, 99, None, "group:1", "op-new", None) is None
