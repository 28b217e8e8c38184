"""Reconnecting with `since`, repeated op ids and client-sent resync over real sockets."""

from __future__ import annotations

from typing import Any

import httpx
from board_helpers import (
    cast,
    cast_on,
    connect,
    create,
    events,
    new_id,
    seat,
    shut,
    snapshot,
    welcome_snapshot,
)
from conftest import FakeClock, RunningServer, running_server


async def test_reconnect_with_since_replays_exactly_the_missed_events_and_nothing_more(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    ann, bob = await seat(server, people, "ann", "bob")
    await create(ann, room, "commonalities", "seen live")
    await bob.until(lambda f: f["type"] == "event" and f["room"] == room)
    since = dict(bob.seq)
    assert set(since) == {room, people.workshop_room}
    await shut(bob)

    missed = []
    for n in range(3):
        _, ack = await create(ann, room, "commonalities", f"missed {n}")
        missed.append(ack["seq"])
    assert missed == [since[room] + 1, since[room] + 2, since[room] + 3]

    again = await connect(server, people.workshop, people.bob["token"], since=since)
    assert snapshot(again, room) is None
    assert snapshot(again, people.workshop_room) is None
    replayed = events(again, room)
    assert [f["seq"] for f in replayed] == missed
    assert [f["data"]["text"] for f in replayed] == ["missed 0", "missed 1", "missed 2"]
    assert all(f["kind"] == "note.create" for f in replayed)
    assert events(again, people.workshop_room) == []
    assert again.seq[room] == missed[-1]
    # A later live event follows on without a gap.
    _, ack = await create(ann, room, "commonalities", "after")
    live = await again.until(lambda f: f["type"] == "event" and f["room"] == room)
    assert live["seq"] == ack["seq"] == missed[-1] + 1
    await shut(ann)
    await shut(again)


async def test_reconnect_far_behind_the_replay_limit_gets_a_snapshot_with_the_current_notes(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, replay_limit=3) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        first, _ = await create(ann, room, "commonalities", "before")
        await bob.until(lambda f: f["type"] == "event" and f["room"] == room)
        since = dict(bob.seq)
        await shut(bob)

        made = {first: "before"}
        last_seq = 0
        for n in range(5):
            note_id, ack = await create(ann, room, "challenges", f"behind {n}")
            made[note_id] = f"behind {n}"
            last_seq = ack["seq"]
        deleted = next(iter(made))
        op = await ann.op(room, "note.delete", {"id": deleted})
        last_seq = (await ann.ack(op))["seq"]
        del made[deleted]

        again = await connect(server, people.workshop, people.bob["token"], since=since)
        snap = welcome_snapshot(again, room)
        assert snap["seq"] == last_seq
        assert {n["id"]: n["text"] for n in snap["notes"]} == made
        assert events(again, room) == []
        # Within the limit it still replays: one missed event is an event, not a snapshot.
        await shut(again)
        await create(ann, room, "challenges", "one more")
        third = await connect(server, people.workshop, people.bob["token"],
                              since=dict(again.seq))
        assert snapshot(third, room) is None
        assert [f["data"]["text"] for f in events(third, room)] == ["one more"]
        await shut(ann)
        await shut(third)


async def test_an_op_resent_with_the_same_op_id_after_a_reconnect_is_applied_once(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    bob, ann = await seat(server, people, "bob", "ann")
    # No note id: a second application would make a second note with a fresh id.
    data: dict[str, Any] = {"section": "commonalities", "text": "only once", "x": 5, "y": 6}
    op_id = new_id()
    await ann.op(room, "note.create", data, op_id=op_id)
    first = await ann.ack(op_id)
    assert first["type"] == "ack"
    await ann.synced()
    since = dict(ann.seq)
    await shut(ann)

    ann = await connect(server, people.workshop, people.ann["token"], since=since)
    await ann.op(room, "note.create", data, op_id=op_id)
    second = await ann.ack(op_id)
    assert second == {"type": "ack", "op_id": op_id, "seq": first["seq"], "room": room}
    # Twice on the same socket as well.
    await ann.op(room, "note.create", data, op_id=op_id)
    assert (await ann.ack(op_id))["seq"] == first["seq"]

    await bob.synced()
    await ann.synced()
    assert [f["op_id"] for f in events(bob, room)] == [op_id]
    assert events(ann, room) == []
    viewer = await connect(server, people.workshop, people.cy["token"])
    facilitator = await connect(server, people.workshop, people.workshop.token)
    snap = welcome_snapshot(facilitator, room)
    assert [n["text"] for n in snap["notes"]] == ["only once"]
    assert snap["seq"] == first["seq"]
    await shut(ann, bob, viewer, facilitator)


async def test_client_sent_resync_gets_the_events_after_its_since(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    ann, bob = await seat(server, people, "ann", "bob")
    since = bob.seq[room]
    acks = []
    for n in range(3):
        _, ack = await create(ann, room, "challenges", f"gap {n}")
        acks.append(ack["seq"])
    await bob.until(lambda f: f["type"] == "event" and f.get("seq") == acks[-1])
    live = events(bob, room)
    bob.frames.clear()

    # Bob pretends he lost the last two and asks for everything after the first.
    await bob.send({"type": "resync", "room": room, "since": acks[0]})
    await bob.synced()
    resent = events(bob, room)
    assert [f["seq"] for f in resent] == acks[1:]
    assert resent == live[1:]
    assert snapshot(bob, room) is None

    bob.frames.clear()
    await bob.send({"type": "resync", "room": room, "since": since})
    await bob.synced()
    assert [f["seq"] for f in events(bob, room)] == acks

    # A room that is not yours is refused, and nothing from it is sent.
    bob.frames.clear()
    await bob.send({"type": "resync", "room": people.other_room, "since": 0})
    error = await bob.until(lambda f: f["type"] == "error")
    assert error["code"] == "forbidden"
    await bob.synced()
    assert [f for f in bob.frames if f.get("room") == people.other_room] == []
    await shut(ann)
    await shut(bob)


async def test_resync_from_beyond_the_replay_limit_answers_with_a_snapshot(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, replay_limit=3) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann = await connect(server, people.workshop, people.ann["token"])
        since = ann.seq[room]
        texts = [f"n{n}" for n in range(5)]
        for text in texts:
            await create(ann, room, "challenges", text)
        ann.frames.clear()
        await ann.send({"type": "resync", "room": room, "since": since})
        await ann.synced()
        snap = welcome_snapshot(ann, room)
        assert sorted(n["text"] for n in snap["notes"]) == texts
        assert events(ann, room) == []
        await shut(ann)


async def test_a_flood_of_resyncs_is_rate_limited_and_the_socket_stays_usable(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    (ann,) = await seat(server, people, "ann")
    for _ in range(60):
        await ann.send({"type": "resync", "room": room, "since": 0})
    await ann.synced()
    limited = [f for f in ann.frames if f["type"] == "error"]
    assert limited and {f["code"] for f in limited} == {"rate_limited"}
    answered = [f for f in ann.frames if f["type"] == "snapshot" or
                (f["type"] == "event" and f["room"] == room)]
    assert 0 < len(answered) < 60
    _, ack = await create(ann, room, "challenges", "still here")
    assert ack["type"] == "ack"
    await shut(ann)
