"""Reading one board socket's frames: validate each, rate-limit it, and act on it.

A bad frame gets an ``error`` and the socket stays open; only abuse (oversized frames,
a stream of bad ones) closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.api.ops import run_op
from app.errors import ErrorCode, FieldError, OpError
from app.i18n.errors import localize_message, reader_language
from app.json_text import loads
from app.protocol import anonymity
from app.protocol.client import (
    Drag,
    Hello,
    OpFrame,
    Ping,
    Presence,
    Resync,
    client_frames,
    validation_code,
    validation_fields,
    validation_message,
)
from app.protocol.server import AckFrame, ErrorFrame, PongFrame
from app.realtime.connection import CLOSE_POLICY, CLOSE_TOO_BIG, Connection
from app.realtime.limits import TokenBucket
from app.services import Services

log = logging.getLogger(__name__)
DRAGS_PER_SECOND = 20.0
# A client says what it edits when an editor opens or closes; more than this is noise,
# and each change may cost a look-up of the note.
PRESENCE_PER_SECOND = 5.0
PRESENCE_BURST = 10.0
# A resync can cost a snapshot of the whole board. A client asks for one after a gap,
# so a facilitator may ask for every room at once (up to 20 groups and the workshop).
RESYNCS_PER_SECOND = 2.0
RESYNC_BURST = 30.0
# Each error costs a token; a client that keeps sending garbage runs out and is closed.
ERROR_RATE = 20.0
ERROR_BURST = 300.0
# How long a socket the server closed is read for its client's close.
DRAIN_SECONDS = 5.0


def _op_id_of(text: str) -> str | None:
    """The op_id of a frame that failed validation, if it has a usable one, for its error."""
    try:
        raw = loads(text)
    except ValueError:
        return None
    op_id = raw.get("op_id") if isinstance(raw, dict) else None
    return op_id if isinstance(op_id, str) and 0 < len(op_id) <= 64 else None


class FrameReader:
    def __init__(self, websocket: WebSocket, services: Services, conn: Connection) -> None:
        self._websocket = websocket
        self._services = services
        self._conn = conn
        # Error messages in the reader's language: ?lang= on the socket's URL (a page's
        # choice), else the handshake's Accept-Language.
        self._lang = reader_language(websocket.query_params.get("lang"),
                                     websocket.headers.get("accept-language"))
        settings = services.settings
        self._max_bytes = settings.max_frame_bytes
        self._drags = TokenBucket(DRAGS_PER_SECOND, DRAGS_PER_SECOND, time.monotonic)
        self._presences = TokenBucket(PRESENCE_PER_SECOND, PRESENCE_BURST, time.monotonic)
        self._errors = TokenBucket(ERROR_RATE, ERROR_BURST, time.monotonic)
        self._resyncs = TokenBucket(RESYNCS_PER_SECOND, RESYNC_BURST, time.monotonic)

    async def run(self) -> None:
        """Read frames until the socket or the connection closes."""
        conn = self._conn
        while not conn.closed:
            message = await self._websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                self._fail("invalid", "Send JSON text frames, not binary ones.")
                continue
            if len(text) > self._max_bytes // 4 and \
                    len(text.encode("utf-8")) > self._max_bytes:
                conn.close(CLOSE_TOO_BIG, f"frames are limited to {self._max_bytes} bytes")
                break
            try:
                frame = client_frames.validate_json(text)
            except ValidationError as exc:
                if exc.errors()[0]["type"] == "json_invalid":
                    self._fail("invalid", "This frame is not valid JSON.")
                else:
                    self._fail(validation_code(exc), validation_message(exc), _op_id_of(text),
                               fields=validation_fields(exc))
                continue
            await self._handle(frame)
        await self._drain()

    async def _drain(self) -> None:
        """The server closed the socket: read, and drop, what the client still sends until
        its close arrives. Some ASGI servers (Hypercorn) finish the closing handshake only
        while the app reads."""
        with contextlib.suppress(TimeoutError, WebSocketDisconnect, RuntimeError):
            async with asyncio.timeout(DRAIN_SECONDS):
                while (await self._websocket.receive())["type"] != "websocket.disconnect":
                    pass

    def _fail(self, code: ErrorCode, message: str, op_id: str | None = None,
              current: dict[str, Any] | None = None,
              fields: list[FieldError] | None = None) -> None:
        # A conflict's current state names who wrote it: redacted like any event.
        self._conn.push_frame(ErrorFrame(op_id=op_id, code=code,
                                         message=localize_message(self._lang, message),
                                         fields=fields,
                                         current=anonymity.redact(current, self._conn.who)
                                         ).text())
        if not self._errors.take():
            self._conn.close(CLOSE_POLICY, "too many bad frames")

    async def _handle(self, frame: Any) -> None:
        conn, services = self._conn, self._services
        if isinstance(frame, OpFrame):
            await self._op(frame)
        elif isinstance(frame, Drag):
            if frame.room not in conn.rooms or conn.who.role == "screen" \
                    or not frame.room.startswith("group:"):
                self._fail("forbidden", "You cannot drag notes in this room.")
            elif self._drags.take() and await self._is_shared(frame.room, frame.id):
                await services.hub.publish_drag(conn, frame.room, frame.id, frame.x, frame.y)
        elif isinstance(frame, Presence):
            if frame.room not in conn.rooms:
                self._fail("forbidden", f"You are not in room {frame.room!r}.")
            elif frame.editing != conn.editing.get(frame.room) and self._presences.take():
                editing = frame.editing
                if editing is not None and not await self._is_shared(frame.room, editing):
                    editing = None  # which private note someone works on is private too
                conn.editing[frame.room] = editing
                await services.hub.publish_presence(frame.room)
        elif isinstance(frame, Resync):
            if frame.room not in conn.rooms:
                self._fail("forbidden", f"You are not in room {frame.room!r}.")
            elif not self._resyncs.take():
                self._fail("rate_limited", "Too many resyncs at once; ask again in a moment.")
            else:
                conn.push_resync(frame.room, frame.since)
        elif isinstance(frame, Ping):
            conn.push_frame(PongFrame(id=frame.id, server_now=services.clock()).text())
        elif isinstance(frame, Hello):
            self._fail("invalid", "This socket has already said hello.")

    async def _op(self, op: OpFrame) -> None:
        # The rate is the participant's, across all of their sockets (PrincipalLimits).
        if not self._services.principals.take_op(self._conn.who):
            self._fail("rate_limited", "Too many changes at once; this one was not applied. "
                       "Send it again in a moment.", op.op_id)
            return
        try:
            seq = await run_op(self._services, self._conn.who, op)
        except OpError as exc:
            self._fail(exc.code, exc.message, op.op_id, exc.current)
            return
        except Exception:
            log.exception("op %s failed", op.kind)
            self._fail("invalid", "The server could not apply this change.", op.op_id)
            return
        self._conn.push_frame(AckFrame(op_id=op.op_id, seq=seq, room=op.room).text())

    async def _is_shared(self, room: str, note_id: str) -> bool:
        async def look_up(note: str) -> bool:
            return await self._services.board.note_is_shared(room, note)

        return await self._conn.notes.is_shared(note_id, look_up)
