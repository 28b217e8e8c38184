"""Deadlines live in the database: a restarted server keeps them, and catches up on missed ones."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from conftest import (
    Client,
    FakeClock,
    RunningServer,
    Workshop,
    create_workshop,
    running_server,
    start_server,
)
from phase_helpers import current, phase, start_one_group


async def phase_events(server: RunningServer, workshop: Workshop) -> list[dict[str, Any]]:
    """Every phase event in the workshop room's log, replayed from the start."""
    room = f"workshop:{workshop.id}"
    client = await Client.connect(server, workshop.code, workshop.token, since={room: 0})
    await client.synced()
    await client.close()
    return [f for f in client.frames
            if f["type"] == "event" and f["room"] == room and f["kind"].startswith("phase")]


async def test_a_restarted_server_ends_the_running_phase_at_the_same_instant(
    database_url: str, clock: FakeClock,
) -> None:
    first = await start_server(database_url, clock)
    workshop, ends_at = await start_one_group(first, "activity-2")
    clock.advance(200)
    await first.stop()

    async with running_server(database_url, clock) as second:
        async with second.http() as http:
            state = await current(http, workshop)
            assert (state["status"], state["index"], state["ends_at"]) == ("running", 0, ends_at)
            clock.now = ends_at - 60
            assert await second.services.phases.fire_due() == 1        # the warning, re-armed
            clock.now = ends_at - 1
            assert await second.services.phases.fire_due() == 0
            assert (await current(http, workshop))["index"] == 0
            clock.now = ends_at
            assert await second.services.phases.fire_due() == 1
            state = await current(http, workshop)
            assert (state["status"], state["index"], state["ends_at"]) == ("running", 1,
                                                                           ends_at + 15 * 60)


async def test_a_paused_phase_keeps_its_remaining_time_across_a_restart(
    database_url: str, clock: FakeClock,
) -> None:
    first = await start_server(database_url, clock)
    async with first.http() as http:
        workshop = await create_workshop(http, "activity-3", groups=1)
        await phase(http, workshop, "start")
        clock.advance(250)
        assert (await phase(http, workshop, "pause"))["remaining"] == 350
    await first.stop()
    clock.advance(10_000)

    async with running_server(database_url, clock) as second:
        assert await second.services.phases.fire_due() == 0
        async with second.http() as http:
            view = await phase(http, workshop, "resume")
            assert (view["status"], view["ends_at"]) == ("running", clock.now + 350)


async def test_deadlines_missed_while_down_are_applied_in_order_by_the_first_pass(
    database_url: str, clock: FakeClock,
) -> None:
    first = await start_server(database_url, clock)
    workshop, ends_at = await start_one_group(first, "activity-2")
    await first.stop()
    # Down through the end of phase 1 (10 min) and phase 2 (15 min), into phase 3.
    clock.now = ends_at + 15 * 60 + 100

    async with running_server(database_url, clock) as second:
        assert await second.services.phases.fire_due() == 2
        async with second.http() as http:
            state = await current(http, workshop)
        # Chained from the stored deadlines, not from the moment the server came back.
        assert (state["status"], state["key"], state["ends_at"]) == (
            "running", "toolkit", ends_at + 15 * 60 + 15 * 60)
        assert state["warned"] is False
        assert await second.services.phases.fire_due() == 0
        events = await phase_events(second, workshop)
        assert [(e["kind"], e["data"]["key"], e["data"]["ends_at"]) for e in events] == [
            ("phase", "individual", ends_at),
            ("phase", "groups-procedures", ends_at + 15 * 60),
            ("phase", "toolkit", ends_at + 30 * 60),
        ]


async def poll_phase(http: httpx.AsyncClient, workshop: Workshop, index: int) -> dict[str, Any]:
    for _ in range(300):
        state = await current(http, workshop)
        if state["index"] == index:
            return state
        await asyncio.sleep(0.01)
    raise AssertionError(f"the scheduler did not reach phase {index}: {state}")


async def test_the_scheduler_loop_applies_due_deadlines_when_kicked_and_at_start_up(
    database_url: str, clock: FakeClock,
) -> None:
    async with running_server(database_url, clock, run_scheduler=True) as first:
        async with first.http() as http:
            workshop = await create_workshop(http, "activity-3", groups=1)
            ends_at = (await phase(http, workshop, "start"))["ends_at"]
            clock.now = ends_at
            first.services.phases.on_deadline_change()
            state = await poll_phase(http, workshop, 1)
            assert state["ends_at"] == ends_at + 15 * 60

    # Down through two more deadlines: the loop's first pass at start-up catches up.
    clock.now = ends_at + 30 * 60 + 5
    async with running_server(database_url, clock, run_scheduler=True) as second:
        async with second.http() as http:
            state = await poll_phase(http, workshop, 3)
            assert (state["status"], state["ends_at"]) == ("plenary", None)
