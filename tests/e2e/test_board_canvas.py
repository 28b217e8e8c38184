"""End to end: the notes canvas on a touch phone and a laptop: adding notes into view,
phone-sized note controls, pan (swipe, mouse, wheel, keys), zoom (pinch, buttons, ctrl+wheel,
keys, Fit all), and a note dragged by touch or mouse that the other participant sees move."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

SECTION = "commonalities"  # a cards section the group phase opens for writing
PANEL = f'section.panel[data-section="{SECTION}"]'
WINDOW = f"document.querySelector('{PANEL} .canvas-scroll')"  # the canvas window, in JS


def _group_phase(server: Server, names: tuple[str, ...] = ("Ana", "Ben")
                 ) -> tuple[str, list[dict[str, Any]]]:
    # the individual phase, then the group phase
    w = server.workshop(names, title="Canvas", actions=("start", "next"))
    return w.code, w.people


def _board(pages: Pages, server: Server, code: str, person: dict[str, Any],
           width: int, height: int, *, phone: bool = False) -> Any:
    from playwright.sync_api import expect

    page = pages.board(server, code, person["token"], width, height, phone=phone,
                       storage={"flipchart:view": "canvas"})
    expect(page.locator(f"{PANEL} .canvas-scroll")).to_be_visible()
    page.locator(PANEL).scroll_into_view_if_needed()
    return page


def _scale(page: Any) -> float:
    return float(page.evaluate(
        f"parseFloat(document.querySelector('{PANEL} .canvas').style.getPropertyValue('--s'))"))


def _scroll(page: Any) -> tuple[float, float]:
    left, top = page.evaluate(f"[{WINDOW}.scrollLeft, {WINDOW}.scrollTop]")
    return float(left), float(top)


def _empty_point(page: Any) -> tuple[float, float]:
    """A point of the canvas window with no note (nor zoom button) under it."""
    point = page.evaluate(f"""() => {{
      const s = document.querySelector('{PANEL} .canvas-scroll');
      const r = s.getBoundingClientRect();
      const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
      const empty = (x, y) => {{
        const hit = document.elementFromPoint(x, y);
        return hit && (hit.classList.contains('canvas') || hit === s);
      }};
      // Clear of notes by a finger's width all round.
      for (let y = top + 40; y < bottom - 90; y += 15)
        for (let x = r.left + 40; x < r.right - 40; x += 15)
          if ([[0, 0], [-30, 0], [30, 0], [0, -30], [0, 30]]
                .every(([dx, dy]) => empty(x + dx, y + dy))) return [x, y];
      return null;
    }}""")
    assert point, "no empty canvas in sight"
    return float(point[0]), float(point[1])


def _note_xy(page: Any, note_id: str) -> tuple[int, int]:
    handle = page.locator(f'.note[data-id="{note_id}"]')
    return int(handle.get_attribute("data-x")), int(handle.get_attribute("data-y"))


def _touch(cdp: Any, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {
        "type": kind,
        "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})


def _swipe(page: Any, cdp: Any, start: tuple[float, float], by: tuple[float, float],
           steps: int = 8) -> None:
    x, y = start
    _touch(cdp, "touchStart", [(x, y)])
    for i in range(1, steps + 1):
        _touch(cdp, "touchMove", [(x + by[0] * i / steps, y + by[1] * i / steps)])
        page.wait_for_timeout(16)
    _touch(cdp, "touchEnd", [])


def _all_in_view(panel: Any) -> None:
    """Every note of the panel lies wholly inside its canvas window."""
    view = panel.locator(".canvas-scroll").bounding_box()
    assert view
    for n in panel.locator(".note").all():
        b = n.bounding_box()
        assert b and b["x"] >= view["x"] - 1 and b["y"] >= view["y"] - 1, (b, view)
        assert b["x"] + b["width"] <= view["x"] + view["width"] + 1, (b, view)
        assert b["y"] + b["height"] <= view["y"] + view["height"] + 1, (b, view)


def _boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_phone_adds_notes_in_view_taps_them_open_swipes_and_zooms(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, (ana, _) = _group_phase(app_server)
    page = _board(pages, app_server, code, ana, 390, 844, phone=True)
    panel = page.locator(PANEL)
    scroller = panel.locator(".canvas-scroll")
    notes = panel.locator(".note")
    texts = [f"Phone note {i}: {'a longer text that runs over several lines ' * (i % 3)}".strip()
             for i in range(1, 7)]
    for i, text in enumerate(texts, start=1):
        panel.locator(".add-note").tap()
        expect(page.locator("#editor")).to_be_visible()
        page.fill("#editor-text", text)
        page.locator("#editor-save").tap()
        expect(notes).to_have_count(i)
        # Each new note is placed where it can be seen, and on no other note.
        new = panel.locator(".note", has_text=f"Phone note {i}:")
        expect(new).to_have_count(1)
        box, view = new.bounding_box(), scroller.bounding_box()
        assert box and view and _boxes_overlap(box, view), (i, box, view)
    positions = [(int(n.get_attribute("data-x")), int(n.get_attribute("data-y")))
                 for n in notes.all()]
    for a in range(len(positions)):
        for b in range(a + 1, len(positions)):
            (ax, ay), (bx, by) = positions[a], positions[b]
            assert abs(ax - bx) >= 260 or abs(ay - by) >= 150, (positions[a], positions[b])
    page.screenshot(path=str(shots / "canvas-phone-6.png"))

    # Every note can be brought into view; its edit control is thumb-sized and one tap on
    # it opens the editor on that note.
    for i, text in enumerate(texts, start=1):
        note = panel.locator(".note", has_text=f"Phone note {i}:")
        edit = note.locator(".edit-tool")
        edit.scroll_into_view_if_needed()
        expect(edit).to_be_visible()
        box = edit.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
        edit.tap()
        expect(page.locator("#editor")).to_be_visible()
        expect(page.locator("#editor-text")).to_have_value(text)
        page.locator("#editor-cancel").tap()
        expect(page.locator("#editor")).to_be_hidden()

    # A double tap on a note opens it too.
    first = panel.locator(".note", has_text="Phone note 1:")
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    assert box
    page.touchscreen.tap(box["x"] + 20, box["y"] + box["height"] - 12)
    page.wait_for_timeout(60)
    page.touchscreen.tap(box["x"] + 20, box["y"] + box["height"] - 12)
    expect(page.locator("#editor")).to_be_visible()
    expect(page.locator("#editor-text")).to_have_value(texts[0])
    page.locator("#editor-cancel").tap()

    # One finger on empty canvas pans the canvas (and moves no note).
    cdp = page.context.new_cdp_session(page)
    page.evaluate(f"{WINDOW}.scrollTo(0, 0)")
    page.locator(PANEL).scroll_into_view_if_needed()
    before, placed = _scroll(page), positions
    _swipe(page, cdp, _empty_point(page), (-150, 0))
    page.wait_for_timeout(700)  # the flick coasts to a stop
    after = _scroll(page)
    assert after[0] > before[0] + 100, (before, after)
    # Up and down: the canvas first, then (at its end) the page, so a phone never gets
    # stuck on the board.
    top = page.evaluate("scrollY")
    _swipe(page, cdp, _empty_point(page), (0, -250))
    page.wait_for_timeout(700)
    assert _scroll(page)[1] > after[1] or page.evaluate("scrollY") > top + 50
    assert [(int(n.get_attribute("data-x")), int(n.get_attribute("data-y")))
            for n in notes.all()] == placed

    # Zoom: the buttons (thumb-sized), a pinch, and Fit all, which shows every note.
    for name in ("zoom-out", "zoom-in", "zoom-fit"):
        zbox = panel.locator(f".{name}").bounding_box()
        assert zbox and zbox["width"] >= 44 and zbox["height"] >= 44, (name, zbox)
    scale = _scale(page)
    panel.locator(".zoom-in").tap()
    assert _scale(page) > scale
    panel.locator(".zoom-out").tap()
    panel.locator(".zoom-out").tap()
    assert _scale(page) < scale
    x, y = _empty_point(page)
    scale = _scale(page)
    _touch(cdp, "touchStart", [(x - 20, y), (x + 20, y)])
    for i in range(1, 9):
        _touch(cdp, "touchMove", [(x - 20 - 8 * i, y), (x + 20 + 8 * i, y)])
        page.wait_for_timeout(16)
    _touch(cdp, "touchEnd", [])
    assert _scale(page) > scale * 1.5, (scale, _scale(page))
    assert [(int(n.get_attribute("data-x")), int(n.get_attribute("data-y")))
            for n in notes.all()] == placed
    panel.locator(".zoom-fit").tap()
    page.wait_for_timeout(100)
    _all_in_view(panel)
    page.screenshot(path=str(shots / "canvas-phone-fit.png"))
    assert not pages.errors, pages.errors


def test_a_note_dragged_by_touch_and_by_mouse_moves_for_the_other_participant(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, (ana, ben) = _group_phase(app_server)
    app_server.notes(code, ana, [
        {"section": SECTION, "text": "Drag me", "x": 30, "y": 30},
        {"section": SECTION, "text": "Stay here", "x": 320, "y": 30}])
    phone = _board(pages, app_server, code, ana, 390, 844, phone=True)
    laptop = _board(pages, app_server, code, ben, 1366, 768)
    note = phone.locator(f"{PANEL} .note", has_text="Drag me")
    expect(note).to_have_count(1)
    note_id = note.get_attribute("data-id")
    assert note_id
    other = laptop.locator(f'.note[data-id="{note_id}"]')
    expect(other).to_have_count(1)
    start = _note_xy(laptop, note_id)
    scroll = _scroll(phone)

    # By touch on the phone: the note follows the finger (and shows it is held); the
    # canvas does not pan; the laptop sees it move while it moves.
    cdp = phone.context.new_cdp_session(phone)
    box = note.bounding_box()
    assert box
    x, y = box["x"] + 30, box["y"] + box["height"] - 20
    _touch(cdp, "touchStart", [(x, y)])
    seen_while_dragging = None
    for i in range(1, 16):
        _touch(cdp, "touchMove", [(x + 4 * i, y + 14 * i)])
        phone.wait_for_timeout(50)
        if i == 3:
            assert "dragging" in (note.get_attribute("class") or "")
        if seen_while_dragging is None and _note_xy(laptop, note_id) != start:
            seen_while_dragging = _note_xy(laptop, note_id)
    deadline = time.monotonic() + 5
    while seen_while_dragging is None and time.monotonic() < deadline:
        laptop.wait_for_timeout(100)
        if _note_xy(laptop, note_id) != start:
            seen_while_dragging = _note_xy(laptop, note_id)
    assert seen_while_dragging is not None, "the laptop did not see the note move"
    assert "remote-drag" in (other.get_attribute("class") or "")
    laptop.screenshot(path=str(shots / "canvas-remote-drag.png"))
    _touch(cdp, "touchEnd", [])
    assert "dragging" not in (note.get_attribute("class") or "")
    final = _note_xy(phone, note_id)
    assert final[1] > start[1] + 150, (start, final)
    assert _scroll(phone) == scroll
    expect(other).to_have_attribute("data-y", str(final[1]), timeout=10_000)
    expect(other).to_have_attribute("data-x", str(final[0]))

    # By mouse on the laptop: the phone sees it.
    box = other.bounding_box()
    assert box
    x, y = box["x"] + 30, box["y"] + box["height"] - 15
    laptop.mouse.move(x, y)
    laptop.mouse.down()
    for i in range(1, 11):
        laptop.mouse.move(x + 25 * i, y + 5 * i)
        laptop.wait_for_timeout(30)
    laptop.mouse.up()
    moved = _note_xy(laptop, note_id)
    assert moved[0] > final[0] + 150, (final, moved)
    expect(note).to_have_attribute("data-x", str(moved[0]), timeout=10_000)
    expect(note).to_have_attribute("data-y", str(moved[1]))
    # The other note never moved.
    still = phone.locator(f"{PANEL} .note", has_text="Stay here")
    expect(still).to_have_attribute("data-x", "320")
    assert not pages.errors, pages.errors


def test_laptop_wheel_pans_ctrl_wheel_zooms_keys_and_mouse_drag_work(
    app_server: Server, pages: Pages, shots: Path
) -> None:
    from playwright.sync_api import expect

    code, (ana, _) = _group_phase(app_server)
    app_server.notes(code, ana, [
        {"section": SECTION, "text": f"Note {i + 1}", "colour": "blue" if i % 3 else "yellow",
         "x": 30 + 290 * (i % 10), "y": 30 + 180 * (i // 10)} for i in range(60)])
    page = _board(pages, app_server, code, ana, 1366, 768)
    panel = page.locator(PANEL)
    expect(panel.locator(".note")).to_have_count(60)
    scroller = panel.locator(".canvas-scroll")
    page.evaluate(f"document.querySelector('{PANEL} .canvas-scroll').scrollIntoView()")
    page.screenshot(path=str(shots / "canvas-laptop-60.png"))

    # The wheel pans; shift+wheel sideways.
    box = scroller.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before = _scroll(page)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(300)
    after = _scroll(page)
    assert after[1] > before[1] + 100, (before, after)
    page.mouse.wheel(300, 0)
    page.wait_for_timeout(300)
    assert _scroll(page)[0] > after[0] + 100

    # ctrl+wheel zooms around the pointer.
    scale = _scale(page)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 300)
    page.keyboard.up("Control")
    page.wait_for_timeout(100)
    assert _scale(page) < scale * 0.8, (scale, _scale(page))

    # Mouse drag on empty canvas pans.
    page.evaluate(f"{WINDOW}.scrollTo(0, 0)")
    panel.locator(".zoom-in").click()
    x, y = _empty_point(page)
    before = _scroll(page)
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 9):
        page.mouse.move(x - 20 * i, y - 10 * i)
    expect(scroller).to_have_class("canvas-scroll panning")
    page.mouse.up()
    after = _scroll(page)
    assert after[0] >= before[0] + 100 and after[1] >= before[1] + 50, (before, after)

    # The keyboard: the canvas window takes focus (and shows it), arrows and Page Down
    # pan, + and − zoom, 0 fits every note.
    panel.locator(".add-note").focus()
    page.keyboard.press("Tab")
    assert page.evaluate(f"document.activeElement === {WINDOW}")
    assert page.evaluate(f"getComputedStyle({WINDOW}).outlineStyle") != "none"
    before = _scroll(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageDown")
    after = _scroll(page)
    assert after[0] > before[0] and after[1] > before[1] + 200, (before, after)
    scale = _scale(page)
    page.keyboard.press("+")
    assert _scale(page) > scale
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert _scale(page) < scale
    page.keyboard.press("0")
    _all_in_view(panel)
    page.screenshot(path=str(shots / "canvas-laptop-60-fit.png"))

    # Controls a mouse can hit: at least 24 px, always shown.
    panel.locator(".zoom-in").click()
    panel.locator(".zoom-in").click()
    edit = panel.locator(".note .edit-tool").first
    ebox = edit.bounding_box()
    assert ebox and ebox["width"] >= 24 and ebox["height"] >= 24, ebox

    # "Add note" with the view scrolled away from the notes puts the note in view; a
    # double click on empty canvas writes a note where it was clicked.
    page.evaluate(f"{WINDOW}.scrollTo(400, 300)")
    panel.locator(".add-note").click()
    page.fill("#editor-text", "Placed in view")
    page.click("#editor-save")
    new = panel.locator(".note", has_text="Placed in view")
    expect(new).to_have_count(1)
    nbox, view = new.bounding_box(), scroller.bounding_box()
    assert nbox and view
    assert nbox["x"] >= view["x"] and nbox["x"] + nbox["width"] <= view["x"] + view["width"]
    assert nbox["y"] >= view["y"] and nbox["y"] + nbox["height"] <= view["y"] + view["height"]
    x, y = _empty_point(page)
    page.mouse.dblclick(x, y)
    expect(page.locator("#editor")).to_be_visible()
    page.fill("#editor-text", "Right here")
    page.click("#editor-save")
    here = panel.locator(".note", has_text="Right here")
    expect(here).to_have_count(1)
    hbox = here.bounding_box()
    assert hbox and abs(hbox["x"] + hbox["width"] / 2 - x) < 20, (hbox, x)
    assert not pages.errors, pages.errors
