"""End to end: the countdown across pages and clocks, the plenary screen, the report download."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, Pages, Server

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "test-results"
SKEW_SECONDS = 90


Joined = list[dict[str, Any]]


def _workshop(server: Server, title: str, groups: int,
              names: list[str]) -> tuple[str, str, Joined]:
    made = server.api("POST", "/api/workshops",
                      {"template": "activity-2", "groups": groups, "title": title})
    code, token = made["code"], made["facilitator_token"]
    joined = [server.api("POST", f"/api/workshops/{code}/participants", {"name": name})
              for name in names]
    return code, token, joined


def _phase(server: Server, code: str, token: str, *actions: str) -> None:
    for action in actions:
        server.api("POST", f"/api/workshops/{code}/phase", {"action": action}, token)


def _open_as(pages: Pages, server: Server, code: str, role: str, token: str, path: str,
             width: int = 1280, height: int = 900, clock_time: datetime | None = None) -> Any:
    page = pages.new(width, height)
    if clock_time is not None:
        page.clock.install(time=clock_time)
    page.goto(server.base_url + "/")  # same origin first, to hand over the key
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"flipchart:{code}:{role}", token])
    page.goto(server.base_url + path)
    return page


def _write_notes(server: Server, code: str, token: str, room: str,
                 notes: list[tuple[str, str]]) -> None:
    """Create notes over the websocket protocol, as a participant's browser would."""
    from websockets.sync.client import connect

    url = server.base_url.replace("http://", "ws://") + f"/ws/workshops/{code}"
    with connect(url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "hello", "token": token}))
        deadline = time.monotonic() + 10
        while True:
            msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            assert msg.get("type") != "error", msg
            if msg.get("type") == "welcome":
                assert room in msg["rooms"], msg["rooms"]
                break
        for section, text in notes:
            op_id = str(uuid.uuid4())
            ws.send(json.dumps({"type": "op", "op_id": op_id, "room": room,
                                "kind": "note.create",
                                "data": {"section": section, "text": text}}))
            while True:
                msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if msg.get("op_id") != op_id:
                    continue
                assert msg.get("type") != "error", msg
                if msg.get("type") == "ack":
                    break


def _seconds(text: str) -> int:
    m = re.fullmatch(r"\s*(\d+):(\d{2})\s*", text)
    assert m, f"not a countdown: {text!r}"
    return int(m.group(1)) * 60 + int(m.group(2))


def test_countdowns_agree_even_with_a_wrong_clock(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, token, (ada,) = _workshop(app_server, "Clock test", 1, ["Ada"])

    facilitator = _open_as(pages, app_server, code, "facilitator", token, f"/w/{code}/facilitate")
    screen = _open_as(pages, app_server, code, "facilitator", token, f"/w/{code}/screen",
                      1600, 900)
    wrong = datetime.fromtimestamp(time.time() + SKEW_SECONDS, UTC)
    person = _open_as(pages, app_server, code, "participant", ada["token"], f"/w/{code}",
                      390, 844, clock_time=wrong)
    for page in (facilitator, screen, person):
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    skew = person.evaluate("Date.now()") / 1000 - time.time()
    assert abs(skew - SKEW_SECONDS) < 5, f"the participant's clock is off by {skew:.1f} s"

    facilitator.locator("#controls [data-action=start]").click()
    expect(person.locator("#phase-title")).to_have_text("Individual work")
    expect(screen.locator(".screen-countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
    expect(person.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
    # Let both tick for a moment, then read them back to back, several times.
    person.wait_for_timeout(1500)
    for _ in range(3):
        on_screen = _seconds(screen.locator(".screen-countdown").inner_text())
        on_phone = _seconds(person.locator("#countdown").inner_text())
        on_screen_after = _seconds(screen.locator(".screen-countdown").inner_text())
        assert 9 * 60 <= on_phone <= 10 * 60, on_phone
        assert min(abs(on_phone - on_screen), abs(on_phone - on_screen_after)) <= 1, \
            (on_phone, on_screen, on_screen_after)
        person.wait_for_timeout(700)
    # The participant's clock kept running, still 90 s off.
    skew = person.evaluate("Date.now()") / 1000 - time.time()
    assert abs(skew - SKEW_SECONDS) < 5, f"the participant's clock is off by {skew:.1f} s"
    on_desk = _seconds(facilitator.locator("#countdown").inner_text())
    assert abs(on_desk - _seconds(screen.locator(".screen-countdown").inner_text())) <= 1
    person.screenshot(path=str(shots / "board-countdown-skewed.png"))
    assert not pages.errors, pages.errors


def test_plenary_screen_shows_every_group(app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    code, token, joined = _workshop(app_server, "Plenary test", 3, ["Ana", "Ben", "Cleo"])
    assert len({p["group_id"] for p in joined}) == 3
    _phase(app_server, code, token, "start", "next")  # the group phase
    expected: dict[int, list[str]] = {}
    for i, person in enumerate(joined, start=1):
        texts = [f"Group {i} shares one referral form", f"Group {i} lacks time for tutoring"]
        _write_notes(app_server, code, person["token"], f"group:{person['group_id']}",
                     [("commonalities", texts[0]), ("challenges", texts[1])])
        expected[person["group_id"]] = texts
    names = {p["group_id"]: f"Table {c}" for p, c in zip(joined, "ABC", strict=True)}
    for group_id, name in names.items():
        app_server.api("PATCH", f"/api/workshops/{code}/groups/{group_id}", {"name": name}, token)
    _phase(app_server, code, token, "next", "next", "next")  # toolkit, action, plenary

    screen = _open_as(pages, app_server, code, "facilitator", token, f"/w/{code}/screen",
                      1600, 900)
    expect(screen.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(screen.locator(".screen-title").first).to_have_text("Plenary")
    columns = screen.locator(".plenary-grid .plenary-col")
    expect(columns).to_have_count(3)
    for group_id, texts in expected.items():
        column = columns.filter(has=screen.locator("h3", has_text=names[group_id]))
        expect(column).to_have_count(1)
        expect(column.locator("h3")).to_be_visible()
        for text in texts:
            expect(column.locator(".mini-note", has_text=text)).to_have_count(1)
    for texts in expected.values():
        for text in texts:
            expect(screen.get_by_text(text)).to_be_visible()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "plenary-screen.png"
    shot.unlink(missing_ok=True)
    screen.screenshot(path=str(shot), full_page=True)
    assert shot.is_file() and shot.stat().st_size > 0
    assert not pages.errors, pages.errors


def test_facilitator_downloads_the_report(app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    title = "Report download test"
    code, token, (ada,) = _workshop(app_server, title, 1, ["Ada"])
    _phase(app_server, code, token, "start", "next")
    note = "The tutor phones the family the same day"
    _write_notes(app_server, code, ada["token"], f"group:{ada['group_id']}",
                 [("challenges", note)])

    facilitator = _open_as(pages, app_server, code, "facilitator", token, f"/w/{code}/facilitate")
    expect(facilitator.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(facilitator.locator("#workshop-title")).to_have_text(title)
    with facilitator.expect_download() as info:
        facilitator.click("#export")
    download = info.value
    assert download.suggested_filename == f"flipchart-{code}.md"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert title in text
    assert note in text
    assert not pages.errors, pages.errors
