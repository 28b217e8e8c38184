"""The facilitator sees every group; the screen only watches; drags are relayed, never stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from board_helpers import (
    Cast,
    board,
    cast,
    connect,
    create,
    events,
    expect_error,
    new_id,
    phase,
    seat,
    shut,
)
from conftest import Client, RunningServer


async def test_the_facilitator_socket_receives_ops_of_every_group(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    facilitator = await connect(server, people.workshop, people.workshop.token)
    assert set(facilitator.welcome["rooms"]) == {people.workshop_room, people.room,
                                                 people.other_room}
    ann, cy = await seat(server, people, "ann", "cy")
    a, ack_a = await create(ann, people.room, "commonalities", "from group one")
    c, ack_c = await create(cy, people.other_room, "commonalities", "from group two")
    # The facilitator may also write to any group's board.
    f, ack_f = await create(facilitator, people.other_room, "challenges", "from the front")
    await facilitator.synced()
    got = {(e["room"], e["seq"], e["data"]["id"]) for e in events(facilitator, people.room)
           + events(facilitator, people.other_room)}
    assert got == {(people.room, ack_a["seq"], a), (people.other_room, ack_c["seq"], c),
                   (people.other_room, ack_f["seq"], f)}
    await cy.synced()
    assert [e["data"]["id"] for e in events(cy, people.other_room)] == [c, f]
    await shut(facilitator, ann, cy)


async def test_the_screen_receives_events_but_its_ops_and_drags_are_forbidden(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    screen = await connect(server, people.workshop, people.workshop.token, role="screen")
    assert screen.welcome["you"]["role"] == "screen"
    ann = await connect(server, people.workshop, people.ann["token"])
    note_id, ack = await create(ann, people.room, "commonalities", "on the wall")
    seen = await screen.until(lambda f: f["type"] == "event" and f["room"] == people.room)
    assert (seen["seq"], seen["data"]["text"]) == (ack["seq"], "on the wall")

    attempts = [
        (people.room, "note.create", {"section": "commonalities", "text": "screen"}),
        (people.room, "note.update", {"id": note_id, "text": "screen"}),
        (people.room, "note.delete", {"id": note_id}),
        (people.workshop_room, "phase.next", {}),
        (people.workshop_room, "plenary.spotlight", {"group_id": None}),
    ]
    for room, kind, data in attempts:
        assert await expect_error(screen, room, kind, data) == "forbidden", kind
    await screen.send({"type": "drag", "room": people.room, "id": note_id, "x": 1, "y": 1})
    assert (await screen.until(lambda f: f["type"] == "error"))["code"] == "forbidden"
    notes = (await board(server, people.workshop, people.room))["notes"]
    assert [(n["id"], n["text"]) for n in notes] == [(note_id, "on the wall")]
    async with server.http() as client:
        info = (await client.get(f"/api/workshops/{people.workshop.code}")).json()
    assert info["phase"]["index"] == 1
    await shut(screen, ann)


async def test_a_drag_reaches_groupmates_but_not_its_sender_and_is_never_stored(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    ann, bob, cy = await seat(server, people, "ann", "bob", "cy")
    note_id, ack = await create(ann, room, "commonalities", "dragged", x=10, y=20)
    await bob.synced()
    since = dict(bob.seq)

    await ann.send({"type": "drag", "room": room, "id": note_id, "x": 300, "y": 400})
    drag = await bob.until(lambda f: f["type"] == "drag")
    assert drag == {"type": "drag", "room": room, "id": note_id, "x": 300, "y": 400,
                    "by": ann.welcome["you"]["id"]}
    # Bob's drag of another note is queued for Ann after any echo of her own would be.
    marker, _ = await create(bob, room, "commonalities", "marker", x=10, y=20)
    await bob.send({"type": "drag", "room": room, "id": marker, "x": 1, "y": 2})
    await ann.until(lambda f: f["type"] == "drag" and f["id"] == marker)
    assert [f for f in ann.frames if f["type"] == "drag" and f["id"] == note_id] == []
    await cy.synced()
    assert [f for f in cy.frames if f["type"] == "drag"] == []

    # Nothing was stored: no seq used, no replay, no move.
    replay = await connect(server, people.workshop, people.bob["token"], since=since)
    assert [f for f in replay.frames if f["type"] == "drag"] == []
    # The only event since then is the marker note's creation.
    assert [(f["kind"], f["data"]["id"]) for f in replay.frames
            if f["type"] == "event"] == [("note.create", marker)]
    notes = (await board(server, people.workshop, room))["notes"]
    # Both notes are where they were created, not where they were dragged.
    assert [(n["x"], n["y"]) for n in notes] == [(10, 20), (10, 20)]
    _, next_ack = await create(ann, room, "commonalities", "next")
    assert next_ack["seq"] == ack["seq"] + 2  # only the marker's creation came between
    await shut(ann, bob, cy, replay)


async def ann_writes_a_private_note(
    server: RunningServer, http: httpx.AsyncClient,
) -> tuple[Cast, Client, Client, str]:
    """Individual work has started; Ann has written a note only she can see."""
    people = await cast(http, "start")
    ann, bob = await seat(server, people, "ann", "bob")
    secret, _ = await create(ann, people.room, "procedure", "my own step", x=10, y=20)
    return people, ann, bob, secret


async def reveal(http: httpx.AsyncClient, people: Cast, watcher: Client) -> None:
    await phase(http, people.workshop, "next")  # group work: private notes are revealed
    await watcher.until(lambda f: f["type"] == "event" and f["kind"] == "notes.reveal")


async def test_dragging_a_private_note_shows_nothing_to_groupmates(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people, ann, bob, secret = await ann_writes_a_private_note(server, http)
    room = people.room
    await ann.send({"type": "drag", "room": room, "id": secret, "x": 300, "y": 400})
    await ann.send({"type": "drag", "room": room, "id": new_id(), "x": 5, "y": 5})
    await ann.synced()  # both drags handled before the reveal, not raced against it
    await reveal(http, people, bob)  # now the group may watch it move
    await ann.send({"type": "drag", "room": room, "id": secret, "x": 500, "y": 600})
    drag = await bob.until(lambda f: f["type"] == "drag")
    assert (drag["id"], drag["x"], drag["y"]) == (secret, 500, 600)
    assert [f for f in bob.frames if f["type"] == "drag"] == [drag]
    for client in (ann, bob):
        await shut(client)


async def test_presence_names_a_note_being_edited_only_once_the_note_is_shared(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people, ann, bob, secret = await ann_writes_a_private_note(server, http)
    room = people.room

    def names(name: str) -> Callable[[dict[str, Any]], bool]:
        return lambda frame: frame["type"] == "presence" and frame["room"] == room and any(
            m["name"] == name for m in frame["members"])

    names_ann = names("Ann")
    await ann.send({"type": "presence", "room": room, "editing": secret})
    await ann.synced()  # handled: what it changed is in the room's member list now
    # Presence frames are coalesced, so wait for one that must come after Ann's change:
    # the facilitator arriving in the room.
    facilitator = await connect(server, people.workshop, people.workshop.token)
    after = await bob.until(names("Facilitator"))
    assert names_ann(after)
    assert all(m["editing"] is None for f in bob.frames if names_ann(f) for m in f["members"])
    await reveal(http, people, bob)
    await ann.send({"type": "presence", "room": room, "editing": secret})
    shared = await bob.until(lambda f: names_ann(f) and any(
        m["editing"] == secret for m in f["members"]))
    assert [m["editing"] for m in shared["members"] if m["editing"]] == [secret]
    await shut(ann, bob, facilitator)
