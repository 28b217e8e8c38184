"""Group signals in the browser: a participant on a phone says "we need help" and "we're
done" with single taps; the facilitator's panel shows both live (and says the call for
help), clears the call, and with "move on when every group is done" the phase ends early."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Pages, Server
from .test_voting import _blocking, _describe

pytestmark = pytest.mark.e2e

LAPTOP = (1366, 768)


def test_the_panel_shows_help_and_readiness_live_and_moves_on_when_all_are_done(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana", "Ben"], groups=1, title="Signals test",
                            actions=("start", "next"))
    facilitator = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                              role="facilitator", width=LAPTOP[0], height=LAPTOP[1],
                              bypass_csp=True)
    expect(facilitator.locator("#conn")).to_have_attribute("data-state", "connected")
    phone = pages.board(app_server, w.code, w.people[0]["token"], phone=True, bypass_csp=True)
    ben = pages.board(app_server, w.code, w.people[1]["token"], *LAPTOP)
    card = facilitator.locator(".group").first
    expect(card.locator(".ready-count")).to_have_text("0/2 done")

    help_button = phone.locator(".signal-help")
    done_button = phone.locator(".signal-ready")
    for button in (help_button, done_button):
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44, box
    help_button.tap()
    expect(help_button).to_have_attribute("aria-pressed", "true")
    expect(card).to_have_class("group needs-help")
    expect(card.locator(".help-flag")).to_have_text("Needs help")
    expect(facilitator.locator(".mini-board .help-flag")).to_be_visible()
    expect(facilitator.locator("#announcer")).to_have_text("Group 1 needs help.")
    done_button.tap()
    expect(done_button).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".ready-count")).to_have_text("1/2 done")
    phone.screenshot(path=str(shots / "signals-phone.png"))
    facilitator.screenshot(path=str(shots / "signals-facilitator.png"), full_page=True)
    for page in (phone, facilitator):
        blocking = _blocking(page)
        assert not blocking, _describe(blocking)

    card.get_by_role("button", name="Clear the call for help of Group 1").click()
    expect(help_button).to_have_attribute("aria-pressed", "false")
    expect(card.locator(".help-flag")).to_have_count(0)

    title = facilitator.locator("#phase-title").inner_text()
    facilitator.locator("#advance-when-ready").check()
    expect(ben.locator(".signal-ready")).to_be_visible()
    ben.locator(".signal-ready").click()
    # Everyone online is done: the next phase starts, and readiness starts over.
    expect(facilitator.locator("#phase-title")).not_to_have_text(title)
    expect(card.locator(".ready-count")).to_have_text("0/2 done")
    expect(done_button).to_have_attribute("aria-pressed", "false")
    assert not pages.errors, pages.errors
