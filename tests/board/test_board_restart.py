"""Stopping the server and starting a new one on the same database loses nothing."""

from __future__ import annotations

import pytest
import websockets
from board_helpers import cast_on, connect, create, events, shut, snapshot, welcome_snapshot
from conftest import FakeClock, running_server


async def test_a_server_restart_between_two_ops_loses_neither_note(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock) as first:
        people = await cast_on(first, "start", "next")
        room = people.room
        ann = await connect(server=first, workshop=people.workshop, token=people.ann["token"])
        one, ack_one = await create(ann, room, "commonalities", "before the restart")
        await ann.synced()
        since = dict(ann.seq)
    # The open socket was closed by the shutdown.
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await ann.recv()

    async with running_server(database_url, clock) as second:
        ann = await connect(second, people.workshop, people.ann["token"], since=since)
        assert snapshot(ann, room) is None and events(ann, room) == []
        two, ack_two = await create(ann, room, "challenges", "after the restart")
        assert ack_two["seq"] == ack_one["seq"] + 1

        bob = await connect(second, people.workshop, people.bob["token"])
        snap = welcome_snapshot(bob, room)
        assert {n["id"]: n["text"] for n in snap["notes"]} == {
            one: "before the restart", two: "after the restart"}
        assert snap["seq"] == ack_two["seq"]
        late = await connect(second, people.workshop, people.bob["token"], since=since)
        assert [f["data"]["id"] for f in events(late, room)] == [two]
        # Idempotency survives too: resending the first op does not make a second note.
        op_id = ack_one["op_id"]
        await ann.op(room, "note.create", {"id": one, "section": "commonalities",
                                           "text": "before the restart"}, op_id=op_id)
        assert (await ann.ack(op_id)) == ack_one
        async with second.http() as http:
            info = await http.get(f"/api/workshops/{people.workshop.code}")
            assert info.status_code == 200
            assert info.json()["phase"]["index"] == 1
        await shut(ann, bob, late)
