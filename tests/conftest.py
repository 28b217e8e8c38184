"""Shared fixtures: a real uvicorn server on a free port, a database per test, a fake clock.

PostgreSQL is used when FLIPCHART_TEST_DATABASE_URL is set (each test creates a fresh
database there and drops it afterwards); otherwise each test gets its own SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app
from app.services import Services

REQUIRE_SERVICES = os.environ.get("FLIPCHART_REQUIRE_SERVICES") == "1"


def missing_service(reason: str) -> None:
    """Skip on a developer's laptop; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Any]:
    base = os.environ.get("FLIPCHART_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"),
                          isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@contextlib.contextmanager
def new_postgres_database(admin: Any) -> Iterator[str]:
    """A new database on ``admin``'s server (an AUTOCOMMIT engine), dropped afterwards."""
    name = f"flipchart_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url(postgres_admin: Any) -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test alone, dropped afterwards."""
    if postgres_admin is None:
        yield None
        return
    with new_postgres_database(postgres_admin) as url:
        yield url


@pytest.fixture
def database_url(postgres_url: str | None, tmp_path: Any) -> str:
    return postgres_url or f"sqlite:///{tmp_path / 'flipchart.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# The ASGI servers the protocol tests run on: the app must work on any of them.
SERVER_KINDS = ("uvicorn", "uvicorn-websockets", "uvicorn-wsproto", "hypercorn")
_UVICORN_WS = {"uvicorn": "websockets-sansio", "uvicorn-websockets": "websockets",
               "uvicorn-wsproto": "wsproto"}
# What start_server serves on when not told: set per test by the server_kind fixture.
default_server_kind = "uvicorn"


# The tests that run once per server kind: the protocol's, and several processes'.
PER_SERVER_KIND = ("board", "multiprocess")
SERVER_FIXTURES = frozenset({"database_url", "processes"})


def serve_arguments(kind: str) -> list[str]:
    """``flipchart serve``'s arguments for a server kind."""
    if kind == "hypercorn":
        return ["--server", "hypercorn"]
    return ["--server", "uvicorn", "--ws", _UVICORN_WS[kind]]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Only tests that start a server: those given a database or processes (whose
    # fixtures start them), and those that ask for the kind themselves.
    starts_a_server = not SERVER_FIXTURES.isdisjoint(metafunc.fixturenames) \
        or "server_kind" in inspect.signature(metafunc.function).parameters
    if starts_a_server and metafunc.definition.path.parent.name in PER_SERVER_KIND:
        metafunc.parametrize("server_kind", SERVER_KINDS)


@pytest.fixture
def server_kind() -> str:
    """The server kind the test's servers run on."""
    return default_server_kind


@pytest.fixture(autouse=True)
def _serve_on(server_kind: str) -> Iterator[None]:
    global default_server_kind
    default_server_kind, before = server_kind, default_server_kind
    yield
    default_server_kind = before


@dataclass
class RunningServer:
    app: Any
    port: int
    stop_serving: Any
    task: asyncio.Task[None]
    kind: str = "uvicorn"
    base_url: str = field(init=False)

    def __post_init__(self) -> None:
        self.base_url = f"http://127.0.0.1:{self.port}"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def http(self) -> httpx.AsyncClient:
        """A REST client for this server (use it with ``async with``)."""
        return httpx.AsyncClient(base_url=self.base_url, timeout=10)

    def ws_url(self, code: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/workshops/{code}"

    async def stop(self) -> None:
        self.stop_serving()
        await self.task


async def start_server(database_url: str, clock: Any = None, port: int | None = None,
                       run_scheduler: bool = False, compression: bool = False,
                       kind: str | None = None, **overrides: Any) -> RunningServer:
    """Serve the app as ``flipchart serve`` does (no per-message compression unless asked),
    on ``kind`` (default: the test's server kind)."""
    kind = kind or default_server_kind
    port = port or free_port()
    settings = Settings(**{"database_url": database_url,
                           "public_url": f"http://127.0.0.1:{port}", **overrides})
    kwargs: dict[str, Any] = {"run_scheduler": run_scheduler}
    if clock is not None:
        kwargs["clock"] = clock
    app = create_app(settings, **kwargs)
    if kind == "hypercorn":
        stop_serving, task = _serve_on_hypercorn(app, port, settings.max_frame_bytes)
    else:
        stop_serving, task = _serve_on_uvicorn(app, port, settings.max_frame_bytes,
                                               _UVICORN_WS[kind], compression,
                                               settings.trusted_proxies)
    running = RunningServer(app, port, stop_serving, task, kind)
    async with running.http() as http:
        for _ in range(500):
            if task.done():
                task.result()
            with contextlib.suppress(httpx.TransportError):
                if (await http.get("/healthz")).status_code == 200:
                    return running
            await asyncio.sleep(0.01)
    raise RuntimeError(f"{kind} did not start on port {port}")


def _serve_on_uvicorn(app: Any, port: int, max_size: int, ws: str, compression: bool,
                      trusted_proxies: list[str]) -> tuple[Any, asyncio.Task[None]]:
    # Proxy headers from the trusted proxies only, as `flipchart serve` has it (app/cli.py).
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            ws=ws, ws_max_size=max_size, lifespan="on",
                            ws_per_message_deflate=compression,
                            forwarded_allow_ips=trusted_proxies)
    server = uvicorn.Server(config)

    def stop() -> None:
        server.should_exit = True

    return stop, asyncio.create_task(server.serve())


def _serve_on_hypercorn(app: Any, port: int, max_size: int) -> tuple[Any, asyncio.Task[None]]:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.websocket_max_message_size = max_size
    config.loglevel = "WARNING"
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stopping.wait))
    return stopping.set, task


@contextlib.asynccontextmanager
async def running_server(database_url: str, clock: Any = None,
                         **overrides: Any) -> AsyncIterator[RunningServer]:
    """A server for one block, stopped at its end, e.g. with settings of its own."""
    running = await start_server(database_url, clock, **overrides)
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def server(database_url: str, clock: FakeClock) -> AsyncIterator[RunningServer]:
    async with running_server(database_url, clock) as running:
        yield running


@pytest.fixture
async def http(server: RunningServer) -> AsyncIterator[httpx.AsyncClient]:
    async with server.http() as client:
        yield client


@dataclass
class Workshop:
    code: str
    id: int
    token: str
    data: dict[str, Any]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def create_workshop(http: httpx.AsyncClient, template: str = "activity-2",
                          groups: int = 2, **extra: Any) -> Workshop:
    response = await http.post("/api/workshops", json={"template": template, "groups": groups,
                                                       **extra})
    assert response.status_code == 201, response.text
    body = response.json()
    return Workshop(body["code"], body["id"], body["facilitator_token"], body)


async def phase(http: httpx.AsyncClient, workshop: Workshop, action: str,
                seconds: int | None = None) -> dict[str, Any]:
    """A phase action as the facilitator (``seconds`` for extend); its phase view."""
    body: dict[str, Any] = {"action": action}
    if seconds is not None:
        body["seconds"] = seconds
    response = await http.post(f"/api/workshops/{workshop.code}/phase", json=body,
                               headers=workshop.auth)
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    return view


async def join(http: httpx.AsyncClient, code: str, name: str,
               group_id: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": name}
    if group_id is not None:
        payload["group_id"] = group_id
    response = await http.post(f"/api/workshops/{code}/participants", json=payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class Client:
    """A real WebSocket client that records every frame it receives."""

    def __init__(self, ws: Any, welcome: dict[str, Any]) -> None:
        self.ws = ws
        self.welcome = welcome
        self.frames: list[dict[str, Any]] = []
        self.seq: dict[str, int] = {}

    @classmethod
    async def connect(cls, server: RunningServer, code: str, token: str,
                      since: dict[str, int] | None = None, role: str | None = None) -> Client:
        # Unbounded: a test reads frames only when it needs them.
        ws = await websockets.connect(server.ws_url(code), max_size=2**22, max_queue=None,
                                      close_timeout=2)
        hello: dict[str, Any] = {"type": "hello", "token": token, "since": since or {}}
        if role:
            hello["role"] = role
        await ws.send(json.dumps(hello))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome", welcome
        client = cls(ws, welcome)
        return client

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def op(self, room: str, kind: str, data: dict[str, Any],
                 op_id: str | None = None) -> str:
        op_id = op_id or uuid.uuid4().hex
        await self.send({"type": "op", "op_id": op_id, "room": room, "kind": kind,
                         "data": data})
        return op_id

    async def recv(self, timeout: float = 5) -> dict[str, Any]:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.frames.append(frame)
        if frame["type"] in ("event", "snapshot"):
            self.seq[frame["room"]] = frame["seq"]
        return frame

    async def until(self, predicate: Any, timeout: float = 5) -> dict[str, Any]:
        """Receive until a frame matches; earlier frames stay in self.frames."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            frame = await self.recv(max(0.01, left))
            if predicate(frame):
                return frame

    async def ack(self, op_id: str) -> dict[str, Any]:
        return await self.until(lambda f: f.get("op_id") == op_id and f["type"] in
                                ("ack", "error"))

    async def synced(self) -> None:
        """Wait until the initial snapshots/replays have arrived (a ping round trip)."""
        await self.send({"type": "ping", "id": 424242})
        await self.until(lambda f: f["type"] == "pong" and f.get("id") == 424242)

    async def close(self) -> None:
        await self.ws.close()


def one_op_of_each_kind(group_room: str, workshop_room: str
                        ) -> dict[str, tuple[str, dict[str, Any]]]:
    """A well-formed op of every kind, each with the room it goes to: for checks that a
    read-only principal is refused whatever it sends."""
    note = str(uuid.uuid4())
    board = {
        "note.create": {"id": note, "section": "procedure", "text": "from the screen"},
        "note.update": {"id": note, "text": "changed"},
        "note.move": {"id": note, "x": 10, "y": 10},
        "note.delete": {"id": note},
        "note.reorder": {"id": note, "step": 1},
        "field.set": {"key": "action.type", "value": "x"},
        "pick.set": {"key": "topics", "value": []},
        "vote.cast": {"note_id": note},
        "vote.retract": {"note_id": note},
        "group.ready": {"ready": True},
        "group.help": {"on": True},
    }
    cluster = str(uuid.uuid4())
    workshop = {"phase.start": {}, "phase.pause": {}, "phase.resume": {}, "phase.next": {},
                "phase.previous": {}, "phase.extend": {"seconds": 60},
                "plenary.spotlight": {"group_id": None},
                "votes.open": {"per_person": 3}, "votes.close": {},
                "cluster.create": {"id": cluster, "label": "common", "kind": "commonality"},
                "cluster.update": {"id": cluster, "label": "changed"},
                "cluster.delete": {"id": cluster},
                "cluster.add": {"id": cluster, "note_id": note},
                "cluster.remove": {"id": cluster, "note_id": note},
                "cluster.show": {"view": "clusters"}}
    return {**{k: (group_room, v) for k, v in board.items()},
            **{k: (workshop_room, v) for k, v in workshop.items()}}
