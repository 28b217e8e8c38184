"""Several engines racing on one deadline: compare-and-set makes each transition happen once."""

from __future__ import annotations

import asyncio

import httpx
from conftest import FakeClock, RunningServer, Workshop, create_workshop, start_server
from phase_helpers import current, phase
from sqlalchemy import select

from app.db import Database
from app.phases import store as phase_store
from app.phases.service import PhaseService
from app.schema import events, workshops


async def logged_kinds(db: Database, workshop: Workshop) -> list[str]:
    query = (select(events.c.kind).where(events.c.room == f"workshop:{workshop.id}")
             .order_by(events.c.seq))
    kinds = await db.read(lambda conn: conn.execute(query).scalars().all())
    return [kind for kind in kinds if kind.startswith("phase")]


async def phase_version(db: Database, workshop: Workshop) -> int:
    query = select(workshops.c.phase_version).where(workshops.c.id == workshop.id)
    return int(await db.read(lambda conn: conn.execute(query).scalar_one()))


async def test_two_engines_sharing_a_database_advance_a_deadline_once(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    services = server.services
    mine = services.phases
    other = PhaseService(services.db, services.hub, services.templates, clock,
                         reveal=services.board.reveal)
    workshop = await create_workshop(http, "activity-2", groups=2)
    ends_at = (await phase(http, workshop, "start"))["ends_at"]
    version = await phase_version(services.db, workshop)

    clock.now = ends_at
    fired = await asyncio.gather(*(engine.fire_due() for engine in [mine, other] * 3))
    assert sum(fired) == 1
    assert await logged_kinds(services.db, workshop) == ["phase", "phase"]
    assert await phase_version(services.db, workshop) == version + 1
    state = await current(http, workshop)
    assert (state["index"], state["ends_at"]) == (1, ends_at + 15 * 60)


async def test_two_servers_on_one_database_apply_a_chain_of_missed_deadlines_once(
    database_url: str, clock: FakeClock,
) -> None:
    one = await start_server(database_url, clock)
    two = await start_server(database_url, clock)
    try:
        async with one.http() as http:
            workshop = await create_workshop(http, "activity-3", groups=2)
            ends_at = (await phase(http, workshop, "start"))["ends_at"]
            version = await phase_version(one.services.db, workshop)
            clock.now = ends_at + 15 * 60 + 1                 # two deadlines are due
            engines = [one.services.phases, two.services.phases] * 2
            fired = await asyncio.gather(*(engine.fire_due() for engine in engines))
            assert sum(fired) == 2
            assert await logged_kinds(one.services.db, workshop) == ["phase", "phase", "phase"]
            assert await phase_version(one.services.db, workshop) == version + 2
            state = await current(http, workshop)
            assert (state["index"], state["ends_at"]) == (2, ends_at + 30 * 60)
    finally:
        await two.stop()
        await one.stop()


async def test_a_transition_from_a_stale_state_does_not_land(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    await phase(http, workshop, "start")
    db = server.services.db
    row = await db.read(lambda conn: phase_store.load_workshop(conn, workshop.id))
    assert row is not None
    stale = phase_store.state_of(row)
    await phase(http, workshop, "pause")                      # someone else got there first
    landed = await db.write(
        lambda conn: phase_store.compare_and_set(conn, workshop.id, stale, stale))
    assert landed is False
    assert (await current(http, workshop))["status"] == "paused"
