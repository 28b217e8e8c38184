"""Two people editing the same form field or note: the later one is shown both texts and
keeps their own; nothing either typed is lost."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e


def _two_boards(app_server: Server, pages: Pages, *actions: str) -> tuple[Any, Any]:
    w = app_server.workshop(["Ana", "Ben"], title="Edit race", actions=actions)
    ana, ben = (pages.board(app_server, w.code, person["token"]) for person in w.people)
    return ana, ben


def test_a_field_edited_by_two_people_shows_both_texts_and_loses_neither(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    ana, ben = _two_boards(app_server, pages, "start", "next", "next", "next")
    field = "#f-action-challenge"
    # Ana starts typing; until she pauses, nothing is sent.
    ana.locator(field).click()
    ana.keyboard.type("Low motivation")
    # Ben writes the same field and leaves it: his text is saved at once.
    ben.locator(field).fill("No welcoming climate")
    ben.keyboard.press("Tab")
    # Ana keeps typing (so her pause never comes) until Ben's write has reached her.
    changed = ana.locator(".field", has=ana.locator(field)).locator(".changed-by")
    deadline = time.monotonic() + 10
    while "Ben" not in (changed.text_content() or ""):
        assert time.monotonic() < deadline, "Ben's write never reached Ana"
        ana.keyboard.type(".")
        ana.wait_for_timeout(150)
    ana.keyboard.press("Tab")
    merge = ana.locator(".field", has=ana.locator(field)).locator(".merge")
    expect(merge).to_be_visible()
    expect(merge.locator(".theirs")).to_have_text("No welcoming climate")
    # Her own text is still in the box, untouched by Ben's write.
    assert ana.locator(field).input_value().startswith("Low motivation")
    ana.screenshot(path=str(shots / "field-conflict.png"))
    ana.locator(field).fill("No welcoming climate, low motivation")
    merge.get_by_role("button", name="Save my text").click()
    expect(merge).to_be_hidden()
    expect(ben.locator(field)).to_have_value("No welcoming climate, low motivation")
    assert not pages.errors, pages.errors


def test_a_note_saved_by_someone_else_while_open_is_merged_not_replaced(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    ana, ben = _two_boards(app_server, pages, "start", "next")
    panel = ana.locator('section.panel[data-section="commonalities"]')
    panel.locator(".add-note").click()
    ana.fill("#editor-text", "Both call the family")
    ana.click("#editor-save")
    note_id = panel.locator(".note, li[data-id]").first.get_attribute("data-id")
    assert note_id
    expect(ben.locator(f'[data-id="{note_id}"]')).to_contain_text("Both call the family")

    # Both open the note; Ben saves first.
    for page in (ana, ben):
        page.locator(f'.note[data-id="{note_id}"] .note-card').focus()
        page.keyboard.press("Enter")
        expect(page.locator("#editor")).to_be_visible()
    ben.fill("#editor-text", "Both phone the parents")
    ben.click("#editor-save")
    expect(ana.locator(f'.note[data-id="{note_id}"]')).to_contain_text("Both phone the parents")

    ana.fill("#editor-text", "Both call the family and the tutor")
    ana.click("#editor-save")
    # Ana's save is refused, and the editor comes back with her text and Ben's.
    expect(ana.locator("#editor-merge")).to_be_visible()
    expect(ana.locator("#editor-merge-theirs")).to_have_text("Both phone the parents")
    expect(ana.locator("#editor-text")).to_have_value("Both call the family and the tutor")
    ana.screenshot(path=str(shots / "note-conflict.png"))
    ana.fill("#editor-text", "Both phone the parents and the tutor")
    ana.click("#editor-save")
    expect(ana.locator("#editor")).to_be_hidden()
    expect(ben.locator(f'.note[data-id="{note_id}"]')).to_contain_text(
        "Both phone the parents and the tutor")
    assert not pages.errors, pages.errors
