"""What the board socket sends arrives whole and in order: replays, large snapshots, and
connections that negotiated compression."""

from __future__ import annotations

from board_helpers import cast_on, create, events, seat, shut, snapshot
from conftest import FakeClock, running_server


async def test_a_connection_that_negotiated_compression_syncs(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, compression=True) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        assert ann.ws.protocol.extensions, "the client did not negotiate compression"
        _, ack = await create(ann, room, "challenges", "squeezed")
        seen = await bob.until(lambda f: f["type"] == "event" and f.get("seq") == ack["seq"])
        assert seen["data"]["text"] == "squeezed"
        await shut(ann, bob)


async def test_a_replay_burst_and_a_snapshot_of_long_notes_arrive_whole_and_in_order(
    database_url: str, clock: FakeClock
) -> None:
    # 90 long notes: the snapshot is one frame of more than 64 KiB.
    async with running_server(database_url, clock, replay_limit=40, ops_burst=200) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        start = bob.seq[room]
        texts = [f"{n:03} " + "ü" * 480 for n in range(90)]
        seqs = [(await create(ann, room, "challenges", text))[1]["seq"] for text in texts]
        await bob.until(lambda f: f["type"] == "event" and f.get("seq") == seqs[-1])
        live = events(bob, room)

        bob.frames.clear()
        await bob.send({"type": "resync", "room": room, "since": seqs[59]})
        await bob.synced()
        assert events(bob, room) == live[60:]

        bob.frames.clear()
        await bob.send({"type": "resync", "room": room, "since": start})
        await bob.synced()
        snap = snapshot(bob, room)
        assert snap is not None and snap["seq"] == seqs[-1]
        assert sorted(n["text"] for n in snap["notes"]) == texts
        await shut(ann, bob)
