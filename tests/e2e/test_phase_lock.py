"""The last minute of a phase: the participant is warned (visible and announced) and an
edit still open when the phase locks is saved first, not lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e


def test_an_open_note_is_saved_before_the_phase_locks_and_the_last_minute_is_announced(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops",
                          {"template": "activity-2", "groups": 1, "title": "Last minute"})
    code, token = made["code"], made["facilitator_token"]
    people = [app_server.api("POST", f"/api/workshops/{code}/participants", {"name": name})
              for name in ("Ana", "Ben")]
    for action in ("start", "next"):
        app_server.api("POST", f"/api/workshops/{code}/phase", {"action": action}, token)
    boards = []
    for person, phone in zip(people, (True, False), strict=True):
        page = pages.new(390, 844, phone=True) if phone else pages.new(1280, 900)
        page.goto(app_server.base_url + "/")
        page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                      [f"flipchart:{code}:participant", person["token"]])
        page.goto(f"{app_server.base_url}/w/{code}")
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
        boards.append(page)
    ana, ben = boards

    ana.locator('section.panel[data-section="commonalities"] .add-note').click()
    ana.fill("#editor-text", "Written in the last seconds")
    # The facilitator cuts the 15-minute phase to its last 8 seconds.
    view = app_server.api("POST", f"/api/workshops/{code}/phase",
                          {"action": "extend", "seconds": -(15 * 60 - 8)}, token)
    assert view["status"] == "running"
    expect(ana.locator("#phase-warning")).to_be_visible(timeout=5_000)
    expect(ana.locator("#announcer")).to_contain_text("One minute left", timeout=5_000)
    ana.screenshot(path=str(shots / "board-last-minute-phone.png"))
    # Ana never pressed Save: her note reaches Ben all the same, and the editor closed.
    expect(ben.locator('section.panel[data-section="commonalities"]')).to_contain_text(
        "Written in the last seconds", timeout=15_000)
    expect(ana.locator("#editor")).to_be_hidden()
    # The phase is over (the workshop advances on its own by default).
    expect(ana.locator("#phase-title")).not_to_have_text("Work in small groups", timeout=10_000)
    assert not pages.errors, pages.errors
