"""Shared set-up for the board socket tests: a workshop, people in groups, phase moves."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from conftest import Client, RunningServer, Workshop, create_workshop, join, phase
from websockets.frames import Frame
from websockets.streams import StreamReader


@dataclass
class Cast:
    """A workshop with Ann and Bob in one group and Cy in the other."""

    workshop: Workshop
    ann: dict[str, Any]
    bob: dict[str, Any]
    cy: dict[str, Any]

    @property
    def room(self) -> str:
        return f"group:{self.ann['group_id']}"

    @property
    def other_room(self) -> str:
        return f"group:{self.cy['group_id']}"

    @property
    def workshop_room(self) -> str:
        return f"workshop:{self.workshop.id}"


async def cast(http: httpx.AsyncClient, *actions: str) -> Cast:
    """Create a two-group workshop, seat Ann+Bob and Cy, then apply phase actions."""
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    bob = await join(http, workshop.code, "Bob", group_id=ann["group_id"])
    cy = await join(http, workshop.code, "Cy")
    assert cy["group_id"] != ann["group_id"]
    people = Cast(workshop, ann, bob, cy)
    for action in actions:
        await phase(http, people.workshop, action)
    return people


async def connect(server: RunningServer, workshop: Workshop, token: str,
                  since: dict[str, int] | None = None, role: str | None = None) -> Client:
    client = await Client.connect(server, workshop.code, token, since=since, role=role)
    await client.synced()
    return client


async def seat(server: RunningServer, people: Cast, *names: str) -> list[Client]:
    """Connect these members of the cast ("ann", "bob", "cy" or "facilitator"), in order."""
    tokens = {"ann": people.ann["token"], "bob": people.bob["token"],
              "cy": people.cy["token"], "facilitator": people.workshop.token}
    return [await connect(server, people.workshop, tokens[name]) for name in names]


async def cast_on(server: RunningServer, *actions: str) -> Cast:
    """``cast`` with a REST client of its own, for tests that start their own server."""
    async with server.http() as http:
        return await cast(http, *actions)


def new_id() -> str:
    return str(uuid.uuid4())


async def create(client: Client, room: str, section: str, text: str,
                 note_id: str | None = None, **extra: Any) -> tuple[str, dict[str, Any]]:
    """Create a note and wait for its ack; returns (note id, ack frame)."""
    note_id = note_id or new_id()
    op_id = await client.op(room, "note.create", {"id": note_id, "section": section,
                                                  "text": text, **extra})
    ack = await client.ack(op_id)
    assert ack["type"] == "ack", ack
    return note_id, ack


async def expect_error(client: Client, room: str, kind: str, data: dict[str, Any]) -> str:
    op_id = await client.op(room, kind, data)
    reply = await client.ack(op_id)
    assert reply["type"] == "error", reply
    code: str = reply["code"]
    return code


def events(client: Client, room: str, kind: str | None = None) -> list[dict[str, Any]]:
    return [f for f in client.frames if f["type"] == "event" and f["room"] == room
            and (kind is None or f["kind"] == kind)]


def snapshot(client: Client, room: str) -> dict[str, Any] | None:
    found = [f for f in client.frames if f["type"] == "snapshot" and f["room"] == room]
    return found[-1] if found else None


def welcome_snapshot(client: Client, room: str) -> dict[str, Any]:
    found = snapshot(client, room)
    assert found is not None, f"no snapshot for {room}: {client.frames}"
    return found


def all_text(client: Client, errors: bool = True) -> str:
    """Every frame the client got (welcome included), as one string to search.

    errors=False leaves out error frames, which may echo what the client itself sent.
    """
    frames = [f for f in client.frames if errors or f["type"] != "error"]
    return json.dumps([client.welcome, *frames])


async def board(server: RunningServer, workshop: Workshop, room: str) -> dict[str, Any]:
    """The room's state as a fresh facilitator connection sees it."""
    viewer = await connect(server, workshop, workshop.token)
    try:
        return welcome_snapshot(viewer, room)
    finally:
        await viewer.close()


async def shut(*clients: Client) -> None:
    """Drain, then close: a client with a full unread buffer stalls its close handshake."""
    for client in clients:
        if client.ws.state.name == "OPEN":
            await client.synced()
        await client.close()


def parse_all(data: bytes) -> list[Frame]:
    """Read every frame in one write with websockets' own parser, as a client would."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    frames: list[Frame] = []
    while not _at_eof(reader):
        parser = Frame.parse(reader.read_exact, mask=False)
        with pytest.raises(StopIteration) as done:
            next(parser)
        frames.append(done.value.value)
    return frames


def _at_eof(reader: StreamReader) -> bool:
    # StreamReader.at_eof is a generator-based coroutine, not a bool: called bare, it is
    # always truthy. Fed its EOF, it returns at once.
    with pytest.raises(StopIteration) as done:
        next(reader.at_eof())
    return bool(done.value.value)


def parse(data: bytes) -> Frame:
    """Read one frame with websockets' own parser, as a client would."""
    frames = parse_all(data)
    assert len(frames) == 1, "bytes were left after the frame"
    return frames[0]
