"""Individual-phase notes stay with their author (and the facilitator) until the group phase."""

from __future__ import annotations

import httpx
from board_helpers import (
    all_text,
    cast,
    connect,
    create,
    events,
    expect_error,
    phase,
    seat,
    shut,
    welcome_snapshot,
)
from conftest import RunningServer

SECRET = "Ann-only: I call the family first zq7"


async def test_a_private_note_reaches_the_facilitator_but_only_a_hidden_event_reaches_groupmates(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start")
    room = people.room
    ann, bob, cy, facilitator = await seat(server, people, "ann", "bob", "cy", "facilitator")
    screen = await connect(server, people.workshop, people.workshop.token, role="screen")
    bob_since = dict(bob.seq)

    note_id, ack = await create(ann, room, "procedure", SECRET, actors=["class tutor"])
    seen = await facilitator.until(lambda f: f["type"] == "event" and f["room"] == room)
    assert seen["seq"] == ack["seq"]
    assert seen["kind"] == "note.create"
    assert seen["data"]["text"] == SECRET
    assert seen["data"]["private"] is True

    hidden = await bob.until(lambda f: f["type"] == "event" and f["room"] == room)
    assert hidden == {"type": "event", "room": room, "seq": ack["seq"], "kind": "hidden",
                      "data": {}, "op_id": None, "by": ""}
    on_screen = await screen.until(lambda f: f["type"] == "event" and f["room"] == room)
    assert on_screen["kind"] == "hidden"

    # Bob can neither read, change nor learn of Ann's note by guessing its id.
    assert await expect_error(bob, room, "note.update", {"id": note_id, "text": "x"}) \
        == "not_found"
    assert await expect_error(bob, room, "note.delete", {"id": note_id}) == "not_found"
    # His own private note does not reach Ann either.
    bob_note, _ = await create(bob, room, "procedure", "Bob's own step")
    await ann.until(lambda f: f["type"] == "event" and f["kind"] == "hidden")

    for client in (ann, bob, cy, facilitator, screen):
        await client.synced()
    for client in (bob, cy, screen):
        assert SECRET not in all_text(client)
        assert note_id not in all_text(client, errors=False)
    assert "Bob's own step" not in all_text(ann)
    assert [f for f in cy.frames if f.get("room") == room] == []

    # Neither a fresh snapshot nor a replay on reconnect shows it to Bob.
    await shut(bob)
    fresh = await connect(server, people.workshop, people.bob["token"])
    assert [n["id"] for n in welcome_snapshot(fresh, room)["notes"]] == [bob_note]
    replay = await connect(server, people.workshop, people.bob["token"], since=bob_since)
    assert [f["kind"] for f in events(replay, room)] == ["hidden", "note.create"]
    for client in (fresh, replay):
        assert SECRET not in all_text(client)
        assert note_id not in all_text(client)
    mine = await connect(server, people.workshop, people.ann["token"])
    assert [n["text"] for n in welcome_snapshot(mine, room)["notes"]] == [SECRET]

    # The group phase reveals everyone's notes to the group.
    await phase(http, people.workshop, "next")
    reveal = await fresh.until(lambda f: f["type"] == "event" and f["room"] == room
                               and f["kind"] == "notes.reveal")
    revealed = {n["id"]: n for n in reveal["data"]["notes"]}
    assert set(revealed) == {note_id, bob_note}
    assert revealed[note_id]["text"] == SECRET
    assert revealed[note_id]["actors"] == ["class tutor"]
    assert not any(n["private"] for n in revealed.values())
    await screen.until(lambda f: f["type"] == "event" and f["kind"] == "notes.reveal")
    await cy.synced()
    assert SECRET not in all_text(cy)
    after = await connect(server, people.workshop, people.bob["token"])
    assert {n["id"] for n in welcome_snapshot(after, room)["notes"]} == {note_id, bob_note}
    await shut(ann, cy, facilitator, screen, fresh, replay, mine, after)


async def test_a_note_id_in_use_gets_one_answer_whoever_can_see_the_note(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    """note.create with an id in use: the same error whether the note is the sender's own,
    someone else's private note or a note in another group, so no answer reveals a note."""
    people = await cast(http, "start")
    ann, bob, cy = await seat(server, people, "ann", "bob", "cy")
    anns_secret, _ = await create(ann, people.room, "procedure", SECRET)
    bobs_own, _ = await create(bob, people.room, "procedure", "Bob's step")
    elsewhere, _ = await create(cy, people.other_room, "procedure", "Cy's step")

    answers = []
    for note_id in (anns_secret, bobs_own, elsewhere):
        op_id = await bob.op(people.room, "note.create",
                             {"id": note_id, "section": "procedure", "text": "x"})
        reply = await bob.ack(op_id)
        answers.append({k: v for k, v in reply.items() if k != "op_id"})
    assert answers == [{"type": "error", "code": "invalid", "message": "This note id cannot be "
                        "used; choose another (or send none)."}] * 3
    await shut(ann, bob, cy)
