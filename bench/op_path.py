"""The server's own CPU per note.move op, without sockets: a micro-benchmark of the op path.

What the fan-out scenario's "server CPU ms/op" holds, minus the kernel's and uvloop's
share (reading and writing sockets) and the ASGI receive path: a client frame validated,
the op run through Live (its write batched per loop turn with the others of that turn,
as on a live server), its event fanned out to the nine other members of its room on
transports that write nothing, and the ack. 100 rooms of 10 on one SQLite file, two
senders per room, BATCH ops per loop turn. Its run-to-run spread is a few percent, where
the fan-out scenario's is 10-20 % on these VMs: use it to compare two versions of the op
path, alternating them, and the fan-out scenario to see what a change is worth whole.

    python bench/op_path.py            # prints the best of REPS repetitions
    BATCH=1 REPS=30 python bench/op_path.py
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
import types
import uuid
from pathlib import Path
from typing import Any

import uvloop
from websockets.protocol import State

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.board.connection import Connection
from app.board.messages import AckFrame, Op, client_frame_adapter
from app.board.principal import Principal, participant_id
from app.board.wire import DirectLine
from app.config import Settings
from app.main import create_app

ROUNDS = int(os.environ.get("ROUNDS", "500"))
BATCH = int(os.environ.get("BATCH", "4"))
REPS = int(os.environ.get("REPS", "20"))


class NullTransport:
    def write(self, data: bytes) -> None:
        pass


def null_line() -> DirectLine:
    """A DirectLine on an open, writable socket whose transport drops what it is given."""
    writable = asyncio.Event()
    writable.set()
    protocol = types.SimpleNamespace(
        writable=writable, close_sent=False, disconnected=False,
        conn=types.SimpleNamespace(state=State.OPEN, extensions=[]), transport=NullTransport())
    return DirectLine(protocol)  # type: ignore[arg-type]


class NoSocket:
    async def send_text(self, data: str) -> None:
        raise AssertionError("frames go through the line")

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        pass


async def main() -> None:
    tmp = tempfile.mkdtemp()
    settings = Settings(database_url=f"sqlite:///{tmp}/op_path.db", ops_per_second=10**6,
                        ops_burst=10**6)
    app = create_app(settings, run_scheduler=False)
    async with app.router.lifespan_context(app):
        live = app.state.live
        template = live.templates["activity-2"]
        conns: list[Connection] = []
        for _ in range(5):
            workshop, _ = await live.create_workshop(template, "bench", 20, {}, False)
            for group in (await live.workshop_info(workshop))["groups"]:
                for i in range(10):
                    person, _ = await live.join(workshop, f"m{i}", group["id"])
                    who = Principal(participant_id(person["id"]), "participant",
                                    person["name"], workshop["id"], group["id"])
                    conn = Connection(NoSocket(), who, live, queue_limit=1000,
                                      clock=live.clock, line=null_line())
                    await live.hub.join(conn, [f"group:{group['id']}"])
                    conns.append(conn)
            for action in ("start", "next"):
                await live.phase_action(workshop["id"], action, None, "facilitator")
        writers = [asyncio.create_task(c.run_writer()) for c in conns]
        for conn in conns:
            _, conn.sent[conn.rooms[0]] = await live.catch_up(conn.who, conn.rooms[0], None)
        senders = [i for i in range(len(conns)) if i % 10 < 2]
        notes: dict[int, str] = {}
        for k in senders:
            notes[k] = str(uuid.uuid4())
            await live.run_op(conns[k].who, Op(
                type="op", op_id=uuid.uuid4().hex, room=conns[k].rooms[0], kind="note.create",
                data={"id": notes[k], "section": "challenges", "text": "b", "x": 10, "y": 10}))
        await asyncio.sleep(0.2)
        moves = 0

        async def move(k: int) -> None:
            # What app.api.ws does with a frame, minus the socket.
            nonlocal moves
            moves += 1
            conn = conns[k]
            text = (f'{{"type":"op","op_id":"{uuid.uuid4().hex}","room":"{conn.rooms[0]}",'
                    f'"kind":"note.move","data":{{"id":"{notes[k]}","x":{moves % 1500}.0,'
                    '"y":5.0}}')
            frame: Any = client_frame_adapter.validate_json(text)
            conn.own_op = frame.op_id
            try:
                seq = await live.run_op(conn.who, frame)
            finally:
                conn.own_op = None
            conn.push_ack(AckFrame(op_id=frame.op_id, seq=seq, room=frame.room).model_dump_json())

        per_op = []
        for _ in range(REPS):
            started = time.thread_time()
            for _ in range(ROUNDS):
                await asyncio.gather(*(move(k) for k in random.sample(senders, BATCH)))
                await asyncio.sleep(0)
            per_op.append((time.thread_time() - started) / (ROUNDS * BATCH) * 1e6)
        assert not any(c.closed for c in conns), "a socket fell behind"
        for task in writers:
            task.cancel()
        print(f"event-loop CPU per note.move, best of {REPS}: {min(per_op):.1f} us "
              f"(median {sorted(per_op)[len(per_op) // 2]:.1f}; {BATCH} ops a loop turn)")


if __name__ == "__main__":
    uvloop.run(main())
