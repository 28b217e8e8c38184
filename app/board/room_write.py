"""The opening of every write a member makes to a group room, in the lock order every write
keeps: the workshop (shared, so no phase transition lands under it), then the room's row;
then whether this op was applied before."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection

from app import eventlog
from app.errors import OpError
from app.phases import store as phase_store
from app.principal import Principal


class RoomWrite(NamedTuple):
    workshop: dict[str, Any]
    # The room's last seq; the op's event, if any, is seq + 1.
    seq: int
    # The seq of this op's event when it was applied before (a resend), else None.
    applied: int | None


def begin_room_write(conn: Connection, who: Principal, room: str, op_id: str) -> RoomWrite:
    workshop = phase_store.load_for_member(conn, who.workshop_id, who.member_id)
    if workshop is None:
        raise OpError("not_found", "There is no such workshop.")
    if who.member_id is not None and workshop["member_group"] != who.group_id:
        # Read again on every op: a move may not have reached this socket yet.
        raise OpError("forbidden", "You have been moved to another group; "
                      "reconnect to see its board.")
    if eventlog.lock_room_row(conn, room) != who.workshop_id:
        raise OpError("not_found", f"There is no room {room!r} in this workshop.")
    seq, applied = eventlog.seq_and_op(conn, room, op_id)
    return RoomWrite(workshop, seq, applied)
