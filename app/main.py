"""The app factory: the board socket beside the REST API and pages, and the lifespan that
builds the services and runs the scheduler and the backplane.

The board socket is a plain Starlette route on the outer app; everything else is the
FastAPI app mounted under it. A socket stays open for hours and needs none of what
FastAPI wraps each request in (telemetry, body limits, exit stacks, security headers),
whose suspended frames would otherwise live as long as each of thousands of sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from functools import partial

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Mount, WebSocketRoute

from app import eventlog
from app.api import (
    lifecycle,
    links,
    moderation,
    pages,
    screens,
    template_library,
    toolkit,
    workshops,
    ws,
)
from app.api import templates as templates_api
from app.api.pages import WEB_DIR
from app.api.throttling import rate_limited_handler
from app.config import Settings, get_settings
from app.db import Database
from app.errors import OpError
from app.gc_tuning import tune_collector
from app.http import (
    BodyLimit,
    SecurityHeaders,
    http_error_handler,
    op_error_handler,
    validation_error_handler,
)
from app.phases.scheduler import Scheduler
from app.phases.templates import Template, builtin_templates
from app.realtime.backplane import Backplane, MemoryBackplane
from app.realtime.hub import Hub
from app.services import Services, build_services
from app.throttle import RateLimited
from app.workshops.retention import Sweeper

log = logging.getLogger("flipchart")
MAX_BODY_BYTES = 64 * 1024
RECONCILE_SECONDS = 1.0


def make_backplane(settings: Settings) -> Backplane:
    if settings.redis_url:
        # Imported here: a single process without Redis need not carry the client.
        from app.realtime.redis_backplane import RedisBackplane
        return RedisBackplane(settings.redis_url)
    return MemoryBackplane()


async def _reconcile_forever(services: Services) -> None:
    """Catch up local sockets that a lost pub/sub hint left behind the event log."""
    while True:
        await asyncio.sleep(RECONCILE_SECONDS)
        names = services.hub.local_rooms
        if not names:
            continue
        try:
            seqs = await services.db.read(partial(eventlog.room_seqs, names=names))
            services.hub.reconcile(seqs)
        except Exception:
            log.exception("reconcile pass failed")


def create_app(settings: Settings | None = None, *, clock: Callable[[], float] = time.time,
               templates: dict[str, Template] | None = None,
               run_scheduler: bool = True) -> Starlette:
    settings = settings or get_settings()
    templates = templates if templates is not None else builtin_templates()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        await db.migrate()
        hub = Hub(make_backplane(settings))
        await hub.start()
        services = build_services(settings, clock, templates, db, hub)
        scheduler = Scheduler(services.phases.fire_due, services.phases.next_deadline, clock,
                              settings.scheduler_rescan_seconds)
        services.phases.on_deadline_change = scheduler.kick
        app.state.services = api.state.services = services
        # Retention (app.workshops.retention): a purge at start-up, then daily.
        sweeper = Sweeper(services.lifecycle.purge, settings.retention_check_seconds)
        if run_scheduler:
            scheduler.start()
            sweeper.start()
        reconciler = None
        if settings.redis_url:
            reconciler = asyncio.create_task(_reconcile_forever(services), name="reconcile")
        tune_collector()  # after start-up: what it loaded is frozen out of the passes
        try:
            yield
        finally:
            if reconciler is not None:
                reconciler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reconciler
            await scheduler.stop()
            await sweeper.stop()
            await hub.backplane.close()
            await db.close()

    api = FastAPI(title="Flipchart", version="0.1.0",
                  description="Real-time collaborative sticky-note boards for facilitated "
                  "workshops. The WebSocket protocol is described in docs/protocol.md.")
    api.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    api.add_middleware(SecurityHeaders)
    api.add_exception_handler(OpError, op_error_handler)
    api.add_exception_handler(RateLimited, rate_limited_handler)  # the same, with Retry-After
    api.add_exception_handler(RequestValidationError, validation_error_handler)
    api.add_exception_handler(StarletteHTTPException, http_error_handler)

    @api.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", tags=["health"], responses={
        503: {"description": "The database or the backplane does not answer: "
              '{"status": "unavailable", "failed": {name: error}}'}})
    async def readyz() -> JSONResponse:
        """Ready when the database and the backplane (Redis, if configured) answer."""
        services: Services = api.state.services
        checks = {"database": services.db.ping, "backplane": services.hub.backplane.ping}
        failed = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout=3)
            except Exception as exc:
                failed[name] = type(exc).__name__
        if failed:
            return JSONResponse({"status": "unavailable", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ready"})

    api.include_router(workshops.router)
    api.include_router(lifecycle.router)
    # After lifecycle: its …/participants/me is not a participant id.
    api.include_router(moderation.router)
    api.include_router(links.router)
    api.include_router(screens.router)
    # Before templates_api: its /api/templates/{key} would take /api/templates/{key}.toml.
    api.include_router(template_library.export_router)
    api.include_router(templates_api.router)
    api.include_router(template_library.router)
    api.include_router(toolkit.router)
    api.include_router(pages.router)
    api.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    # The outer app answers what the mount cannot match (a path with a line break) itself:
    # in the same error shape.
    return Starlette(routes=[WebSocketRoute(ws.PATH, ws.workshop_socket), Mount("/", app=api)],
                     lifespan=lifespan,
                     exception_handlers={StarletteHTTPException: http_error_handler})
