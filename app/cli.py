"""The ``flipchart`` command: ``flipchart serve``, ``flipchart migrate`` and
``flipchart purge``.

``serve`` runs the app on uvicorn (its WebSocket implementation chosen with ``--ws``) or
on Hypercorn: the app is plain ASGI and runs the same on either. Neither writes an access
log unless ``--access-log`` is given: an access log line carries the client's IP address,
and Flipchart keeps none (see /privacy).

``purge`` deletes the workshops whose retention has run out (app.workshops.retention), as
the server does daily by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import uvicorn
from sqlalchemy.engine import make_url

from app.config import get_settings
from app.db import Database, normalise_url
from app.network import is_loopback_url, lan_addresses
from app.workshops import retention

SERVERS = ("uvicorn", "hypercorn")
UVICORN_WS = ("websockets-sansio", "websockets", "wsproto")


def serve_problem(workers: int, database_url: str, redis_url: str | None) -> str | None:
    """Why these settings cannot run several workers, or None if they can."""
    if workers <= 1:
        return None
    if make_url(normalise_url(database_url)).get_backend_name() == "sqlite":
        return ("Several workers need a shared database: set FLIPCHART_DATABASE_URL to a "
                "PostgreSQL URL (postgresql+psycopg://user@host/db).")
    if not redis_url:
        return ("Several workers need the Redis backplane: set FLIPCHART_REDIS_URL "
                "(redis://host:6379/0).")
    return None


def announce(host: str, port: int, public_url: str | None) -> None:
    """Say where people open Flipchart: phones need an address of this machine on the
    room's network, never 127.0.0.1 (on a phone that is the phone itself)."""
    if public_url:
        print(f"Flipchart is starting: open {public_url}", flush=True)
        return
    if host in ("0.0.0.0", "::", ""):
        addresses = lan_addresses()
        print(f"Flipchart is starting on port {port}. On this computer: "
              f"http://127.0.0.1:{port}", flush=True)
        for address in addresses:
            print(f"  phones and laptops in the room: http://{address}:{port}", flush=True)
        if not addresses:
            print("  (no network address found: is this computer on the room's Wi-Fi?)",
                  flush=True)
        return
    print(f"Flipchart is starting: open http://{host}:{port}", flush=True)
    if is_loopback_url(f"http://{host}"):
        print("  Only this computer can open it. To let phones in the room join, run "
              "`make run HOST=0.0.0.0` (see the README, \"Run it for a room\").", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flipchart", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--reload", action="store_true")
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--access-log", action="store_true",
                       help="log every request, with the client's IP address (off by default: "
                       "Flipchart stores no IP addresses)")
    serve.add_argument("--server", choices=SERVERS, default="uvicorn",
                       help="the ASGI server (hypercorn needs: pip install hypercorn)")
    serve.add_argument("--ws", choices=UVICORN_WS, default="websockets-sansio",
                       help="uvicorn's WebSocket implementation")
    commands.add_parser("migrate", help="bring the database schema up to date")
    purge = commands.add_parser("purge", help="delete the workshops whose retention has run "
                                "out (FLIPCHART_RETENTION_DAYS after their last activity)")
    purge.add_argument("--days", type=int, default=None,
                       help="days to keep after the last activity (default: the setting)")
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "purge":
        days = settings.retention_days if args.days is None else args.days
        if days < 1:
            print("flipchart: --days must be at least 1.", file=sys.stderr)
            return 2
        deleted = asyncio.run(run_purge(settings.database_url, days))
        print(f"Deleted {deleted} workshop(s) with no activity in the last {days} day(s).")
        return 0

    if args.command == "migrate":
        async def migrate() -> None:
            db = Database(settings.database_url)
            await db.migrate()
            await db.close()

        asyncio.run(migrate())
        print("Database is up to date.")
        return 0

    problem = serve_problem(args.workers, settings.database_url, settings.redis_url)
    if problem is not None:
        print(f"flipchart: {problem}", file=sys.stderr)
        return 2
    announce(args.host, args.port, settings.public_url)
    if args.server == "hypercorn":
        if args.workers > 1 or args.reload:
            print("flipchart: with --server hypercorn, run one process per port "
                  "(no --workers or --reload).", file=sys.stderr)
            return 2
        serve_with_hypercorn(args.host, args.port, settings.max_frame_bytes, args.log_level,
                             args.access_log)
        return 0
    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, reload=args.reload, log_level=args.log_level,
                access_log=args.access_log,
                ws=args.ws, ws_max_size=settings.max_frame_bytes,
                # FLIPCHART_TRUSTED_PROXIES is the one rule for who the client is
                # (app/client_address.py): uvicorn believes X-Forwarded-For and -Proto from
                # the same peers and no others (not its default 127.0.0.1), so what it
                # rewrites the client to is what the app's rule finds too. Empty: nobody.
                proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies,
                # Frames are small JSON: compressing each one costs more CPU than it saves.
                ws_per_message_deflate=False)
    return 0


async def run_purge(database_url: str, days: int) -> int:
    """Bring the schema up to date, then delete the expired workshops; returns how many."""
    db = Database(database_url)
    try:
        await db.migrate()
        return len(await retention.purge(db, time.time(), days))
    finally:
        await db.close()


def serve_with_hypercorn(host: str, port: int, max_frame_bytes: int, log_level: str,
                         access_log: bool = False) -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from app.main import create_app

    config = Config()
    config.bind = [f"{host}:{port}"]
    config.websocket_max_message_size = max_frame_bytes
    config.loglevel = log_level.upper()
    if access_log:
        config.accesslog = "-"
    asyncio.run(serve(create_app(), config))  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
