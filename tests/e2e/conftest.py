"""Browser tests: the real server in a subprocess, driven by Chromium through Playwright's sync API.

Run them in their own pytest process:
    .venv/bin/python -m pytest tests/e2e -q -p no:playwright
Screenshots go to /tmp/fc-shots/ (or FLIPCHART_SHOTS_DIR).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FLIPCHART_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SHOTS = Path(os.environ.get("FLIPCHART_SHOTS_DIR", "/tmp/fc-shots"))


def _missing(reason: str) -> None:
    if os.environ.get("FLIPCHART_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    log: Path

    def api(self, method: str, path: str, body: Any = None,
            token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method,
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def ops(self, code: str, person: dict[str, Any],
            ops: list[tuple[str, dict[str, Any]]]) -> float:
        """Sends ops to the person's group over the WebSocket, as their browser would, each
        acknowledged before the next; returns the monotonic time the last one was sent."""
        from websockets.sync.client import connect

        room = f"group:{person['group_id']}"
        url = self.base_url.replace("http://", "ws://") + f"/ws/workshops/{code}"
        sent = time.monotonic()
        with connect(url, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "hello", "token": person["token"]}))
            deadline = time.monotonic() + 20

            def recv() -> dict[str, Any]:
                msg: dict[str, Any] = json.loads(
                    ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                assert msg.get("type") != "error", msg
                return msg

            while recv().get("type") != "welcome":
                pass
            for kind, data in ops:
                op_id = str(uuid.uuid4())
                sent = time.monotonic()
                ws.send(json.dumps({"type": "op", "op_id": op_id, "room": room,
                                    "kind": kind, "data": data}))
                while (msg := recv()).get("op_id") != op_id or msg.get("type") != "ack":
                    pass
        return sent

    def notes(self, code: str, person: dict[str, Any], notes: list[dict[str, Any]]) -> float:
        """Creates notes as the person's browser would (see ops)."""
        return self.ops(code, person, [("note.create", data) for data in notes])

    def workshop(self, names: Iterable[str] = ("Ana", "Ben"), *, groups: int = 1,
                 title: str = "E2E workshop", actions: Iterable[str] = (),
                 settings: dict[str, Any] | None = None) -> Workshop:
        """A workshop of activity 2 made over the API: ``settings`` patched in first, then
        the people joined (in this order), then the phase ``actions`` run."""
        return Workshop(self, names, groups=groups, title=title, actions=actions,
                        settings=settings)


class Workshop:
    """A workshop made over the API, its facilitator key and its people (each joined answer
    with the person's ``name``)."""

    def __init__(self, server: Server, names: Iterable[str] = ("Ana", "Ben"), *,
                 groups: int = 1, title: str = "E2E workshop", actions: Iterable[str] = (),
                 settings: dict[str, Any] | None = None) -> None:
        self.server = server
        made = server.api("POST", "/api/workshops",
                          {"template": "activity-2", "groups": groups, "title": title})
        self.code: str = made["code"]
        self.token: str = made["facilitator_token"]
        if settings:
            server.api("PATCH", f"/api/workshops/{self.code}", settings, self.token)
        self.people: list[dict[str, Any]] = [
            {**server.api("POST", f"/api/workshops/{self.code}/participants", {"name": name}),
             "name": name} for name in names]
        self.phase(*actions)

    def phase(self, *actions: str) -> Any:
        """Runs these phase actions in order; the last one's answer (the phase view)."""
        view = None
        for action in actions:
            view = self.server.api("POST", f"/api/workshops/{self.code}/phase",
                                   {"action": action}, self.token)
        return view

    def ops(self, person: dict[str, Any], ops: list[tuple[str, dict[str, Any]]]) -> float:
        return self.server.ops(self.code, person, ops)

    def notes(self, person: dict[str, Any], notes: list[dict[str, Any]]) -> float:
        return self.server.notes(self.code, person, notes)


@contextlib.contextmanager
def serve(tmp: Path, **env: str) -> Iterator[Server]:
    """``flipchart serve`` in a subprocess on a free port, with a database in ``tmp`` and
    these FLIPCHART_* settings; the public URL defaults to the server's own address."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = {"FLIPCHART_DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
                "FLIPCHART_PUBLIC_URL": base,
                # Every page comes from 127.0.0.1: the per-address throttles
                # (tests/workshops/test_throttling.py) would stop the tests halfway.
                "FLIPCHART_WORKSHOPS_PER_ADDRESS": "100000",
                "FLIPCHART_CODE_MISSES_FREE": "100000"}
    settings.update({key.format(port=port): value.format(port=port)
                     for key, value in env.items()})
    python = ROOT / ".venv" / "bin" / "python"
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(python if python.exists() else sys.executable), "-m", "app.cli", "serve",
             "--port", str(port)],
            cwd=ROOT, env={**os.environ, **settings}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /healthz in 30 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(base, log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("e2e")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                    headless=True)
        try:
            yield browser
        finally:
            browser.close()


class Pages:
    """Opens pages in fresh browser contexts (one per person) and closes them afterwards."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def new(self, width: int = 1280, height: int = 900, *, phone: bool = False,
            **options: Any) -> Any:
        """A page in a context of its own; ``phone``: a touch screen that emulates a
        mobile browser (use it with 390×844)."""
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           **options)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on("console", lambda msg: self.errors.append(f"{page.url}: {msg.text}")
                if msg.type == "error" else None)
        return page

    def keyed(self, server: Server, code: str, token: str, path: str | None = None, *,
              role: str = "participant", width: int | None = None, height: int | None = None,
              phone: bool = False, storage: dict[str, str] | None = None,
              **options: Any) -> Any:
        """A page whose browser holds ``token`` as the workshop's ``role`` key (and any
        other ``storage`` entries), handed over on the app's origin, never in a URL; then
        ``path`` opened (None: stay on the origin's start page). Laptop-sized (1280×900)
        unless ``phone`` (390×844)."""
        default = (390, 844) if phone else (1280, 900)
        page = self.new(width or default[0], height or default[1], phone=phone, **options)
        page.goto(server.base_url + "/")
        page.evaluate("(entries) => entries.forEach(([k, v]) => localStorage.setItem(k, v))",
                      [[f"flipchart:{code}:{role}", token], *(storage or {}).items()])
        if path is not None:
            page.goto(server.base_url + path)
        return page

    def board(self, server: Server, code: str, token: str, width: int | None = None,
              height: int | None = None, *, phone: bool = False,
              storage: dict[str, str] | None = None, **options: Any) -> Any:
        """A participant's board (``token``), its socket connected."""
        from playwright.sync_api import expect

        page = self.keyed(server, code, token, f"/w/{code}", width=width, height=height,
                          phone=phone, storage=storage, **options)
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium_browser: Any) -> Iterator[Pages]:
    opened = Pages(chromium_browser)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
