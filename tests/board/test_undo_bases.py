"""Moves, deletions and reorders may carry the version they were decided on (``base``), as
edits do: the board's undo sends it, so an undo never overwrites someone else's later
change, even when two people race."""

from __future__ import annotations

import httpx
from board_helpers import board, cast, create, events, seat, shut
from conftest import RunningServer


async def test_a_move_delete_or_reorder_on_an_old_version_is_refused_with_the_current_note(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")  # group work: the sections are shared
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    first, _ = await create(ann, room, "procedure", "Tutor notices")
    second, _ = await create(ann, room, "procedure", "Tutor calls home")
    # Bob edits the second note after Ann's create: her version 1 is out of date.
    edit = await bob.op(room, "note.update", {"id": second, "text": "Tutor phones home"})
    assert (await bob.ack(edit))["type"] == "ack"
    for kind, data in (("note.move", {"x": 10, "y": 20}), ("note.delete", {}),
                       ("note.reorder", {"step": 1})):
        op = await ann.op(room, kind, {"id": second, "base": 1, **data})
        refused = await ann.ack(op)
        assert refused["type"] == "error" and refused["code"] == "conflict", (kind, refused)
        assert refused["current"]["text"] == "Tutor phones home"
        assert refused["current"]["version"] == 2
    state = {n["id"]: n for n in (await board(server, people.workshop, room))["notes"]}
    assert state[second]["step"] == 2 and state[second]["version"] == 2
    assert state[first]["step"] == 1
    await shut(ann, bob)


async def test_a_move_delete_or_reorder_on_the_current_version_applies(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    first, _ = await create(ann, room, "procedure", "Tutor notices")
    second, _ = await create(ann, room, "procedure", "Tutor calls home")
    moved = await ann.op(room, "note.move", {"id": second, "x": 300, "y": 40, "base": 1})
    assert (await ann.ack(moved))["type"] == "ack"
    reordered = await ann.op(room, "note.reorder", {"id": second, "step": 1, "base": 2})
    assert (await ann.ack(reordered))["type"] == "ack"
    deleted = await ann.op(room, "note.delete", {"id": second, "base": 3})
    assert (await ann.ack(deleted))["type"] == "ack"
    await bob.synced()
    assert [e["kind"] for e in events(bob, room)][-3:] == ["note.move", "note.reorder",
                                                           "note.delete"]
    state = {n["id"]: n for n in (await board(server, people.workshop, room))["notes"]}
    assert list(state) == [first] and state[first]["step"] == 1
    await shut(ann, bob)


async def test_a_deleted_note_can_be_created_again_under_its_id(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    # What undoing a deletion does: the same note comes back, then goes back to its step.
    people = await cast(http, "start", "next")
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    first, _ = await create(ann, room, "procedure", "Tutor notices")
    second, _ = await create(ann, room, "procedure", "Tutor calls home")
    deleted = await bob.op(room, "note.delete", {"id": first, "base": 1})
    assert (await bob.ack(deleted))["type"] == "ack"
    await create(bob, room, "procedure", "Tutor notices", note_id=first, actors=["class tutor"])
    back = await bob.op(room, "note.reorder", {"id": first, "step": 1, "base": 1})
    assert (await bob.ack(back))["type"] == "ack"
    state = {n["id"]: n for n in (await board(server, people.workshop, room))["notes"]}
    assert (state[first]["step"], state[second]["step"]) == (1, 2)
    assert state[first]["actors"] == ["class tutor"]
    await shut(ann, bob)
