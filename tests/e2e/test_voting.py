"""Dot voting in the browser: the facilitator opens a vote from the panel, a participant
votes on a phone with single taps on 44 px targets, nobody else sees where votes went until
the facilitator closes it; then every board and the screen show the counts."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server
from .test_accessibility import BLOCKING_IMPACTS, WCAG_TAGS, _axe, _describe

pytestmark = pytest.mark.e2e

LAPTOP = (1366, 768)


def _notes(server: Server) -> tuple[Any, dict[str, str]]:
    w = server.workshop(["Ana", "Ben"], groups=1, title="Voting test", actions=("start", "next"))
    ids = {"home": str(uuid.uuid4()), "time": str(uuid.uuid4()), "tutor": str(uuid.uuid4())}
    w.notes(w.people[1], [
        {"id": ids["home"], "section": "commonalities", "text": "Tutors call home", "x": 30,
         "y": 40},
        {"id": ids["time"], "section": "commonalities", "text": "No time in the timetable",
         "x": 330, "y": 40},
        {"id": ids["tutor"], "section": "challenges", "text": "One tutor per class", "x": 30,
         "y": 40}])
    return w, ids


def _blocking(page: Any) -> list[dict[str, Any]]:
    return [v for v in _axe(page)
            if v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS)]


def test_a_participant_votes_on_a_phone_and_counts_show_only_after_the_close(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w, ids = _notes(app_server)
    facilitator = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                              role="facilitator", width=LAPTOP[0], height=LAPTOP[1],
                              bypass_csp=True)
    expect(facilitator.locator("#conn")).to_have_attribute("data-state", "connected")
    # Two votes each, on the commonalities only.
    facilitator.fill("#vote-budget", "2")
    facilitator.get_by_role("checkbox", name="Commonalities").check()
    facilitator.click("#vote-open")
    expect(facilitator.locator(".vote-cast")).to_have_text("0 votes cast so far")
    blocking = _blocking(facilitator)
    assert not blocking, _describe(blocking)

    phone = pages.board(app_server, w.code, w.people[0]["token"], phone=True, bypass_csp=True)
    ben = pages.board(app_server, w.code, w.people[1]["token"], *LAPTOP, bypass_csp=True)
    expect(phone.locator("#vote-bar")).to_contain_text("2 of 2 votes left")
    home = phone.locator(f'[data-id="{ids["home"]}"]')
    add = home.locator(".vote-add")
    expect(add).to_be_visible()
    # Only the voted section's notes take votes.
    expect(phone.locator(f'[data-id="{ids["tutor"]}"] .vote-box')).to_have_count(0)
    add.scroll_into_view_if_needed()
    box = add.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, box

    add.tap()
    expect(phone.locator("#vote-bar")).to_contain_text("1 of 2 votes left")
    add.tap()
    expect(phone.locator("#vote-bar")).to_contain_text("0 of 2 votes left")
    expect(home.locator(".vote-dots")).to_have_text("●●")
    expect(add).to_have_attribute("aria-disabled", "true")
    expect(facilitator.locator(".vote-cast")).to_have_text("2 votes cast so far")
    # A vote taken back frees one for another note; the keyboard reaches the buttons too.
    remove = home.locator(".vote-remove")
    box = remove.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    remove.tap()
    expect(phone.locator("#vote-bar")).to_contain_text("1 of 2 votes left")
    phone.locator(f'[data-id="{ids["time"]}"] .vote-add').focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#vote-bar")).to_contain_text("0 of 2 votes left")
    phone.screenshot(path=str(shots / "votes-phone-open.png"))
    blocking = _blocking(phone)
    assert not blocking, _describe(blocking)

    # Nobody else learns where the votes went: Ben's board, the facilitator's wall, the screen.
    expect(ben.locator(".vote-bar")).to_contain_text("2 of 2 votes left")
    ben.screenshot(path=str(shots / "votes-laptop-open.png"))
    expect(facilitator.locator(".fw-votes")).to_have_count(0)
    for page in (ben, facilitator):
        expect(page.locator(".vote-count")).to_have_count(0)
        assert "●" not in page.locator("body").inner_text()
    screen = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/screen",
                         role="facilitator", width=LAPTOP[0], height=LAPTOP[1],
                         bypass_csp=True)
    expect(screen.locator(".screen-group")).to_have_count(1)
    expect(screen.locator(".screen-votes")).to_have_count(0)

    facilitator.click("#vote-close")
    expect(facilitator.locator(".vote-cast")).to_contain_text("Vote closed: 2 votes cast")
    for page in (phone, ben):
        expect(page.locator(f'[data-id="{ids["home"]}"] .vote-count')).to_have_text("1 vote")
        expect(page.locator(f'[data-id="{ids["time"]}"] .vote-count')).to_have_text("1 vote")
        expect(page.locator(".vote-add")).to_have_count(0)
    expect(facilitator.locator(".mini-board .fw-votes")).to_have_text(["1 vote", "1 vote"])
    expect(screen.locator(".vote-results li")).to_have_count(2)
    expect(screen.locator(".vote-results li.top").first).to_contain_text("★ 1")
    phone.screenshot(path=str(shots / "votes-phone-closed.png"))
    ben.screenshot(path=str(shots / "votes-laptop-closed.png"))
    screen.screenshot(path=str(shots / "votes-screen-closed.png"))
    facilitator.screenshot(path=str(shots / "votes-facilitator-closed.png"), full_page=True)
    for page in (facilitator, screen, ben):
        blocking = _blocking(page)
        assert not blocking, _describe(blocking)
    assert not pages.errors, pages.errors
