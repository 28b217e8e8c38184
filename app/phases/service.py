"""Running the phases: facilitators' actions, deadlines, the plenary spotlight.

Each action is one transaction (compare-and-set on the phase, an event in the workshop
room, and the reveal of private notes in every group room when a shared phase starts),
then published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection

from app import eventlog
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.i18n import DEFAULT_LANGUAGE
from app.i18n.catalogue import parse_language
from app.phases import store
from app.phases.engine import (
    Action,
    PhaseError,
    PhaseState,
    apply_action,
    expire,
    next_deadline,
    warning_due,
)
from app.phases.templates import Template
from app.phases.view import phase_view
from app.principal import FACILITATOR_ID, group_room, workshop_room

Clock = Callable[[], float]
# Reveals a group room's private notes inside the transition's transaction (the board
# service's, handed in by the app factory: phases do not depend on the board).
Reveal = Callable[[Connection, str, str, float], list[StoredEvent]]
# What else a new phase changes (votes end, readiness resets), inside the transition's
# transaction: (conn, workshop row, new phase index, now) -> events to publish.
PhaseChange = Callable[[Connection, dict[str, Any], int, float], list[StoredEvent]]
CAS_ATTEMPTS = 3


class StalePhase(OpError):
    """The workshop moved on between reading its phase and writing the next one."""


class PhaseService:
    def __init__(self, db: Database, publisher: Publisher, templates: dict[str, Template],
                 clock: Clock, reveal: Reveal) -> None:
        self._db = db
        self._publisher = publisher
        self._templates = templates
        self._clock = clock
        self._reveal = reveal
        # Set by the app factory (app.services): the votes' and signals' hook.
        self.on_phase_change: PhaseChange = lambda conn, workshop, index, now: []
        # The scheduler's wake-up: a deadline changed here.
        self.on_deadline_change: Callable[[], None] = lambda: None

    def view(self, workshop: dict[str, Any]) -> dict[str, Any]:
        """The phase as clients see it, from a workshop row; its titles in the workshop's
        language (pages in another one take them from the template they fetched in theirs)."""
        language = parse_language(workshop.get("language")) or DEFAULT_LANGUAGE
        return phase_view(store.state_of(workshop),
                          self._templates[workshop["template"]].localized(language),
                          workshop["minutes"], workshop["auto_advance"])

    async def act(self, workshop_id: int, action: Action, seconds: int | None, by: str,
                  op_id: str | None = None,
                  base: int | None = None) -> tuple[dict[str, Any], int]:
        """Apply a facilitator's action; returns (the phase view, the event's seq).

        ``base``: the phase ``version`` the facilitator acted on. When the phase has moved
        since (another facilitator, or the scheduler), the action is a ``conflict`` with the
        current view, so two facilitators clicking at once do not both apply."""
        for _ in range(CAS_ATTEMPTS - 1):
            try:
                return await self._act(workshop_id, action, seconds, by, op_id, base=base)
            except StalePhase:
                continue  # the scheduler moved the phase meanwhile (a warning, say): look again
        return await self._act(workshop_id, action, seconds, by, op_id, base=base)

    async def advance_from(self, workshop_id: int, index: int, by: str) -> None:
        """Go to the next phase if the workshop is still at phase ``index`` (so that two
        callers who both saw it ready advance it once)."""
        try:
            await self._act(workshop_id, "next", None, by, None, expect_index=index)
        except OpError:
            return  # moved on meanwhile: nothing to do

    async def _act(self, workshop_id: int, action: Action, seconds: int | None, by: str,
                   op_id: str | None, *, expect_index: int | None = None,
                   base: int | None = None) -> tuple[dict[str, Any], int]:
        now = self._clock()

        def act(conn: Connection) -> tuple[dict[str, Any], list[StoredEvent] | int]:
            workshop = store.load_workshop(conn, workshop_id)
            if workshop is None:
                raise OpError("not_found", "There is no such workshop.")
            if expect_index is not None and workshop["phase_index"] != expect_index:
                raise StalePhase("conflict", "The phase changed in the meantime.")
            if op_id is not None:
                applied = eventlog.find_op(conn, workshop_room(workshop_id), op_id)
                if applied is not None:
                    return workshop, applied
            template = self._templates[workshop["template"]]
            old = store.state_of(workshop)
            if base is not None and old.version != base:
                raise OpError("conflict", "Someone else changed the phase just before you; look "
                              "again and choose.", current=self.view(workshop))
            try:
                new = apply_action(old, action, template, workshop["minutes"], now, seconds)
            except PhaseError as exc:
                raise OpError(exc.code, exc.message) from None
            events = self._transition(conn, workshop, old, new, "phase", by, op_id, now)
            return {**workshop, **store.state_columns(new)}, events

        workshop, events = await self._db.write(act)
        if isinstance(events, int):
            return self.view(workshop), events
        await self._publisher.publish(events)
        self.on_deadline_change()
        return self.view(workshop), events[0].seq

    async def spotlight(self, workshop_id: int, group_id: int | None,
                        op_id: str | None = None) -> int:
        """Put one group's board (None: none) in the plenary's spotlight; returns the seq."""
        now = self._clock()

        def shine(conn: Connection) -> StoredEvent | int:
            room = workshop_room(workshop_id)
            # An op sent again changes nothing: a later spotlight may have replaced it.
            applied = None if op_id is None else eventlog.find_op(conn, room, op_id)
            if applied is not None:
                return applied
            if group_id is not None and group_id not in store.group_ids(conn, workshop_id):
                raise OpError("not_found", f"This workshop has no group {group_id}.")
            # The workshop row first, then the room: the lock order of phase transitions.
            store.set_spotlight(conn, workshop_id, group_id)
            seq = eventlog.lock_room(conn, room)
            if op_id is not None:
                applied = eventlog.find_op(conn, room, op_id)
                if applied is not None:  # the same op, applied by a race just now
                    return applied
            return eventlog.append_event(conn, room, seq + 1, "spotlight",
                                         {"group_id": group_id}, op_id=op_id,
                                         by=FACILITATOR_ID, private_to=None, at=now)

        result = await self._db.write(shine)
        if isinstance(result, int):
            return result
        await self._publisher.publish([result])
        return result.seq

    async def fire_due(self, now: float | None = None) -> int:
        """Apply every warning and deadline due by ``now``; returns how many fired."""
        at = self._clock() if now is None else now
        due = await self._db.read(lambda conn: store.due_workshops(conn, at))
        fired = 0
        for workshop_id in due:
            fired += await self._fire(workshop_id, at)
        return fired

    async def next_deadline(self) -> float | None:
        states = await self._db.read(store.running_states)
        return min((d for s in states if (d := next_deadline(s)) is not None), default=None)

    async def _fire(self, workshop_id: int, now: float) -> int:
        def fire(conn: Connection) -> list[StoredEvent]:
            events: list[StoredEvent] = []
            workshop = store.load_workshop(conn, workshop_id)
            if workshop is None:
                return events
            template = self._templates[workshop["template"]]
            state = store.state_of(workshop)
            # A chain of deadlines missed while the server was down applies in order.
            while (state.status == "running" and state.ends_at is not None
                   and state.ends_at <= now):
                new = expire(state, template, workshop["minutes"], workshop["auto_advance"])
                events += self._transition(conn, workshop, state, new, "phase", "scheduler",
                                           None, now)
                state = new
            if warning_due(state, now):
                new = replace(state, warned=True, version=state.version + 1)
                events += self._transition(conn, workshop, state, new, "phase.warning",
                                           "scheduler", None, now)
            return events

        try:
            events = await self._db.write(fire)
        except OpError:
            return 0  # another process fired it first; its transaction is the one that counts
        await self._publisher.publish(events)
        return len(events)

    def _transition(self, conn: Connection, workshop: dict[str, Any], old: PhaseState,
                    new: PhaseState, kind: str, by: str, op_id: str | None,
                    now: float) -> list[StoredEvent]:
        if not store.compare_and_set(conn, workshop["id"], old, new):
            raise StalePhase("conflict", "The phase changed in the meantime; look again.")
        updated = {**workshop, **store.state_columns(new)}
        events = [eventlog.append_next(conn, workshop_room(workshop["id"]), kind,
                                       self.view(updated), op_id=op_id, by=by, at=now)]
        template = self._templates[workshop["template"]]
        phase = template.phases[new.index] if new.index >= 0 else None
        if phase is not None and phase.mode != "individual" and phase.reveal:
            for group_id in store.group_ids(conn, workshop["id"]):
                events += self._reveal(conn, group_room(group_id), by, now)
        if new.index != old.index:
            events += self.on_phase_change(conn, updated, new.index, now)
        return events
