"""Group signals: "we're done" and "we need help" in the roster, readiness reset by a new
phase, and the early advance when every group is ready."""

from __future__ import annotations

from typing import Any

import httpx
from board_helpers import cast, connect, events, expect_error, seat, shut, welcome_snapshot
from conftest import Client, RunningServer, phase
from vote_helpers import received

from app.workshops.signals import every_group_ready


def group_of(roster: dict[str, Any], room: str) -> dict[str, Any]:
    found: dict[str, Any] = next(g for g in roster["groups"] if g["room"] == room)
    return found


async def signal(client: Client, room: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return await client.ack(await client.op(room, kind, data))


async def last_roster(client: Client, room: str, seq: int) -> dict[str, Any]:
    frame = await received(client, lambda f: f.get("kind") == "roster" and f["seq"] >= seq)
    latest = [f for f in events(client, room, "roster")][-1]
    data: dict[str, Any] = (latest if latest["seq"] >= frame["seq"] else frame)["data"]
    return data


async def test_ready_and_help_reach_the_facilitators_roster_and_a_new_phase_resets_ready(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    ann, bob, facilitator = await seat(server, people, "ann", "bob", "facilitator")
    room, hub = people.room, people.workshop_room
    assert (await signal(ann, room, "group.ready", {"ready": True}))["type"] == "ack"
    assert (await signal(bob, room, "group.help", {"on": True}))["type"] == "ack"
    seen = await received(bob, lambda f: f.get("kind") == "group.ready")
    assert seen["data"] == {"help": False, "ready": [people.ann["participant_id"]]}
    await facilitator.synced()
    roster = await last_roster(facilitator, hub, 0)
    mine = group_of(roster, room)
    assert mine["ready"] == [people.ann["participant_id"]] and mine["help"] is True
    assert group_of(roster, people.other_room)["help"] is False

    # The facilitator clears the help flag; a screen may not signal; a bad frame is refused.
    assert (await signal(facilitator, room, "group.help", {"on": False}))["type"] == "ack"
    screen = await connect(server, people.workshop, people.workshop.token, role="screen")
    assert await expect_error(screen, room, "group.help", {"on": True}) == "forbidden"
    assert await expect_error(facilitator, room, "group.ready", {"ready": True}) == "forbidden"
    assert await expect_error(ann, room, "group.ready", {"ready": "maybe"}) == "invalid"
    assert await expect_error(ann, people.other_room, "group.help", {"on": True}) \
        == "forbidden"
    late = await connect(server, people.workshop, people.workshop.token)
    fresh = group_of(welcome_snapshot(late, hub)["roster"], room)
    assert fresh["help"] is False and fresh["ready"] == [people.ann["participant_id"]]

    await phase(http, people.workshop, "next")
    await facilitator.synced()
    after = await last_roster(facilitator, hub, 0)
    assert group_of(after, room)["ready"] == []
    await shut(ann, bob, facilitator, screen, late)


async def test_the_phase_ends_early_once_every_group_with_someone_online_is_ready(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    code = people.workshop.code
    on = await http.patch(f"/api/workshops/{code}", json={"advance_when_ready": True},
                          headers=people.workshop.auth)
    assert on.status_code == 200, on.text
    ann, bob, cy, facilitator = await seat(server, people, "ann", "bob", "cy", "facilitator")
    roster = welcome_snapshot(facilitator, people.workshop_room)["roster"]
    assert roster["advance_when_ready"] is True
    index = welcome_snapshot(facilitator, people.workshop_room)["phase"]["index"]

    await signal(ann, people.room, "group.ready", {"ready": True})
    await signal(cy, people.other_room, "group.ready", {"ready": True})
    await facilitator.synced()
    # Bob is online and not done: the phase goes on.
    assert not [f for f in events(facilitator, people.workshop_room, "phase")
                if f["data"]["index"] != index]
    await signal(bob, people.room, "group.ready", {"ready": True})
    moved = await received(facilitator, lambda f: f.get("kind") == "phase"
                           and f["data"]["index"] == index + 1)
    assert moved["by"] == "ready"
    await shut(ann, bob, cy, facilitator)


async def test_without_the_setting_a_ready_workshop_waits_for_the_facilitator(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    ann, bob, cy, facilitator = await seat(server, people, "ann", "bob", "cy", "facilitator")
    index = welcome_snapshot(facilitator, people.workshop_room)["phase"]["index"]
    for client, room in ((ann, people.room), (bob, people.room), (cy, people.other_room)):
        await signal(client, room, "group.ready", {"ready": True})
    await facilitator.synced()
    assert all(f["data"]["index"] == index
               for f in events(facilitator, people.workshop_room, "phase"))
    await shut(ann, bob, cy, facilitator)


async def test_turning_the_setting_on_when_everyone_is_done_moves_on_at_once(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    ann, bob, facilitator = await seat(server, people, "ann", "bob", "facilitator")
    # Cy never comes online: his group does not hold the others back.
    index = welcome_snapshot(facilitator, people.workshop_room)["phase"]["index"]
    for client in (ann, bob):
        await signal(client, people.room, "group.ready", {"ready": True})
    on = await http.patch(f"/api/workshops/{people.workshop.code}",
                          json={"advance_when_ready": True}, headers=people.workshop.auth)
    assert on.status_code == 200, on.text
    moved = await received(facilitator, lambda f: f.get("kind") == "phase"
                           and f["data"]["index"] == index + 1)
    assert moved["by"] == "ready"
    await shut(ann, bob, facilitator)


def test_a_group_is_ready_when_all_its_members_online_are() -> None:
    roster = {"groups": [
        {"members": [{"id": "p1"}, {"id": "p2"}], "ready": ["p1"]},
        {"members": [{"id": "p3"}], "ready": []},
    ]}
    assert every_group_ready(roster, ["p1", "facilitator"]) is True
    assert every_group_ready(roster, ["p1", "p2"]) is False
    assert every_group_ready(roster, ["p1", "p3"]) is False
    assert every_group_ready(roster, []) is False
