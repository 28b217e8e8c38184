"""The plenary spotlight: one group at a time, set by the facilitator's op, idempotent."""

from __future__ import annotations

from board_helpers import cast, connect, snapshot
from conftest import RunningServer


async def test_a_spotlight_op_sent_again_changes_nothing_after_a_later_one(
    server: RunningServer,
) -> None:
    async with server.http() as http:
        people = await cast(http, "start")
    room = people.workshop_room
    first, second = people.ann["group_id"], people.cy["group_id"]
    facilitator = await connect(server, people.workshop, people.workshop.token)
    one = await facilitator.ack(await facilitator.op(room, "plenary.spotlight",
                                                     {"group_id": first}, op_id="spot-1"))
    await facilitator.ack(await facilitator.op(room, "plenary.spotlight",
                                               {"group_id": second}, op_id="spot-2"))
    again = await facilitator.ack(await facilitator.op(room, "plenary.spotlight",
                                                       {"group_id": first}, op_id="spot-1"))
    assert again["type"] == "ack" and again["seq"] == one["seq"]
    # Without data, the spotlight goes off.
    await facilitator.synced()
    viewer = await connect(server, people.workshop, people.workshop.token)
    shown = snapshot(viewer, room)
    assert shown is not None and shown["spotlight"] == second
    await facilitator.send({"type": "op", "op_id": "spot-off", "room": room,
                            "kind": "plenary.spotlight"})
    assert (await facilitator.ack("spot-off"))["type"] == "ack"
    await viewer.until(lambda f: f["type"] == "event" and f["kind"] == "spotlight"
                       and f["data"]["group_id"] is None)
    await viewer.close()
    await facilitator.close()
