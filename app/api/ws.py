"""The WebSocket endpoint: handshake, then a reader loop that validates and dispatches frames.

app.main.Flipchart routes ``/ws/workshops/<code>`` here. The socket's outbound side
(queue, writer task) is app.board.connection.Connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from fastapi import WebSocket
from pydantic import ValidationError
from starlette.websockets import WebSocketDisconnect

from app.board.connection import (
    CLOSE_BAD_TOKEN,
    CLOSE_HELLO_TIMEOUT,
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    Connection,
)
from app.board.errors import OpError
from app.board.limits import TokenBucket
from app.board.messages import (
    AckFrame,
    Drag,
    ErrorCode,
    ErrorFrame,
    Hello,
    Op,
    Ping,
    PongFrame,
    Presence,
    Resync,
    WelcomeFrame,
    client_frame_adapter,
)
from app.board.principal import Principal
from app.board.wire import DirectLine
from app.json_text import dumps, loads
from app.live import Live, validation_message
from app.workshops.codes import normalise_code

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


def error_text(code: ErrorCode, message: str, op_id: str | None = None,
               current: dict[str, Any] | None = None) -> str:
    return ErrorFrame(op_id=op_id, code=code, message=message,
                      current=current).model_dump_json(exclude_none=True)


def origin_allowed(origin: str | None, host: str | None, allowed: list[str],
                   public_url: str) -> bool:
    """Browsers always send Origin; it must be this site, the public URL or a listed one."""
    if origin is None:
        return True  # not a browser: tokens still guard everything
    origin = origin.rstrip("/")
    if origin in {o.rstrip("/") for o in allowed} or origin == public_url.rstrip("/"):
        return True
    return host is not None and origin.split("://", 1)[-1] == host


async def workshop_socket(websocket: WebSocket, code: str,
                          line: DirectLine | None = None) -> None:
    """Serve one board socket; ``line``, if given, carries its outgoing frames."""
    live: Live = websocket.app.state.live
    conn = await _open(websocket, live, code, line)
    if conn is None:
        return
    writer = asyncio.create_task(conn.run_writer())
    try:
        await _read_frames(websocket, live, conn)
    except WebSocketDisconnect:
        pass
    finally:
        conn.closed = True
        await live.hub.leave(conn)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer


async def _open(websocket: WebSocket, live: Live, code: str,
                line: DirectLine | None) -> Connection | None:
    """Origin check, hello, joining the rooms, welcome and catch-up.

    Returns the joined connection, or None if the socket was refused or went away. This
    runs in a frame of its own so that the hello, the workshop row and the catch-up
    frames are not kept alive for as long as the socket stays open.
    """
    settings = live.settings
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"),
                          settings.allowed_origins, settings.public_url):
        await websocket.close(CLOSE_POLICY, "origin not allowed")
        return None
    await websocket.accept()
    who = await _handshake(websocket, live, code)
    if who is None:
        return None
    principal, hello, workshop = who
    conn = Connection(websocket, principal, live, queue_limit=settings.send_queue_limit,
                      clock=live.clock, line=line)
    rooms = await live.rooms_for(principal)
    await live.hub.join(conn, rooms)
    try:
        await websocket.send_text(WelcomeFrame(
            you=principal.as_dict(), server_now=live.clock(), rooms=rooms,
            workshop={"id": workshop["id"], "code": workshop["code"],
                      "title": workshop["title"], "template": workshop["template"]},
        ).model_dump_json())
        for room in rooms:
            texts, seq = await live.catch_up(principal, room, hello.since.get(room))
            for text in texts:
                await websocket.send_text(text)
            conn.sent[room] = seq
    except BaseException as exc:
        conn.closed = True
        await live.hub.leave(conn)
        if isinstance(exc, WebSocketDisconnect):
            return None
        raise
    return conn


async def _handshake(websocket: WebSocket, live: Live,
                     code: str) -> tuple[Principal, Hello, dict[str, Any]] | None:
    try:
        raw = await asyncio.wait_for(websocket.receive_text(),
                                     live.settings.hello_timeout_seconds)
    except TimeoutError:
        await websocket.close(CLOSE_HELLO_TIMEOUT, "say hello within the time limit")
        return None
    except (KeyError, RuntimeError):
        await websocket.close(CLOSE_BAD_TOKEN, "the first frame must be a JSON hello")
        return None
    except WebSocketDisconnect:
        return None
    try:
        hello = Hello.model_validate_json(raw)
    except ValidationError as exc:
        await websocket.send_text(error_text("invalid", "The first frame must be a hello: "
                                             + validation_message(exc)))
        await websocket.close(CLOSE_BAD_TOKEN, "expected hello")
        return None
    workshop_code = normalise_code(code)
    found = None if workshop_code is None else await live.authenticate(workshop_code,
                                                                       hello.token, hello.role)
    if found is None:
        await websocket.send_text(error_text("forbidden", "This token does not open this "
                                             "workshop."))
        await websocket.close(CLOSE_BAD_TOKEN, "bad token")
        return None
    return found[0], hello, found[1]


def _op_id_of(text: str) -> str | None:
    """The op_id of a frame that failed validation, if it has a usable one, for its error."""
    raw = loads(text)
    op_id = raw.get("op_id") if isinstance(raw, dict) else None
    return op_id if isinstance(op_id, str) and len(op_id) <= 64 else None


async def _read_frames(websocket: WebSocket, live: Live, conn: Connection) -> None:
    settings = live.settings
    ops = TokenBucket(settings.ops_per_second, settings.ops_burst, time.monotonic)
    drags = TokenBucket(DRAGS_PER_SECOND, DRAGS_PER_SECOND, time.monotonic)
    presences = TokenBucket(PRESENCE_PER_SECOND, PRESENCE_BURST, time.monotonic)
    errors = TokenBucket(ERROR_RATE, ERROR_BURST, time.monotonic)
    resyncs = TokenBucket(RESYNCS_PER_SECOND, RESYNC_BURST, time.monotonic)

    def fail(code: ErrorCode, message: str, op_id: str | None = None,
             current: dict[str, Any] | None = None) -> None:
        conn.push_frame(error_text(code, message, op_id, current))
        if not errors.take():
            conn.close(CLOSE_POLICY, "too many bad frames")

    while not conn.closed:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            fail("invalid", "Send JSON text frames, not binary ones.")
            continue
        if len(text) > settings.max_frame_bytes // 4 and \
                len(text.encode("utf-8")) > settings.max_frame_bytes:
            conn.close(CLOSE_TOO_BIG, f"frames are limited to {settings.max_frame_bytes} bytes")
            return
        try:
            frame = client_frame_adapter.validate_json(text)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                fail("invalid", "This frame is not valid JSON.")
            else:
                fail("invalid", validation_message(exc), _op_id_of(text))
            continue
        if isinstance(frame, Op):
            if not ops.take():
                fail("rate_limited", "Too many changes at once; this one was not applied. "
                     "Send it again in a moment.", frame.op_id)
                continue
            conn.own_op = frame.op_id
            try:
                seq = await live.run_op(conn.who, frame)
            except OpError as exc:
                fail(exc.code, exc.message, frame.op_id, exc.current)
                continue
            except Exception:
                log.exception("op %s failed", frame.kind)
                fail("invalid", "The server could not apply this change.", frame.op_id)
                continue
            finally:
                conn.own_op = None
            conn.push_ack(AckFrame(op_id=frame.op_id, seq=seq,
                                   room=frame.room).model_dump_json())
        elif isinstance(frame, Drag):
            if frame.room not in conn.rooms or conn.who.role == "screen" \
                    or not frame.room.startswith("group:"):
                fail("forbidden", "You cannot drag notes in this room.")
            elif drags.take() and await live.note_is_shared(conn, frame.room, frame.id):
                await live.hub.publish_drag(conn, frame.room, frame.id, frame.x, frame.y)
        elif isinstance(frame, Presence):
            if frame.room not in conn.rooms:
                fail("forbidden", f"You are not in room {frame.room!r}.")
            elif frame.editing != conn.editing.get(frame.room) and presences.take():
                editing = frame.editing
                if editing is not None and not await live.note_is_shared(conn, frame.room,
                                                                        editing):
                    editing = None  # which private note someone works on is private too
                conn.editing[frame.room] = editing
                await live.hub.publish_presence(frame.room)
        elif isinstance(frame, Resync):
            if frame.room not in conn.rooms:
                fail("forbidden", f"You are not in room {frame.room!r}.")
            elif not resyncs.take():
                fail("rate_limited", "Too many resyncs at once; ask again in a moment.")
            else:
                conn.push_resync(frame.room, frame.since)
        elif isinstance(frame, Ping):
            conn.push_frame(dumps(PongFrame(id=frame.id, server_now=live.clock()).model_dump()))
        elif isinstance(frame, Hello):
            fail("invalid", "This socket has already said hello.")
