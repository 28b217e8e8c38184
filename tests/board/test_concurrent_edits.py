"""Two people editing one note or one form field: the later write is told, never silent."""

from __future__ import annotations

import httpx
from board_helpers import cast, create, seat, shut
from conftest import RunningServer


async def test_a_note_edit_from_an_old_version_is_refused_with_the_current_note(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")  # group work: commonalities are shared
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    note_id, _ = await create(ann, room, "commonalities", "Both call the family")
    # Both open the editor on version 1; Ann saves first.
    first = await ann.op(room, "note.update", {"id": note_id, "text": "Both phone the family",
                                               "base": 1})
    assert (await ann.ack(first))["type"] == "ack"
    second = await bob.op(room, "note.update", {"id": note_id, "text": "Both call parents",
                                                "base": 1})
    refused = await bob.ack(second)
    assert refused["type"] == "error" and refused["code"] == "conflict"
    # Bob is shown Ann's text, so he can merge it with his own.
    assert refused["current"]["text"] == "Both phone the family"
    assert refused["current"]["version"] == 2
    merged = await bob.op(room, "note.update", {
        "id": note_id, "text": "Both phone the family or parents", "base": 2})
    assert (await bob.ack(merged))["type"] == "ack"
    event = await ann.until(lambda f: f["type"] == "event" and f.get("op_id") == merged)
    assert event["data"]["text"] == "Both phone the family or parents"
    await shut(ann, bob)


async def test_a_note_edit_without_a_base_still_applies_in_server_order(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next")
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    note_id, _ = await create(ann, room, "commonalities", "Tutor calls")
    moved = await bob.op(room, "note.move", {"id": note_id, "x": 400, "y": 300})
    assert (await bob.ack(moved))["type"] == "ack"
    # A stale base after someone else's move is a conflict whose current note keeps the
    # text the editor started from (the client then resends on the new version).
    stale = await ann.op(room, "note.update", {"id": note_id, "text": "Tutor phones", "base": 1})
    refused = await ann.ack(stale)
    assert refused["code"] == "conflict" and refused["current"]["text"] == "Tutor calls"
    assert (refused["current"]["x"], refused["current"]["y"]) == (400, 300)
    plain = await ann.op(room, "note.update", {"id": note_id, "text": "Tutor phones"})
    assert (await ann.ack(plain))["type"] == "ack"
    await shut(ann, bob)


async def test_a_conflict_never_reveals_someone_elses_private_note(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start")  # individual work: procedure notes are private
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    note_id, _ = await create(ann, room, "procedure", "My first step")
    op = await bob.op(room, "note.update", {"id": note_id, "text": "x", "base": 0})
    reply = await bob.ack(op)
    assert reply["code"] == "not_found" and "current" not in reply
    await shut(ann, bob)


async def test_a_field_edit_started_before_someone_elses_write_is_a_conflict(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    people = await cast(http, "start", "next", "next", "next")  # the proposed action phase
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    # Bob starts typing on version 0; Ann's write lands before his.
    first = await ann.op(room, "field.set", {"key": "action.challenge", "value": "No climate",
                                             "base": 0})
    assert (await ann.ack(first))["type"] == "ack"
    late = await bob.op(room, "field.set", {"key": "action.challenge",
                                            "value": "Low motivation", "base": 0})
    refused = await bob.ack(late)
    assert refused["code"] == "conflict"
    assert refused["current"]["value"] == "No climate" and refused["current"]["by_name"]
    kept = await bob.op(room, "field.set", {"key": "action.challenge",
                                            "value": "No climate; low motivation", "base": 1})
    assert (await bob.ack(kept))["type"] == "ack"
    await shut(ann, bob)
