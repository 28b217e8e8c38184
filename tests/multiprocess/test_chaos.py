"""Chaos over two server processes: clients converge and no acknowledged op is lost.

Twenty clients (participants and two facilitator tabs) send random board ops to two
``flipchart serve`` processes sharing PostgreSQL and a Redis server of the test's own.
Meanwhile clients drop their sockets abruptly (some right after sending an op) and come
back with ``since``, resending their unacknowledged ops with the same op_id; each
process is SIGKILLed and restarted once, and the Redis server is killed and restarted.

Afterwards every client's state equals a fresh snapshot of its rooms, the event log has
every acknowledged op exactly once (at the seq its ack said) and no op twice, and no
client ever received a seq gap or a repeated seq: the server fills gaps itself.

One run with a fixed seed, about a minute, with one process on uvicorn and the other on
Hypercorn (the other multi-process tests run on every server kind). It prints its
figures: run it with ``-s`` to see them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import conftest
import httpx
import pytest
import redis
import websockets
from conftest import create_workshop, free_port, join, missing_service, phase
from sqlalchemy import create_engine, func, select
from test_two_processes import Process, running

from app.schema import events as event_table

SEED = 7_2024
CHAOS_SECONDS = 50.0
# (seconds into the chaos, what happens): each process killed and restarted once, and
# the Redis server killed and restarted in between.
TIMELINE = ((10.0, "kill a"), (14.0, "restart a"), (22.0, "kill redis"), (24.0, "restart redis"),
            (32.0, "kill b"), (36.0, "restart b"))
PARTICIPANTS = 18
FACILITATOR_TABS = 2
GROUPS = 4
# Per op a client sends: the chance it drops its socket right after, and before; and
# per drop, the chance it stays offline for a while (it then misses more than the
# processes replay, and gets a snapshot).
DROP_AFTER_SEND = 0.03
DROP_IDLE = 0.03
LONG_DROP = 0.25
OFFLINE_SECONDS = (1.0, 4.0)
# Per 0.1 s offline, the chance a client writes an op, which goes out once it is back
# (as the board queues what a participant writes offline).
WRITE_OFFLINE = 0.2
REPLAY_LIMIT = 10
# Process a and b: one of each ASGI server family.
SERVER_KINDS = ("uvicorn", "hypercorn")
SETTLE_SECONDS = 30.0
# Ops a client has sent and not yet heard about before it sends another: the load
# follows what the servers manage, on a fast machine or a busy CI runner.
MAX_IN_FLIGHT = 3
STEPS = "next_steps"
FIELDS = ("action.type", "action.challenge", "action.action")
ACTORS = ("teacher/trainer", "class tutor", "learner", "family")
# What a client and a snapshot must agree on (the version of a note that a renumbering
# touched is raised on the server without an event, as docs/protocol.md 5.3 says).
NOTE_KEYS = ("id", "section", "kind", "text", "answer", "actors", "step", "lane", "x", "y",
             "colour", "author", "private")


class RedisServer:
    """A redis-server of this test's own, killed and restarted on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._popen = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self._directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.RedisError):
                if redis.Redis(port=self.port, socket_connect_timeout=0.5).ping():
                    return
            time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def kill(self) -> None:
        if self._popen is not None and self._popen.poll() is None:
            self._popen.kill()
            self._popen.wait()


class Stats:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.closes: Counter[str] = Counter()
        self.anomalies: list[str] = []
        # Seconds from an op's first send to its ack.
        self.latencies: list[float] = []


def note_view(note: dict[str, Any]) -> dict[str, Any]:
    return {k: note.get(k) for k in NOTE_KEYS}


def apply_event(notes: dict[str, dict[str, Any]], fields: dict[str, Any], kind: str,
                data: dict[str, Any]) -> None:
    """A group room's event, applied as a client does (whole notes, renumbered maps)."""
    if kind in ("note.create", "note.update", "note.move", "note.reorder"):
        notes[data["id"]] = note_view(data)
    elif kind == "note.delete":
        notes.pop(data["id"], None)
    elif kind in ("field.set", "pick.set"):
        fields[data["key"]] = data
    elif kind == "notes.reveal":
        for note in data["notes"]:
            notes[note["id"]] = note_view(note)
    for note_id, step in data.get("renumbered", {}).items():
        if note_id in notes:
            notes[note_id] = {**notes[note_id], "step": step}


class ChaosClient:
    """A client that follows docs/protocol.md §10: since, resend unacked ops, resync gaps."""

    def __init__(self, name: str, code: str, token: str, processes: list[Process],
                 rng: random.Random, stats: Stats) -> None:
        self.name = name
        self._code = code
        self._token = token
        self._processes = processes
        self._rng = rng
        self._stats = stats
        self.rooms: list[str] = []
        self.seq: dict[str, int] = {}
        self.notes: dict[str, dict[str, dict[str, Any]]] = {}
        self.fields: dict[str, dict[str, Any]] = {}
        # op_id -> its frame, in the order sent, until an ack or an error says how it went.
        self.pending: dict[str, dict[str, Any]] = {}
        self.rate_limited: set[str] = set()
        self.acked: dict[str, tuple[str, int]] = {}
        # op_id -> when it was first sent again after a reconnect (server clock: same host).
        self.resent: dict[str, float] = {}
        self.refused: dict[str, tuple[str, str]] = {}
        self._resyncing: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._ws: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._ops = 0
        self._first_sent: dict[str, float] = {}
        self._offline_until = 0.0
        # Set once every room of the first socket has its initial state.
        self.ready = asyncio.Event()

    @property
    def group_rooms(self) -> list[str]:
        return [r for r in self.rooms if r.startswith("group:")]

    # --- the socket ------------------------------------------------------------------

    async def connect(self) -> None:
        """Open a socket on either process (the other if that one is down) and resend."""
        order = self._rng.sample(self._processes, len(self._processes))
        for process in order:
            try:
                ws = await websockets.connect(process.ws_url(self._code), max_size=2**22,
                                              max_queue=None, open_timeout=3, close_timeout=1)
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                self._stats.counts["connect failures"] += 1
                continue
            try:
                await ws.send(json.dumps({"type": "hello", "token": self._token,
                                          "since": self.seq}))
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 5))
            except (websockets.ConnectionClosed, TimeoutError, OSError):
                self._stats.counts["connect failures"] += 1
                ws.transport.abort()
                continue
            assert welcome["type"] == "welcome", welcome
            self.rooms = welcome["rooms"]
            self._ws = ws
            self._resyncing.clear()
            self.rate_limited.clear()
            self._reader = asyncio.create_task(self._read(ws))
            self._stats.counts["connections"] += 1
            for frame in list(self.pending.values()):
                self.resent.setdefault(frame["op_id"], time.time())
                await self._send(frame)
                self._stats.counts["resent"] += 1
            return
        await asyncio.sleep(0.2)

    def drop(self) -> None:
        """Lose the socket abruptly (no closing handshake), and what it had not read yet."""
        if self._ws is None:
            return
        self._ws.transport.abort()
        self._ws = None
        if self._reader is not None:
            self._reader.cancel()
        self._stats.counts["sockets dropped"] += 1
        if self._rng.random() < LONG_DROP:
            self._offline_until = time.monotonic() + self._rng.uniform(*OFFLINE_SECONDS)
            self._stats.counts["long drops"] += 1

    async def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _send(self, frame: dict[str, Any]) -> None:
        if self._ws is None:
            return
        try:
            await self._ws.send(json.dumps(frame))
        except websockets.ConnectionClosed:
            self._lost(self._ws, None)

    def _lost(self, ws: Any, reason: str | None) -> None:
        if self._ws is ws:
            self._ws = None
            self._stats.closes[reason or "send failed"] += 1

    async def _read(self, ws: Any) -> None:
        reason = "no close frame"
        try:
            async for raw in ws:
                self._receive(json.loads(raw))
            reason = str(ws.close_code)
        except websockets.ConnectionClosed as exc:
            if exc.rcvd is not None:
                reason = str(exc.rcvd.code)
        except Exception as exc:  # a bug in this client: fail the test, not silently
            self._stats.anomalies.append(f"{self.name}: reader failed: {exc!r}")
            ws.transport.abort()
        self._lost(ws, reason)

    # --- what arrives ----------------------------------------------------------------

    def _receive(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "snapshot":
            room = frame["room"]
            self.seq[room] = frame["seq"]
            self.notes[room] = {n["id"]: note_view(n) for n in frame["notes"]}
            self.fields[room] = dict(frame["fields"])
            self._resyncing.discard(room)
            self._stats.counts["snapshots"] += 1
            if all(r in self.seq for r in self.rooms):
                self.ready.set()
        elif kind == "event":
            self._event(frame)
        elif kind == "ack":
            self.pending.pop(frame["op_id"], None)
            if frame["op_id"] in self._first_sent:
                self._stats.latencies.append(
                    time.monotonic() - self._first_sent.pop(frame["op_id"]))
            self.rate_limited.discard(frame["op_id"])
            before = self.acked.setdefault(frame["op_id"], (frame["room"], frame["seq"]))
            if before != (frame["room"], frame["seq"]):
                self._stats.anomalies.append(f"{self.name}: {frame['op_id']} acked as "
                                             f"{before} and as {frame['room']}@{frame['seq']}")
        elif kind == "error":
            op_id = frame.get("op_id")
            self._stats.errors[frame["code"]] += 1
            if op_id not in self.pending:
                self._stats.anomalies.append(f"{self.name}: error for no pending op: {frame}")
            elif frame["code"] == "rate_limited":
                self.rate_limited.add(op_id)
            else:
                self.refused[op_id] = (self.pending.pop(op_id)["room"], frame["code"])

    def _event(self, frame: dict[str, Any]) -> None:
        room, seq = frame["room"], frame["seq"]
        last = self.seq.get(room)
        if last is None or seq <= last:
            self._stats.anomalies.append(f"{self.name}: {room} event {seq} after {last}")
            return
        if seq > last + 1:
            self._stats.counts["gaps seen"] += 1
            if room not in self._resyncing:
                self._resyncing.add(room)
                task = asyncio.get_running_loop().create_task(
                    self._send({"type": "resync", "room": room, "since": last}))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return
        self.seq[room] = seq
        if room.startswith("group:"):
            apply_event(self.notes[room], self.fields[room], frame["kind"], frame["data"])

    # --- what is sent ----------------------------------------------------------------

    def _next_op(self) -> dict[str, Any]:
        rng = self._rng
        room = rng.choice(self.group_rooms)
        notes = sorted(self.notes.get(room, {}).values(), key=lambda n: n["id"])
        weights = {"note.create": 50 if len(notes) < 5 else 0 if len(notes) > 60 else 25,
                   "note.update": 15, "note.move": 15, "note.reorder": 10,
                   "note.delete": 20 if len(notes) > 30 else 10, "field.set": 20}
        kind = rng.choices(list(weights), list(weights.values()))[0]
        if not notes and kind.startswith("note."):
            kind = "note.create"
        self._ops += 1
        text = f"{self.name} #{self._ops}"
        data: dict[str, Any]
        if kind == "note.create":
            data = {"id": str(uuid.UUID(int=rng.getrandbits(128))), "section": STEPS,
                    "text": text, "actors": rng.sample(ACTORS, rng.randint(0, 2)),
                    "x": rng.randint(0, 3000), "y": rng.randint(0, 3000)}
        elif kind == "field.set":
            key = rng.choice(FIELDS)
            data = {"key": key, "value": text}
            if rng.random() < 0.5:  # from the version this client has: may be a conflict
                data["base"] = self.fields.get(room, {}).get(key, {}).get("version", 0)
        else:
            note_id = rng.choice(notes)["id"]
            data = {"id": note_id}
            if kind == "note.update":
                data.update(text=text, actors=rng.sample(ACTORS, rng.randint(0, 3)))
            elif kind == "note.move":
                data.update(x=rng.randint(0, 3000) + 0.5, y=rng.randint(0, 3000))
            elif kind == "note.reorder":
                data["step"] = rng.randint(1, len(notes) + 1)
        return {"type": "op", "op_id": f"{self.name}-{self._ops}", "room": room, "kind": kind,
                "data": data}

    async def run(self, stop: asyncio.Event) -> None:
        """Random ops and drops until told to stop."""
        rng = self._rng
        while not stop.is_set():
            if self._ws is None:
                if time.monotonic() < self._offline_until:
                    if len(self.pending) < MAX_IN_FLIGHT and rng.random() < WRITE_OFFLINE:
                        frame = self._next_op()
                        self.pending[frame["op_id"]] = frame
                        self._stats.counts["ops sent"] += 1
                        self._stats.counts["written offline"] += 1
                    await asyncio.sleep(0.1)
                else:
                    await self.connect()
                continue
            if not all(r in self.seq for r in self.group_rooms):
                await asyncio.sleep(0.05)  # the initial state is on its way
                continue
            await self._retry_rate_limited()
            if len(self.pending) >= MAX_IN_FLIGHT:
                await asyncio.sleep(0.05)  # a person waits for the board to answer
                continue
            if rng.random() < DROP_IDLE:
                self.drop()
                continue
            frame = self._next_op()
            self.pending[frame["op_id"]] = frame
            self._first_sent[frame["op_id"]] = time.monotonic()
            self._stats.counts["ops sent"] += 1
            await self._send(frame)
            if rng.random() < DROP_AFTER_SEND:
                self.drop()
            await asyncio.sleep(rng.uniform(0.1, 0.5))

    async def _retry_rate_limited(self) -> None:
        for op_id in sorted(self.rate_limited):
            self.rate_limited.discard(op_id)
            self._stats.counts["resent after rate_limited"] += 1
            await self._send(self.pending[op_id])

    async def settle(self) -> None:
        """Connected, and every op acknowledged or refused."""
        while self._ws is None or self.pending:
            if self._ws is None:
                await self.connect()
            else:
                await self._retry_rate_limited()
                await asyncio.sleep(0.05)


@pytest.fixture
def chaos_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        missing_service("the redis-server binary is not installed (chaos test)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def start_process(port: int, kind: str, postgres_url: str, redis_url: str) -> Process:
    """``flipchart serve`` on ``kind`` (test_two_processes.Process serves on the test's)."""
    env = {**os.environ, "FLIPCHART_DATABASE_URL": postgres_url,
           "FLIPCHART_REDIS_URL": redis_url, "FLIPCHART_REPLAY_LIMIT": str(REPLAY_LIMIT),
           "FLIPCHART_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    before, conftest.default_server_kind = conftest.default_server_kind, kind
    try:
        return Process(port, env)
    finally:
        conftest.default_server_kind = before


@pytest.fixture
def chaos_processes(postgres_url: str | None,
                    chaos_redis: RedisServer) -> Iterator[list[Process]]:
    if postgres_url is None:
        missing_service("FLIPCHART_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    started = [start_process(free_port(), kind, str(postgres_url), chaos_redis.url)
               for kind in SERVER_KINDS]
    with running(started):
        yield started


def read_log(postgres_url: str, rooms: list[str]) -> dict[str, list[Any]]:
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(event_table.c.room, event_table.c.seq,
                                       event_table.c.kind, event_table.c.data,
                                       event_table.c.op_id, event_table.c.at)
                                .where(event_table.c.room.in_(rooms))
                                .order_by(event_table.c.room, event_table.c.seq)).all()
    finally:
        engine.dispose()
    log: dict[str, list[Any]] = {room: [] for room in rooms}
    for row in rows:
        log[row.room].append(row)
    return log


def room_seqs(engine: Any, rooms: list[str]) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(event_table.c.room, func.max(event_table.c.seq))
                            .where(event_table.c.room.in_(rooms))
                            .group_by(event_table.c.room)).all()
    return {room: int(seq) for room, seq in rows}


async def test_twenty_clients_converge_through_drops_process_kills_and_a_redis_restart(
    chaos_processes: list[Process], chaos_redis: RedisServer, postgres_url: str,
) -> None:
    a, b = chaos_processes
    rng = random.Random(SEED)
    stats = Stats()
    async with httpx.AsyncClient(base_url=a.base_url, timeout=10) as http:
        workshop = await create_workshop(http, groups=GROUPS)
        people = [await join(http, workshop.code, f"P{i:02d}") for i in range(PARTICIPANTS)]
        for action in ("start", "next", "next", "next"):  # to groups-action
            view = await phase(http, workshop, action)
        assert view["writable"] == ["action", STEPS]
    clients = [ChaosClient(f"p{i:02d}", workshop.code, person["token"], chaos_processes,
                           random.Random(rng.getrandbits(64)), stats)
               for i, person in enumerate(people)]
    clients += [ChaosClient(f"f{i}", workshop.code, workshop.token, chaos_processes,
                            random.Random(rng.getrandbits(64)), stats)
                for i in range(FACILITATOR_TABS)]
    group_rooms = sorted({f"group:{p['group_id']}" for p in people})
    all_rooms = [f"workshop:{workshop.id}", *group_rooms]
    assert len(group_rooms) == GROUPS

    by_name = {"a": a, "b": b}
    restarts: list[float] = []

    async def chaos(stop: asyncio.Event) -> None:
        started = time.monotonic()
        for at, what in TIMELINE:
            await asyncio.sleep(max(0.0, started + at - time.monotonic()))
            action, target = what.split()
            if target == "redis":
                if action == "kill":
                    chaos_redis.kill()
                else:
                    await asyncio.to_thread(chaos_redis.start)
                stats.counts[f"redis {action}s"] += 1
                continue
            process = by_name[target]
            if action == "kill":
                process.stop(signal.SIGKILL)
            else:
                # The same port, server and settings: its clients come back to it.
                kind = SERVER_KINDS[chaos_processes.index(process)]
                restarted = time.monotonic()
                process.popen = start_process(process.port, kind, postgres_url,
                                              chaos_redis.url).popen
                await asyncio.to_thread(process.wait_ready)
                restarts.append(time.monotonic() - restarted)
            stats.counts[f"process {action}s"] += 1
        await asyncio.sleep(max(0.0, started + CHAOS_SECONDS - time.monotonic()))
        stop.set()

    # Each client's first socket gets a snapshot of each of its rooms.
    initial_snapshots = PARTICIPANTS * 2 + FACILITATOR_TABS * (1 + GROUPS)
    stop = asyncio.Event()
    began = time.monotonic()
    await asyncio.gather(chaos(stop), *(c.run(stop) for c in clients))
    chaos_ended = time.monotonic()

    # Settle: everyone connected, every op answered, every room at the log's seq.
    engine = create_engine(postgres_url)
    seqs: dict[str, int] = {}
    try:
        async with asyncio.timeout(SETTLE_SECONDS):
            await asyncio.gather(*(c.settle() for c in clients))
            while not seqs or any(c.seq.get(r) != seqs[r] for c in clients for r in c.rooms):
                await asyncio.sleep(0.1)
                seqs = await asyncio.to_thread(room_seqs, engine, all_rooms)
    except TimeoutError:
        pytest.fail(f"no convergence {SETTLE_SECONDS:.0f}s after the chaos: log at {seqs}, "
                    "clients unanswered / at: " + "; ".join(
                        f"{c.name} {len(c.pending)} / {c.seq}" for c in clients))
    finally:
        engine.dispose()
    converged = time.monotonic() - chaos_ended

    # A fresh look at every room, from a new facilitator socket.
    fresh = ChaosClient("fresh", workshop.code, workshop.token, chaos_processes,
                        random.Random(SEED), Stats())
    await fresh.connect()
    await asyncio.wait_for(fresh.ready.wait(), 10)
    assert sorted(fresh.rooms) == sorted(all_rooms)
    for client in [*clients, fresh]:
        await client.close()

    log = read_log(postgres_url, all_rooms)
    acked = {op_id: where for c in clients for op_id, where in c.acked.items()}
    refused = {op_id: where for c in clients for op_id, where in c.refused.items()}
    counts = stats.counts
    applied_at = {row.op_id: row.at for rows in log.values() for row in rows}
    resent = {op: at for c in clients for op, at in c.resent.items()}
    # Resent ops that had been applied before they were resent: acked, not applied again.
    deduped = sum(1 for op, at in resent.items() if applied_at.get(op, at) < at)
    latencies = sorted(stats.latencies)
    print(f"\nchaos: {len(clients)} clients, {GROUPS} groups, seed {SEED}, "
          f"{chaos_ended - began:.1f}s of chaos on {' and '.join(SERVER_KINDS)}"
          f"\n  ops sent {counts['ops sent']}, acked {len(acked)}, refused {len(refused)} "
          f"{dict(stats.errors)}; ack after {latencies[len(latencies) // 2]:.2f}s (median), "
          f"{latencies[len(latencies) * 99 // 100]:.2f}s (p99), {latencies[-1]:.2f}s (max)"
          f"\n  resent after reconnect {counts['resent']} ({len(resent)} ops, {deduped} of "
          f"them applied before: acked again, not applied twice), after rate_limited "
          f"{counts['resent after rate_limited']}; written offline "
          f"{counts['written offline']}"
          f"\n  sockets dropped by clients {counts['sockets dropped']} ({counts['long drops']} "
          f"offline for {OFFLINE_SECONDS[0]:.0f}-{OFFLINE_SECONDS[1]:.0f}s), closed under "
          f"them {sum(stats.closes.values())} {dict(stats.closes)}, connections "
          f"{counts['connections']}, failed connects {counts['connect failures']}"
          f"\n  process kills {counts['process kills']}, restarts {counts['process restarts']} "
          f"(ready after {', '.join(f'{r:.1f}s' for r in restarts)}), redis kills "
          f"{counts['redis kills']}, restarts {counts['redis restarts']}"
          f"\n  snapshots {counts['snapshots']} ({counts['snapshots'] - initial_snapshots} "
          f"after a reconnect), gaps seen {counts['gaps seen']}, events logged "
          f"{sum(len(v) for v in log.values())}"
          f"\n  converged {converged:.2f}s after the chaos")

    assert stats.anomalies == []
    assert counts["gaps seen"] == 0
    assert counts["process kills"] == 2 and counts["redis restarts"] == 1
    # Both kinds of resend happened: ops the server had applied before the socket was
    # lost, and ops it had never seen (at least those written offline).
    assert deduped > 0 and len(resent) > deduped
    assert counts["written offline"] > 0
    assert counts["snapshots"] > initial_snapshots  # some came back after a long drop
    assert counts["ops sent"] == len(acked) + len(refused)
    assert set(stats.errors) <= {"not_found", "conflict", "rate_limited"}, stats.errors
    for room, rows in log.items():
        assert [row.seq for row in rows] == list(range(1, len(rows) + 1)), room
        op_ids = Counter(row.op_id for row in rows if row.op_id is not None)
        assert [op for op, n in op_ids.items() if n > 1] == [], f"applied twice in {room}"
    where = {(row.room, row.op_id): row.seq for rows in log.values() for row in rows
             if row.op_id is not None}
    lost = {op: at for op, at in acked.items() if where.get((at[0], op)) != at[1]}
    assert lost == {}, "acked ops missing from the log, or at another seq"
    applied_refused = [op for op, (room, _) in refused.items() if (room, op) in where]
    assert applied_refused == []
    assert len(where) == len(acked)  # nothing applied that its client did not hear of

    for room in group_rooms:
        # The log, replayed, is the state a fresh snapshot shows ...
        notes: dict[str, dict[str, Any]] = {}
        fields: dict[str, Any] = {}
        for row in log[room]:
            apply_event(notes, fields, row.kind, row.data)
        assert notes == fresh.notes[room]
        assert fields == fresh.fields[room]
        # ... and so does every client in the room.
        for client in clients:
            if room in client.rooms:
                assert client.seq[room] == fresh.seq[room], client.name
                assert client.notes[room] == fresh.notes[room], client.name
                assert client.fields[room] == fresh.fields[room], client.name
