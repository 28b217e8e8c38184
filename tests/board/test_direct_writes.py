"""Which events a socket's Connection writes at once, from the publish or with the ack of
its own op, and which wait for its writer: nothing may overtake what is queued, a gap, a
full transport or an ack.

These run the real Connection and events on a line that records what is written to it,
and refuses, as a full transport does, when told to.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from board_helpers import parse_all

from app.board.connection import Connection, OutgoingEvent
from app.board.principal import Principal
from app.board.store import StoredEvent

ROOM = "group:1"
ANN = Principal("p1", "participant", "Ann", 1, 1)
BOB = Principal("p2", "participant", "Bob", 1, 1)


class RecordingLine:
    def __init__(self) -> None:
        self.direct: list[str] = []  # written at once, from the publish or the op's ack
        self.direct_writes: list[list[str]] = []  # the same, a list per write
        self.writes: list[list[str]] = []  # written by the writer task, a list per write
        self.in_order: list[str] = []  # everything, as the client would read it
        self.has_room = True
        self.broken = False

    def write_now(self, frames: bytes) -> bool:
        if self.broken:
            raise ConnectionResetError("gone")
        if not self.has_room:
            return False
        texts = [frame.data.decode() for frame in parse_all(frames)]
        self.direct += texts
        self.direct_writes.append(texts)
        self.in_order += texts
        return True

    async def write(self, texts: list[str]) -> None:
        self.writes.append(list(texts))
        self.in_order += texts

    def seqs(self) -> list[int]:
        return [json.loads(t)["seq"] for t in self.in_order if t.startswith('{"type":"event"')]


class EventLog:
    """The Sync a writer catches up from: events 1..seq of ROOM."""

    def __init__(self) -> None:
        self.asked: list[int | None] = []
        self.gate: asyncio.Event | None = None  # set: a read that waits for it

    async def catch_up(self, who: Principal, room: str,
                       since: int | None) -> tuple[list[str], int]:
        self.asked.append(since)
        if self.gate is not None:
            await self.gate.wait()
        start = since or 0
        return [event(seq).text_for(who, 0.0) for seq in range(start + 1, 3)], 2


class QuietSocket:
    def __init__(self) -> None:
        self.closed_with: int | None = None

    async def send_text(self, data: str) -> None:
        raise AssertionError("frames go through the line")

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = code


def event(seq: int, by: str = "p9", op_id: str | None = "op") -> OutgoingEvent:
    return OutgoingEvent(StoredEvent(ROOM, seq, "note.move", {"id": "n1", "x": seq},
                                     op_id, by, None))


@pytest.fixture
async def bob() -> AsyncIterator[tuple[Connection, RecordingLine, EventLog]]:
    line, log = RecordingLine(), EventLog()
    conn = Connection(QuietSocket(), BOB, log, queue_limit=100, clock=lambda: 0.0,
                      line=line)  # type: ignore[arg-type]
    conn.sent[ROOM] = 0
    writer = asyncio.create_task(conn.run_writer())
    await settle()  # the writer parks
    yield conn, line, log
    conn.closed = True
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_an_event_for_an_idle_socket_is_written_at_once(bob: Any) -> None:
    conn, line, _ = bob
    conn.push_event(event(1))
    assert len(line.direct) == 1  # before the writer had a chance to run
    conn.push_event(event(2))
    assert line.seqs() == [1, 2] and not line.writes


async def test_an_event_waits_behind_a_frame_already_queued(bob: Any) -> None:
    conn, line, _ = bob
    conn.push_frame('{"type":"error","code":"invalid"}')
    conn.push_event(event(1))
    assert not line.direct
    await settle()
    assert line.writes == [['{"type":"error","code":"invalid"}', event(1).text_for(BOB, 0.0)]]


async def test_an_event_after_a_gap_waits_for_the_writer_to_read_the_log(bob: Any) -> None:
    conn, line, log = bob
    conn.push_event(event(3))
    assert not line.direct
    await settle()
    assert log.asked == [0]
    assert line.seqs() == [1, 2, 3]
    conn.push_event(event(4))  # in step again: straight through
    assert line.seqs() == [1, 2, 3, 4] and len(line.direct) == 1


async def test_an_event_published_during_a_catch_up_does_not_overtake_it(bob: Any) -> None:
    conn, line, log = bob
    log.gate = asyncio.Event()
    conn.push_resync(ROOM, 0)
    await settle()  # the writer is reading the log now, with nothing left in its queue
    conn.push_event(event(1))
    assert not line.direct
    log.gate.set()
    await settle()
    assert line.seqs() == [1, 2]  # the catch-up, and event 1 not sent twice


async def test_a_full_transport_makes_events_queue_for_the_writer(bob: Any) -> None:
    conn, line, _ = bob
    line.has_room = False
    conn.push_event(event(1))
    assert not line.direct
    await settle()
    assert line.seqs() == [1]


ACK = '{"type":"ack","op_id":"op","seq":1}'


async def test_the_senders_event_waits_for_its_ack_and_both_go_out_at_once(bob: Any) -> None:
    conn, line, _ = bob
    conn.own_op = "op"  # the socket's frame reader is running this op
    conn.push_event(event(1, by=BOB.id))
    await settle()
    assert not line.in_order  # held for the ack, and the writer was not woken for it
    conn.own_op = None
    conn.push_ack(ACK)
    assert line.direct_writes == [[event(1, by=BOB.id).text_for(BOB, 0.0), ACK]] and not line.writes


async def test_an_own_event_from_elsewhere_goes_out_with_its_ack_through_the_writer(
        bob: Any) -> None:
    conn, line, _ = bob
    conn.push_event(event(1, by=BOB.id))  # not the op being run here (another process's hint)
    conn.push_ack(ACK)
    assert not line.direct
    await settle()
    assert line.writes == [[event(1, by=BOB.id).text_for(BOB, 0.0), ACK]]


async def test_an_ack_after_a_gap_waits_for_the_writer_to_read_the_log(bob: Any) -> None:
    conn, line, log = bob
    conn.own_op = "op"
    conn.push_event(event(3, by=BOB.id))
    conn.own_op = None
    conn.push_ack(ACK)
    assert not line.direct
    await settle()
    assert log.asked == [0] and line.seqs() == [1, 2, 3] and line.in_order[-1] == ACK


async def test_an_ack_that_finds_the_transport_full_is_left_to_the_writer_in_order(
        bob: Any) -> None:
    conn, line, _ = bob
    conn.own_op = "op"
    conn.push_event(event(1, by=BOB.id))
    conn.own_op = None
    line.has_room = False
    conn.push_ack(ACK)
    assert not line.direct
    await settle()
    assert line.writes == [[event(1, by=BOB.id).text_for(BOB, 0.0), ACK]]


async def test_an_ack_whose_direct_write_fails_closes_that_socket_and_does_not_raise(
        bob: Any) -> None:
    conn, line, _ = bob
    line.broken = True
    conn.push_ack(ACK)
    await settle()
    assert conn.closed and conn.socket.closed_with is not None


async def test_a_closed_connection_is_written_nothing(bob: Any) -> None:
    conn, line, _ = bob
    conn.closed = True
    conn.push_event(event(1))
    await settle()
    assert line.seqs() == []


async def test_a_failing_direct_write_closes_that_socket_and_does_not_raise(bob: Any) -> None:
    conn, line, _ = bob
    line.broken = True
    conn.push_event(event(1))  # inside a publish: must not raise to the publisher
    await settle()
    assert conn.closed and conn.socket.closed_with is not None


async def test_a_note_created_directly_forgets_which_notes_were_hidden(bob: Any) -> None:
    conn, _, _ = bob
    conn.hidden_notes.add("n7")
    conn.push_event(OutgoingEvent(StoredEvent(ROOM, 1, "note.create", {"id": "n7"}, "op",
                                              "p9", None)))
    assert not conn.hidden_notes
