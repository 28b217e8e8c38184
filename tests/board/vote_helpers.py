"""Shared set-up for the vote and signal tests: a group phase with notes to vote on."""

from __future__ import annotations

from typing import Any

from board_helpers import Cast, cast, create, seat
from conftest import Client, RunningServer


async def vote_ready(server: RunningServer, http: Any) -> tuple[Cast, dict[str, Client],
                                                                 list[str]]:
    """Ann, Bob (group 1), Cy (group 2) and the facilitator seated in the first group
    phase; Ann wrote two shared notes."""
    people = await cast(http, "start", "next")
    ann, bob, cy, facilitator = await seat(server, people, "ann", "bob", "cy", "facilitator")
    first, _ = await create(ann, people.room, "commonalities", "Tutors call home")
    second, _ = await create(ann, people.room, "challenges", "No time in the timetable")
    clients = {"ann": ann, "bob": bob, "cy": cy, "facilitator": facilitator}
    return people, clients, [first, second]


async def workshop_op(client: Client, people: Cast, kind: str,
                      data: dict[str, Any]) -> dict[str, Any]:
    op_id = await client.op(people.workshop_room, kind, data)
    return await client.ack(op_id)


async def vote(client: Client, room: str, kind: str, note_id: str,
               op_id: str | None = None) -> dict[str, Any]:
    sent = await client.op(room, kind, {"note_id": note_id}, op_id)
    return await client.ack(sent)


async def received(client: Client, predicate: Any) -> dict[str, Any]:
    """A frame the client got already, or the next one that matches."""
    for frame in client.frames:
        if predicate(frame):
            return frame
    return await client.until(predicate)
