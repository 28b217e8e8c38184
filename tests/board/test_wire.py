"""Frames the board writes straight to uvicorn's transport arrive whole and in order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import httpx
import pytest
from board_helpers import cast, cast_on, create, events, parse, seat, shut, snapshot
from conftest import FakeClock, RunningServer, running_server
from websockets.frames import Opcode

from app.board.connection import Connection
from app.board.wire import append_text_frame


@contextlib.contextmanager
def recorded_writes(conn: Connection) -> Iterator[list[tuple[str, bytes]]]:
    """Each write made to a socket's transport meanwhile, with the task that made it."""
    transport = conn._line._protocol.transport  # type: ignore[union-attr]
    writes: list[tuple[str, bytes]] = []
    real_write = transport.write

    def recording_write(data: bytes) -> None:
        task = asyncio.current_task()
        writes.append((task.get_coro().__qualname__ if task else "", bytes(data)))  # type: ignore[union-attr]
        real_write(data)

    transport.write = recording_write
    try:
        yield writes
    finally:
        transport.write = real_write


@pytest.mark.parametrize(("text", "header_bytes"), [
    ("", 2), ("x" * 125, 2), ("x" * 126, 4), ("é" * 63, 4), ("x" * 65535, 4),
    ("x" * 65536, 10), ("Ünïcode ✓ " * 9000, 10),
])
def test_a_text_frame_reads_back_through_the_websockets_parser(text: str,
                                                               header_bytes: int) -> None:
    data = bytearray()
    append_text_frame(data, text)
    assert len(data) == header_bytes + len(text.encode())
    frame = parse(bytes(data))
    assert frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == text


async def test_board_sockets_on_uvicorn_write_through_the_direct_line(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    ann, bob = await seat(server, people, "ann", "bob")
    connections = server.live.hub.connections
    assert len(connections) == 2
    assert all(conn.writes_directly for conn in connections)
    await shut(ann, bob)


async def test_a_compressed_connection_falls_back_to_asgi_and_still_syncs(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, compression=True) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        assert ann.ws.protocol.extensions, "the client did not negotiate compression"
        assert not any(conn.writes_directly for conn in server.live.hub.connections)
        _, ack = await create(ann, room, "challenges", "squeezed")
        seen = await bob.until(lambda f: f["type"] == "event" and f.get("seq") == ack["seq"])
        assert seen["data"]["text"] == "squeezed"
        await shut(ann, bob)


async def test_a_replay_burst_and_a_snapshot_of_long_notes_arrive_whole_and_in_order(
    database_url: str, clock: FakeClock
) -> None:
    # 90 long notes: the snapshot is one frame of more than 64 KiB, and 30 events
    # replayed together go out in one write.
    async with running_server(database_url, clock, replay_limit=40, ops_burst=200) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        assert all(conn.writes_directly for conn in server.live.hub.connections)
        start = bob.seq[room]
        texts = [f"{n:03} " + "ü" * 480 for n in range(90)]
        seqs = [(await create(ann, room, "challenges", text))[1]["seq"] for text in texts]
        await bob.until(lambda f: f["type"] == "event" and f.get("seq") == seqs[-1])
        live = events(bob, room)

        bob.frames.clear()
        await bob.send({"type": "resync", "room": room, "since": seqs[59]})
        await bob.synced()
        assert events(bob, room) == live[60:]

        bob.frames.clear()
        await bob.send({"type": "resync", "room": room, "since": start})
        await bob.synced()
        snap = snapshot(bob, room)
        assert snap is not None and snap["seq"] == seqs[-1]
        assert sorted(n["text"] for n in snap["notes"]) == texts
        await shut(ann, bob)


async def test_an_ops_event_and_its_ack_reach_the_sender_in_one_write(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    (ann,) = await seat(server, people, "ann")
    (conn,) = server.live.hub.connections
    with recorded_writes(conn) as writes:
        await create(ann, room, "challenges", "one write")
        await ann.synced()
    carrying = [(task, data) for task, data in writes if b'"type":"ack"' in data]
    assert len(carrying) == 1
    task, data = carrying[0]
    assert b'"type":"event"' in data and b'"one write"' in data
    assert task != "Connection.run_writer"  # written by the op's own task: no writer woken
    await shut(ann)


async def test_an_event_reaches_an_idle_member_straight_from_the_publish_not_its_writer(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    room = people.room
    ann, bob = await seat(server, people, "ann", "bob")
    (bobs,) = [c for c in server.live.hub.connections if c.who.name == "Bob"]
    with recorded_writes(bobs) as writes:
        _, ack = await create(ann, room, "challenges", "straight there")
        await bob.until(lambda f: f["type"] == "event" and f.get("seq") == ack["seq"])
    carrying = [(task, data) for task, data in writes if b'"straight there"' in data]
    assert len(carrying) == 1
    task, data = carrying[0]
    assert task != "Connection.run_writer"  # written by the publishing op, not bob's writer
    assert parse(data).data.decode().startswith('{"type":"event"')
    await shut(ann, bob)
