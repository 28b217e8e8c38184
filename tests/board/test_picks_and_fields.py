"""Toolkit picks and form fields under concurrent edits: the pick rule holds, nothing is lost."""

from __future__ import annotations

import asyncio

import httpx
from board_helpers import cast, connect, seat
from conftest import RunningServer


async def test_two_members_picking_at_the_same_moment_never_exceed_two_picks(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next", "next")  # the toolkit phase
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    # Both saw no picks yet (version 0) and pick two different topics at once.
    ops = await asyncio.gather(
        ann.op(room, "pick.set", {"key": "topics", "base": 0,
                                  "value": ["community-involvement", "second-chance-measures"]}),
        bob.op(room, "pick.set", {"key": "topics", "base": 0,
                                  "value": ["tailored-learning-pathways",
                                            "building-motivation-to-learn"]}),
    )
    replies = [await ann.ack(ops[0]), await bob.ack(ops[1])]
    assert sorted(r["type"] for r in replies) == ["ack", "error"]
    refused = next(r for r in replies if r["type"] == "error")
    winner = next(r for r in replies if r["type"] == "ack")
    assert refused["code"] == "conflict"
    # The loser is told what the group holds now, so nothing is silently overwritten.
    assert refused["current"]["version"] == 1 and len(refused["current"]["value"]) == 2
    # A third pick is refused outright: unpick one first.
    op = await ann.op(room, "pick.set", {"key": "topics", "value": [
        *refused["current"]["value"], "community-involvement", "tailored-learning-pathways"]})
    error = await ann.ack(op)
    assert error["code"] == "invalid" and "unpick" in error["message"]
    op = await ann.op(room, "pick.set", {"key": "topics", "value": ["no-such-topic"]})
    assert (await ann.ack(op))["code"] == "invalid"
    watcher = await connect(server, people.workshop, people.bob["token"])
    snapshot = next(f for f in watcher.frames if f["type"] == "snapshot" and f["room"] == room)
    assert len(snapshot["fields"]["topics"]["value"]) == 2
    assert snapshot["fields"]["topics"]["version"] == 1
    assert winner["seq"] > 0
    for client in (ann, bob, watcher):
        await client.close()


async def test_last_writer_wins_on_a_form_field_and_the_other_sees_who_changed_it(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next", "next", "next")  # the proposed action phase
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    first = await ann.op(room, "field.set", {"key": "action.challenge", "value": "No climate"})
    assert (await ann.ack(first))["type"] == "ack"
    second = await bob.op(room, "field.set", {"key": "action.challenge",
                                              "value": "No welcoming climate"})
    assert (await bob.ack(second))["type"] == "ack"
    event = await ann.until(lambda f: f["type"] == "event" and f.get("op_id") == second)
    assert event["data"]["value"] == "No welcoming climate"
    assert event["data"]["by_name"] == "Bob" and event["data"]["version"] == 2
    op = await ann.op(room, "field.set", {"key": "action.nope", "value": "x"})
    assert (await ann.ack(op))["code"] == "invalid"
    op = await ann.op(room, "field.set", {"key": "topics.type", "value": "x"})
    assert (await ann.ack(op))["code"] in ("invalid", "locked")
    for client in (ann, bob):
        await client.close()
