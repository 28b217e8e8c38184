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

    w = app_server.workshop(["Ana", "Ben"], title="Last minute", actions=("start", "next"))
    code, token = w.code, w.token
    ana = pages.board(app_server, code, w.people[0]["token"], phone=True)
    ben = pages.board(app_server, code, w.people[1]["token"])

    ana.locator('section.panel[data-section="commonalities"] .add-note').click()
    ana.fill("#editor-text", "Written in the last seconds")
    # The facilitator cuts the 15-minute phase to its last 8 seconds.
    view = app_server.api("POST", f"/api/workshops/{code}/phase",
                          {"action": "extend", "seconds": -(15 * 60 - 8)}, token)
    assert view["status"] == "running"
    expect(ana.locator("#phase-warning")).to_be_visible(timeout=5_000)
    expect(ana.locator("#phase-warning")).to_contain_text("One minute left")
    # The open editor says its note will be saved, not lost.
    expect(ana.locator("#editor-closing")).to_contain_text("this note is saved")
    expect(ana.locator("#announcer")).to_contain_text("One minute left", timeout=5_000)
    ana.screenshot(path=str(shots / "board-last-minute-phone.png"))
    # Ana never pressed Save: her note reaches Ben all the same, and the editor closed.
    expect(ben.locator('section.panel[data-section="commonalities"]')).to_contain_text(
        "Written in the last seconds", timeout=15_000)
    expect(ana.locator("#editor")).to_be_hidden()
    # The phase is over (the workshop advances on its own by default).
    expect(ana.locator("#phase-title")).not_to_have_text("Work in small groups", timeout=10_000)
    assert not pages.errors, pages.errors
