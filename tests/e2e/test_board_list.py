"""The list view of the board: a phone participant creates, edits, tags, reorders (by button
and by keyboard) and deletes step notes in the list, and a second participant on the canvas
sees every change. The choice of view is remembered per device."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

STEPS = 'section.panel[data-section="procedure"]'


def _workshop(server: Server) -> tuple[str, list[dict[str, Any]]]:
    # The group phase: the procedure's steps are shared and writable.
    w = server.workshop(["Ana", "Ben"], title="List view", actions=("start", "next"))
    return w.code, w.people


def _open(pages: Pages, server: Server, code: str, person: dict[str, Any], width: int,
          height: int, phone: bool = False) -> Any:
    from playwright.sync_api import expect

    page = pages.board(server, code, person["token"], width, height, phone=phone)
    page.on("dialog", lambda dialog: dialog.accept())
    expect(page.locator("#phase-title")).to_have_text("Work in small groups")
    return page


def _pressed(page: Any, view: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(f'#view-switch button[data-view="{view}"]')).to_have_attribute(
        "aria-pressed", "true")


def _item(page: Any, text: str) -> Any:
    return page.locator(f"{STEPS} .list-note", has_text=text)


def _list_order(page: Any) -> list[str]:
    texts: list[str] = page.locator(f"{STEPS} .list-note .ln-text").all_inner_texts()
    return texts


def _canvas_steps(page: Any) -> dict[str, str]:
    """Text -> step badge of the canvas's step notes."""
    found: dict[str, str] = page.evaluate(
        """(sel) => Object.fromEntries([...document.querySelectorAll(sel + ' .note')]
             .map((n) => [n.querySelector('.text').textContent,
                          n.querySelector('.badge')?.lastChild?.textContent]))""",
        STEPS)
    return found


def _expect_canvas(page: Any, steps: dict[str, str]) -> None:
    deadline = 10_000
    waited = 0
    while _canvas_steps(page) != steps and waited < deadline:
        page.wait_for_timeout(100)
        waited += 100
    assert _canvas_steps(page) == steps


def test_list_view_round_trip_on_a_phone(app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    code, (ana_id, ben_id) = _workshop(app_server)
    ana = _open(pages, app_server, code, ana_id, 390, 844, phone=True)
    ben = _open(pages, app_server, code, ben_id, 1366, 768)

    # A narrow screen starts on the list, a laptop on the canvas; both can switch.
    _pressed(ana, "list")
    _pressed(ben, "canvas")
    expect(ben.locator(f"{STEPS} .canvas")).to_be_visible()
    ana.locator('#view-switch button[data-view="canvas"]').tap()
    _pressed(ana, "canvas")
    expect(ana.locator(f"{STEPS} .canvas")).to_be_visible()
    ana.locator('#view-switch button[data-view="list"]').tap()
    _pressed(ana, "list")
    expect(ana.locator(f"{STEPS} .canvas")).to_have_count(0)
    expect(ana.locator(f"{STEPS}.list-panel")).to_be_visible()

    # Three steps, added from the list.
    for text in ("Teacher tells the tutor", "Tutor meets the learner", "Tutor calls the family"):
        ana.locator(f"{STEPS} .add-note").tap()
        ana.fill("#editor-text", text)
        ana.locator("#editor-save").tap()
        expect(_item(ana, text)).to_have_count(1)
    expect(ana.locator(f"{STEPS} .list-note .ln-step")).to_have_text(["1", "2", "3"])
    _expect_canvas(ben, {"Teacher tells the tutor": "1", "Tutor meets the learner": "2",
                         "Tutor calls the family": "3"})

    # Edit one's text and tag it.
    _item(ana, "Tutor meets the learner").locator(".ln-edit").tap()
    ana.fill("#editor-text", "Tutor meets the learner and listens")
    ana.fill("#editor-actor-input", "learner")
    ana.press("#editor-actor-input", "Enter")
    ana.locator("#editor-save").tap()
    edited = _item(ana, "Tutor meets the learner and listens")
    expect(edited.locator(".chip")).to_have_text(["learner"])
    ben_note = ben.locator(f"{STEPS} .note", has_text="Tutor meets the learner and listens")
    expect(ben_note).to_have_count(1)
    expect(ben_note.locator(".chip")).to_have_text(["learner"])
    ana.screenshot(path=str(shots / "board-list-phone.png"), full_page=True)

    # Reorder with the Move up button: the family call becomes step 2.
    _item(ana, "Tutor calls the family").locator('[data-move="up"]').tap()
    expect(ana.locator(f"{STEPS} .list-note .ln-text")).to_have_text(
        ["Teacher tells the tutor", "Tutor calls the family",
         "Tutor meets the learner and listens"])
    _expect_canvas(ben, {"Teacher tells the tutor": "1", "Tutor calls the family": "2",
                         "Tutor meets the learner and listens": "3"})

    # Reorder from the keyboard: Alt+ArrowUp on a focused item; the focus stays on it.
    moved = _item(ana, "Tutor meets the learner and listens")
    moved_id = moved.get_attribute("data-id")
    moved.focus()
    ana.keyboard.press("Alt+ArrowUp")
    expect(ana.locator(f"{STEPS} .list-note .ln-text")).to_have_text(
        ["Teacher tells the tutor", "Tutor meets the learner and listens",
         "Tutor calls the family"])
    expect(moved.locator(".ln-step")).to_have_text("2")
    assert ana.evaluate("document.activeElement.dataset.id") == moved_id
    expect(ana.locator(f"{STEPS} [role=status]")).to_have_text("Moved to step 2 of 3.")
    _expect_canvas(ben, {"Teacher tells the tutor": "1", "Tutor meets the learner and listens": "2",
                         "Tutor calls the family": "3"})

    # Delete one (the confirmation is accepted); the rest are renumbered everywhere.
    _item(ana, "Teacher tells the tutor").locator(".ln-delete").tap()
    expect(_item(ana, "Teacher tells the tutor")).to_have_count(0)
    expect(ana.locator(f"{STEPS} .list-note .ln-step")).to_have_text(["1", "2"])
    _expect_canvas(ben, {"Tutor meets the learner and listens": "1", "Tutor calls the family": "2"})

    # Every control is a 44×44 px target on the touch screen.
    small = ana.evaluate("""() => [
          ...document.querySelectorAll('.list-panel button, #view-switch button')]
        .filter((b) => b.offsetParent !== null)
        .map((b) => { const r = b.getBoundingClientRect();
                      return [b.textContent.trim(), r.width, r.height]; })
        .filter(([, w, h]) => w < 44 || h < 44)""")
    assert not small, small
    assert ana.locator(".list-panel button").count() >= 8
    ana.screenshot(path=str(shots / "board-list-phone-after.png"), full_page=True)

    # The choice is remembered per device: the phone chose the canvas, the laptop the list.
    ana.locator('#view-switch button[data-view="canvas"]').tap()
    ben.locator('#view-switch button[data-view="list"]').click()
    expect(ben.locator(f"{STEPS} .list-note")).to_have_count(2)
    ben.screenshot(path=str(shots / "board-list-laptop.png"), full_page=True)
    for page in (ana, ben):
        page.reload()
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    _pressed(ana, "canvas")
    expect(ana.locator(f"{STEPS} .note")).to_have_count(2)
    _pressed(ben, "list")
    expect(ben.locator(f"{STEPS} .list-note .ln-text")).to_have_text(
        ["Tutor meets the learner and listens", "Tutor calls the family"])
    assert re.fullmatch(r"canvas|list", ana.evaluate("localStorage.getItem('flipchart:view')"))
    assert not pages.errors, pages.errors
