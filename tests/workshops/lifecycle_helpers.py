"""Shared set-up for the data lifecycle tests: a workshop with people, notes, fields, events
and a paired screen in it, and a look at every table for what belongs to a workshop."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import websockets
from conftest import Client, RunningServer, Workshop, create_workshop, join, phase
from sqlalchemy import Connection, func, select
from sqlmodel import SQLModel

from app.db import Database

DAY = 24 * 3600


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def close(http: httpx.AsyncClient, workshop: Workshop) -> None:
    """Move on phase by phase until the workshop is closed."""
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    view = await phase(http, workshop, "start") if info["state"] == "lobby" else info["phase"]
    while view["status"] != "closed":
        view = await phase(http, workshop, "next")


async def write(client: Client, room: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Send an op and return its ack (failing on an error)."""
    reply = await client.ack(await client.op(room, kind, data))
    assert reply["type"] == "ack", reply
    return reply


@dataclass
class Filled:
    """A workshop with two people in a group, a note each, a field, and a paired screen."""

    workshop: Workshop
    people: list[dict[str, Any]]
    screen: dict[str, Any]

    @property
    def room(self) -> str:
        return f"group:{self.people[0]['group_id']}"


async def filled_workshop(server: RunningServer, http: httpx.AsyncClient) -> Filled:
    """Something in every table: a saved template's copy, people, a screen, a co-facilitator,
    notes, a field, a closed vote, a cluster and a group's signals."""
    exported = await http.get("/api/templates/activity-2.toml")
    saved = await http.post("/api/templates", content=exported.content,
                            headers={"Content-Type": "application/toml"})
    assert saved.status_code == 201, saved.text
    workshop = await create_workshop(http, template=saved.json()["key"], groups=2)
    ann = await join(http, workshop.code, "Ann")
    bob = await join(http, workshop.code, "Bob", group_id=ann["group_id"])
    screen = (await http.post("/api/screens")).json()
    paired = await http.post(f"/api/workshops/{workshop.code}/screens",
                             json={"pairing_code": screen["pairing_code"]},
                             headers=workshop.auth)
    assert paired.status_code == 204, paired.text
    co = await http.post(f"/api/workshops/{workshop.code}/facilitators",
                         json={"label": "Maria"}, headers=workshop.auth)
    assert co.status_code == 201, co.text
    filled = Filled(workshop, [ann, bob], screen)
    workshop_room = f"workshop:{workshop.id}"
    await phase(http, workshop, "start")
    await phase(http, workshop, "next")  # a group phase: shared notes
    client = await Client.connect(server, workshop.code, ann["token"])
    lead = await Client.connect(server, workshop.code, workshop.token)
    note_id = str(uuid.uuid4())
    await write(client, filled.room, "note.create", {"id": note_id, "section": "commonalities",
                                                     "text": "Ann's card", "x": 10, "y": 10})
    await write(lead, workshop_room, "votes.open", {"per_person": 2})
    await write(client, filled.room, "vote.cast", {"note_id": note_id})
    await write(lead, workshop_room, "votes.close", {})
    await write(client, filled.room, "group.ready", {"ready": True})
    await write(client, filled.room, "group.help", {"on": True})
    cluster = str(uuid.uuid4())
    await write(lead, workshop_room, "cluster.create",
                {"id": cluster, "label": "Shared", "kind": "commonality"})
    await write(lead, workshop_room, "cluster.add", {"id": cluster, "note_id": note_id})
    await phase(http, workshop, "next")
    await phase(http, workshop, "next")
    await write(client, filled.room, "field.set", {"key": "action.type", "value": "Mentoring"})
    await client.close()
    await lead.close()
    return filled


def rows_of(conn: Connection, workshop_id: int, room_names: list[str]) -> dict[str, int]:
    """How many rows of each table belong to the workshop. Every table must say how it
    belongs to one (a workshop_id, a room, or the workshop itself), so a new table that
    does not is noticed here."""
    counts = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name == "workshop":
            where = table.c.id == workshop_id
        elif "workshop_id" in table.c:
            where = table.c.workshop_id == workshop_id
        elif "room" in table.c:
            where = table.c.room.in_(room_names)
        else:
            raise AssertionError(f"table {table.name} has no way to a workshop: say how "
                                 "its rows are deleted with one")
        counts[table.name] = int(conn.execute(
            select(func.count()).select_from(table).where(where)).scalar_one())
    return counts


async def room_names(db: Database, workshop_id: int) -> list[str]:
    from app.schema import rooms

    return list(await db.read(lambda conn: conn.execute(
        select(rooms.c.name).where(rooms.c.workshop_id == workshop_id)).scalars().all()))


async def closed_with(ws: Any, timeout: float = 5) -> tuple[int, str]:
    """Read a socket until the server closes it: (close code, reason)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is not None, "closed without a close frame from the server"
        return closed.rcvd.code, closed.rcvd.reason


async def refused_code(server: RunningServer, code: str, token: str) -> int:
    """Open a socket with this token and say hello: the close code it gets."""
    async with websockets.connect(server.ws_url(code), close_timeout=2) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token}))
        got, _ = await closed_with(ws)
    return got
