"""End to end: an anonymous workshop made from the create page; two people write and neither
the other's board, the facilitator page nor the screen shows a name (phone and laptop)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server
from .test_accessibility import BLOCKING_IMPACTS, WCAG_TAGS, _axe, _describe

pytestmark = pytest.mark.e2e

ZEPHYRINE = "Zephyrine Quill"
BARTHOLOMEW = "Bartholomew Nightjar"
NAME_PARTS = ("Zephyrine", "Quill", "Bartholomew", "Nightjar")


def names_in(page: Any) -> list[str]:
    """Name parts anywhere in the page's text, attributes included (titles, aria-labels)."""
    html: str = page.content()
    text: str = page.locator("body").inner_text()
    return [part for part in NAME_PARTS if part in html or part in text]


def join(server: Server, pages: Pages, code: str, name: str, *, phone: bool) -> Any:
    page = pages.new(390, 844, phone=True, bypass_csp=True) if phone \
        else pages.new(1366, 768, bypass_csp=True)
    page.goto(server.base_url + "/")
    page.fill("#code", code)
    page.fill("#name", name)
    page.click("#join-button")
    page.wait_for_url(re.compile(rf"/w/{code}$"))
    return page


def blocking(page: Any) -> str:
    """axe-core's serious and critical WCAG findings on the page, described; "" if none."""
    found = [v for v in _axe(page) if v["impact"] in BLOCKING_IMPACTS
             and set(v["tags"]) & set(WCAG_TAGS)]
    return _describe(found)


def token_of(page: Any, code: str, role: str) -> str:
    token: str = page.evaluate(f"localStorage.getItem('flipchart:{code}:{role}')")
    assert token
    return token


def test_an_anonymous_workshop_shows_no_names_on_boards_facilitator_page_or_screen(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    facilitator = pages.new(1366, 768, bypass_csp=True)
    facilitator.goto(app_server.base_url + "/create")
    facilitator.wait_for_selector("input[name=template]")
    facilitator.fill("#groups", "1")
    box = facilitator.locator("#anonymous")
    expect(box).not_to_be_checked()
    # The whole label is the touch target, at least 44 px high.
    label = facilitator.locator("label[for=anonymous]").bounding_box()
    assert label is not None and label["height"] >= 44
    facilitator.locator("label[for=anonymous]").click()
    expect(box).to_be_checked()
    expect(facilitator.locator("#anonymous-hint")).to_contain_text("name")
    assert blocking(facilitator) == ""
    facilitator.screenshot(path=str(shots / "anonymous-create-laptop.png"), full_page=True)
    facilitator.click("#create-button")
    facilitator.wait_for_url(re.compile(r"/w/[A-Z0-9]+/facilitate$"))
    code = facilitator.url.rstrip("/").split("/")[-2]
    key = token_of(facilitator, code, "facilitator")
    assert app_server.api("GET", f"/api/workshops/{code}")["anonymous"] is True

    zephyrine = join(app_server, pages, code, ZEPHYRINE, phone=True)
    bartholomew = join(app_server, pages, code, BARTHOLOMEW, phone=False)
    for page in (zephyrine, bartholomew):
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    members = facilitator.locator(".group .members li")
    expect(members).to_have_count(2)
    expect(members).to_have_text(["Participant 1", "Participant 2"])
    expect(facilitator.locator(".online-count")).to_have_text("2 online")

    # Individual work, revealed in the group phase; then a card each.
    def phase(action: str) -> None:
        app_server.api("POST", f"/api/workshops/{code}/phase", {"action": action}, key)

    people = {name: {"token": token_of(page, code, "participant"),
                     "group_id": app_server.api("GET", f"/api/workshops/{code}")["groups"][0]["id"]}
              for name, page in ((ZEPHYRINE, zephyrine), (BARTHOLOMEW, bartholomew))}
    phase("start")
    for name, person in people.items():
        app_server.notes(code, person, [{"id": str(uuid.uuid4()), "section": "procedure",
                                         "text": f"A step by {name.split()[0][:3]}-writer"}])
    phase("next")
    for name, person in people.items():
        app_server.notes(code, person, [{"id": str(uuid.uuid4()), "section": "commonalities",
                                         "text": f"Card of {name.split()[0][:3]}-writer",
                                         "x": 40, "y": 40}])
    for page in (zephyrine, bartholomew, facilitator):
        expect(page.get_by_text("Card of Bar-writer").first).to_be_visible()
        expect(page.get_by_text("Card of Zep-writer").first).to_be_visible()
    screen = pages.keyed(app_server, code, key, f"/w/{code}/screen", role="facilitator",
                         width=1600, height=900)
    expect(screen.locator(".screen-group")).to_contain_text("Group 1 · 2")

    # Each sees their own name, and only theirs; the note says the workshop is anonymous.
    for page, own, other in ((zephyrine, ZEPHYRINE, BARTHOLOMEW),
                             (bartholomew, BARTHOLOMEW, ZEPHYRINE)):
        expect(page.locator("#anonymous-note")).to_be_visible()
        expect(page.locator("#people li")).to_have_count(2)
        expect(page.locator("#people")).to_contain_text(f"{own} (you)")
        expect(page.locator("#people")).to_contain_text("A participant")
        assert [p for p in names_in(page) if p in other] == [], page.url
        assert "undefined" not in page.locator("body").inner_text()
    for page in (facilitator, screen):
        assert names_in(page) == [], page.url
        assert "undefined" not in page.locator("body").inner_text()

    for page in (zephyrine, bartholomew, facilitator):
        assert blocking(page) == "", page.url
    zephyrine.screenshot(path=str(shots / "anonymous-board-phone.png"), full_page=True)
    bartholomew.screenshot(path=str(shots / "anonymous-board-laptop.png"), full_page=True)
    facilitator.screenshot(path=str(shots / "anonymous-facilitate-laptop.png"), full_page=True)

    # The plenary: every board on the screen, the steps of unnamed lanes included.
    for _ in range(3):
        phase("next")
    expect(screen.locator("body")).to_contain_text("Card of Zep-writer")
    expect(screen.locator("body")).to_contain_text("A step by Zep-writer")
    assert names_in(screen) == []
    assert "undefined" not in screen.locator("body").inner_text()
    screen.screenshot(path=str(shots / "anonymous-screen-plenary.png"))
    handout = pages.keyed(app_server, code, key, f"/w/{code}/handout", role="facilitator",
                          width=1366, height=768)
    expect(handout.locator("body")).to_contain_text("Card of Zep-writer")
    expect(handout.locator("body")).to_contain_text("Participant 1, Participant 2")
    assert names_in(handout) == []
    assert "undefined" not in handout.locator("body").inner_text()
    handout.screenshot(path=str(shots / "anonymous-handout.png"), full_page=True)
    phone_facilitator = pages.keyed(app_server, code, key, f"/w/{code}/facilitate",
                                    role="facilitator", phone=True)
    expect(phone_facilitator.locator(".group .members li")).to_have_count(2)
    expect(phone_facilitator.get_by_text("Card of Zep-writer").first).to_be_attached()
    assert names_in(phone_facilitator) == []
    phone_facilitator.screenshot(path=str(shots / "anonymous-facilitate-phone.png"),
                                 full_page=True)
    assert not pages.errors, pages.errors
