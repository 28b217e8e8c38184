"""The live workshop service: runs each op or action in one transaction, then publishes.

This is the one place that ties the database, the board and phase domain code and the
hub together; HTTP and WebSocket endpoints call it and nothing below it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.board import ops, store
from app.board.connection import Connection, OutgoingEvent, dumps
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
from app.board.models import rooms
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
BoardHandler = Callable[..., Awaitable[ops.Change]]
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
        self._room_owner: dict[str, int] = {}

    # --- who is this --------------------------------------------------------------------

    async def authenticate(self, code: str, token: str,
                           role: str | None) -> tuple[Principal, dict[str, Any]] | None:
        async with self.db.read() as conn:
            workshop = await workshops.find_workshop(conn, code)
            if workshop is None:
                return None
            if token_matches(token, workshop["facilitator_token_hash"]):
                kind: Role = "screen" if role == "screen" else "facilitator"
                name = "Screen" if kind == "screen" else "Facilitator"
                who_id = f"screen-{workshop['id']}" if kind == "screen" else FACILITATOR_ID
                return Principal(who_id, kind, name, workshop["id"]), workshop
            person = await workshops.find_participant(conn, workshop["id"], token)
            if person is None:
                return None
            return Principal(participant_id(person["id"]), "participant", person["name"],
                             workshop["id"], person["group_id"]), workshop

    async def rooms_for(self, who: Principal) -> list[str]:
        if who.group_id is not None:
            return [workshop_room(who.workshop_id), group_room(who.group_id)]
        async with self.db.read() as conn:
            groups = await workshops.list_groups(conn, who.workshop_id)
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
        async with self.db.write() as conn:
            member = int(who.id.removeprefix("p")) if who.group_id is not None else None
            workshop = await phase_store.load_workshop_for_member(conn, who.workshop_id, member)
            assert workshop is not None
            if member is not None and workshop["member_group"] != who.group_id:
                # Read again on every op: a move may not have reached this socket yet.
                raise OpError("forbidden", "You have been moved to another group; "
                              "reconnect to see its board.")
            owner = self._room_owner.get(op.room)
            if owner is None:
                owner = (await conn.execute(select(rooms.c.workshop_id)
                                            .where(rooms.c.name == op.room))).scalar_one_or_none()
                if owner is not None:
                    # A room never changes workshop, so its owner can be remembered.
                    self._room_owner[op.room] = owner
            if owner != who.workshop_id:
                raise OpError("not_found", f"There is no room {op.room!r} in this workshop.")
            seq, applied = await store.lock_room_and_find_op(conn, op.room, op.op_id)
            if applied is not None:
                return applied
            template = self.templates[workshop["template"]]
            state = phase_store.state_of(workshop)
            writable = writable_sections(state, template)
            phase = template.phases[state.index] if state.index >= 0 else None
            ctx = ops.BoardContext(
                template=template, writable=writable,
                private_sections=writable if phase and phase.mode == "individual"
                else frozenset(),
                max_notes=self.settings.max_notes_per_board,
            )
            change = await BOARD_HANDLERS[op.kind](conn, op.room, who, data, ctx, now)
            event = await store.append_event(conn, op.room, seq + 1, change.kind, change.data,
                                             op_id=op.op_id, by=who.id,
                                             private_to=change.private_to, at=now)
        await self.hub.publish([event])
        return event.seq

    # --- workshops and people (REST) ----------------------------------------------------

    async def create_workshop(self, template: Template, title: str, group_count: int,
                              minutes: dict[str, int],
                              auto_advance: bool) -> tuple[dict[str, Any], str]:
        async with self.db.write() as conn:
            return await workshops.create_workshop(conn, template, title, group_count, minutes,
                                                   auto_advance, self.clock())

    async def find_workshop(self, code: str) -> dict[str, Any] | None:
        async with self.db.read() as conn:
            return await workshops.find_workshop(conn, code)

    async def workshop_info(self, workshop: dict[str, Any]) -> dict[str, Any]:
        async with self.db.read() as conn:
            groups = await workshops.roster(conn, workshop["id"])
        template = self.templates[workshop["template"]]
        return {
            "id": workshop["id"], "code": workshop["code"], "title": workshop["title"],
            "template": template.key, "template_title": template.title,
            "state": workshop["status"], "phase": self.phase_view(workshop),
            "groups": [{"id": g["id"], "name": g["name"], "size": len(g["members"])}
                       for g in groups["groups"]],
        }

    async def roster(self, workshop: dict[str, Any]) -> dict[str, Any]:
        async with self.db.read() as conn:
            return await workshops.roster(conn, workshop["id"])

    async def join(self, workshop: dict[str, Any], name: str,
                   group_id: int | None) -> tuple[dict[str, Any], str]:
        async with self.db.write() as conn:
            person, token, event = await workshops.join(conn, workshop, name, group_id,
                                                        self.clock())
        await self.hub.publish([event])
        return person, token

    async def rename_group(self, workshop: dict[str, Any], group_id: int, name: str) -> None:
        async with self.db.write() as conn:
            event = await workshops.rename_group(conn, workshop["id"], group_id, name,
                                                 self.clock())
        await self.hub.publish([event])

    async def move_participant(self, workshop: dict[str, Any], pid: int, group_id: int) -> None:
        async with self.db.write() as conn:
            event = await workshops.move_participant(conn, workshop["id"], pid, group_id,
                                                     self.clock())
        await self.hub.publish([event])
        await self.hub.publish_rejoin(workshop_room(workshop["id"]), [participant_id(pid)])

    async def set_group_count(self, workshop: dict[str, Any], count: int) -> None:
        async with self.db.write() as conn:
            event = await workshops.set_group_count(conn, workshop, count, self.clock())
        await self.hub.publish([event])
        await self.hub.publish_rejoin(workshop_room(workshop["id"]), None)

    async def update_settings(self, workshop: dict[str, Any], minutes: dict[str, int] | None,
                              auto_advance: bool | None, title: str | None) -> dict[str, Any]:
        now = self.clock()
        template = self.templates[workshop["template"]]
        async with self.db.write() as conn:
            await workshops.set_settings(conn, workshop, template, minutes, auto_advance, title)
            updated = await workshops.get_workshop(conn, workshop["id"])
            assert updated is not None
            room = workshop_room(workshop["id"])
            seq = await store.lock_room(conn, room)
            event = await store.append_event(conn, room, seq + 1, "phase",
                                             self.phase_view(updated), op_id=None,
                                             by=FACILITATOR_ID, private_to=None, at=now)
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
        async with self.db.write() as conn:
            workshop = await phase_store.load_workshop(conn, workshop_id)
            if workshop is None:
                raise OpError("not_found", "There is no such workshop.")
            room = workshop_room(workshop_id)
            if op_id is not None:
                applied = await store.find_op(conn, room, op_id)
                if applied is not None:
                    return self.phase_view(workshop), applied
            template = self.templates[workshop["template"]]
            old = phase_store.state_of(workshop)
            try:
                new = apply_action(old, action, template, workshop["minutes"], now, seconds)
            except PhaseError as exc:
                raise OpError(exc.code, exc.message) from None
            events = await self._transition(conn, workshop, old, new, "phase", by, op_id, now)
            workshop = {**workshop, **_state_columns(new)}
        await self.hub.publish(events)
        self.on_deadline_change()
        return self.phase_view(workshop), events[0].seq

    async def fire_due(self, now: float | None = None) -> int:
        """Apply every warning and deadline due by ``now``; returns how many fired."""
        now = self.clock() if now is None else now
        async with self.db.read() as conn:
            due = (await conn.execute(
                select(workshop_table.c.id).where(
                    workshop_table.c.status == "running",
                    or_(workshop_table.c.ends_at <= now,
                        (workshop_table.c.ends_at <= now + WARNING_SECONDS)
                        & workshop_table.c.warned.is_(False)),
                )
            )).scalars().all()
        fired = 0
        for workshop_id in due:
            fired += await self._fire(int(workshop_id), now)
        return fired

    async def next_deadline(self) -> float | None:
        async with self.db.read() as conn:
            rows = (await conn.execute(
                select(workshop_table.c.ends_at, workshop_table.c.warned)
                .where(workshop_table.c.status == "running")
            )).all()
        deadlines = [next_deadline(PhaseState("running", 0, r.ends_at, None, 0, r.warned))
                     for r in rows]
        return min((d for d in deadlines if d is not None), default=None)

    async def _fire(self, workshop_id: int, now: float) -> int:
        events: list[StoredEvent] = []
        try:
            async with self.db.write() as conn:
                workshop = await phase_store.load_workshop(conn, workshop_id)
                if workshop is None:
                    return 0
                template = self.templates[workshop["template"]]
                state = phase_store.state_of(workshop)
                # A chain of deadlines missed while the server was down applies in order.
                while (state.status == "running" and state.ends_at is not None
                       and state.ends_at <= now):
                    new = expire(state, template, workshop["minutes"], workshop["auto_advance"])
                    events += await self._transition(conn, workshop, state, new, "phase",
                                                     "scheduler", None, now)
                    state = new
                if warning_due(state, now):
                    new = replace(state, warned=True, version=state.version + 1)
                    events += await self._transition(conn, workshop, state, new,
                                                     "phase.warning", "scheduler", None, now)
        except OpError:
            return 0  # another process fired it first; its transaction is the one that counts
        await self.hub.publish(events)
        return len(events)

    async def _transition(self, conn: AsyncConnection, workshop: dict[str, Any],
                          old: PhaseState, new: PhaseState, kind: str, by: str,
                          op_id: str | None, now: float) -> list[StoredEvent]:
        if not await phase_store.compare_and_set(conn, workshop["id"], old, new):
            raise _StaleState("conflict", "The phase changed in the meantime; look again.")
        updated = {**workshop, **_state_columns(new)}
        room = workshop_room(workshop["id"])
        seq = await store.lock_room(conn, room)
        events = [await store.append_event(conn, room, seq + 1, kind, self.phase_view(updated),
                                           op_id=op_id, by=by, private_to=None, at=now)]
        template = self.templates[workshop["template"]]
        phase = template.phases[new.index] if new.index >= 0 else None
        if phase is not None and phase.mode != "individual":
            for group in await workshops.list_groups(conn, workshop["id"]):
                events += await self._reveal(conn, group_room(group["id"]), by, now)
        return events

    async def _reveal(self, conn: AsyncConnection, room: str, by: str,
                      now: float) -> list[StoredEvent]:
        seq = await store.lock_room(conn, room)
        change = await ops.reveal_private_notes(conn, room, now)
        if change is None:
            return []
        return [await store.append_event(conn, room, seq + 1, change.kind, change.data,
                                         op_id=None, by=by, private_to=None, at=now)]

    async def spotlight(self, workshop_id: int, group_id: int | None,
                        op_id: str | None = None) -> int:
        now = self.clock()
        async with self.db.write() as conn:
            room = workshop_room(workshop_id)
            groups = {g["id"] for g in await workshops.list_groups(conn, workshop_id)}
            if group_id is not None and group_id not in groups:
                raise OpError("not_found", f"This workshop has no group {group_id}.")
            # Workshop row first, then the room: the same lock order as phase transitions.
            await conn.execute(workshop_table.update()
                               .where(workshop_table.c.id == workshop_id)
                               .values(spotlight=group_id))
            seq = await store.lock_room(conn, room)
            if op_id is not None:
                applied = await store.find_op(conn, room, op_id)
                if applied is not None:
                    return applied
            event = await store.append_event(conn, room, seq + 1, "spotlight",
                                             {"group_id": group_id}, op_id=op_id,
                                             by=FACILITATOR_ID, private_to=None, at=now)
        await self.hub.publish([event])
        return event.seq

    def phase_view(self, workshop: dict[str, Any]) -> dict[str, Any]:
        template = self.templates[workshop["template"]]
        return phase_store.phase_view(phase_store.state_of(workshop), template,
                                      workshop["minutes"], workshop["auto_advance"])

    async def reconcile(self) -> int:
        """Compare local sockets with the log and resync the ones a lost hint left behind."""
        names = self.hub.local_rooms
        if not names:
            return 0
        async with self.db.read() as conn:
            rows = (await conn.execute(select(rooms.c.name, rooms.c.seq)
                                       .where(rooms.c.name.in_(names)))).all()
        return self.hub.reconcile({name: int(seq) for name, seq in rows})

    async def drag_is_public(self, conn: Connection, room: str, note_id: str) -> bool:
        """Whether a live drag of this note may be shown to the room.

        A private note's position is as private as its text. Answers are remembered so a
        drag at 10 Hz costs one look-up per note: "shared" for good (a note never becomes
        private again), "hidden" until the socket sees a note created or revealed.
        """
        if note_id in conn.shared_notes:
            return True
        if note_id in conn.hidden_notes:
            return False
        async with self.db.read() as db:
            note = await store.get_note(db, room, note_id)
        shared = note is not None and not note["private"]
        remembered = conn.shared_notes if shared else conn.hidden_notes
        if len(remembered) < MAX_REMEMBERED_NOTES:
            remembered.add(note_id)
        return shared

    # --- reading: snapshots and replay (app.board.connection.Sync) ---------------------

    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        now = self.clock()
        async with self.db.read() as conn:
            current = await store.room_seq(conn, room)
            if since is not None and since <= current:
                limit = self.settings.replay_limit
                missed = await store.events_after(conn, room, since, limit + 1)
                if len(missed) <= limit:
                    texts = [OutgoingEvent(ev).text_for(who, now) for ev in missed]
                    return texts, missed[-1].seq if missed else since
            return [dumps(await self._snapshot(conn, who, room, current, now))], current

    async def _snapshot(self, conn: AsyncConnection, who: Principal, room: str, seq: int,
                        now: float) -> dict[str, Any]:
        # seq is read before the state, so the state is at least as new as seq says;
        # events after seq carry whole notes, so applying one twice is harmless.
        frame: dict[str, Any] = {"type": "snapshot", "room": room, "seq": seq,
                                 "server_now": now}
        if room.startswith("workshop:"):
            workshop = await workshops.get_workshop(conn, who.workshop_id)
            assert workshop is not None
            frame.update(notes=[], fields={}, phase=self.phase_view(workshop),
                         roster=await workshops.roster(conn, who.workshop_id),
                         spotlight=workshop["spotlight"])
            return frame
        notes = [n for n in await store.room_notes(conn, room)
                 if not n["private"] or who.may_see(n["author"])]
        frame.update(notes=notes, fields=await store.room_fields(conn, room))
        return frame

    async def report(self, workshop: dict[str, Any], names: bool) -> dict[str, Any]:
        """Everything every group wrote, as the facilitator sees it."""
        async with self.db.read() as conn:
            people = await workshops.roster(conn, workshop["id"])
            boards = {g["room"]: {"notes": await store.room_notes(conn, g["room"]),
                                  "fields": await store.room_fields(conn, g["room"])}
                      for g in people["groups"]}
        return build_report(workshop, self.templates[workshop["template"]], people, boards,
                            names=names)


def _state_columns(state: PhaseState) -> dict[str, Any]:
    return {"status": state.status, "phase_index": state.index, "ends_at": state.ends_at,
            "remaining": state.remaining, "phase_version": state.version,
            "warned": state.warned}
