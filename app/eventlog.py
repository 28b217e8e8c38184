"""Rooms and their event logs: the sequenced record every durable change is appended to.

A room's seq is the highest seq in its log, and ``lock_room`` must come first in a write:
it serialises writers on a room (a row lock on PostgreSQL; SQLite has one writer) so
that seqs stay gap-free. Functions run inside a transaction their caller owns.

The statements every op runs are built once, with bound parameters: SQLAlchemy then
finds each one's compiled form in its cache without building the statement again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, select

from app.schema import events, rooms


class StoredEvent(NamedTuple):
    """One entry of a room's event log."""

    room: str
    seq: int
    kind: str
    data: dict[str, Any]
    op_id: str | None
    by: str
    private_to: str | None


class Publisher(Protocol):
    """Where committed events go: the delivery layer's hub implements this."""

    async def publish(self, events: Iterable[StoredEvent]) -> None: ...

    async def rejoin(self, room: str, who: list[str] | None) -> None:
        """Ask these principals' sockets in ``room`` (None: all) to reconnect."""
        ...

    async def revoke(self, room: str, who: list[str], reason: str) -> None:
        """Close these principals' sockets in ``room`` at once: their credential no longer
        opens it (``reason`` is the close reason, under 120 bytes)."""
        ...

    async def move(self, room: str, who: list[str], group_id: int) -> None:
        """Switch these participants' open sockets in ``room`` to group ``group_id``'s room
        in place; sockets still saying hello reconnect instead (4412)."""
        ...

    async def remove(self, room: str, who: list[str], reason: str) -> None:
        """Close these participants' sockets in ``room`` for good: the facilitator removed
        them (close code 4403)."""
        ...

    async def shut(self, room: str, reason: str) -> None:
        """Close every socket in ``room`` for good: its workshop was deleted."""
        ...


def _seq_of(room: ColumnElement[Any] | str) -> ColumnElement[Any]:
    # ORDER BY ... LIMIT 1, not max(): SQLite seeks the (room, seq) index for a bare
    # max() only, and walks all of the room's events for coalesce(max(), 0).
    last = (select(events.c.seq).where(events.c.room == room)
            .order_by(events.c.seq.desc()).limit(1).scalar_subquery())
    return func.coalesce(last, 0)


# FOR UPDATE is a row lock on PostgreSQL; SQLite, which has one writer, leaves it out.
_LOCK_ROOM = (select(rooms.c.workshop_id).where(rooms.c.name == bindparam("room"))
              .with_for_update())
_ROOM_SEQ = select(_seq_of(bindparam("room")))
_FIND_OP = (select(events.c.seq)
            .where(events.c.room == bindparam("room"), events.c.op_id == bindparam("op_id"))
            .limit(1))
_SEQ_AND_OP = select(_seq_of(bindparam("room")), _FIND_OP.scalar_subquery())
_APPEND = insert(events)


def create_room(conn: Connection, name: str, workshop_id: int) -> None:
    conn.execute(insert(rooms).values(name=name, workshop_id=workshop_id))


def lock_room(conn: Connection, room: str) -> int:
    """Take the room's write lock and return its seq; LookupError if there is no such room."""
    if lock_room_row(conn, room) is None:
        raise LookupError(room)
    return room_seq(conn, room)


def lock_room_row(conn: Connection, room: str) -> int | None:
    """Lock the room's row (on PostgreSQL) and return its workshop; None if no such room.

    Read the seq after this, in a statement of its own: on PostgreSQL a statement that
    waited for the lock still reads the log as it was when it began.
    """
    found = conn.execute(_LOCK_ROOM, {"room": room}).scalar_one_or_none()
    return None if found is None else int(found)


def room_seq(conn: Connection, room: str) -> int:
    return int(conn.execute(_ROOM_SEQ, {"room": room}).scalar_one())


def seq_and_op(conn: Connection, room: str, op_id: str) -> tuple[int, int | None]:
    """The room's seq, and the seq ``op_id`` was applied at there if it was: one statement
    (after lock_room_row, so that on PostgreSQL it sees the last writer's commit)."""
    seq, applied = conn.execute(_SEQ_AND_OP, {"room": room, "op_id": op_id}).one()
    return int(seq), None if applied is None else int(applied)


def room_seqs(conn: Connection, names: list[str]) -> dict[str, int]:
    """The seq of each of these rooms that exists."""
    query = select(rooms.c.name, _seq_of(rooms.c.name)).where(rooms.c.name.in_(names))
    return {name: int(value) for name, value in conn.execute(query).all()}


def find_op(conn: Connection, room: str, op_id: str) -> int | None:
    """The seq an op was applied at in this room, if it was."""
    # LIMIT 1, not min(seq): the (room, op_id) index finds it in one seek.
    seq = conn.execute(_FIND_OP, {"room": room, "op_id": op_id}).scalar_one_or_none()
    return None if seq is None else int(seq)


def append_event(conn: Connection, room: str, seq: int, kind: str, data: dict[str, Any], *,
                 op_id: str | None, by: str, private_to: str | None, at: float) -> StoredEvent:
    """Record the event with ``seq``: the locked seq + 1."""
    conn.execute(_APPEND, {"room": room, "seq": seq, "kind": kind, "data": data,
                           "op_id": op_id, "by": by, "private_to": private_to, "at": at})
    return StoredEvent(room, seq, kind, data, op_id, by, private_to)


def append_next(conn: Connection, room: str, kind: str, data: dict[str, Any], *,
                op_id: str | None, by: str, private_to: str | None = None,
                at: float) -> StoredEvent:
    """Lock the room and append the event after its last one."""
    seq = lock_room(conn, room)
    return append_event(conn, room, seq + 1, kind, data, op_id=op_id, by=by,
                        private_to=private_to, at=at)


def events_after(conn: Connection, room: str, after: int, limit: int) -> list[StoredEvent]:
    query = (select(events.c.room, events.c.seq, events.c.kind, events.c.data, events.c.op_id,
                    events.c.by, events.c.private_to)
             .where(events.c.room == room, events.c.seq > after)
             .order_by(events.c.seq).limit(limit))
    return [StoredEvent(*row) for row in conn.execute(query).all()]
