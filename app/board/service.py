"""Board ops: each one read, decided by its rule (app.board.rules), stored and logged in one
transaction, then published. Also what a board's readers need: is a note shared."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app import eventlog
from app.board import rules, store
from app.board.room_write import begin_room_write
from app.board.rules import BoardContext, Change
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.phases.engine import PhaseState, private_sections, writable_sections
from app.phases.templates import Template
from app.principal import Principal, group_room
from app.protocol.client import (
    BoardOp,
    FieldSetOp,
    NoteCreateOp,
    NoteDeleteOp,
    NoteMoveOp,
    NoteReorderOp,
    NoteUpdateOp,
    PickSetOp,
)

Clock = Callable[[], float]


class BoardService:
    def __init__(self, db: Database, publisher: Publisher, templates: dict[str, Template],
                 clock: Clock, max_notes: int) -> None:
        self._db = db
        self._publisher = publisher
        self._templates = templates
        self._clock = clock
        self._max_notes = max_notes
        # (template, status, phase index) -> the phase's context: a handful of entries.
        self._contexts: dict[tuple[str, str, int], BoardContext] = {}

    async def apply(self, who: Principal, op: BoardOp) -> int:
        """Apply a client's board op; returns the seq to acknowledge (the first one, if
        this op was applied before)."""
        if who.group_id is not None and op.room != group_room(who.group_id):
            raise OpError("forbidden", "You can only change your own group's board.")
        if not op.room.startswith("group:"):
            raise OpError("invalid", "Board changes go to a group room.")
        now = self._clock()
        result = await self._db.write(lambda conn: self._apply(conn, who, op, now))
        if isinstance(result, int):
            return result
        await self._publisher.publish([result])
        return result.seq

    async def note_is_shared(self, room: str, note_id: str) -> bool:
        """Whether everyone in the room may see this note (and so its drags)."""
        note = await self._db.read(lambda conn: store.get_note(conn, room, note_id))
        return note is not None and not note["private"]

    def reveal(self, conn: Connection, room: str, by: str, now: float) -> list[StoredEvent]:
        """Share the room's private notes, inside the caller's transaction."""
        seq = eventlog.lock_room(conn, room)
        change = rules.reveal_private_notes(store.private_notes(conn, room), now)
        if change is None:
            return []
        self._store(conn, room, change)
        return [eventlog.append_event(conn, room, seq + 1, change.kind, change.data,
                                      op_id=None, by=by, private_to=None, at=now)]

    def _apply(self, conn: Connection, who: Principal, op: BoardOp,
               now: float) -> StoredEvent | int:
        workshop, seq, applied = begin_room_write(conn, who, op.room, op.op_id)
        if applied is not None:
            return applied
        change = self._decide(conn, who, op, self._context(workshop), now)
        self._store(conn, op.room, change)
        return eventlog.append_event(conn, op.room, seq + 1, change.kind, change.data,
                                     op_id=op.op_id, by=who.id, private_to=change.private_to,
                                     at=now)

    @staticmethod
    def _decide(conn: Connection, who: Principal, op: BoardOp, ctx: BoardContext,
                now: float) -> Change:
        """Read what the op's rule needs, and ask it."""
        room = op.room
        if isinstance(op, NoteCreateOp):
            data = op.data
            numbered = rules.steps_lane(ctx, who, data.section)
            return rules.create_note(
                who, data, ctx, note_id=data.id or str(uuid.uuid4()),
                note_count=store.count_notes(conn, room),
                id_taken=data.id is not None and store.note_exists(conn, data.id),
                lane_size=0 if numbered is None
                else store.count_lane(conn, room, data.section, numbered),
                now=now)
        if isinstance(op, FieldSetOp | PickSetOp):
            current = store.get_field(conn, room, op.data.key)
            if isinstance(op, FieldSetOp):
                return rules.set_field(who, op.data, ctx, current, now)
            return rules.set_pick(who, op.data, ctx, current, now)
        note = store.get_note(conn, room, op.data.id)
        if isinstance(op, NoteUpdateOp):
            return rules.update_note(who, op.data, ctx, note, now)
        if isinstance(op, NoteMoveOp):
            return rules.move_note(who, op.data, ctx, note, now)
        lane = _lane_of(conn, room, note)
        if isinstance(op, NoteDeleteOp):
            return rules.delete_note(who, op.data, ctx, note, lane, now)
        assert isinstance(op, NoteReorderOp)
        return rules.reorder_note(who, op.data, ctx, note, lane, now)

    @staticmethod
    def _store(conn: Connection, room: str, change: Change) -> None:
        store.apply_change(conn, room, change)

    def _context(self, workshop: dict[str, Any]) -> BoardContext:
        key = (workshop["template"], workshop["status"], workshop["phase_index"])
        ctx = self._contexts.get(key)
        if ctx is None:
            template = self._templates[workshop["template"]]
            state = PhaseState(status=workshop["status"], index=workshop["phase_index"])
            ctx = self._contexts[key] = BoardContext(
                template, writable_sections(state, template),
                private_sections(state, template), self._max_notes)
        return ctx


def _lane_of(conn: Connection, room: str, note: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A step note's lane, in step order; nothing for any other note."""
    if note is None or note["step"] is None:
        return []
    return store.lane_notes(conn, room, note["section"], note["lane"])
