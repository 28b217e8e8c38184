"""Group signals: "we're done" (per person) and "we need help" (per group), the roster
that shows them, readiness reset at each new phase, and the early advance when every
group is ready (if the workshop asks for it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection

from app import eventlog
from app.board.room_write import begin_room_write
from app.board.vote_service import VoteService
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.phases.service import PhaseChange, PhaseService
from app.phases.templates import Template
from app.principal import Principal, group_room, workshop_room
from app.protocol.client import GroupHelpOp, GroupReadyOp
from app.workshops import signals, store

Clock = Callable[[], float]
# Who is online in the workshop now (principal ids), as the delivery layer knows it.
Online = Callable[[], Iterable[str]]
ADVANCE_STATUSES = ("running", "paused", "timeup")


class SignalService:
    def __init__(self, db: Database, publisher: Publisher, templates: dict[str, Template],
                 phases: PhaseService, clock: Clock) -> None:
        self._db = db
        self._publisher = publisher
        self._templates = templates
        self._phases = phases
        self._clock = clock

    async def signal(self, who: Principal, op: GroupReadyOp | GroupHelpOp,
                     online: Online) -> int:
        """Apply a ready or help signal; returns the seq to acknowledge."""
        if isinstance(op, GroupReadyOp) and who.role != "participant":
            raise OpError("forbidden", "Only participants say they are done.")
        if who.group_id is not None and op.room != group_room(who.group_id):
            raise OpError("forbidden", "You can only signal for your own group.")
        if not op.room.startswith("group:"):
            raise OpError("invalid", "Signals go to a group room.")
        now = self._clock()
        result = await self._db.write(lambda conn: self._signal(conn, who, op, now))
        if isinstance(result, int):
            return result
        await self._publisher.publish([result])
        roster = await self._db.write(lambda conn: roster_event(conn, who.workshop_id, now))
        await self._publisher.publish([roster])
        if isinstance(op, GroupReadyOp) and op.data.ready:
            await self._maybe_advance(who.workshop_id, roster.data, online)
        return result.seq

    def _signal(self, conn: Connection, who: Principal, op: GroupReadyOp | GroupHelpOp,
                now: float) -> StoredEvent | int:
        workshop, seq, applied = begin_room_write(conn, who, op.room, op.op_id)
        if applied is not None:
            return applied
        group_id = int(op.room.removeprefix("group:"))
        current = signals.group_signal(conn, group_id)
        help_, ready = current["help"], current["ready"]
        if isinstance(op, GroupHelpOp):
            help_ = op.data.on
        else:
            if workshop["status"] not in ADVANCE_STATUSES:
                raise OpError("conflict", "There is no phase running to be done with.")
            ready = [p for p in ready if p != who.id] + ([who.id] if op.data.ready else [])
        signals.put_signal(conn, who.workshop_id, group_id, help_, ready)
        return eventlog.append_event(conn, op.room, seq + 1, op.kind,
                                     {"help": help_, "ready": ready}, op_id=op.op_id,
                                     by=who.id, private_to=None, at=now)

    async def _maybe_advance(self, workshop_id: int, roster: dict[str, Any],
                             online: Online) -> None:
        workshop = await self._db.read(lambda conn: store.get_workshop(conn, workshop_id))
        if workshop is None or not workshop["advance_when_ready"] \
                or workshop["status"] not in ADVANCE_STATUSES:
            return
        phase = self._templates[workshop["template"]].phases[workshop["phase_index"]]
        if phase.mode != "group" or not signals.every_group_ready(roster, online()):
            return
        await self._phases.advance_from(workshop_id, workshop["phase_index"], "ready")

    async def set_advance(self, workshop_id: int, on: bool, online: Online) -> None:
        """The workshop's "advance when every group is ready" setting; the roster shows it.
        Turned on when every group is ready already, it moves on at once."""
        now = self._clock()

        def change(conn: Connection) -> StoredEvent:
            signals.set_advance(conn, workshop_id, on)
            return roster_event(conn, workshop_id, now)

        roster = await self._db.write(change)
        await self._publisher.publish([roster])
        if on:
            await self._maybe_advance(workshop_id, roster.data, online)

    def on_phase_change(self, conn: Connection, workshop_id: int, now: float,
                        votes_changed: bool) -> list[StoredEvent]:
        """Inside a phase transition's transaction: nobody is done with the new phase yet;
        the roster says so (and what the vote hook changed), if anything changed."""
        if signals.clear_ready(conn, workshop_id) or votes_changed:
            return [roster_event(conn, workshop_id, now)]
        return []


def roster_event(conn: Connection, workshop_id: int, now: float,
                 op_id: str | None = None) -> StoredEvent:
    return eventlog.append_next(conn, workshop_room(workshop_id), "roster",
                                store.roster(conn, workshop_id), op_id=op_id,
                                by="facilitator", at=now)


def phase_change_hook(votes: VoteService, signals_: SignalService) -> PhaseChange:
    """What a new phase does to votes and signals, for PhaseService.on_phase_change."""
    def on_phase_change(conn: Connection, workshop: dict[str, Any], index: int,
                        now: float) -> list[StoredEvent]:
        ended, changed = votes.on_phase_change(conn, workshop, index, now)
        return [*ended, *signals_.on_phase_change(conn, workshop["id"], now, changed)]

    return on_phase_change
