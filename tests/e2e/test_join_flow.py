"""End to end: create, join, and two people moving a note on one group board."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e


def test_create_join_and_facilitator_sees_participant(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    facilitator = pages.new()
    facilitator.goto(app_server.base_url + "/create")
    facilitator.wait_for_selector("input[name=template]")
    facilitator.fill("#title", "E2E workshop")
    facilitator.fill("#groups", "2")
    facilitator.screenshot(path=str(shots / "create.png"), full_page=True)
    facilitator.click("#create-button")
    facilitator.wait_for_url(re.compile(r"/w/[A-Z0-9]+/facilitate$"))
    code = facilitator.url.rstrip("/").split("/")[-2]
    expect(facilitator.locator("#join-code")).to_have_text(code)
    expect(facilitator.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(facilitator.locator(".group")).to_have_count(2)

    person = pages.new(390, 844)
    person.goto(app_server.base_url + "/")
    person.fill("#code", code.lower())
    person.fill("#name", "Ada")
    person.screenshot(path=str(shots / "join.png"))
    person.click("#join-button")
    person.wait_for_url(re.compile(rf"/w/{code}$"))
    token = person.evaluate(f"localStorage.getItem('flipchart:{code}:participant')")
    assert token
    expect(person.locator("#conn")).to_have_attribute("data-state", "connected")

    member = facilitator.locator(".group .members li", has_text="Ada")
    expect(member).to_have_count(1, timeout=10_000)
    expect(member.locator(".dot.on")).to_have_count(1, timeout=10_000)
    facilitator.screenshot(path=str(shots / "facilitate.png"), full_page=True)
    person.screenshot(path=str(shots / "board-lobby-phone.png"), full_page=True)

    key = facilitator.evaluate(f"localStorage.getItem('flipchart:{code}:facilitator')")
    assert key
    screen = pages.keyed(app_server, code, key, f"/w/{code}/screen", role="facilitator",
                         width=1600, height=900)
    expect(screen.locator(".screen-code")).to_have_text(code)
    expect(screen.locator(".screen-names")).to_contain_text("Ada")
    screen.screenshot(path=str(shots / "screen-lobby.png"))
    assert not pages.errors, pages.errors


def _note_xy(page: Any, note_id: str) -> tuple[int, int]:
    handle = page.locator(f'.note[data-id="{note_id}"]')
    return int(handle.get_attribute("data-x")), int(handle.get_attribute("data-y"))


def test_two_people_see_a_note_move_live(app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    # The individual phase keeps notes private; the group phase shares the board.
    w = app_server.workshop(["Ana", "Ben"], title="Drag test", actions=("start", "next"))
    assert w.people[0]["group_id"] == w.people[1]["group_id"]
    boards = []
    for person in w.people:
        page = pages.board(app_server, w.code, person["token"])
        expect(page.locator("#phase-title")).to_have_text("Work in small groups")
        boards.append(page)
    ana, ben = boards

    panel = ana.locator('section.panel[data-section="commonalities"]')
    panel.locator(".add-note").click()
    ana.fill("#editor-text", "Both schools call the family first")
    ana.click("#editor-save")
    note = ana.locator('section[data-section="commonalities"] .note',
                       has_text="Both schools call the family first")
    expect(note).to_have_count(1)
    note_id = note.get_attribute("data-id")
    assert note_id
    other = ben.locator(f'.note[data-id="{note_id}"]')
    expect(other).to_have_count(1)
    expect(other).to_contain_text("Both schools call the family first")
    start = _note_xy(ben, note_id)
    assert start == _note_xy(ana, note_id)

    box = note.bounding_box()
    assert box is not None
    x0, y0 = box["x"] + 40, box["y"] + 40
    ana.mouse.move(x0, y0)
    ana.mouse.down()
    seen_while_dragging = None
    for i in range(1, 13):
        ana.mouse.move(x0 + 25 * i, y0 + 12 * i)
        ana.wait_for_timeout(60)
        if seen_while_dragging is None and _note_xy(ben, note_id) != start:
            seen_while_dragging = _note_xy(ben, note_id)
    # Wait for a drag frame to arrive before letting go.
    deadline = time.monotonic() + 5
    while seen_while_dragging is None and time.monotonic() < deadline:
        ana.mouse.move(x0 + 300 + (time.monotonic() % 1), y0 + 144)
        ana.wait_for_timeout(100)
        if _note_xy(ben, note_id) != start:
            seen_while_dragging = _note_xy(ben, note_id)
    assert seen_while_dragging is not None, "the other board did not move during the drag"
    assert "remote-drag" in (other.get_attribute("class") or "")
    ben.screenshot(path=str(shots / "board-remote-drag.png"), full_page=False)
    ana.mouse.up()

    expect(note).to_have_attribute("data-x", re.compile(r"\d+"))
    final = _note_xy(ana, note_id)
    assert final != start
    expect(other).to_have_attribute("data-x", str(final[0]), timeout=10_000)
    expect(other).to_have_attribute("data-y", str(final[1]), timeout=10_000)
    # And the stored position is the same after a reload.
    ben.reload()
    expect(ben.locator(f'.note[data-id="{note_id}"]')).to_have_attribute("data-x", str(final[0]))
    expect(ben.locator(f'.note[data-id="{note_id}"]')).to_have_attribute("data-y", str(final[1]))
    ana.screenshot(path=str(shots / "board-group.png"), full_page=True)
    assert not pages.errors, pages.errors
