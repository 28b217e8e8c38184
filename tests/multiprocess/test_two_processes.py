"""Several server processes sharing PostgreSQL and Redis behave as one server.

Real processes (``flipchart serve``), real PostgreSQL and Redis: skipped without them on
a laptop, failing in CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import conftest
import httpx
import pytest
import redis
import websockets
from conftest import (
    Client,
    create_workshop,
    free_port,
    join,
    missing_service,
    phase,
    serve_arguments,
)

ROOT = Path(__file__).resolve().parents[2]


class Process:
    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--log-level",
             "warning", *serve_arguments(conftest.default_server_kind)], cwd=ROOT, env=env)

    def ws_url(self, code: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/workshops/{code}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.popen.poll() is None, "server process exited"
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError("server did not become ready")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@contextlib.contextmanager
def running(started: list[Process]) -> Iterator[list[Process]]:
    """These processes, once every one is ready; every one stopped afterwards."""
    try:
        for process in started:
            process.wait_ready()
        yield started
    finally:
        for process in started:
            process.stop()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("FLIPCHART_TEST_REDIS_URL")
    if not url:
        missing_service("FLIPCHART_TEST_REDIS_URL is not set (Redis tests)")
    assert url is not None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture
def processes(postgres_url: str | None, redis_url: str) -> Iterator[list[Process]]:
    if postgres_url is None:
        missing_service("FLIPCHART_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    assert postgres_url is not None
    env = {**os.environ, "FLIPCHART_DATABASE_URL": postgres_url,
           "FLIPCHART_REDIS_URL": redis_url, "FLIPCHART_SCHEDULER_RESCAN_SECONDS": "0.5"}
    started = []
    for _ in range(2):
        port = free_port()
        started.append(Process(port, {**env, "FLIPCHART_PUBLIC_URL": f"http://127.0.0.1:{port}"}))
    with running(started):
        yield started


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def connect(process: Process, code: str, token: str,
                  since: dict[str, int] | None = None) -> Client:
    return await Client.connect(process, code, token, since)  # type: ignore[arg-type]


def events(client: Client, room: str) -> list[tuple[int, str, Any]]:
    return [(f["seq"], f["kind"], f["data"].get("id")) for f in client.frames
            if f["type"] == "event" and f["room"] == room]


async def group_workshop(http: httpx.AsyncClient, a: Process) -> tuple[Any, dict[str, Any],
                                                                        dict[str, Any]]:
    http.base_url = httpx.URL(a.base_url)
    workshop = await create_workshop(http, groups=1)
    ann = await join(http, workshop.code, "Ann")
    bob = await join(http, workshop.code, "Bob")
    for action in ("start", "next"):
        await phase(http, workshop, action)
    return workshop, ann, bob


async def test_members_on_two_processes_see_each_others_ops_in_the_same_order_and_phase_once(
    processes: list[Process], http: httpx.AsyncClient,
) -> None:
    a, b = processes
    workshop, ann, bob = await group_workshop(http, a)
    room = f"group:{ann['group_id']}"
    on_a = await connect(a, workshop.code, ann["token"])
    on_b = await connect(b, workshop.code, bob["token"])
    boss = await connect(b, workshop.code, workshop.token)
    for client in (on_a, on_b, boss):
        await client.synced()
    ids = []
    for i in range(10):
        author = on_a if i % 2 else on_b
        note_id = str(uuid.uuid4())
        ids.append(note_id)
        await author.op(room, "note.create", {"id": note_id, "section": "challenges",
                                              "text": f"challenge {i}"})
    for client in (on_a, on_b):
        await client.until(lambda f, c=client: len(events(c, room)) >= 10, timeout=10)
    assert events(on_a, room) == events(on_b, room)
    assert sorted(i for _, _, i in events(on_a, room)) == sorted(ids)

    op = await boss.op(f"workshop:{workshop.id}", "phase.next", {})
    assert (await boss.ack(op))["type"] == "ack"
    def is_toolkit_phase(f: dict[str, Any]) -> bool:
        return f["type"] == "event" and f["kind"] == "phase" and f["data"]["key"] == "toolkit"

    for client in (on_a, on_b, boss):
        # The event may already have arrived while waiting for the ack.
        if not any(is_toolkit_phase(f) for f in client.frames):
            await client.until(is_toolkit_phase, timeout=10)
        await client.synced()
        phase_events = [f for f in client.frames if f["type"] == "event"
                        and f["kind"] == "phase" and f["data"]["key"] == "toolkit"]
        assert len(phase_events) == 1
    for client in (on_a, on_b, boss):
        await client.close()


async def test_two_hundred_concurrent_ops_over_two_processes_get_gap_free_seqs_once_each(
    processes: list[Process], http: httpx.AsyncClient,
) -> None:
    a, b = processes
    workshop, ann, bob = await group_workshop(http, a)
    room = f"group:{ann['group_id']}"
    clients = [await connect(p, workshop.code, person["token"])
               for p, person in ((a, ann), (b, bob), (a, bob), (b, ann))]

    async def send_many(client: Client, n: int) -> list[str]:
        op_ids = []
        for i in range(n):
            op_ids.append(await client.op(room, "note.create", {
                "section": "commonalities", "text": f"{id(client)}-{i}"}))
        return op_ids

    sent = await asyncio.gather(*(send_many(c, 50) for c in clients))
    for client, op_ids in zip(clients, sent, strict=True):
        for op_id in op_ids:
            assert (await client.ack(op_id))["type"] == "ack"
    watcher = await connect(b, workshop.code, ann["token"], since={room: 0})
    await watcher.synced()
    seqs = [seq for seq, kind, _ in events(watcher, room) if kind == "note.create"]
    assert len(seqs) == 200
    assert seqs == list(range(seqs[0], seqs[0] + 200))
    # Resending every op after the fact applies none of them again.
    for op_id in sent[0][:20]:
        await clients[0].op(room, "note.create", {"section": "commonalities", "text": "again"},
                            op_id=op_id)
        assert (await clients[0].ack(op_id))["type"] == "ack"
    again = await connect(a, workshop.code, ann["token"])
    await again.synced()
    snapshot = next(f for f in again.frames if f["type"] == "snapshot" and f["room"] == room)
    assert len(snapshot["notes"]) == 200
    for client in [*clients, watcher, again]:
        await client.close()


async def test_clients_converge_after_redis_connections_are_killed_mid_session(
    processes: list[Process], http: httpx.AsyncClient, redis_url: str,
) -> None:
    a, b = processes
    workshop, ann, bob = await group_workshop(http, a)
    room = f"group:{ann['group_id']}"
    on_a = await connect(a, workshop.code, ann["token"])
    on_b = await connect(b, workshop.code, bob["token"])
    await on_a.synced()
    await on_b.synced()
    admin = redis.Redis.from_url(redis_url)
    for i in range(20):
        if i == 10:
            admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        await (on_a if i % 2 else on_b).op(room, "note.create", {
            "section": "challenges", "text": f"during outage {i}"})
    for client in (on_a, on_b):
        await client.until(lambda f, c=client: len(events(c, room)) >= 20, timeout=15)
        assert [s for s, _, _ in events(client, room)] == list(range(1, 21))
    assert events(on_a, room) == events(on_b, room)
    await on_a.close()
    await on_b.close()


async def test_a_killed_process_leaves_its_clients_to_resync_on_the_other_and_timers_firing(
    processes: list[Process], http: httpx.AsyncClient,
) -> None:
    a, b = processes
    http.base_url = httpx.URL(a.base_url)
    workshop = await create_workshop(http, groups=1, minutes={"individual": 1})
    ann = await join(http, workshop.code, "Ann")
    await phase(http, workshop, "start")
    await phase(http, workshop, "extend", seconds=-52)
    room = f"group:{ann['group_id']}"
    on_a = await connect(a, workshop.code, ann["token"])
    await on_a.synced()
    op = await on_a.op(room, "note.create", {"section": "procedure", "text": "first step"})
    assert (await on_a.ack(op))["type"] == "ack"
    a.stop(signal.SIGKILL)
    # The client reconnects to the surviving process with what it saw, and resends.
    on_b = await connect(b, workshop.code, ann["token"], since=dict(on_a.seq))
    op = await on_b.op(room, "note.create", {"section": "procedure", "text": "second step"})
    assert (await on_b.ack(op))["type"] == "ack"
    # The phase, shortened to 8 seconds, ends once, on the surviving process.
    frame = await on_b.until(lambda f: f["type"] == "event" and f["kind"] == "phase"
                             and f["data"]["key"] == "groups-procedures", timeout=30)
    assert frame["data"]["status"] == "running"
    await on_b.until(lambda f: f["type"] == "event" and f["kind"] == "notes.reveal", timeout=5)
    await on_b.synced()
    http.base_url = httpx.URL(b.base_url)
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    assert info["phase"]["key"] == "groups-procedures"
    ends = [f for f in on_b.frames if f["type"] == "event" and f["kind"] == "phase"]
    assert len(ends) == 1
    await on_b.close()


async def test_unpairing_a_screen_on_one_process_closes_its_socket_on_the_other(
    processes: list[Process], http: httpx.AsyncClient,
) -> None:
    a, b = processes
    http.base_url = httpx.URL(a.base_url)
    workshop = await create_workshop(http, groups=1)
    screen = (await http.post("/api/screens")).json()
    response = await http.post(f"/api/workshops/{workshop.code}/screens",
                               json={"pairing_code": screen["pairing_code"]},
                               headers=workshop.auth)
    assert response.status_code == 204
    on_b = await connect(b, workshop.code, screen["token"])
    await on_b.synced()
    response = await http.delete(f"/api/workshops/{workshop.code}/screens/{screen['id']}",
                                 headers=workshop.auth)
    assert response.status_code == 204
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await on_b.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
