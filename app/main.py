"""The app factory: routers, static files, and the lifespan that owns db, hub and scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app.api import pages, toolkit, workshops, ws
from app.api import templates as templates_api
from app.api.pages import WEB_DIR
from app.board.backplane import Backplane, MemoryBackplane
from app.board.connection import CLOSE_SERVER_ERROR
from app.board.errors import OpError
from app.board.hub import Hub
from app.board.wire import DirectLine
from app.config import Settings, get_settings
from app.db import Database
from app.gc_tuning import tune_collector
from app.http import (
    BodyLimit,
    SecurityHeaders,
    op_error_handler,
    validation_error_handler,
)
from app.live import Live
from app.phases.scheduler import Scheduler
from app.phases.templates import Template, builtin_templates

log = logging.getLogger("flipchart")
MAX_BODY_BYTES = 64 * 1024


def make_backplane(settings: Settings) -> Backplane:
    if settings.redis_url:
        # Imported here: a single process without Redis need not carry the client.
        from app.board.redis_backplane import RedisBackplane
        return RedisBackplane(settings.redis_url)
    return MemoryBackplane()


async def _reconcile_forever(live: Live, interval: float = 1.0) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await live.reconcile()
        except Exception:
            log.exception("reconcile pass failed")


WS_PREFIX = "/ws/workshops/"


class Flipchart(FastAPI):
    """FastAPI, with the board socket served without the HTTP middleware and routing layers.

    Every layer (middleware, router, exception wrappers, dependency exit stacks) stays
    alive as a suspended coroutine for as long as a socket is open: about 12 KB per idle
    socket. The board socket needs none of them, so ``/ws/workshops/<code>`` is served
    here directly (app.api.ws); any other WebSocket path falls through to the router,
    which has none and refuses it.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root + "/"):
                path = path[len(root):]
            code = path[len(WS_PREFIX):] if path.startswith(WS_PREFIX) else ""
            if code and "/" not in code:
                scope["app"] = self
                scope["path_params"] = {"code": code}
                await _serve_board_socket(WebSocket(scope, receive, send), code,
                                          DirectLine.under(send))
                return
        await super().__call__(scope, receive, send)


async def _serve_board_socket(websocket: WebSocket, code: str,
                              line: DirectLine | None) -> None:
    try:
        await ws.workshop_socket(websocket, code, line)
    except Exception:
        # What the skipped error middleware would have done: log it, and close the
        # socket properly (1011) so the client reconnects instead of seeing a dead line.
        log.exception("board socket failed")
        with contextlib.suppress(Exception):
            await websocket.close(CLOSE_SERVER_ERROR, "server error; reconnect")


def create_app(settings: Settings | None = None, *, clock: Callable[[], float] = time.time,
               templates: dict[str, Template] | None = None,
               run_scheduler: bool = True) -> FastAPI:
    settings = settings or get_settings()
    templates = templates if templates is not None else builtin_templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        await db.migrate()
        hub = Hub(make_backplane(settings), clock)
        await hub.start()
        live = Live(settings, db, hub, templates, clock)
        scheduler = Scheduler(live.fire_due, live.next_deadline, clock,
                              settings.scheduler_rescan_seconds)
        live.on_deadline_change = scheduler.kick
        app.state.live = live
        if run_scheduler:
            scheduler.start()
        reconciler = None
        if settings.redis_url:
            reconciler = asyncio.create_task(_reconcile_forever(live), name="reconcile")
        tune_collector()  # after start-up: what it loaded is frozen out of the passes
        try:
            yield
        finally:
            if reconciler is not None:
                reconciler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reconciler
            await scheduler.stop()
            await hub.backplane.close()
            await db.close()

    app = Flipchart(title="Flipchart", version="0.1.0", lifespan=lifespan,
                  description="Real-time collaborative sticky-note boards for facilitated "
                  "workshops. The WebSocket protocol is described in docs/protocol.md.")
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(OpError, op_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        """Ready when the database and the backplane (Redis, if configured) answer."""
        live: Live = app.state.live
        checks = {"database": live.db.ping, "backplane": live.hub.backplane.ping}
        failed = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout=3)
            except Exception as exc:
                failed[name] = type(exc).__name__
        if failed:
            return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ready"})

    app.include_router(workshops.router)
    app.include_router(templates_api.router)
    app.include_router(toolkit.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
