"""The board socket, ``/ws/workshops/{code}``: handshake, then a reader that validates each
frame and dispatches it. The socket's outbound side is app.realtime.connection.Connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.api.frames import FrameReader
from app.api.throttling import client_key, code_lockout
from app.i18n import Language
from app.i18n.errors import localize_message, reader_language
from app.principal import Principal
from app.protocol.client import Hello, hello_frame, validation_fields, validation_message
from app.protocol.server import ErrorFrame, WelcomeFrame
from app.realtime.connection import (
    CLOSE_BAD_TOKEN,
    CLOSE_HELLO_TIMEOUT,
    CLOSE_POLICY,
    CLOSE_REJOIN,
    CLOSE_SERVER_ERROR,
    Connection,
)
from app.realtime.limits import CLOSE_TOO_MANY, TOO_MANY_SOCKETS
from app.services import Services
from app.workshops.codes import normalise_code

log = logging.getLogger(__name__)
# Served by app.main as a plain Starlette route.
PATH = "/ws/workshops/{code}"


def origin_allowed(origin: str | None, host: str | None, allowed: list[str],
                   public_url: str | None) -> bool:
    """Browsers always send Origin; it must be this site, the public URL or a listed one."""
    if origin is None:
        return True  # not a browser: tokens still guard everything
    origin = origin.rstrip("/")
    if origin in {o.rstrip("/") for o in allowed} \
            or (public_url is not None and origin == public_url.rstrip("/")):
        return True
    return host is not None and origin.split("://", 1)[-1] == host


async def workshop_socket(websocket: WebSocket) -> None:
    """Serve one board socket for its whole life."""
    code: str = websocket.path_params["code"]
    services: Services = websocket.app.state.services
    try:
        conn = await _open(websocket, services, code)
        if conn is None:
            return
        # At most sockets_per_participant per principal: a new one pushes out the oldest.
        for oldest in services.principals.attach(conn):
            oldest.close(CLOSE_TOO_MANY, TOO_MANY_SOCKETS)
        try:
            await FrameReader(websocket, services, conn).run()
        except WebSocketDisconnect:
            pass
        finally:
            services.principals.detach(conn)
            conn.close()
            await services.hub.leave(conn)
            await conn.stopped()
    except Exception:
        # Logged here, and the socket closed properly (1011) so the client reconnects
        # instead of seeing a dead line.
        log.exception("board socket failed")
        with contextlib.suppress(Exception):
            await websocket.close(CLOSE_SERVER_ERROR, "server error; reconnect")


async def _open(websocket: WebSocket, services: Services, code: str) -> Connection | None:
    """Origin check, hello, joining the rooms, welcome and catch-up.

    Returns the started connection, or None if the socket was refused or went away.
    """
    settings = services.settings
    if not origin_allowed(websocket.headers.get("origin"), websocket.headers.get("host"),
                          settings.allowed_origins, settings.public_url):
        await websocket.close(CLOSE_POLICY, "origin not allowed")
        return None
    await websocket.accept()
    found = await _handshake(websocket, services, code)
    if found is None:
        return None
    principal, hello, workshop = found
    conn = Connection(websocket, principal, services.catch_up,
                      queue_limit=settings.send_queue_limit, clock=services.clock)
    rooms = await services.auth.rooms_for(principal)
    # Joined first, so nothing published from here on is missed; it queues until start().
    await services.hub.join(conn, rooms)
    try:
        if await services.auth.moved(principal):
            # A move published before the join reached nobody: the client comes back
            # and finds its new group.
            conn.close(CLOSE_REJOIN, "your groups changed; reconnect")
        else:
            await _welcome_and_catch_up(websocket, services, conn, rooms, hello, workshop)
    except BaseException as exc:
        told_to_leave = conn.closed  # a rejoin closed it meanwhile: that is no fault
        conn.close()
        await services.hub.leave(conn)
        if told_to_leave or isinstance(exc, WebSocketDisconnect):
            return None
        raise
    if conn.closed:  # closed while catching up (told to rejoin, say): its close code stands
        await services.hub.leave(conn)
        return None
    conn.start()
    return conn


async def _welcome_and_catch_up(websocket: WebSocket, services: Services, conn: Connection,
                                rooms: list[str], hello: Hello,
                                workshop: dict[str, Any]) -> None:
    principal = conn.who
    await websocket.send_text(WelcomeFrame(
        you=principal.as_dict(), server_now=services.clock(), rooms=rooms,
        workshop={"id": workshop["id"], "code": workshop["code"],
                  "title": workshop["title"], "template": workshop["template"],
                  "anonymous": bool(workshop["anonymous"]),
                  "language": workshop["language"]},
    ).text())
    for room in rooms:
        texts, seq = await services.catch_up.catch_up(principal, room, hello.since.get(room))
        for text in texts:
            await websocket.send_text(text)
        conn.sent[room] = seq


async def _handshake(websocket: WebSocket, services: Services,
                     code: str) -> tuple[Principal, Hello, dict[str, Any]] | None:
    try:
        raw = await asyncio.wait_for(websocket.receive_text(),
                                     services.settings.hello_timeout_seconds)
    except TimeoutError:
        await websocket.close(CLOSE_HELLO_TIMEOUT, "say hello within the time limit")
        return None
    except (KeyError, RuntimeError):
        await websocket.close(CLOSE_BAD_TOKEN, "the first frame must be a JSON hello")
        return None
    except WebSocketDisconnect:
        return None
    try:
        hello = hello_frame.validate_json(raw)
    except ValidationError as exc:
        await websocket.send_text(ErrorFrame(code="invalid", message="The first frame must "
                                             "be a hello: " + validation_message(exc),
                                             fields=validation_fields(exc)).text())
        await websocket.close(CLOSE_BAD_TOKEN, "expected hello")
        return None
    workshop_code = normalise_code(code)
    found = None if workshop_code is None else await services.auth.socket_principal(
        workshop_code, hello.token, hello.role, hello.view)
    if found is None:
        # A hello that opens nothing is a miss for the address, as a REST look-up of a code
        # that does not exist is; while locked out, it is told so (a valid token still opens).
        throttle = services.throttles.code_misses
        address = client_key(websocket, services)
        locked = throttle.locked(address)
        if locked is not None:
            await websocket.send_text(ErrorFrame(code="rate_limited", message=localize_message(
                _language(websocket), code_lockout(locked).message)).text())
            await websocket.close(CLOSE_TOO_MANY, "too many wrong codes; wait before retrying")
            return None
        throttle.miss(address)
        await websocket.send_text(ErrorFrame(code="forbidden", message=localize_message(
            _language(websocket), "This token does not open this workshop.")).text())
        await websocket.close(CLOSE_BAD_TOKEN, "bad token")
        return None
    return found[0], hello, found[1]


def _language(websocket: WebSocket) -> Language:
    """The socket reader's language (app.i18n): ?lang= on its URL, else Accept-Language."""
    return reader_language(websocket.query_params.get("lang"),
                           websocket.headers.get("accept-language"))
