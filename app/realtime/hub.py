"""This process's rooms: which local sockets are in which room, and fan-out to them.

Everything published goes through the backplane, also in a single process, so one code
path delivers both local and remote messages. The hub is the app's event publisher
(app.eventlog.Publisher).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import replace

from app.eventlog import StoredEvent
from app.principal import group_room
from app.protocol import anonymity
from app.protocol.events import OutgoingEvent
from app.protocol.server import DragFrame, PresenceFrame, RoomsFrame
from app.realtime.backplane import (
    Backplane,
    DragMessage,
    EventMessage,
    Member,
    Message,
    PresenceMessage,
    RejoinMessage,
)
from app.realtime.connection import (
    CLOSE_BAD_TOKEN,
    CLOSE_GONE,
    CLOSE_REJOIN,
    CLOSE_REMOVED,
    Connection,
    ConnectionState,
)
from app.realtime.shared_notes import SharedNotes


class Hub:
    def __init__(self, backplane: Backplane) -> None:
        self.backplane = backplane
        self.process_id = uuid.uuid4().hex[:12]
        self._rooms: dict[str, set[Connection]] = {}
        # Group switches in progress (app.realtime.hub.Hub.switch_group), kept referenced.
        self._tasks: set[asyncio.Task[None]] = set()
        # room -> process -> that process's members, merged into one presence list.
        self._presence: dict[str, dict[str, list[Member]]] = {}

    async def start(self) -> None:
        await self.backplane.start(self._receive, self._on_backplane_reconnect)

    @property
    def local_rooms(self) -> list[str]:
        return list(self._rooms)

    async def join(self, conn: Connection, rooms: Iterable[str]) -> None:
        for room in rooms:
            members = self._rooms.setdefault(room, set())
            first = not members
            # A member before the await: a leave meanwhile must not drop the room's set.
            members.add(conn)
            conn.rooms.append(room)
            if first:
                await self.backplane.subscribe(room)
        for room in conn.rooms:
            await self.publish_presence(room)

    async def leave(self, conn: Connection) -> None:
        for room in conn.rooms:
            members = self._rooms.get(room)
            if members is None:
                continue
            members.discard(conn)
            if not members:
                del self._rooms[room]
                await self.backplane.unsubscribe(room)
            await self.publish_presence(room)
        conn.rooms = []

    async def publish(self, events: Iterable[StoredEvent]) -> None:
        for ev in events:
            await self.backplane.publish(ev.room, EventMessage(
                room=ev.room, seq=ev.seq, kind=ev.kind, data=ev.data, op_id=ev.op_id,
                by=ev.by, private_to=ev.private_to))

    async def rejoin(self, room: str, who: list[str] | None) -> None:
        await self.backplane.publish(room, RejoinMessage(room=room, who=who))

    async def revoke(self, room: str, who: list[str], reason: str) -> None:
        await self.backplane.publish(room, RejoinMessage(room=room, who=who, revoked=reason))

    async def move(self, room: str, who: list[str], group_id: int) -> None:
        await self.backplane.publish(room, RejoinMessage(room=room, who=who, group_id=group_id))

    async def switch_group(self, conn: Connection, group_id: int) -> None:
        """Move an open socket from its group room to ``group_id``'s, keeping the socket:
        a ``rooms`` frame, then the new room's snapshot, as after a resync."""
        new = group_room(group_id)
        old = [r for r in conn.rooms if r.startswith("group:") and r != new]
        if conn.closed or (not old and new in conn.rooms):
            return
        # Every change to the room sets before the first await, as join and leave do.
        conn.who = replace(conn.who, group_id=group_id)
        conn.notes = SharedNotes()
        emptied = []
        for room in old:
            members = self._rooms.get(room)
            if members is not None:
                members.discard(conn)
                if not members:
                    del self._rooms[room]
                    emptied.append(room)
            for seen in (conn.sent, conn.editing, conn.behind):
                seen.pop(room, None)
        conn.rooms = [r for r in conn.rooms if r not in old] + [new]
        members = self._rooms.setdefault(new, set())
        first = not members
        members.add(conn)
        for room in emptied:
            await self.backplane.unsubscribe(room)
        if first:
            await self.backplane.subscribe(new)
        # Events of the new room queued meanwhile are dropped (nothing sent there yet): the
        # snapshot, read when its turn comes, holds them.
        conn.push_frame(RoomsFrame(you=conn.who.as_dict(), rooms=conn.rooms).text())
        conn.push_resync(new, None)
        for room in [*old, new]:
            await self.publish_presence(room)

    async def remove(self, room: str, who: list[str], reason: str) -> None:
        await self.backplane.publish(room, RejoinMessage(room=room, who=who, revoked=reason,
                                                         removed=True))

    async def shut(self, room: str, reason: str) -> None:
        await self.backplane.publish(room, RejoinMessage(room=room, who=None, revoked=reason,
                                                         gone=True))

    async def publish_drag(self, conn: Connection, room: str, note_id: str, x: float,
                           y: float) -> None:
        # Anonymous: who drags is nobody's business (the dragger gets no echo).
        by = "" if conn.who.anonymous else conn.who.id
        await self.backplane.publish(room, DragMessage(room=room, id=note_id, x=x, y=y,
                                                       by=by, origin=conn.id))

    async def publish_presence(self, room: str) -> None:
        members = [Member(id=c.who.id, name=c.who.name, role=c.who.role,
                          editing=c.editing.get(room))
                   for c in self._rooms.get(room, ())]
        await self.backplane.publish(room, PresenceMessage(room=room, process=self.process_id,
                                                           members=members))

    def _receive(self, room: str, message: Message) -> None:
        if isinstance(message, PresenceMessage):
            self._merge_presence(room, message)
        conns = self._rooms.get(room)
        if not conns:
            return
        if isinstance(message, EventMessage):
            out = OutgoingEvent(StoredEvent(room, message.seq, message.kind, message.data,
                                            message.op_id, message.by, message.private_to))
            for conn in conns:
                conn.push_event(out)
        elif isinstance(message, DragMessage):
            text = DragFrame(room=room, id=message.id, x=message.x, y=message.y,
                             by=message.by).text()
            key = ("drag", room, message.id)
            for conn in conns:
                if conn.id != message.origin:
                    conn.push_ephemeral(key, text)
        elif isinstance(message, RejoinMessage) and message.group_id is not None \
                and message.revoked is None:
            for conn in list(conns):
                if message.who is not None and conn.who.id not in message.who:
                    continue
                if conn.state is ConnectionState.OPEN:
                    task = asyncio.get_running_loop().create_task(
                        self.switch_group(conn, message.group_id))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                else:  # still saying hello: it comes back and finds its new group
                    conn.close(CLOSE_REJOIN, "your groups changed; reconnect")
        elif isinstance(message, RejoinMessage):
            code, reason = (CLOSE_REJOIN, "your groups changed; reconnect") \
                if message.revoked is None else \
                (CLOSE_GONE if message.gone else CLOSE_REMOVED if message.removed
                 else CLOSE_BAD_TOKEN, message.revoked)
            for conn in list(conns):
                if message.who is None or conn.who.id in message.who:
                    conn.close(code, reason)
        else:
            members = [m.model_dump() for m in self.members(room)]
            text = PresenceFrame(room=room, members=members).text()
            # Anonymous: how many, not who; one text for all but those who find themselves.
            blind: str | None = None
            for conn in conns:
                who = conn.who
                if not who.anonymous:
                    conn.push_ephemeral(("presence", room), text)
                elif any(m["id"] == who.id for m in members):
                    conn.push_ephemeral(("presence", room), PresenceFrame(
                        room=room, members=anonymity.redact_members(members, who)).text())
                else:
                    blind = blind or PresenceFrame(
                        room=room, members=anonymity.redact_members(members, who)).text()
                    conn.push_ephemeral(("presence", room), blind)

    def _merge_presence(self, room: str, message: PresenceMessage) -> None:
        by_process = self._presence.setdefault(room, {})
        if message.members:
            by_process[message.process] = message.members
        else:
            by_process.pop(message.process, None)
            if not by_process:
                del self._presence[room]

    def members(self, room: str) -> list[Member]:
        """Everyone online in a room, once each, across processes."""
        merged: dict[str, Member] = {}
        for members in self._presence.get(room, {}).values():
            for member in members:
                current = merged.get(member.id)
                if current is None or (member.editing and not current.editing):
                    merged[member.id] = member
        return sorted(merged.values(), key=lambda m: (m.role != "participant", m.name))

    def reconcile(self, room_seqs: dict[str, int]) -> int:
        """Resync sockets that stayed behind the database since the last look.

        Pub/sub can lose a message without anyone noticing (a subscription that raced a
        publish, a dropped connection); a socket still short of a seq it was already
        short of one pass ago catches up from the log. Returns how many were resynced.
        """
        resynced = 0
        for room, seq in room_seqs.items():
            for conn in self._rooms.get(room, ()):
                sent = conn.sent.get(room)
                if sent is None:
                    continue
                if sent < conn.behind.get(room, -1):
                    conn.push_catch_up(room)
                    resynced += 1
                conn.behind[room] = seq if sent < seq else -1
        return resynced

    def _on_backplane_reconnect(self) -> None:
        # Hints may have been lost while the backplane was away: catch up from the log.
        for room, conns in self._rooms.items():
            for conn in conns:
                conn.push_catch_up(room)
