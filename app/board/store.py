"""Board persistence: rooms, notes, fields and the event log, whose highest seq is the room's.

Each function runs inside a transaction its caller owns. ``lock_room`` must come
first in a write: it serialises writers on a room so seq stays gap-free.

The statements every op runs are built once, with bound parameters, and run as
app.prepared.Prepared statements: building a statement, and SQLAlchemy's bookkeeping
around running it, cost more than running it on SQLite.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, bindparam, delete, func, insert, select, update

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
_EVENT_COLUMNS = ("room", "seq", "kind", "data", "op_id", "by", "private_to", "at")
# inline(): the event's id is not fetched back (no RETURNING on PostgreSQL).
_APPEND = Prepared(insert(events).inline(), _EVENT_COLUMNS)


def seq_of_room(room: ColumnElement[Any] | None = None) -> ColumnElement[Any]:
    """The seq of room ``room`` (default: the parameter ``:room``): its log's highest, one
    seek in the (room, seq) index."""
    # ORDER BY ... LIMIT 1, not max(): SQLite seeks for a bare max() only, and walks the
    # room's events for coalesce(max(), 0).
    name = bindparam("room") if room is None else room
    last = (select(events.c.seq).where(events.c.room == name)
            .order_by(events.c.seq.desc()).limit(1).scalar_subquery())
    return func.coalesce(last, 0)


def seq_of_op() -> ColumnElement[Any]:
    """The seq op ``:op_id`` was applied at in room ``:room``, or NULL."""
    # LIMIT 1, not min(seq): for min(), SQLite walks the room's events in seq order.
    return (select(events.c.seq)
            .where(events.c.room == bindparam("room"), events.c.op_id == bindparam("op_id"))
            .limit(1).scalar_subquery())


# SQLite has no row locks (its writer holds the whole database); PostgreSQL does.
_WORKSHOP_OF_ROOM = select(rooms.c.workshop_id).where(rooms.c.name == bindparam("room"))
_ROOM_WORKSHOP = {False: Prepared(_WORKSHOP_OF_ROOM),
                  True: Prepared(_WORKSHOP_OF_ROOM.with_for_update())}
_SEQ = Prepared(select(seq_of_room()))
_SEQ_AND_OP = Prepared(select(seq_of_room(), seq_of_op()))


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
    conn.execute(insert(rooms).values(name=name, workshop_id=workshop_id))


def lock_room(conn: Connection, room: str) -> int:
    """Take the room's write lock (a row lock on PostgreSQL) and return its seq."""
    if lock_room_row(conn, room) is None:
        raise LookupError(room)
    return room_seq(conn, room)


def lock_room_row(conn: Connection, room: str) -> int | None:
    """Lock the room's row (on PostgreSQL) and return its workshop; None if no such room.

    Read the seq after this, in a statement of its own: on PostgreSQL a statement that
    waited for the lock still reads the log as it was when it began.
    """
    row = _ROOM_WORKSHOP[conn.dialect.name != "sqlite"].first(conn, {"room": room})
    return None if row is None else int(row[0])


def seq_and_op(conn: Connection, room: str, op_id: str) -> tuple[int, int | None]:
    """The room's seq, and the seq ``op_id`` was applied at there if it was."""
    row = _SEQ_AND_OP.first(conn, {"room": room, "op_id": op_id})
    assert row is not None  # a SELECT without FROM has its one row
    return int(row[0]), None if row[1] is None else int(row[1])


def room_seq(conn: Connection, room: str) -> int:
    row = _SEQ.first(conn, {"room": room})
    assert row is not None
    return int(row[0])


def room_seqs(conn: Connection, names: list[str]) -> dict[str, int]:
    """The seq of each of these rooms that exists."""
    query = select(rooms.c.name, seq_of_room(rooms.c.name)).where(rooms.c.name.in_(names))
    rows = conn.execute(query).all()
    return {name: int(value) for name, value in rows}


def append_event(conn: Connection, room: str, seq: int, kind: str,
                 data: dict[str, Any], *, op_id: str | None, by: str,
                 private_to: str | None, at: float) -> StoredEvent:
    """Record the event with ``seq``: the locked seq + 1."""
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
