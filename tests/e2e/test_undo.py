"""End to end: a participant undoes and redoes their own changes on the board, by keyboard
on a laptop and by the Undo/Redo buttons on a phone; an undo never overwrites a later
change by someone else (it is skipped, and said so); the history outlives a reconnect and a
reload of the tab."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

SECTION = "commonalities"  # a cards section the group phase opens for writing
PANEL = f'section.panel[data-section="{SECTION}"]'
PENDING = re.compile(r"\bpending\b")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def _group_board(server: Server, pages: Pages, title: str, *, phone: bool = False,
                 width: int = 1366, height: int = 768) -> tuple[Any, Any, Any]:
    """The group phase of a workshop of Ana and Ben; Ana's board open (canvas view)."""
    from playwright.sync_api import expect

    w = server.workshop(["Ana", "Ben"], title=title, actions=("start", "next"))
    size = (390, 844) if phone else (width, height)
    page = pages.board(server, w.code, w.people[0]["token"], *size, phone=phone,
                       storage={"flipchart:view": "canvas"})
    expect(page.locator(f"{PANEL} .add-note")).to_be_visible()
    return w, page, w.people


def _add(page: Any, text: str, *, tap: bool = False) -> Any:
    """Writes a note through the board's own editor; returns its element."""
    from playwright.sync_api import expect

    add = page.locator(f"{PANEL} .add-note")
    add.tap() if tap else add.click()
    page.fill("#editor-text", text)
    save = page.locator("#editor-save")
    save.tap() if tap else save.click()
    note = page.locator(f"{PANEL} .note", has_text=text)
    expect(note).to_have_count(1)
    expect(note).not_to_have_class(PENDING)
    return note


def _status(page: Any) -> Any:
    return page.locator("#history-status")


def _undone(page: Any, key: str) -> None:
    """Presses a shortcut and waits for the status line to say it happened."""
    from playwright.sync_api import expect

    status = _status(page)
    page.evaluate("document.getElementById('history-status').textContent = ''")
    page.keyboard.press(key)
    expect(status).not_to_be_empty()


def _xy(note: Any) -> tuple[int, int]:
    return int(note.get_attribute("data-x")), int(note.get_attribute("data-y"))


def _server_note(server: Server, code: str, person: dict[str, Any], text: str
                 ) -> dict[str, Any] | None:
    """The note with this text as the server has it now, through a fresh socket."""
    import json

    from websockets.sync.client import connect

    url = server.base_url.replace("http://", "ws://") + f"/ws/workshops/{code}"
    room = f"group:{person['group_id']}"
    with connect(url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "hello", "token": person["token"]}))
        while (msg := json.loads(ws.recv(timeout=10))).get("type") != "snapshot" \
                or msg.get("room") != room:
            pass
    found = [n for n in msg["notes"] if n["text"] == text]
    return found[0] if found else None


def test_keyboard_undo_and_redo_take_back_a_create_an_edit_a_move_and_a_delete(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    w, page, (ana, ben) = _group_board(app_server, pages, "Undo by keyboard")
    other = pages.board(app_server, w.code, ben["token"], storage={"flipchart:view": "canvas"})
    undo, redo = page.locator("#history-undo"), page.locator("#history-redo")
    expect(undo).to_be_disabled()
    expect(redo).to_be_disabled()

    note = _add(page, "Tutors call home")
    expect(undo).to_be_enabled()
    # Edit: Enter on the focused note opens the editor.
    note.locator(".note-card").focus()
    page.keyboard.press("Enter")
    # In a text field, Ctrl+Z is the field's own undo: the board's history is left alone.
    page.fill("#editor-text", "Tutors phone the family")
    page.locator("#editor-text").press("Control+z")
    expect(_status(page)).to_be_empty()
    page.fill("#editor-text", "Tutors phone the family")
    page.click("#editor-save")
    note = page.locator(f"{PANEL} .note", has_text="Tutors phone the family")
    expect(note).to_have_count(1)
    # Move: arrow keys on the focused note, sent once the keys stop.
    start = _xy(note)
    note.locator(".note-card").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    moved = (start[0] + 30, start[1])
    expect(other.locator(".note", has_text="Tutors phone the family")).to_have_attribute(
        "data-x", str(moved[0]))
    # Delete: the Delete key, confirmed.
    page.once("dialog", lambda d: d.accept())
    note.locator(".note-card").focus()
    page.keyboard.press("Delete")
    expect(other.locator(".note", has_text="Tutors phone the family")).to_have_count(0)
    page.screenshot(path=str(shots / "undo-laptop-before.png"))

    # Undo, newest first: the deletion, the move, the edit, the creation.
    page.locator("body").click(position={"x": 5, "y": 5})
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: deleting a note.")
    back = page.locator(f"{PANEL} .note", has_text="Tutors phone the family")
    expect(back).to_have_count(1)
    expect(other.locator(".note", has_text="Tutors phone the family")).to_have_count(1)
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: moving a note.")
    expect(back).to_have_attribute("data-x", str(start[0]))
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: editing a note.")
    expect(page.locator(f"{PANEL} .note", has_text="Tutors call home")).to_have_count(1)
    page.screenshot(path=str(shots / "undo-laptop.png"))
    _undone(page, "Control+z")
    expect(page.locator(f"{PANEL} .note")).to_have_count(0)
    expect(other.locator(f"{PANEL} .note")).to_have_count(0)
    expect(undo).to_be_disabled()
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Nothing to undo.")

    # Redo: Ctrl+Shift+Z and Ctrl+Y, oldest undo last.
    _undone(page, "Control+Shift+z")
    expect(page.locator(f"{PANEL} .note", has_text="Tutors call home")).to_have_count(1)
    _undone(page, "Control+y")
    expect(page.locator(f"{PANEL} .note", has_text="Tutors phone the family")).to_have_count(1)
    expect(other.locator(".note", has_text="Tutors phone the family")).to_have_count(1)
    saved = _server_note(app_server, w.code, ana, "Tutors phone the family")
    assert saved is not None and (saved["x"], saved["y"]) == start
    # A new change ends what could be redone.
    expect(redo).to_be_enabled()
    _add(page, "Something new")
    expect(redo).to_be_disabled()
    assert not pages.errors, pages.errors


def test_undo_and_redo_buttons_work_by_a_single_tap_on_a_phone(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    w, page, (ana, _) = _group_board(app_server, pages, "Undo on a phone", phone=True)
    undo, redo = page.locator("#history-undo"), page.locator("#history-redo")
    expect(undo).to_have_accessible_name("Undo")
    for button in (undo, redo):
        box = button.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
    _add(page, "Written on a phone", tap=True)
    note = page.locator(f"{PANEL} .note", has_text="Written on a phone")
    page.locator(PANEL).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "undo-phone-note.png"))
    # Scrolled to the end of the page, the buttons are still on the screen, under the top
    # bar: an undo is one tap away wherever the participant is working.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(undo).to_be_in_viewport(ratio=1)
    bar = page.locator(".topbar").bounding_box()
    box = undo.bounding_box()
    assert bar and box and box["y"] >= bar["y"] + bar["height"] - 1, (bar, box)
    page.screenshot(path=str(shots / "undo-phone-scrolled.png"))
    undo.tap()
    expect(note).to_have_count(0)
    expect(_status(page)).to_have_text("Undone: adding a note.")
    expect(undo).to_be_disabled()
    expect(redo).to_be_enabled()
    page.screenshot(path=str(shots / "undo-phone.png"))
    redo.tap()
    expect(note).to_have_count(1)
    expect(_status(page)).to_have_text("Redone: adding a note.")
    assert _server_note(app_server, w.code, ana, "Written on a phone") is not None

    # The bar passes axe (the page's CSP is bypassed to inject it).
    page.context.close()
    page = pages.board(app_server, w.code, ana["token"], phone=True, bypass_csp=True,
                       storage={"flipchart:view": "canvas"})
    expect(page.locator(f"{PANEL} .note")).to_have_count(1)
    page.add_script_tag(path=str(AXE))
    serious = page.evaluate("""async () => {
      const r = await axe.run(document.querySelector('.view-bar'),
                              {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}});
      return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
                         .map((v) => v.id);
    }""")
    assert serious == []
    assert not pages.errors, pages.errors


def test_an_undo_is_skipped_with_a_message_when_someone_else_changed_the_note_since(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    w, page, (ana, ben) = _group_board(app_server, pages, "Undo after someone else")
    _add(page, "Kept by Ana")
    note = _add(page, "Ana's first words")
    note.locator(".edit-tool").click()
    page.fill("#editor-text", "Ana's second words")
    page.click("#editor-save")
    edited = page.locator(f"{PANEL} .note", has_text="Ana's second words")
    expect(edited).to_have_count(1)
    expect(edited).not_to_have_class(PENDING)
    note_id = edited.get_attribute("data-id")
    # Ben (his own socket) rewrites the same note after Ana.
    w.ops(ben, [("note.update", {"id": note_id, "text": "Ben's words"})])
    bens = page.locator(f"{PANEL} .note", has_text="Ben's words")
    expect(bens).to_have_count(1)

    page.locator("body").click(position={"x": 5, "y": 5})
    _undone(page, "Control+z")
    expect(_status(page)).to_contain_text(
        "Not undone (editing a note): someone else has changed it since")
    expect(_status(page)).to_have_attribute("role", "status")
    page.screenshot(path=str(shots / "undo-skipped.png"))
    # Ana's creation of that note is skipped too: Ben's change is newer.
    _undone(page, "Control+z")
    expect(_status(page)).to_contain_text("Not undone (adding a note)")
    expect(bens).to_have_count(1)
    saved = _server_note(app_server, w.code, ana, "Ben's words")
    assert saved is not None and saved["version"] == 3
    # The history moved on: the next undo takes back her other note.
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: adding a note.")
    expect(page.locator(f"{PANEL} .note", has_text="Kept by Ana")).to_have_count(0)
    expect(bens).to_have_count(1)
    assert not pages.errors, pages.errors


def test_the_history_survives_a_reconnect_and_a_reload_of_the_tab(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    w, page, (ana, _) = _group_board(app_server, pages, "Undo after a blip")
    first = _add(page, "Before the blip")
    start = _xy(first)
    first.locator(".note-card").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # The move is sent once the keys stop; wait until the server has it.
    room, note_id = f"group:{ana['group_id']}", first.get_attribute("data-id")
    page.wait_for_function(
        "([room, id, y]) => window.flipchartClient.room(room).notes.get(id).y === y"
        " && window.flipchartClient.waiting === 0", arg=[room, note_id, start[1] + 20])
    _add(page, "Second note")

    # The network goes and comes back: a new socket, the same page.
    page.context.set_offline(True)
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    page.context.set_offline(False)
    page.evaluate("window.flipchartClient.reconnectNow()")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    page.locator("body").click(position={"x": 5, "y": 5})
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: adding a note.")
    expect(page.locator(f"{PANEL} .note", has_text="Second note")).to_have_count(0)

    # A reload of the tab keeps it too (sessionStorage).
    page.reload()
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    first = page.locator(f"{PANEL} .note", has_text="Before the blip")
    expect(first).to_have_count(1)
    expect(page.locator("#history-undo")).to_be_enabled()
    expect(page.locator("#history-redo")).to_be_enabled()
    page.locator("body").click(position={"x": 5, "y": 5})
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: moving a note.")
    expect(first).to_have_attribute("data-y", str(start[1]))
    saved = _server_note(app_server, w.code, ana, "Before the blip")
    assert saved is not None and (saved["x"], saved["y"]) == start
    assert not pages.errors, pages.errors


def test_undo_takes_back_a_pick_and_a_form_answer(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    # The toolkit phase opens the pick of two topics.
    w = app_server.workshop(["Ana"], title="Undo picks", actions=("start", "next", "next"))
    page = pages.board(app_server, w.code, w.people[0]["token"], 1366, 768)
    topics = page.locator('section.panel[data-section="topics"] input[type=checkbox]')
    first, second = topics.nth(0), topics.nth(1)
    first.check()
    expect(page.locator("#history-undo")).to_be_enabled()
    second.check()
    page.wait_for_function("() => window.flipchartClient.waiting === 0")
    # Ctrl+Z on a focused checkbox is the board's undo (a checkbox has no text to undo).
    second.focus()
    _undone(page, "Control+z")
    expect(_status(page)).to_have_text("Undone: the topics picked.")
    expect(second).not_to_be_checked()
    expect(first).to_be_checked()
    _undone(page, "Control+Shift+z")
    expect(second).to_be_checked()

    # The group-action phase opens the form.
    w.phase("next")
    field = page.locator("#f-action-challenge")
    expect(field).to_be_enabled()
    field.fill("Low motivation")
    field.blur()
    page.wait_for_function("() => window.flipchartClient.waiting === 0")
    page.locator("#history-undo").click()
    expect(_status(page)).to_have_text("Undone: a form answer.")
    expect(field).to_have_value("")
    page.locator("#history-redo").click()
    expect(field).to_have_value("Low motivation")
    assert not pages.errors, pages.errors
