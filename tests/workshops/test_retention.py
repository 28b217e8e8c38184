"""Retention (GDPR Art. 5(1)(e)): a workshop is deleted, with everything in it, a set number
of days after its last activity (for a closed one, its closing); the server does it daily and
``flipchart purge`` on demand. On a real server with a fake clock."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import websockets
from conftest import FakeClock, RunningServer, create_workshop, join, running_server
from lifecycle_helpers import (
    DAY,
    bearer,
    close,
    closed_with,
    filled_workshop,
    phase,
    room_names,
    rows_of,
)

from app.workshops import retention

ROOT = Path(__file__).resolve().parents[2]


async def test_a_closed_workshop_goes_with_everything_in_it_after_the_retention_not_before(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    db = server.services.db
    lifecycle = server.services.lifecycle
    assert lifecycle.retention_days == 30
    old = await filled_workshop(server, http)
    await close(http, old.workshop)
    old_rooms = await room_names(db, old.workshop.id)
    before = await db.read(lambda conn: rows_of(conn, old.workshop.id, old_rooms))
    # Every table holds something of this workshop, so "all gone" below means something.
    assert all(before.values()), before

    clock.advance(20 * DAY)
    running = await create_workshop(http)
    await join(http, running.code, "Cy")
    await phase(http, running, "start")

    clock.advance(10 * DAY - 60)  # 30 days less a minute after the close
    assert await lifecycle.purge() == 0
    assert (await http.get(f"/api/workshops/{old.workshop.code}")).status_code == 200

    clock.advance(120)
    assert await lifecycle.purge() == 1
    assert await lifecycle.purge() == 0  # idempotent: nothing left to delete
    after = await db.read(lambda conn: rows_of(conn, old.workshop.id, old_rooms))
    assert after == dict.fromkeys(before, 0)
    assert (await http.get(f"/api/workshops/{old.workshop.code}")).status_code == 404
    # Its screen's token was deleted with it.
    assert (await http.get("/api/screens/me",
                           headers=bearer(old.screen["token"]))).status_code == 401

    # The workshop still running was touched 10 days ago: it stays, whole.
    assert (await http.get(f"/api/workshops/{running.code}")).json()["state"] == "running"
    running_rooms = await room_names(db, running.id)
    kept = await db.read(lambda conn: rows_of(conn, running.id, running_rooms))
    assert kept["participant"] == 1 and kept["event"] > 0

    # Last activity counts, not creation: a workshop left open expires 30 days after it.
    clock.advance(20 * DAY)
    await phase(http, running, "pause")
    clock.advance(29 * DAY)
    assert await lifecycle.purge() == 0
    clock.advance(2 * DAY)
    assert await lifecycle.purge() == 1
    assert (await http.get(f"/api/workshops/{running.code}")).status_code == 404


async def test_a_workshop_nothing_ever_happened_in_counts_from_its_creation(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    idle = await create_workshop(http)
    clock.advance(30 * DAY - 1)
    assert await server.services.lifecycle.purge() == 0
    clock.advance(2)
    assert await server.services.lifecycle.purge() == 1
    assert (await http.get(f"/api/workshops/{idle.code}")).status_code == 404


async def test_two_purges_at_once_delete_each_workshop_once(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    for _ in range(3):
        await create_workshop(http)
    clock.advance(31 * DAY)
    counts = await asyncio.gather(*(server.services.lifecycle.purge() for _ in range(3)))
    assert sum(counts) == 3


async def test_the_server_purges_by_itself_and_closes_the_sockets(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, run_scheduler=True, retention_days=2,
                              retention_check_seconds=0.05) as server, server.http() as http:
        workshop = await create_workshop(http)
        ws = await websockets.connect(server.ws_url(workshop.code), close_timeout=2)
        await ws.send(f'{{"type": "hello", "token": "{workshop.token}"}}')
        limits = (await http.get("/api/limits")).json()
        assert limits["retention_days"] == 2
        clock.advance(2 * DAY + 1)
        assert await closed_with(ws) == (4410, retention.DELETED_REASON)
        assert (await http.get(f"/api/workshops/{workshop.code}")).status_code == 404


async def test_flipchart_purge_deletes_the_expired_workshops_and_says_how_many(
    database_url: str
) -> None:
    now = time.time()
    async with running_server(database_url, FakeClock(now - 40 * DAY)) as server, \
            server.http() as http:
        old = await create_workshop(http)
        await close(http, old)
    async with running_server(database_url, FakeClock(now - DAY)) as server, \
            server.http() as http:
        recent = await create_workshop(http)

    env = {**os.environ, "FLIPCHART_DATABASE_URL": database_url}

    def purge(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "app.cli", "purge", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60, check=True)
        return done.stdout

    assert "Deleted 1 workshop(s)" in await asyncio.to_thread(purge)
    assert "Deleted 0 workshop(s)" in await asyncio.to_thread(purge)

    async with running_server(database_url) as server, server.http() as http:
        assert (await http.get(f"/api/workshops/{old.code}")).status_code == 404
        assert (await http.get(f"/api/workshops/{recent.code}")).status_code == 200
    # --days overrides the setting.
    assert "Deleted 1 workshop(s)" in await asyncio.to_thread(purge, "--days", "1")
