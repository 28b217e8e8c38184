"""Board persistence: notes and fields. Functions run inside a transaction their caller owns.

The statements every op runs are built once, with bound parameters (see app.eventlog).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from app.board.rules import Change, field_view
from app.schema import fields, notes

NOTE_COLUMNS = ("id", "section", "kind", "text", "answer", "actors", "step", "lane", "x", "y",
                "colour", "author", "author_name", "private", "version", "created_at",
                "updated_at")
_NOTE = select(*(notes.c[c] for c in NOTE_COLUMNS))
_NOTE_IN_ROOM = _NOTE.where(notes.c.id == bindparam("note_id"),
                            notes.c.room == bindparam("note_room"))
_NOTE_EXISTS = select(notes.c.id).where(notes.c.id == bindparam("note_id"))
_COUNT_ROOM = select(func.count()).select_from(notes).where(notes.c.room == bindparam("room"))
_COUNT_LANE = _COUNT_ROOM.where(notes.c.section == bindparam("section"),
                                notes.c.lane == bindparam("lane"))
_INSERT_NOTE = insert(notes)
# No SET clause: the keys of the parameters passed besides note_id say what changes.
_UPDATE_NOTE = update(notes).where(notes.c.id == bindparam("note_id"))
_FIELD = select(fields).where(fields.c.room == bindparam("field_room"),
                              fields.c.key == bindparam("field_key"))


def get_note(conn: Connection, room: str, note_id: str) -> dict[str, Any] | None:
    row = conn.execute(_NOTE_IN_ROOM, {"note_id": note_id, "note_room": room}).mappings().first()
    return None if row is None else dict(row)


def note_exists(conn: Connection, note_id: str) -> bool:
    return conn.execute(_NOTE_EXISTS, {"note_id": note_id}).first() is not None


def room_notes(conn: Connection, room: str) -> list[dict[str, Any]]:
    query = (_NOTE.where(notes.c.room == room)
             .order_by(notes.c.section, notes.c.lane, notes.c.step, notes.c.created_at))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def count_notes(conn: Connection, room: str) -> int:
    return int(conn.execute(_COUNT_ROOM, {"room": room}).scalar_one())


def lane_notes(conn: Connection, room: str, section: str, lane: str) -> list[dict[str, Any]]:
    """A lane's step notes in step order."""
    query = (_NOTE.where(notes.c.room == room, notes.c.section == section, notes.c.lane == lane)
             .order_by(notes.c.step, notes.c.created_at))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def count_lane(conn: Connection, room: str, section: str, lane: str) -> int:
    params = {"room": room, "section": section, "lane": lane}
    return int(conn.execute(_COUNT_LANE, params).scalar_one())


def private_notes(conn: Connection, room: str) -> list[dict[str, Any]]:
    query = (_NOTE.where(notes.c.room == room, notes.c.private.is_(True))
             .order_by(notes.c.author, notes.c.section, notes.c.step, notes.c.created_at))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def insert_note(conn: Connection, room: str, note: dict[str, Any]) -> None:
    conn.execute(_INSERT_NOTE, {"room": room, **note})


def update_note(conn: Connection, note_id: str, changes: dict[str, Any]) -> None:
    conn.execute(_UPDATE_NOTE, {"note_id": note_id, **changes})


def delete_note(conn: Connection, note_id: str) -> None:
    conn.execute(delete(notes).where(notes.c.id == note_id))


def apply_change(conn: Connection, room: str, change: Change) -> None:
    """Make the writes a rule's change asks for."""
    if change.insert is not None:
        insert_note(conn, room, change.insert)
    if change.delete is not None:
        delete_note(conn, change.delete)
    for note_id, columns in change.updates:
        update_note(conn, note_id, columns)
    if change.field is not None:
        put_field(conn, room, *change.field)


def get_field(conn: Connection, room: str, key: str) -> dict[str, Any] | None:
    row = conn.execute(_FIELD, {"field_room": room, "field_key": key}).mappings().first()
    return None if row is None else dict(row)


def put_field(conn: Connection, room: str, key: str, row: dict[str, Any]) -> None:
    """Store a field's new row (value, version, updated_*); version 1 is a new field."""
    if row["version"] == 1:
        conn.execute(insert(fields).values(room=room, key=key, **row))
    else:
        conn.execute(update(fields).where(fields.c.room == room, fields.c.key == key)
                     .values(**row))


def room_fields(conn: Connection, room: str) -> dict[str, dict[str, Any]]:
    """The room's fields as clients see them, by key."""
    rows = conn.execute(select(fields).where(fields.c.room == room)).mappings().all()
    return {row["key"]: field_view(row["key"], dict(row)) for row in rows}
