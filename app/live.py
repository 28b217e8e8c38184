"""The live workshop service: runs each op or action in one transaction, then publishes.

This is the one place that ties the database, the board and phase domain code and the
hub together; HTTP and WebSocket endpoints call it and nothing below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, or_, select

from app.board import ops, store
from app.board.connection import Connection as BoardConnection
from app.board.connection import OutgoingEvent
from app.board.errors import OpError
from app.board.hub import Hub
from app.board.messages import (
    BOARD_OPS,
    OP_DATA,
    WORKSHOP_OPS,
    ErrorCode,
    Op,
    PhaseExtend,
    Spotlight,
)
from app.board.op_context import read_op_context
from app.board.principal import (
    FACILITATOR_ID,
    Principal,
    Role,
    group_room,
    participant_id,
    workshop_room,
)
from app.board.store import StoredEvent
from app.config import Settings
from app.db import Database
from app.json_text import dumps
from app.phases import store as phase_store
from app.phases.engine import (
    WARNING_SECONDS,
    Action,
    PhaseError,
    PhaseState,
    apply_action,
    expire,
    next_deadline,
    warning_due,
    writable_sections,
)
from app.phases.templates import Template
from app.workshops import service as workshops
from app.workshops.export import build_report
from app.workshops.models import workshops as workshop_table
from app.workshops.tokens import token_matches

Clock = Callable[[], float]
BoardHandler = Callable[..., ops.Change]
# The ops that name an existing note (data.id), read with the op's context.
NOTE_OPS = frozenset({"note.update", "note.move", "note.delete", "note.reorder"})
BOARD_HANDLERS: dict[str, BoardHandler] = {
    "note.create": ops.create_note,
    "note.update": ops.update_note,
    "note.move": ops.move_note,
    "note.delete": ops.delete_note,
    "note.reorder": ops.reorder_note,
    "field.set": ops.set_field,
    "pick.set": ops.set_pick,
}


CAS_ATTEMPTS = 3
MAX_REMEMBERED_NOTES = 1000


class _StaleState(OpError):
    """The workshop moved on between reading its phase and writing the next one."""


def validation_code(exc: ValidationError) -> ErrorCode:
    """Over-long text or lists are ``too_large``; everything else is ``invalid``."""
    return "too_large" if exc.errors()[0]["type"] in ("string_too_long", "too_long") \
        else "invalid"


def validation_message(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "frame"
    return f"{where}: {err['msg']}"


class Live:
    def __init__(self, settings: Settings, db: Database, hub: Hub,
                 templates: dict[str, Template], clock: Clock) -> None:
        self.settings = settings
        self.db = db
        self.hub = hub
        self.templates = templates
        self.clock = clock
        self.on_deadline_change: Callable[[], None] = lambda: None
        # (template, status, phase index) -> Live._phase_rules: a handful of entries.
        self._phase_rules_seen: dict[tuple[str, str, int],
                                     tuple[frozenset[str], frozenset[str]]] = {}

    # --- who is this --------------------------------------------------------------------

    async def authenticate(self, code: str, token: str,
                           role: str | None) -> tuple[Principal, dict[str, Any]] | None:
        def find(conn: Connection) -> tuple[Principal, dict[str, Any]] | None:
            workshop = workshops.find_workshop(conn, code)
            if workshop is None:
                return None
            if token_matches(token, workshop["facilitator_token_hash"]):
                kind: Role = "screen" if role == "screen" else "facilitator"
                name = "Screen" if kind == "screen" else "Facilitator"
                who_id = f"screen-{workshop['id']}" if kind == "screen" else FACILITATOR_ID
                return Principal(who_id, kind, name, workshop["id"]), workshop
            person = workshops.find_participant(conn, workshop["id"], token)
            if person is None:
                return None
            return Principal(participant_id(person["id"]), "participant", person["name"],
                             workshop["id"], person["group_id"]), workshop

        return await self.db.read(find)

    async def rooms_for(self, who: Principal) -> list[str]:
        if who.group_id is not None:
            return [workshop_room(who.workshop_id), group_room(who.group_id)]
        groups = await self.db.read(lambda conn: workshops.list_groups(conn, who.workshop_id))
        return [workshop_room(who.workshop_id)] + [group_room(g["id"]) for g in groups]

    # --- ops ----------------------------------------------------------------------------

    async def run_op(self, who: Principal, op: Op) -> int:
        """Apply a client's op; returns the seq to acknowledge (the original one on a repeat)."""
        model = OP_DATA.get(op.kind)
        if model is None:
            raise OpError("invalid", f"Unknown op kind {op.kind!r}.")
        try:
            data = model.model_validate(op.data)
        except ValidationError as exc:
            raise OpError(validation_code(exc), validation_message(exc)) from None
        if who.role == "screen":
            raise OpError("forbidden", "The screen is read-only.")
        if op.kind in WORKSHOP_OPS:
            if who.role != "facilitator":
                raise OpError("forbidden", "Only the facilitator runs the phases.")
            if op.room != workshop_room(who.workshop_id):
                raise OpError("forbidden", "Phase actions go to your workshop's room.")
            if op.kind == "plenary.spotlight":
                assert isinstance(data, Spotlight)
                return await self.spotlight(who.workshop_id, data.group_id, op.op_id)
            seconds = data.seconds if isinstance(data, PhaseExtend) else None
            action: Action = op.kind.removeprefix("phase.")  # type: ignore[assignment]
            _, seq = await self.phase_action(who.workshop_id, action, seconds, who.id, op.op_id)
            return seq
        assert op.kind in BOARD_OPS
        await self._check_board_room(who, op.room)
        return await self._board_op(who, op, data)

    async def _check_board_room(self, who: Principal, room: str) -> None:
        if who.group_id is not None:
            if room != group_room(who.group_id):
                raise OpError("forbidden", "You can only change your own group's board.")
            return
        if not room.startswith("group:"):
            raise OpError("invalid", "Board changes go to a group room.")

    async def _board_op(self, who: Principal, op: Op, data: BaseModel) -> int:
        now = self.clock()
        result = await self.db.write(lambda conn: self._apply_board_op(conn, who, op, data, now))
        if isinstance(result, int):
            return result  # applied before: acknowledge it again, publish nothing
        await self.hub.publish([result])
        return result.seq

    def _apply_board_op(self, conn: Connection, who: Principal, op: Op, data: BaseModel,
                        now: float) -> StoredEvent | int:
        member = int(who.id.removeprefix("p")) if who.group_id is not None else None
        note_id = getattr(data, "id", None) if op.kind in NOTE_OPS else None
        context = read_op_context(conn, who.workshop_id, member, op.room, op.op_id, note_id)
        assert context is not None  # the principal's workshop
        workshop = context.workshop
        if member is not None and workshop["member_group"] != who.group_id:
            # Read again on every op: a move may not have reached this socket yet.
            raise OpError("forbidden", "You have been moved to another group; "
                          "reconnect to see its board.")
        if context.room_seq is None:
            raise OpError("not_found", f"There is no room {op.room!r} in this workshop.")
        if context.applied is not None:
            return context.applied
        template = self.templates[workshop["template"]]
        writable, private_sections = self._phase_rules(workshop, template)
        ctx = ops.BoardContext(template=template, writable=writable,
                               private_sections=private_sections,
                               max_notes=self.settings.max_notes_per_board, note=context.note)
        change = BOARD_HANDLERS[op.kind](conn, op.room, who, data, ctx, now)
        return store.append_event(conn, op.room, context.room_seq + 1, change.kind,
                                  change.data, op_id=op.op_id, by=who.id,
                                  private_to=change.private_to, at=now)

    def _phase_rules(self, workshop: dict[str, Any],
                     template: Template) -> tuple[frozenset[str], frozenset[str]]:
        """The sections open for writing, and of them those where notes are private:
        worked out once per template, status and phase, not on every op."""
        key = (template.key, workshop["status"], workshop["phase_index"])
        rules = self._phase_rules_seen.get(key)
        if rules is None:
            state = phase_store.state_of(workshop)
            writable = writable_sections(state, template)
            phase = template.phases[state.index] if state.index >= 0 else None
            private = writable if phase and phase.mode == "individual" else frozenset()
            rules = self._phase_rules_seen[key] = (writable, private)
        return rules

    # --- workshops and people (REST) ----------------------------------------------------

    async def create_workshop(self, template: Template, title: str, group_count: int,
                              minutes: dict[str, int],
                              auto_advance: bool) -> tuple[dict[str, Any], str]:
        now = self.clock()
        return await self.db.write(lambda conn: workshops.create_workshop(
            conn, template, title, group_count, minutes, auto_advance, now))

    async def find_workshop(self, code: str) -> dict[str, Any] | None:
        return await self.db.read(lambda conn: workshops.find_workshop(conn, code))

    async def find_participant(self, workshop: dict[str, Any],
                               token: str) -> dict[str, Any] | None:
        return await self.db.read(
            lambda conn: workshops.find_participant(conn, workshop["id"], token))

    async def workshop_info(self, workshop: dict[str, Any]) -> dict[str, Any]:
        groups = await self.roster(workshop)
        template = self.templates[workshop["template"]]
        return {
            "id": workshop["id"], "code": workshop["code"], "title": workshop["title"],
            "template": template.key, "template_title": template.title,
            "state": workshop["status"], "phase": self.phase_view(workshop),
            "groups": [{"id": g["id"], "name": g["name"], "size": len(g["members"])}
                       for g in groups["groups"]],
        }

    async def roster(self, workshop: dict[str, Any]) -> dict[str, Any]:
        return await self.db.read(lambda conn: workshops.roster(conn, workshop["id"]))

    async def join(self, workshop: dict[str, Any], name: str,
                   group_id: int | None) -> tuple[dict[str, Any], str]:
        now = self.clock()
        person, token, event = await self.db.write(
            lambda conn: workshops.join(conn, workshop, name, group_id, now))
        await self.hub.publish([event])
        return person, token

    async def rename_group(self, workshop: dict[str, Any], group_id: int, name: str) -> None:
        now = self.clock()
        event = await self.db.write(
            lambda conn: workshops.rename_group(conn, workshop["id"], group_id, name, now))
        await self.hub.publish([event])

    async def move_participant(self, workshop: dict[str, Any], pid: int, group_id: int) -> None:
        now = self.clock()
        event = await self.db.write(
            lambda conn: workshops.move_participant(conn, workshop["id"], pid, group_id, now))
        await self.hub.publish([event])
        await self.hub.publish_rejoin(workshop_room(workshop["id"]), [participant_id(pid)])

    async def set_group_count(self, workshop: dict[str, Any], count: int) -> None:
        now = self.clock()
        event = await self.db.write(
            lambda conn: workshops.set_group_count(conn, workshop, count, now))
        await self.hub.publish([event])
        await self.hub.publish_rejoin(workshop_room(workshop["id"]), None)

    async def update_settings(self, workshop: dict[str, Any], minutes: dict[str, int] | None,
                              auto_advance: bool | None, title: str | None) -> dict[str, Any]:
        now = self.clock()
        template = self.templates[workshop["template"]]

        def change(conn: Connection) -> tuple[dict[str, Any], StoredEvent]:
            workshops.set_settings(conn, workshop, template, minutes, auto_advance, title)
            updated = workshops.get_workshop(conn, workshop["id"])
            assert updated is not None
            room = workshop_room(workshop["id"])
            seq = store.lock_room(conn, room)
            return updated, store.append_event(conn, room, seq + 1, "phase",
                                               self.phase_view(updated), op_id=None,
                                               by=FACILITATOR_ID, private_to=None, at=now)

        updated, event = await self.db.write(change)
        await self.hub.publish([event])
        self.on_deadline_change()
        return updated

    # --- phases -------------------------------------------------------------------------

    async def phase_action(self, workshop_id: int, action: Action, seconds: int | None,
                           by: str, op_id: str | None = None) -> tuple[dict[str, Any], int]:
        """Apply a facilitator's action; returns (the phase view, the event's seq)."""
        for _ in range(CAS_ATTEMPTS - 1):
            try:
                return await self._phase_action(workshop_id, action, seconds, by, op_id)
            except _StaleState:
                continue  # a scheduler moved the phase meanwhile (a warning, say): look again
        return await self._phase_action(workshop_id, action, seconds, by, op_id)

    async def _phase_action(self, workshop_id: int, action: Action, seconds: int | None,
                            by: str, op_id: str | None) -> tuple[dict[str, Any], int]:
        now = self.clock()

        def act(conn: Connection) -> tuple[dict[str, Any], list[StoredEvent] | int]:
            workshop = phase_store.load_workshop(conn, workshop_id)
            if workshop is None:
                raise OpError("not_found", "There is no such workshop.")
            room = workshop_room(workshop_id)
            if op_id is not None:
                applied = store.find_op(conn, room, op_id)
                if applied is not None:
                    return workshop, applied
            template = self.templates[workshop["template"]]
            old = phase_store.state_of(workshop)
            try:
                new = apply_action(old, action, template, workshop["minutes"], now, seconds)
            except PhaseError as exc:
                raise OpError(exc.code, exc.message) from None
            events = self._transition(conn, workshop, old, new, "phase", by, op_id, now)
            return {**workshop, **_state_columns(new)}, events

        workshop, events = await self.db.write(act)
        if isinstance(events, int):
            return self.phase_view(workshop), events
        await self.hub.publish(events)
        self.on_deadline_change()
        return self.phase_view(workshop), events[0].seq

    async def fire_due(self, now: float | None = None) -> int:
        """Apply every warning and deadline due by ``now``; returns how many fired."""
        at = self.clock() if now is None else now
        query = select(workshop_table.c.id).where(
            workshop_table.c.status == "running",
            or_(workshop_table.c.ends_at <= at,
                (workshop_table.c.ends_at <= at + WARNING_SECONDS)
                & workshop_table.c.warned.is_(False)),
        )
        due = await self.db.read(lambda conn: conn.execute(query).scalars().all())
        fired = 0
        for workshop_id in due:
            fired += await self._fire(int(workshop_id), at)
        return fired

    async def next_deadline(self) -> float | None:
        query = (select(workshop_table.c.ends_at, workshop_table.c.warned)
                 .where(workshop_table.c.status == "running"))
        rows = await self.db.read(lambda conn: conn.execute(query).all())
        deadlines = [next_deadline(PhaseState("running", 0, r.ends_at, None, 0, r.warned))
                     for r in rows]
        return min((d for d in deadlines if d is not None), default=None)

    async def _fire(self, workshop_id: int, now: float) -> int:
        def fire(conn: Connection) -> list[StoredEvent]:
            events: list[StoredEvent] = []
            workshop = phase_store.load_workshop(conn, workshop_id)
            if workshop is None:
                return events
            template = self.templates[workshop["template"]]
            state = phase_store.state_of(workshop)
            # A chain of deadlines missed while the server was down applies in order.
            while (state.status == "running" and state.ends_at is not None
                   and state.ends_at <= now):
                new = expire(state, template, workshop["minutes"], workshop["auto_advance"])
                events += self._transition(conn, workshop, state, new, "phase",
                                           "scheduler", None, now)
                state = new
            if warning_due(state, now):
                new = replace(state, warned=True, version=state.version + 1)
                events += self._transition(conn, workshop, state, new,
                                           "phase.warning", "scheduler", None, now)
            return events

        try:
            events = await self.db.write(fire)
        except OpError:
            return 0  # another process fired it first; its transaction is the one that counts
        await self.hub.publish(events)
        return len(events)

    def _transition(self, conn: Connection, workshop: dict[str, Any], old: PhaseState,
                    new: PhaseState, kind: str, by: str, op_id: str | None,
                    now: float) -> list[StoredEvent]:
        if not phase_store.compare_and_set(conn, workshop["id"], old, new):
            raise _StaleState("conflict", "The phase changed in the meantime; look again.")
        updated = {**workshop, **_state_columns(new)}
        room = workshop_room(workshop["id"])
        seq = store.lock_room(conn, room)
        events = [store.append_event(conn, room, seq + 1, kind, self.phase_view(updated),
                                     op_id=op_id, by=by, private_to=None, at=now)]
        template = self.templates[workshop["template"]]
        phase = template.phases[new.index] if new.index >= 0 else None
        if phase is not None and phase.mode != "individual":
            for group in workshops.list_groups(conn, workshop["id"]):
                events += self._reveal(conn, group_room(group["id"]), by, now)
        return events

    @staticmethod
    def _reveal(conn: Connection, room: str, by: str, now: float) -> list[StoredEvent]:
        seq = store.lock_room(conn, room)
        change = ops.reveal_private_notes(conn, room, now)
        if change is None:
            return []
        return [store.append_event(conn, room, seq + 1, change.kind, change.data,
                                   op_id=None, by=by, private_to=None, at=now)]

    async def spotlight(self, workshop_id: int, group_id: int | None,
                        op_id: str | None = None) -> int:
        now = self.clock()

        def shine(conn: Connection) -> StoredEvent | int:
            room = workshop_room(workshop_id)
            groups = {g["id"] for g in workshops.list_groups(conn, workshop_id)}
            if group_id is not None and group_id not in groups:
                raise OpError("not_found", f"This workshop has no group {group_id}.")
            # Workshop row first, then the room: the same lock order as phase transitions.
            conn.execute(workshop_table.update()
                         .where(workshop_table.c.id == workshop_id)
                         .values(spotlight=group_id))
            seq = store.lock_room(conn, room)
            if op_id is not None:
                applied = store.find_op(conn, room, op_id)
                if applied is not None:
                    return applied
            return store.append_event(conn, room, seq + 1, "spotlight", {"group_id": group_id},
                                      op_id=op_id, by=FACILITATOR_ID, private_to=None, at=now)

        result = await self.db.write(shine)
        if isinstance(result, int):
            return result
        await self.hub.publish([result])
        return result.seq

    def phase_view(self, workshop: dict[str, Any]) -> dict[str, Any]:
        template = self.templates[workshop["template"]]
        return phase_store.phase_view(phase_store.state_of(workshop), template,
                                      workshop["minutes"], workshop["auto_advance"])

    async def reconcile(self) -> int:
        """Compare local sockets with the log and resync the ones a lost hint left behind."""
        names = self.hub.local_rooms
        if not names:
            return 0
        seqs = await self.db.read(lambda conn: store.room_seqs(conn, names))
        return self.hub.reconcile(seqs)

    async def note_is_shared(self, conn: BoardConnection, room: str, note_id: str) -> bool:
        """Whether the room may see this note: its live drags, and who is editing it.

        A private note's position is as private as its text. Answers are remembered so a
        drag at 10 Hz costs one look-up per note: "shared" for good (a note never becomes
        private again), "hidden" until the socket sees a note created or revealed.
        """
        if note_id in conn.shared_notes:
            return True
        if note_id in conn.hidden_notes:
            return False
        asked_at = conn.hidden_since
        note = await self.db.read(lambda db: store.get_note(db, room, note_id))
        shared = note is not None and not note["private"]
        if shared and len(conn.shared_notes) < MAX_REMEMBERED_NOTES:
            conn.shared_notes.add(note_id)
        # A reveal seen while this look-up ran may have made the answer stale.
        elif not shared and conn.hidden_since == asked_at \
                and len(conn.hidden_notes) < MAX_REMEMBERED_NOTES:
            conn.hidden_notes.add(note_id)
        return shared

    # --- reading: snapshots and replay (app.board.connection.Sync) ---------------------

    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        now = self.clock()
        return await self.db.read(lambda conn: self._catch_up(conn, who, room, since, now))

    def _catch_up(self, conn: Connection, who: Principal, room: str, since: int | None,
                  now: float) -> tuple[list[str], int]:
        current = store.room_seq(conn, room)
        if since is not None and since <= current:
            limit = self.settings.replay_limit
            missed = store.events_after(conn, room, since, limit + 1)
            if len(missed) <= limit:
                texts = [OutgoingEvent(ev).text_for(who, now) for ev in missed]
                return texts, missed[-1].seq if missed else since
        return [dumps(self._snapshot(conn, who, room, current, now))], current

    def _snapshot(self, conn: Connection, who: Principal, room: str, seq: int,
                  now: float) -> dict[str, Any]:
        # seq is read before the state, so the state is at least as new as seq says;
        # events after seq carry whole notes, so applying one twice is harmless.
        frame: dict[str, Any] = {"type": "snapshot", "room": room, "seq": seq,
                                 "server_now": now}
        if room.startswith("workshop:"):
            workshop = workshops.get_workshop(conn, who.workshop_id)
            assert workshop is not None
            frame.update(notes=[], fields={}, phase=self.phase_view(workshop),
                         roster=workshops.roster(conn, who.workshop_id),
                         spotlight=workshop["spotlight"])
            return frame
        notes = [n for n in store.room_notes(conn, room)
                 if not n["private"] or who.may_see(n["author"])]
        frame.update(notes=notes, fields=store.room_fields(conn, room))
        return frame

    async def report(self, workshop: dict[str, Any], names: bool) -> dict[str, Any]:
        """Everything every group wrote, as the facilitator sees it."""
        def read(conn: Connection) -> tuple[dict[str, Any], dict[str, Any]]:
            people = workshops.roster(conn, workshop["id"])
            boards = {g["room"]: {"notes": store.room_notes(conn, g["room"]),
                                  "fields": store.room_fields(conn, g["room"])}
                      for g in people["groups"]}
            return people, boards

        people, boards = await self.db.read(read)
        return build_report(workshop, self.templates[workshop["template"]], people, boards,
                            names=names)


def _state_columns(state: PhaseState) -> dict[str, Any]:
    return {"status": state.status, "phase_index": state.index, "ends_at": state.ends_at,
            "remaining": state.remaining, "phase_version": state.version,
            "warned": state.warned}
