"""Board persistence: rooms and their seq, notes, fields and the event log.

Each function runs inside a transaction its caller owns. ``lock_room`` must come
first in a write: it serialises writers on a room so seq stays gap-free.

The statements every op runs are built once, with bound parameters, and run as
app.prepared.Prepared statements: building a statement, and SQLAlchemy's bookkeeping
around running it, cost more than running it on SQLite.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, delete, func, insert, select, update

from app.board.models import events, fields, notes, rooms
from app.prepared import Prepared

NOTE_COLUMNS = ("id", "section", "kind", "text", "answer", "actors", "step", "lane", "x", "y",
                "colour", "author", "author_name", "private", "version", "created_at",
                "updated_at")


_NOTE = Prepared(select(*(notes.c[c] for c in NOTE_COLUMNS)).where(
    notes.c.id == bindparam("note_id"), notes.c.room == bindparam("note_room")))
# No SET clause: the keys of the parameters passed say which columns change.
_UPDATE_NOTE = update(notes).where(notes.c.id == bindparam("note_id"))
# One prepared update per set of changed columns; ops change a handful of such sets.
_UPDATE_NOTE_SETTING: dict[frozenset[str], Prepared] = {}
_MOVE_ROOM_TO = Prepared(update(rooms).where(rooms.c.name == bindparam("room_name")).values(
    seq=bindparam("room_seq")))
_EVENT_COLUMNS = ("room", "seq", "kind", "data", "op_id", "by", "private_to", "at")
# inline(): the event's id is not fetched back (no RETURNING on PostgreSQL).
_APPEND = Prepared(insert(events).inline(), _EVENT_COLUMNS)


def _seq_and_op(for_update: bool) -> Select[Any]:
    applied = (select(events.c.seq)
               .where(events.c.room == bindparam("room"), events.c.op_id == bindparam("op_id"))
               .limit(1).scalar_subquery())
    query = select(rooms.c.seq, rooms.c.workshop_id, applied.label("applied")).where(
        rooms.c.name == bindparam("room"))
    return query.with_for_update(of=rooms) if for_update else query


# SQLite has no row locks (its writer holds the whole database); PostgreSQL does.
_SEQ_AND_OP = {False: Prepared(_seq_and_op(False)), True: Prepared(_seq_and_op(True))}
_SEQ = {False: select(rooms.c.seq).where(rooms.c.name == bindparam("room")),
        True: select(rooms.c.seq).where(rooms.c.name == bindparam("room")).with_for_update()}


class StoredEvent(NamedTuple):
    """One entry of a room's event log (a tuple: one is made for every op, twice)."""

    room: str
    seq: int
    kind: str
    data: dict[str, Any]
    op_id: str | None
    by: str
    private_to: str | None


def create_room(conn: Connection, name: str, workshop_id: int) -> None:
    conn.execute(insert(rooms).values(name=name, workshop_id=workshop_id, seq=0))


def lock_room(conn: Connection, room: str) -> int:
    """Take the room's write lock (a row lock on PostgreSQL) and return its seq."""
    query = _SEQ[conn.dialect.name != "sqlite"]
    seq = conn.execute(query, {"room": room}).scalar_one_or_none()
    if seq is None:
        raise LookupError(room)
    return int(seq)


def lock_room_and_find_op(conn: Connection, room: str,
                          op_id: str) -> tuple[int, int, int | None] | None:
    """``lock_room`` and ``find_op`` in one round trip.

    Returns (room seq, the room's workshop, the op's seq if applied), or None if there
    is no such room.
    """
    query = _SEQ_AND_OP[conn.dialect.name != "sqlite"]
    row = query.first(conn, {"room": room, "op_id": op_id})
    if row is None:
        return None
    return int(row[0]), int(row[1]), None if row[2] is None else int(row[2])


def room_seq(conn: Connection, room: str) -> int:
    seq = (conn.execute(select(rooms.c.seq).where(rooms.c.name == room))).scalar_one()
    return int(seq)


def append_event(conn: Connection, room: str, seq: int, kind: str,
                 data: dict[str, Any], *, op_id: str | None, by: str,
                       private_to: str | None, at: float) -> StoredEvent:
    """Record the event with ``seq`` (the locked seq + 1) and move the room to it."""
    _MOVE_ROOM_TO.execute(conn, {"room_name": room, "room_seq": seq})
    _APPEND.execute(conn, {"room": room, "seq": seq, "kind": kind, "data": data,
                           "op_id": op_id, "by": by, "private_to": private_to, "at": at})
    return StoredEvent(room, seq, kind, data, op_id, by, private_to)


def find_op(conn: Connection, room: str, op_id: str) -> int | None:
    """The seq an op was applied at, if it was."""
    query = select(events.c.seq).where(events.c.room == room, events.c.op_id == op_id).limit(1)
    seq = (conn.execute(query)).scalar_one_or_none()
    return None if seq is None else int(seq)


def events_after(conn: Connection, room: str, after: int,
                 limit: int) -> list[StoredEvent]:
    query = (select(events.c.room, events.c.seq, events.c.kind, events.c.data, events.c.op_id,
                    events.c.by, events.c.private_to)
             .where(events.c.room == room, events.c.seq > after)
             .order_by(events.c.seq).limit(limit))
    return [StoredEvent(*row) for row in (conn.execute(query)).all()]


def get_note(conn: Connection, room: str, note_id: str) -> dict[str, Any] | None:
    return _NOTE.first_dict(conn, {"note_id": note_id, "note_room": room})


def note_exists(conn: Connection, note_id: str) -> bool:
    found = conn.execute(select(notes.c.id).where(notes.c.id == note_id))
    return found.first() is not None


def room_notes(conn: Connection, room: str) -> list[dict[str, Any]]:
    query = (select(*(notes.c[c] for c in NOTE_COLUMNS)).where(notes.c.room == room)
             .order_by(notes.c.section, notes.c.lane, notes.c.step, notes.c.created_at))
    return [dict(row._mapping) for row in (conn.execute(query)).all()]


def count_notes(conn: Connection, room: str) -> int:
    query = select(func.count()).select_from(notes).where(notes.c.room == room)
    return int((conn.execute(query)).scalar_one())


def lane_notes(conn: Connection, room: str, section: str,
               lane: str) -> list[dict[str, Any]]:
    """A lane's step notes in step order."""
    query = (select(*(notes.c[c] for c in NOTE_COLUMNS))
             .where(notes.c.room == room, notes.c.section == section, notes.c.lane == lane)
             .order_by(notes.c.step, notes.c.created_at))
    return [dict(row._mapping) for row in (conn.execute(query)).all()]


def insert_note(conn: Connection, room: str, note: dict[str, Any]) -> None:
    conn.execute(insert(notes).values(room=room, **note))


def update_note(conn: Connection, note_id: str, changes: dict[str, Any]) -> None:
    columns = frozenset(changes)
    statement = _UPDATE_NOTE_SETTING.get(columns)
    if statement is None:
        statement = _UPDATE_NOTE_SETTING[columns] = Prepared(_UPDATE_NOTE, sorted(columns))
    statement.execute(conn, {"note_id": note_id, **changes})


def delete_note(conn: Connection, note_id: str) -> None:
    conn.execute(delete(notes).where(notes.c.id == note_id))


def private_notes(conn: Connection, room: str) -> list[dict[str, Any]]:
    query = (select(*(notes.c[c] for c in NOTE_COLUMNS))
             .where(notes.c.room == room, notes.c.private.is_(True))
             .order_by(notes.c.author, notes.c.section, notes.c.step, notes.c.created_at))
    return [dict(row._mapping) for row in (conn.execute(query)).all()]


def get_field(conn: Connection, room: str, key: str) -> dict[str, Any] | None:
    query = select(fields).where(fields.c.room == room, fields.c.key == key)
    row = (conn.execute(query)).first()
    return None if row is None else dict(row._mapping)


def put_field(conn: Connection, room: str, key: str, value: Any, *, by: str,
              by_name: str, at: float) -> dict[str, Any]:
    current = get_field(conn, room, key)
    version = 1 if current is None else int(current["version"]) + 1
    values = {"value": value, "version": version, "updated_by": by, "updated_by_name": by_name,
              "updated_at": at}
    if current is None:
        conn.execute(insert(fields).values(room=room, key=key, **values))
    else:
        conn.execute(update(fields).where(fields.c.room == room, fields.c.key == key)
                     .values(**values))
    return field_view(key, values)


def room_fields(conn: Connection, room: str) -> dict[str, dict[str, Any]]:
    rows = (conn.execute(select(fields).where(fields.c.room == room))).all()
    return {row.key: field_view(row.key, dict(row._mapping)) for row in rows}


def field_view(key: str, row: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "value": row["value"], "version": row["version"],
            "by": row["updated_by"], "by_name": row["updated_by_name"], "at": row["updated_at"]}
