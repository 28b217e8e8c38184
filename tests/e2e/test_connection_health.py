"""End to end: a network blip never stalls a participant's writes or leaves the badge lying.

Chromium's offline emulation may or may not cut a WebSocket that is already open, so the
first test accepts either; the second makes the socket go silent on purpose (frames
swallowed both ways while it stays open), which is the case that used to stall a room.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

BLIP_SECONDS = 5
# The client must say "connected" again this soon after the network comes back.
HONEST_WITHIN_MS = 5_000


def _group_board(server: Server, pages: Pages, title: str) -> tuple[str, Any, Any]:
    """Two participants of one group on the group phase, each with a page holding their key."""
    # The individual phase keeps notes private; the group phase shares the board.
    w = server.workshop(["Ana", "Ben"], title=title, actions=("start", "next"))
    assert w.people[0]["group_id"] == w.people[1]["group_id"]
    ana, ben = (pages.keyed(server, w.code, person["token"]) for person in w.people)
    return w.code, ana, ben


def _open(page: Any, server: Server, code: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server.base_url}/w/{code}")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator(".add-note").first).to_be_visible()


def _write(page: Any, text: str) -> None:
    """Adds a note through the board's own UI, as a participant would."""
    from playwright.sync_api import expect

    page.locator(".add-note").first.click()
    page.fill("#editor-text", text)
    page.click("#editor-save")
    expect(page.locator(".note", has_text=text)).to_have_count(1)


def _settled(page: Any) -> None:
    """The badge is honest: connected, and no change left waiting."""
    from playwright.sync_api import expect

    conn = page.locator("#conn")
    expect(conn).to_have_attribute("data-state", "connected", timeout=HONEST_WITHIN_MS)
    expect(conn).not_to_contain_text("waiting", timeout=HONEST_WITHIN_MS)


def test_offline_for_five_seconds_stalls_nothing(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, ana, ben = _group_board(app_server, pages, "Blip test")
    _open(ana, app_server, code)
    _open(ben, app_server, code)
    _write(ana, "Written before the blip")
    expect(ben.locator(".note", has_text="Written before the blip")).to_have_count(1)

    ana.context.set_offline(True)
    expect(ana.locator("#conn")).to_have_attribute("data-state", "offline")
    started = time.monotonic()
    _write(ana, "Written during the blip")
    ana.screenshot(path=str(shots / "board-offline-blip.png"))
    ana.wait_for_timeout(max(0, int((BLIP_SECONDS - (time.monotonic() - started)) * 1000)))
    ana.context.set_offline(False)
    _settled(ana)

    _write(ana, "Written after the blip")
    for text in ("Written during the blip", "Written after the blip"):
        expect(ben.locator(".note", has_text=text)).to_have_count(1, timeout=10_000)
    _settled(ana)
    assert not pages.errors, pages.errors


def test_a_socket_that_goes_silent_is_replaced_and_resends(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, ana, ben = _group_board(app_server, pages, "Silent socket test")

    # Every socket of Ana's page goes through this relay; a socket put in `silenced`
    # stays open but nothing passes it any more, in either direction.
    sockets: list[Any] = []
    silenced: set[int] = set()

    def relay(ws: Any) -> None:
        server = ws.connect_to_server()
        index = len(sockets)
        sockets.append(ws)
        ws.on_message(lambda m: None if index in silenced else server.send(m))
        server.on_message(lambda m: None if index in silenced else ws.send(m))

    ana.route_web_socket("**/ws/workshops/**", relay)
    _open(ana, app_server, code)
    _open(ben, app_server, code)
    assert len(sockets) == 1

    silenced.update(range(len(sockets)))
    ana.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(ana.locator("#conn")).to_have_attribute("data-state", "offline")
    _write(ana, "Written into a dead socket")
    expect(ana.locator("#conn")).to_contain_text("1 change waiting")
    ana.wait_for_timeout(BLIP_SECONDS * 1000)
    expect(ben.locator(".note", has_text="Written into a dead socket")).to_have_count(0)

    ana.evaluate("window.dispatchEvent(new Event('online'))")
    _settled(ana)
    assert len(sockets) >= 2, "the silent socket was not replaced"
    expect(ben.locator(".note", has_text="Written into a dead socket")).to_have_count(1)

    _write(ana, "Written on the new socket")
    expect(ben.locator(".note", has_text="Written on the new socket")).to_have_count(1)
    _settled(ana)
    ana.screenshot(path=str(shots / "board-after-silent-socket.png"))
    # Each note exists once: the resent op was not applied twice.
    expect(ben.locator(".note", has_text="Written into a dead socket")).to_have_count(1)
    assert not pages.errors, pages.errors
