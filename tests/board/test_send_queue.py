"""One slow socket never slows its room: its queue is bounded and it is told to resync.

The sockets here are stand-ins whose send either returns at once or never returns; the
queue, the writer task and the hub's fan-out are the real ones.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from app.eventlog import StoredEvent
from app.principal import Principal
from app.protocol.events import OutgoingEvent
from app.realtime.backplane import MemoryBackplane
from app.realtime.connection import CLOSE_TOO_SLOW, Connection, ConnectionState
from app.realtime.hub import Hub


class FastSocket:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed_with: int | None = None

    async def send_text(self, data: str) -> None:
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = code


class StuckSocket(FastSocket):
    """A client that stopped reading: the first send never completes."""

    async def send_text(self, data: str) -> None:
        await asyncio.Event().wait()


ANN = Principal("p1", "participant", "Ann", 1, 1)


def connection(socket: FastSocket, who: Principal = ANN) -> Connection:
    return Connection(socket, who, NoSync(), queue_limit=50, clock=time.time)


async def until(done: Any) -> None:
    """Wait up to a second for ``done()``."""
    for _ in range(100):
        if done():
            return
        await asyncio.sleep(0.01)


class NoSync:
    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        raise AssertionError("no gap expected")


async def test_a_stuck_socket_is_closed_to_resync_while_the_rest_of_the_room_gets_everything(
) -> None:
    hub = Hub(MemoryBackplane())
    await hub.start()
    room = "group:1"
    who = Principal("p1", "participant", "Ann", 1, 1)
    fast_socket, stuck_socket = FastSocket(), StuckSocket()
    fast, stuck = connection(fast_socket, who), connection(stuck_socket, who)
    for conn in (fast, stuck):
        conn.sent[room] = 0
        await hub.join(conn, [room])
    for conn in (fast, stuck):
        conn.start()
    for seq in range(1, 201):
        await hub.publish([StoredEvent(room, seq, "note.move", {"id": f"n{seq}"}, None, "p2",
                                       None)])
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)
    events = [t for t in fast_socket.sent if '"type":"event"' in t]
    assert len(events) == 200
    assert fast.sent[room] == 200 and not fast.closed
    assert stuck.closed and stuck_socket.closed_with == CLOSE_TOO_SLOW
    for conn in (fast, stuck):
        conn.close()
        await conn.stopped()


async def test_drags_are_coalesced_per_note_and_dropped_before_durable_frames() -> None:
    hub = Hub(MemoryBackplane())
    await hub.start()
    room = "group:1"
    socket = FastSocket()
    viewer = connection(socket)
    dragger = connection(FastSocket(), Principal("p2", "participant", "Bob", 1, 1))
    viewer.sent[room] = 0
    await hub.join(viewer, [room])
    await hub.join(dragger, [room])
    # Nothing drains yet: 100 positions of one note collapse into the last one.
    for i in range(100):
        await hub.publish_drag(dragger, room, "note-0001", float(i), float(i))
    await hub.publish([StoredEvent(room, 1, "note.move", {"id": "note-0001"}, None, "p2", None)])
    viewer.start()
    await asyncio.sleep(0.05)
    kinds = [t.split('"type":"')[1].split('"')[0] for t in socket.sent]
    assert kinds[0] == "event"  # durable first
    drags = [t for t in socket.sent if '"type":"drag"' in t]
    assert len(drags) == 1 and '"x":99.0' in drags[0]
    viewer.close()
    await viewer.stopped()


async def test_events_already_sent_are_skipped_and_the_writer_keeps_going() -> None:
    # After a catch-up, the live copies of the events it covered still arrive: they
    # produce no frame, and what follows them is still sent.
    socket = FastSocket()
    conn = connection(socket)
    room = "group:1"
    conn.sent[room] = 5
    conn.start()
    for seq in (4, 5):
        conn.push_event(OutgoingEvent(StoredEvent(room, seq, "note.move", {}, None, "p2", None)))
    await asyncio.sleep(0.01)
    conn.push_frame('{"type":"pong","id":1}')
    conn.push_event(OutgoingEvent(StoredEvent(room, 6, "note.move", {"n": 6}, None, "p2", None)))
    await until(lambda: len(socket.sent) == 2)
    assert not conn.closed, "the writer stopped"
    assert socket.sent[0] == '{"type":"pong","id":1}'
    assert '"seq":6' in socket.sent[1]
    assert socket.closed_with is None
    conn.close()
    await conn.stopped()


async def test_a_connection_moves_joining_open_closed_and_never_back() -> None:
    socket = FastSocket()
    conn = connection(socket)
    assert conn.state is ConnectionState.JOINING
    conn.push_frame('{"type":"pong","id":1}')
    await asyncio.sleep(0.01)
    assert socket.sent == [], "nothing goes out before the catch-up is done"
    conn.start()
    assert conn.state is ConnectionState.OPEN
    await until(lambda: socket.sent)
    assert socket.sent == ['{"type":"pong","id":1}']
    conn.close(CLOSE_TOO_SLOW, "bye")
    conn.close(CLOSE_TOO_SLOW, "again")  # closing twice is harmless
    assert conn.state is ConnectionState.CLOSED
    with pytest.raises(RuntimeError, match="closed to open"):
        conn.start()
    conn.push_frame('{"type":"pong","id":2}')
    await conn.stopped()
    await asyncio.sleep(0.01)
    assert socket.sent == ['{"type":"pong","id":1}'] and socket.closed_with == CLOSE_TOO_SLOW
