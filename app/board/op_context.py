"""What a board op reads before it changes anything: the workshop's phase, the member's
group, the room's seq, whether the op was applied already, and the note it names.

On SQLite this is one statement: the writer holds the whole database from BEGIN
IMMEDIATE, so nothing can change between the reads, and every statement saved is a
few microseconds of every op on the event loop. On PostgreSQL it takes four, in lock
order: the workshop share-locked, then the room row-locked, then the room's seq, the op
and the note, read after the room lock so that they see what the op before it on that
room committed (READ COMMITTED reads a new snapshot per statement, and one statement
that waited for a lock would still see its old snapshot for the rows it did not lock).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select

from app.board import store
from app.board.models import notes, rooms
from app.phases import store as phase_store
from app.phases.store import WORKSHOP_STATE_COLUMNS
from app.prepared import Prepared
from app.workshops.models import participants, workshops


class OpContext(NamedTuple):
    # The phase state columns (as phases.store.state_of reads them), the template and
    # ``member_group``: the member's group now.
    workshop: dict[str, Any]
    # None: the workshop has no such room.
    room_seq: int | None
    # The seq this op was applied at, if it was (a client sending it again).
    applied: int | None
    # The note the op names, if it names one and the room has it.
    note: dict[str, Any] | None


def _one_statement() -> Prepared:
    joined = (phase_store.workshop_and_member()
              .outerjoin(rooms, (rooms.c.name == bindparam("room"))
                         & (rooms.c.workshop_id == workshops.c.id))
              .outerjoin(notes, (notes.c.id == bindparam("note_id"))
                         & (notes.c.room == rooms.c.name)))
    return Prepared(
        select(*(workshops.c[c] for c in WORKSHOP_STATE_COLUMNS),
               participants.c.group_id.label("member_group"), rooms.c.name.label("room_name"),
               store.seq_of_room().label("room_seq"), store.seq_of_op().label("applied"),
               *(notes.c[c] for c in store.NOTE_COLUMNS))
        .select_from(joined).where(workshops.c.id == bindparam("workshop")))


_ONE_STATEMENT = _one_statement()
_WORKSHOP_WIDTH = len(WORKSHOP_STATE_COLUMNS) + 1  # and member_group


def read_op_context(conn: Connection, workshop_id: int, member_id: int | None, room: str,
                    op_id: str, note_id: str | None) -> OpContext | None:
    """Everything a board op reads first, with the room locked for the op (on PostgreSQL,
    with the workshop share-locked first); None if there is no such workshop.

    ``member_id``: the participant's row id (None for the facilitator); ``note_id``: the
    note the op names, if any.
    """
    if conn.dialect.name != "sqlite":
        return _in_lock_order(conn, workshop_id, member_id, room, op_id, note_id)
    row = _ONE_STATEMENT.first(conn, {"member": member_id or -1, "room": room,
                                      "note_id": note_id, "op_id": op_id,
                                      "workshop": workshop_id})
    if row is None:
        return None
    width = _WORKSHOP_WIDTH
    workshop = dict(zip((*WORKSHOP_STATE_COLUMNS, "member_group"), row[:width], strict=True))
    room_name, seq, applied = row[width:width + 3]
    note_values = row[width + 3:]
    # The note's id is NULL when the outer join found no note.
    note = None if note_values[0] is None else dict(zip(store.NOTE_COLUMNS, note_values,
                                                        strict=True))
    if room_name is None:
        return OpContext(workshop, None, None, None)
    return OpContext(workshop, int(seq), None if applied is None else int(applied), note)


def _in_lock_order(conn: Connection, workshop_id: int, member_id: int | None, room: str,
                   op_id: str, note_id: str | None) -> OpContext | None:
    workshop = phase_store.load_workshop_for_member(conn, workshop_id, member_id)
    if workshop is None:
        return None
    if store.lock_room_row(conn, room) != workshop_id:
        return OpContext(workshop, None, None, None)
    seq, applied = store.seq_and_op(conn, room, op_id)
    note = None if note_id is None else store.get_note(conn, room, note_id)
    return OpContext(workshop, seq, applied, note)
