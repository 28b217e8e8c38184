"""One client socket's outbound side: a bounded send queue and the task that drains it.

Durable frames (events, acks, errors) go out in order, with gaps in a room's seq filled
from the event log before the next event is sent; ephemeral frames (drags, presence)
are coalesced by key and sent only when no durable frame waits, so they are the first
thing dropped. A socket whose durable backlog passes the limit is closed with
CLOSE_TOO_SLOW; its client reconnects and resyncs. Whatever has queued up by the time
the writer runs goes out together: in one write on a DirectLine (app.board.wire). An
event for a socket whose writer is idle with nothing queued skips the queue and the
writer: it is written at once (Connection.push_event). So does a sender's own event,
together with its ack, from the task that ran the op (Connection.push_ack).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from app.board.principal import Principal
from app.board.store import StoredEvent
from app.board.wire import DirectLine, text_frame, text_frames
from app.json_text import dumps

log = logging.getLogger(__name__)

CLOSE_BAD_TOKEN = 4401
CLOSE_HELLO_TIMEOUT = 4408
CLOSE_TOO_SLOW = 4409
CLOSE_REJOIN = 4412
CLOSE_POLICY = 1008
CLOSE_SERVER_ERROR = 1011
CLOSE_TOO_BIG = 1009
MAX_EPHEMERAL = 256
# Queued frames gathered for one write stop at about this many characters.
MAX_GATHERED = 64 * 1024
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


class OutgoingEvent:
    """An event with its frames serialised once, however many sockets receive it."""

    __slots__ = ("_full", "_full_frame", "_hidden", "_hidden_frame", "_same_for_all", "event")

    def __init__(self, event: StoredEvent) -> None:
        self.event = event
        self._full: str | None = None
        self._hidden: str | None = None
        self._full_frame: bytes | None = None
        self._hidden_frame: bytes | None = None
        # Nearly every event: not private, not a phase event (whose text is per recipient).
        self._same_for_all = event.private_to is None and not event.kind.startswith("phase")

    def frame_for(self, who: Principal) -> bytes | None:
        """The event as one whole WebSocket frame for ``who``, framed once for everyone
        who gets the same text; None for a phase event, whose text is per recipient."""
        if self._same_for_all and self._full_frame is not None:
            return self._full_frame
        shared = self._shared_text(who)
        if shared is None:
            return None
        if shared is self._full:
            if self._full_frame is None:
                self._full_frame = text_frame(shared)
            return self._full_frame
        if self._hidden_frame is None:
            self._hidden_frame = text_frame(shared)
        return self._hidden_frame

    def text_for(self, who: Principal, server_now: float) -> str:
        shared = self._shared_text(who)
        # Phase state is read against the server's clock, so it travels with a fresh one.
        return event_text(self.event, server_now) if shared is None else shared

    def _shared_text(self, who: Principal) -> str | None:
        """The text every recipient like ``who`` gets, serialised once; None for a phase
        event that ``who`` may see."""
        ev = self.event
        if not who.may_see(ev.private_to):
            # Keeps seq contiguous for everyone without revealing what happened.
            if self._hidden is None:
                self._hidden = dumps({"type": "event", "room": ev.room, "seq": ev.seq,
                                      "kind": "hidden", "data": {}, "op_id": None, "by": ""})
            return self._hidden
        if ev.kind.startswith("phase"):
            return None
        if self._full is None:
            self._full = event_text(ev)
        return self._full


def event_text(ev: StoredEvent, server_now: float | None = None) -> str:
    frame: dict[str, Any] = {"type": "event", "room": ev.room, "seq": ev.seq, "kind": ev.kind,
                             "data": ev.data, "op_id": ev.op_id, "by": ev.by}
    if server_now is not None:
        frame["server_now"] = server_now
    return dumps(frame)


@dataclass(frozen=True)
class _Resync:
    room: str
    since: int | None
    # True: catch up from whatever this socket has been sent by the time it runs.
    from_sent: bool = False


class Connection:
    # One of these lives as long as its socket, for thousands of mostly idle sockets:
    # slots, and the send queue and the writer's wake-up future only while in use.
    __slots__ = (
        "_clock",
        "_durable",
        "_ephemeral",
        "_limit",
        "_line",
        "_sync",
        "_waiter",
        "behind",
        "closed",
        "editing",
        "hidden_notes",
        "hidden_since",
        "id",
        "own_op",
        "rooms",
        "sent",
        "shared_notes",
        "socket",
        "who",
    )

    def __init__(self, socket: Socket, who: Principal, sync: Sync, *, queue_limit: int,
                 clock: Any, line: DirectLine | None = None) -> None:
        self.id = uuid.uuid4().hex
        self.socket = socket
        self.who = who
        self.rooms: list[str] = []
        self.sent: dict[str, int] = {}
        self.editing: dict[str, str | None] = {}
        # Whether notes are shared, already looked up for drags and presence (Live.note_is_shared).
        self.shared_notes: set[str] = set()
        self.hidden_notes: set[str] = set()
        # Counts the times hidden_notes was emptied: an answer looked up before the last
        # time is out of date.
        self.hidden_since = 0
        # room -> a seq the database had that this socket had not been sent yet.
        self.behind: dict[str, int] = {}
        # The op this socket's own frame reader is running: its event waits for the ack,
        # and the reader writes both (push_ack), so the writer task need not wake.
        self.own_op: str | None = None
        self.closed = False
        self._sync = sync
        self._clock = clock
        self._limit = queue_limit
        # None: each frame goes out through the ASGI socket on its own.
        self._line = line
        # None while empty: an empty deque costs ~600 bytes.
        self._durable: deque[str | OutgoingEvent | _Resync] | None = None
        self._ephemeral: dict[Any, str] = {}
        # The future the idle writer waits on (an asyncio.Event would hold a deque too).
        self._waiter: asyncio.Future[None] | None = None

    @property
    def writes_directly(self) -> bool:
        """Whether frames go out on a DirectLine, several in one write."""
        return self._line is not None

    # --- producers (never block) -------------------------------------------------------

    def push_event(self, event: OutgoingEvent) -> None:
        """Queue an event for this socket, or write it at once if nothing can be ahead of
        it: the writer is parked with nothing queued, the event is its room's next, and
        the transport has room. Most events on a live board go this way: it saves waking
        a writer task for each recipient of each op.

        The sender of an op is left to push_ack (or its writer), which sends the event and
        its ack in one write. This runs inside the publish, for every recipient in turn
        (so it is written for speed), and a failure here closes this socket alone (its
        client resyncs) and is not raised.
        """
        ev = event.event
        own = ev.op_id is not None and ev.by == self.who.id
        waiter, line = self._waiter, self._line
        if not own and waiter is not None and line is not None and not self._durable \
                and not self.closed and not waiter.done() \
                and self.sent.get(ev.room) == ev.seq - 1:
            try:
                frame = event.frame_for(self.who)
                written = frame is not None and line.write_now(frame)
            except Exception as exc:
                self._line_failed(exc)
                return
            if written:
                self._mark_sent(ev)
                return
        # The ack follows within this publish's caller, which writes the two together.
        self._push(event, wake=not (own and ev.op_id == self.own_op))

    def _line_failed(self, exc: Exception) -> None:
        # Inside a publish or an op's reader: this socket alone closes (its client
        # resyncs), and nothing is raised to the caller.
        log.debug("direct write to %s failed: %r", self.id, exc)
        self.close(CLOSE_SERVER_ERROR, "server error; reconnect to resync")

    def push_frame(self, text: str) -> None:
        self._push(text)

    def push_ack(self, text: str) -> None:
        """The ack of this socket's op: written at once with what is queued before it
        (the op's own event) when the writer is parked, else left to the writer."""
        self._push(text, wake=False)
        durable, line, waiter = self._durable, self._line, self._waiter
        if self.closed or durable is None:
            return
        if line is None or waiter is None or waiter.done():
            self._wake()
            return
        texts = self._take_ready(durable)
        if texts:
            try:
                written = line.write_now(text_frames(texts))
            except Exception as exc:
                self._line_failed(exc)
                return
            if not written:
                durable.extendleft(reversed(texts))  # ready as they are, in order
        if durable:
            self._wake()  # what needs the log, or found no room, is the writer's
        elif self._durable is durable:
            self._durable = None

    def push_resync(self, room: str, since: int | None) -> None:
        self._push(_Resync(room, since))

    def push_catch_up(self, room: str) -> None:
        self._push(_Resync(room, None, from_sent=True))

    def push_ephemeral(self, key: Any, text: str) -> None:
        if self.closed or (key not in self._ephemeral and len(self._ephemeral) >= MAX_EPHEMERAL):
            return
        self._ephemeral[key] = text
        self._wake()

    def _push(self, item: str | OutgoingEvent | _Resync, *, wake: bool = True) -> None:
        if self.closed:
            return
        if self._durable is None:
            self._durable = deque()
        elif len(self._durable) >= self._limit:
            self.close(CLOSE_TOO_SLOW, "too far behind; reconnect to resync")
            return
        self._durable.append(item)
        if wake:
            self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _forget_hidden(self) -> None:
        self.hidden_notes.clear()
        self.hidden_since += 1

    def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self._durable = None
        self._ephemeral.clear()
        self._wake()
        asyncio.get_running_loop().create_task(self._close_socket(code, reason))

    async def _close_socket(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code, reason)

    # --- the writer task ---------------------------------------------------------------

    async def run_writer(self) -> None:
        try:
            while not self.closed:
                durable = self._durable
                if durable:
                    texts = self._take_ready(durable)
                    if not texts and durable:
                        # The first item needs the log (a resync, or a gap before an
                        # event): it goes out alone, once read.
                        texts = await self._caught_up_texts(durable.popleft())
                        if self.closed:
                            return
                    if not durable and self._durable is durable:
                        self._durable = None
                    await self._send(texts)
                elif self._ephemeral:
                    texts = list(self._ephemeral.values())
                    self._ephemeral.clear()
                    await self._send(texts)
                else:
                    self._waiter = asyncio.get_running_loop().create_future()
                    try:
                        await self._waiter
                    finally:
                        self._waiter = None
        except Exception as exc:
            # A dead socket, or a failed catch-up: either way the client must reconnect.
            log.debug("writer for %s stopped: %r", self.id, exc)
            self.close(CLOSE_SERVER_ERROR, "server error; reconnect to resync")

    async def _send(self, texts: list[str]) -> None:
        if not texts:
            return
        if self._line is not None:
            await self._line.write(texts)
            return
        for text in texts:
            await self.socket.send_text(text)

    def _take_ready(self, durable: deque[str | OutgoingEvent | _Resync]) -> list[str]:
        """Take queued frames that need nothing from the log, in order, up to MAX_GATHERED."""
        texts: list[str] = []
        gathered = 0
        while durable and gathered < MAX_GATHERED:
            ready = self._ready_texts(durable[0])
            if ready is None:
                break
            durable.popleft()
            for text in ready:
                texts.append(text)
                gathered += len(text)
        return texts

    def _ready_texts(self, item: str | OutgoingEvent | _Resync) -> list[str] | None:
        """An item's frames, or None if they must be read from the log first."""
        if isinstance(item, str):
            return [item]
        if isinstance(item, _Resync):
            return None
        ev = item.event
        last = self.sent.get(ev.room)
        if last is None or ev.seq <= last:
            return []
        if ev.seq > last + 1:
            return None
        self._mark_sent(ev)
        return [item.text_for(self.who, self._clock())]

    def _mark_sent(self, ev: StoredEvent) -> None:
        self.sent[ev.room] = ev.seq
        if ev.kind in _SHOWS_NOTES:
            self._forget_hidden()

    async def _caught_up_texts(self, item: str | OutgoingEvent | _Resync) -> list[str]:
        """The frames of an item _ready_texts could not give: read from the log."""
        if isinstance(item, _Resync):
            since = self.sent.get(item.room) if item.from_sent else item.since
            texts, seq = await self._sync.catch_up(self.who, item.room, since)
            self.sent[item.room] = seq
            self._forget_hidden()  # what was caught up on is not looked at one by one
            return texts
        # Another process published out of order, or a hint was lost: read the log.
        assert isinstance(item, OutgoingEvent)
        ev = item.event
        texts, last = await self._sync.catch_up(self.who, ev.room, self.sent[ev.room])
        self.sent[ev.room] = last
        self._forget_hidden()
        if ev.seq > last:
            self.sent[ev.room] = ev.seq
            texts.append(item.text_for(self.who, self._clock()))
        return texts
