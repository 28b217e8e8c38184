"""One client socket's outbound side: an explicit state, a bounded send queue, a writer task.

Durable frames (events, acks, errors) go out in order, with gaps in a room's seq filled
from the event log before the next event is sent; ephemeral frames (drags, presence)
are coalesced by key and sent only when no durable frame waits, so they are the first
thing dropped. A socket whose durable backlog passes the limit is closed with
CLOSE_TOO_SLOW; its client reconnects and resyncs.

    JOINING --start()--> OPEN --close()--> CLOSED
    JOINING --close()--> CLOSED

Frames queue from the moment the connection joins its rooms; they go out once the
welcome and the catch-up have (``start``). A writer task runs only while there is
something to send: most sockets are idle most of the time, and thousands of parked
tasks would cost memory for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from app.principal import Principal
from app.protocol.events import OutgoingEvent
from app.realtime.shared_notes import SharedNotes

log = logging.getLogger(__name__)

CLOSE_BAD_TOKEN = 4401
CLOSE_REMOVED = 4403
CLOSE_HELLO_TIMEOUT = 4408
CLOSE_TOO_SLOW = 4409
CLOSE_GONE = 4410
CLOSE_REJOIN = 4412
CLOSE_POLICY = 1008
CLOSE_SERVER_ERROR = 1011
CLOSE_TOO_BIG = 1009
MAX_EPHEMERAL = 256
# Events after which a note unknown or private a moment ago may be shared.
_SHOWS_NOTES = frozenset({"note.create", "notes.reveal"})


class Socket(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class Sync(Protocol):
    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        """Frames that bring a client from ``since`` (None: nothing) to the room's seq."""
        ...


class ConnectionState(enum.Enum):
    JOINING = "joining"
    OPEN = "open"
    CLOSED = "closed"


_TRANSITIONS = {
    ConnectionState.JOINING: {ConnectionState.OPEN, ConnectionState.CLOSED},
    ConnectionState.OPEN: {ConnectionState.CLOSED},
    ConnectionState.CLOSED: set(),
}


@dataclass(frozen=True)
class _Resync:
    room: str
    since: int | None
    # True: catch up from whatever this socket has been sent by the time it runs.
    from_sent: bool = False


_Item = str | OutgoingEvent | _Resync


class Connection:
    # One of these lives as long as its socket, for thousands of mostly idle sockets:
    # slots, and the queues only while in use.
    __slots__ = ("_clock", "_durable", "_ephemeral", "_limit", "_socket", "_state", "_sync",
                 "_writer", "behind", "editing", "id", "notes", "rooms", "sent", "who")

    def __init__(self, socket: Socket, who: Principal, sync: Sync, *, queue_limit: int,
                 clock: Any) -> None:
        self.id = uuid.uuid4().hex
        self.who = who
        self.rooms: list[str] = []
        # room -> the last seq this socket was sent.
        self.sent: dict[str, int] = {}
        # room -> the note this socket's user is editing there.
        self.editing: dict[str, str | None] = {}
        self.notes = SharedNotes()
        # room -> a seq the database had that this socket had not been sent yet.
        self.behind: dict[str, int] = {}
        self._socket = socket
        self._sync = sync
        self._clock = clock
        self._limit = queue_limit
        self._state = ConnectionState.JOINING
        self._durable: deque[_Item] | None = None
        self._ephemeral: dict[Any, str] | None = None
        self._writer: asyncio.Task[None] | None = None

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def closed(self) -> bool:
        return self._state is ConnectionState.CLOSED

    def _move(self, to: ConnectionState) -> None:
        if to not in _TRANSITIONS[self._state]:
            raise RuntimeError(f"A connection cannot go from {self._state.value} to {to.value}.")
        self._state = to

    # --- the lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """The client has its welcome and catch-up: send what queued since, and all after."""
        self._move(ConnectionState.OPEN)
        self._wake()

    def close(self, code: int | None = None, reason: str = "") -> None:
        """Stop sending; with a code, close the socket with it (None: it is gone already)."""
        if self.closed:
            return
        self._move(ConnectionState.CLOSED)
        self._durable = self._ephemeral = None
        if code is not None:
            asyncio.get_running_loop().create_task(self._close_socket(code, reason))

    async def stopped(self) -> None:
        """Once closed: stop the writer, which may be stuck on a client that stopped reading."""
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer

    async def _close_socket(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self._socket.close(code, reason)

    # --- producers (never block) ---------------------------------------------------------

    def push_event(self, event: OutgoingEvent) -> None:
        self._push(event)

    def push_frame(self, text: str) -> None:
        self._push(text)

    def push_resync(self, room: str, since: int | None) -> None:
        self._push(_Resync(room, since))

    def push_catch_up(self, room: str) -> None:
        self._push(_Resync(room, None, from_sent=True))

    def push_ephemeral(self, key: Any, text: str) -> None:
        if self.closed:
            return
        if self._ephemeral is None:
            self._ephemeral = {}
        elif key not in self._ephemeral and len(self._ephemeral) >= MAX_EPHEMERAL:
            return
        self._ephemeral[key] = text
        self._wake()

    def _push(self, item: _Item) -> None:
        if self.closed:
            return
        if self._durable is None:
            self._durable = deque()
        elif len(self._durable) >= self._limit:
            self.close(CLOSE_TOO_SLOW, "too far behind; reconnect to resync")
            return
        self._durable.append(item)
        self._wake()

    def _wake(self) -> None:
        """Start a writer if the connection is open and none runs."""
        if self._state is ConnectionState.OPEN and (self._writer is None or self._writer.done()):
            self._writer = asyncio.get_running_loop().create_task(self._run_writer())

    # --- the writer task -----------------------------------------------------------------

    async def _run_writer(self) -> None:
        """Send until nothing is left to send (_wake starts another when there is)."""
        try:
            while not self.closed:
                if self._durable:
                    texts = await self._next_texts(self._durable.popleft())
                elif self._ephemeral:
                    texts = list(self._ephemeral.values())
                    self._ephemeral = None
                else:
                    self._durable = None
                    return
                for text in texts:
                    if self.closed:
                        return
                    await self._socket.send_text(text)
        except Exception as exc:
            # A dead socket, or a failed catch-up: either way the client must reconnect.
            log.debug("writer for %s stopped: %r", self.id, exc)
            self.close(CLOSE_SERVER_ERROR, "server error; reconnect to resync")

    async def _next_texts(self, item: _Item) -> list[str]:
        """An item's frames: at once, or read from the log when a room needs catching up."""
        if isinstance(item, str):
            return [item]
        if isinstance(item, _Resync):
            if item.room not in self.rooms:
                return []  # left the room (moved to another group) since this was asked
            since = self.sent.get(item.room) if item.from_sent else item.since
            texts, seq = await self._sync.catch_up(self.who, item.room, since)
            self.sent[item.room] = seq
            self.notes.forget_hidden()  # what was caught up on is not looked at one by one
            return texts
        ev = item.event
        last = self.sent.get(ev.room)
        if last is None or ev.seq <= last:
            return []  # not in this room yet, or already sent by a catch-up
        texts = []
        if ev.seq > last + 1:
            # Another process published out of order, or a hint was lost: read the log.
            texts, last = await self._sync.catch_up(self.who, ev.room, last)
            self.sent[ev.room] = last
            self.notes.forget_hidden()
            if ev.seq <= last:
                return texts
        self.sent[ev.room] = ev.seq
        if ev.kind in _SHOWS_NOTES:
            self.notes.forget_hidden()
        texts.append(item.text_for(self.who, self._clock()))
        return texts
