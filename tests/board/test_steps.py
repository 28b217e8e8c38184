"""Steps sections number their notes 1..n and stay contiguous through reorder and delete;
sections closed in the current phase are locked."""

from __future__ import annotations

import httpx
from board_helpers import (
    board,
    cast,
    create,
    events,
    expect_error,
    new_id,
    phase,
    seat,
    shut,
)
from conftest import RunningServer


def steps(notes: list[dict[str, object]]) -> dict[object, object]:
    return {n["id"]: n["step"] for n in notes}


async def test_steps_number_on_create_renumber_in_one_event_on_reorder_and_close_gaps_on_delete(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    ann, bob = await seat(server, people, "ann", "bob")
    ids = []
    for n in range(4):
        note_id, _ = await create(ann, room, "procedure", f"step {n}", step=99)
        ids.append(note_id)
    await bob.synced()
    assert [f["data"]["step"] for f in events(bob, room, "note.create")] == [1, 2, 3, 4]
    a, b, c, d = ids

    bob.frames.clear()
    op = await bob.op(room, "note.reorder", {"id": d, "step": 1})
    ack = await bob.ack(op)
    assert ack["type"] == "ack"
    await ann.synced()
    await bob.synced()
    reorders = events(bob, room)
    assert len(reorders) == 1
    event = reorders[0]
    assert (event["kind"], event["seq"], event["op_id"]) == ("note.reorder", ack["seq"], op)
    assert event["data"]["id"] == d and event["data"]["step"] == 1
    assert event["data"]["renumbered"] == {d: 1, a: 2, b: 3, c: 4}
    assert [f for f in ann.frames if f.get("op_id") == op and f["type"] == "event"] == [event]
    assert steps((await board(server, people.workshop, room))["notes"]) == \
        {d: 1, a: 2, b: 3, c: 4}

    # A step past the end goes last.
    op = await ann.op(room, "note.reorder", {"id": a, "step": 50})
    assert (await ann.ack(op))["type"] == "ack"
    event = await bob.until(lambda f: f["type"] == "event" and f.get("op_id") == op)
    assert event["data"]["renumbered"] == {d: 1, b: 2, c: 3, a: 4}

    op = await bob.op(room, "note.delete", {"id": b})
    assert (await bob.ack(op))["type"] == "ack"
    event = await ann.until(lambda f: f["type"] == "event" and f.get("op_id") == op)
    assert event["kind"] == "note.delete"
    assert event["data"]["renumbered"] == {d: 1, c: 2, a: 3}
    assert steps((await board(server, people.workshop, room))["notes"]) == {d: 1, c: 2, a: 3}

    # A new step goes after the last; cards are not numbered and cannot be reordered.
    e, _ = await create(bob, room, "procedure", "appended")
    card, _ = await create(bob, room, "commonalities", "a card")
    assert steps((await board(server, people.workshop, room))["notes"]) == \
        {d: 1, c: 2, a: 3, e: 4, card: None}
    assert await expect_error(ann, room, "note.reorder", {"id": card, "step": 1}) == "invalid"
    await shut(ann, bob)


async def test_in_the_individual_phase_each_author_numbers_their_own_steps(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start")
    room = people.room
    ann, bob = await seat(server, people, "ann", "bob")
    a1, _ = await create(ann, room, "procedure", "ann 1")
    b1, _ = await create(bob, room, "procedure", "bob 1")
    a2, _ = await create(ann, room, "procedure", "ann 2")
    b2, _ = await create(bob, room, "procedure", "bob 2")
    op = await ann.op(room, "note.reorder", {"id": a2, "step": 1})
    assert (await ann.ack(op))["type"] == "ack"
    op = await bob.op(room, "note.delete", {"id": b1})
    event = await bob.until(lambda f: f["type"] == "event" and f.get("op_id") == op)
    assert event["data"]["renumbered"] == {b2: 1}
    assert steps((await board(server, people.workshop, room))["notes"]) == \
        {a2: 1, a1: 2, b2: 1}
    await shut(ann, bob)


async def test_note_ops_on_sections_closed_in_the_current_phase_are_locked(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http)
    room = people.room
    ann, facilitator = await seat(server, people, "ann", "facilitator")

    # Lobby: nothing is open, for participants and the facilitator alike.
    for client in (ann, facilitator):
        for section in ("procedure", "commonalities", "challenges", "next_steps"):
            data = {"id": new_id(), "section": section, "text": "too early"}
            assert await expect_error(client, room, "note.create", data) == "locked"
        assert await expect_error(client, room, "field.set",
                                  {"key": "action.type", "value": "x"}) == "locked"
        assert await expect_error(client, room, "pick.set",
                                  {"key": "topics", "value": []}) == "locked"

    # Group phase: procedure and cards open, the rest locked.
    await phase(http, people.workshop, "start")
    await phase(http, people.workshop, "next")
    step, _ = await create(ann, room, "procedure", "a step")
    card, _ = await create(ann, room, "challenges", "a challenge")
    assert await expect_error(ann, room, "note.create",
                              {"section": "next_steps", "text": "not yet"}) == "locked"
    assert await expect_error(ann, room, "field.set",
                              {"key": "action.action", "value": "x"}) == "locked"

    # Toolkit phase: only the pick is open; the notes are still there but read-only.
    await phase(http, people.workshop, "next")
    for kind, data in (("note.update", {"id": card, "text": "changed"}),
                       ("note.move", {"id": card, "x": 5, "y": 5}),
                       ("note.delete", {"id": card}),
                       ("note.reorder", {"id": step, "step": 1}),
                       ("note.create", {"section": "challenges", "text": "late"})):
        assert await expect_error(ann, room, kind, data) == "locked", kind
    op = await ann.op(room, "pick.set", {"key": "topics", "value": ["second-chance-measures"]})
    assert (await ann.ack(op))["type"] == "ack"

    # Plenary: every note op is locked.
    await phase(http, people.workshop, "next")
    await phase(http, people.workshop, "next")
    for client in (ann, facilitator):
        for kind, data in (("note.update", {"id": step, "text": "changed"}),
                           ("note.move", {"id": step, "x": 5, "y": 5}),
                           ("note.delete", {"id": step}),
                           ("note.reorder", {"id": step, "step": 1}),
                           ("note.create", {"section": "next_steps", "text": "late"})):
            assert await expect_error(client, room, kind, data) == "locked", kind
    notes = (await board(server, people.workshop, room))["notes"]
    assert {n["id"]: n["text"] for n in notes} == {step: "a step", card: "a challenge"}
    await shut(ann, facilitator)
