"""Dot votes: casting and taking back dots (group room ops), opening and closing a vote
(the facilitator's workshop ops), and the vote's end when its phase ends.

A dot's event is private to its voter, the facilitator included (``only:`` in
app.principal): everyone else gets a ``hidden`` event, so no one can count dots per note
until the vote closes. Then each group room gets a ``votes.results`` event with its counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app import eventlog
from app.board import store as board_store
from app.board import vote_store, votes
from app.board.room_write import begin_room_write
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.phases import store as phase_store
from app.phases.templates import Template
from app.principal import FACILITATOR_ID, ONLY, Principal, group_room, workshop_room
from app.protocol.client import VoteOp

Clock = Callable[[], float]
# Appends the workshop room's roster event (app.workshops.store), handed in by the app
# factory: the board does not depend on the workshops package.
RosterEvent = Callable[[Connection, int, float, str | None], StoredEvent]
OPEN_STATUSES = ("running", "paused", "timeup")


class VoteService:
    def __init__(self, db: Database, publisher: Publisher, templates: dict[str, Template],
                 clock: Clock, roster_event: RosterEvent) -> None:
        self._db = db
        self._publisher = publisher
        self._templates = templates
        self._clock = clock
        self._roster_event = roster_event

    async def vote(self, who: Principal, op: VoteOp) -> int:
        """Cast or take back one dot; returns the seq to acknowledge."""
        if who.role != "participant" or who.group_id is None:
            raise OpError("forbidden", "Only participants vote.")
        if op.room != group_room(who.group_id):
            raise OpError("forbidden", "You can only vote on your own group's board.")
        now = self._clock()
        result = await self._db.write(lambda conn: self._vote(conn, who, op, now))
        if isinstance(result, int):
            return result
        await self._publisher.publish([result])
        # The dots cast so far, per group, for the facilitator's panel: a transaction of
        # its own so that the op's holds one room lock only.
        roster = await self._db.write(
            lambda conn: self._roster_event(conn, who.workshop_id, now, None))
        await self._publisher.publish([roster])
        return result.seq

    def _vote(self, conn: Connection, who: Principal, op: VoteOp,
              now: float) -> StoredEvent | int:
        workshop, seq, applied = begin_room_write(conn, who, op.room, op.op_id)
        if applied is not None:
            return applied
        round_ = vote_store.current_round(conn, who.workshop_id)
        note_id = op.data.note_id
        mine = {} if round_ is None else vote_store.mine(conn, round_["id"], op.room, who.id)
        if op.kind == "vote.cast":
            note = board_store.get_note(conn, op.room, note_id)
            votes.check_cast(round_, note, self._templates[workshop["template"]], mine)
            assert round_ is not None
            vote_store.add_vote(conn, round_["id"], op.room, note_id, who.id, now)
        else:
            votes.check_retract(round_, note_id, mine)
            assert round_ is not None
            vote_store.remove_vote(conn, round_["id"], op.room, note_id, who.id)
        mine = vote_store.mine(conn, round_["id"], op.room, who.id)
        data = {"note_id": note_id, **votes.board_view(round_, mine, None)}
        return eventlog.append_event(conn, op.room, seq + 1, op.kind, data, op_id=op.op_id,
                                     by=who.id, private_to=ONLY + who.id, at=now)

    async def open(self, workshop_id: int, per_person: int, sections: list[str] | None,
                   op_id: str) -> int:
        """Open a vote on the current group phase; returns the roster event's seq."""
        now = self._clock()

        def open_(conn: Connection) -> list[StoredEvent] | int:
            workshop = self._lock(conn, workshop_id)
            applied = eventlog.find_op(conn, workshop_room(workshop_id), op_id)
            if applied is not None:
                return applied
            template = self._templates[workshop["template"]]
            index = workshop["phase_index"]
            if workshop["status"] not in OPEN_STATUSES or template.phases[index].mode != "group":
                raise OpError("conflict", "A vote can only be opened during a group phase.")
            current = vote_store.current_round(conn, workshop_id)
            if current is not None and current["status"] == "open":
                raise OpError("conflict", "A vote is already open; close it first.")
            keys = votes.check_sections(template, sections or [])
            vote_store.open_round(conn, workshop_id, index, per_person, keys, now)
            return [self._roster_event(conn, workshop_id, now, op_id)]

        return await self._write(open_)

    async def close(self, workshop_id: int, op_id: str) -> int:
        """Close the open vote: counts appear on every board; returns the roster's seq."""
        now = self._clock()

        def close_(conn: Connection) -> list[StoredEvent] | int:
            self._lock(conn, workshop_id)
            applied = eventlog.find_op(conn, workshop_room(workshop_id), op_id)
            if applied is not None:
                return applied
            current = vote_store.current_round(conn, workshop_id)
            if current is None or current["status"] != "open":
                raise OpError("conflict", "No vote is open.")
            vote_store.close_round(conn, current["id"], now)
            roster = self._roster_event(conn, workshop_id, now, op_id)
            return [roster, *self._results(conn, workshop_id, current["id"], now)]

        return await self._write(close_)

    def on_phase_change(self, conn: Connection, workshop: dict[str, Any], new_index: int,
                        now: float) -> tuple[list[StoredEvent], bool]:
        """Inside a phase transition's transaction: the open vote ends with its phase, and
        a phase that declares a vote opens one. Returns the events and whether the vote
        changed (the caller then appends the roster event)."""
        events: list[StoredEvent] = []
        changed = False
        current = vote_store.current_round(conn, workshop["id"])
        if current is not None and current["status"] == "open" \
                and current["phase_index"] != new_index:
            vote_store.close_round(conn, current["id"], now)
            events += self._results(conn, workshop["id"], current["id"], now)
            changed = True
        phases = self._templates[workshop["template"]].phases
        declared = phases[new_index].vote if 0 <= new_index < len(phases) else None
        if declared is not None:
            vote_store.open_round(conn, workshop["id"], new_index, declared.per_person,
                                  list(declared.sections), now)
            changed = True
        return events, changed

    def _results(self, conn: Connection, workshop_id: int, round_id: int,
                 now: float) -> list[StoredEvent]:
        counts = vote_store.counts(conn, round_id)
        return [eventlog.append_next(conn, group_room(group_id), "votes.results",
                                     {"round": round_id,
                                      "counts": counts.get(group_room(group_id), {})},
                                     op_id=None, by=FACILITATOR_ID, at=now)
                for group_id in phase_store.group_ids(conn, workshop_id)]

    @staticmethod
    def _lock(conn: Connection, workshop_id: int) -> dict[str, Any]:
        # Share-locked: no phase transition lands between reading the phase and the write.
        workshop = phase_store.load_for_member(conn, workshop_id, None)
        if workshop is None:
            raise OpError("not_found", "There is no such workshop.")
        return workshop

    async def _write(self, fn: Callable[[Connection], list[StoredEvent] | int]) -> int:
        result = await self._db.write(fn)
        if isinstance(result, int):
            return result
        await self._publisher.publish(result)
        return result[0].seq


def board_votes(conn: Connection, who: Principal, room: str) -> dict[str, Any]:
    """A group room's vote as ``who`` sees it (its snapshot's ``votes``)."""
    round_ = vote_store.current_round(conn, who.workshop_id)
    if round_ is None:
        return votes.board_view(None, None, None)
    mine = vote_store.mine(conn, round_["id"], room, who.id) \
        if who.role == "participant" else None
    counts = vote_store.counts(conn, round_["id"], room).get(room, {}) \
        if round_["status"] == "closed" else None
    return votes.board_view(round_, mine, counts)


def roster_votes(conn: Connection, workshop_id: int) -> tuple[dict[str, Any], dict[str, int]]:
    """The vote's summary for the roster, and dots cast per group room (totals only)."""
    round_ = vote_store.current_round(conn, workshop_id)
    totals = {} if round_ is None else vote_store.totals(conn, round_["id"])
    return votes.summary(round_, sum(totals.values())), totals


def report_votes(conn: Connection, workshop_id: int) -> list[dict[str, Any]]:
    """Every closed vote with its counts per group room: for reports (no voters)."""
    return [{"round": r["id"], "phase_index": r["phase_index"], "per_person": r["per_person"],
             "counts": vote_store.counts(conn, r["id"])}
            for r in vote_store.closed_rounds(conn, workshop_id)]
