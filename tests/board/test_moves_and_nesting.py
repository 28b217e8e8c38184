"""A participant moved to another group leaves the old board for the new one on the same
socket (a reconnect finds the new group too); absurd JSON is just a bad frame."""

from __future__ import annotations

import httpx
from board_helpers import cast, connect
from conftest import RunningServer


async def test_a_moved_participant_switches_to_the_new_board_and_lands_there_after_reconnecting(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")
    ann = await connect(server, people.workshop, people.ann["token"])
    r = await http.patch(f"/api/workshops/{people.workshop.code}/participants/"
                         f"{people.ann['participant_id']}",
                         json={"group_id": people.cy["group_id"]}, headers=people.workshop.auth)
    assert r.status_code == 200
    moved = await ann.until(lambda f: f["type"] == "rooms")
    assert moved["rooms"] == [people.workshop_room, people.other_room]
    snapshot = await ann.until(lambda f: f["type"] == "snapshot")
    assert snapshot["room"] == people.other_room
    await ann.close()
    again = await connect(server, people.workshop, people.ann["token"])
    assert people.other_room in again.welcome["rooms"]
    assert people.room not in again.welcome["rooms"]
    op = await again.op(people.room, "note.create", {"section": "challenges", "text": "old"})
    assert (await again.ack(op))["code"] == "forbidden"
    op = await again.op(people.other_room, "note.create", {"section": "challenges",
                                                           "text": "new"})
    assert (await again.ack(op))["type"] == "ack"
    await again.close()


async def test_deeply_nested_json_gets_an_error_and_the_socket_keeps_working(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")
    ann = await connect(server, people.workshop, people.ann["token"])
    await ann.send("[" * 5000)
    error = await ann.until(lambda f: f["type"] == "error")
    assert error["code"] == "invalid"
    op = await ann.op(people.room, "note.create", {"section": "challenges", "text": "still here"})
    assert (await ann.ack(op))["type"] == "ack"
    await ann.close()
