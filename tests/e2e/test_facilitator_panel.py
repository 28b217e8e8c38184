"""The facilitator's control panel for a real room: a join link and a QR code that agree, a
warning when phones cannot reach that link, the wall of every group's board (live, counted
as the projector counts), the Open dialog, and every report format downloaded."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server, Workshop, serve

pytestmark = pytest.mark.e2e

LAPTOP = (1366, 768)
PHONE = (390, 844)


# --- helpers ----------------------------------------------------------------------------------

def _workshop(server: Server, names: list[str], groups: int = 2,
              title: str = "Panel test") -> Workshop:
    return server.workshop(names, groups=groups, title=title)


def _open(pages: Pages, server: Server, code: str, token: str | None, path: str,
          size: tuple[int, int] = LAPTOP, phone: bool = False) -> Any:
    """``path`` as the facilitator (``token``), or in a browser without any key."""
    if token:
        return pages.keyed(server, code, token, path, role="facilitator", width=size[0],
                           height=size[1], phone=phone)
    page = pages.new(*size, phone=phone)
    page.goto(server.base_url + path)
    return page


def _ready(page: Any, groups: int) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("#phase-title")).not_to_have_text("Loading…")
    expect(page.locator(".mini-board")).to_have_count(groups)


def _decode_qr(page: Any) -> str:
    import PIL.Image
    import zxingcpp

    page.wait_for_function("() => { const q = document.getElementById('qr');"
                           " return q.complete && q.naturalWidth > 0; }")
    png = page.locator("#qr").screenshot()
    found = zxingcpp.read_barcodes(PIL.Image.open(io.BytesIO(png)))
    assert len(found) == 1, found
    return str(found[0].text)


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose public URL is a name phones can resolve: no loopback warning."""
    with serve(tmp_path_factory.mktemp("e2e-public"),
               FLIPCHART_PUBLIC_URL="http://flipchart.example:{port}") as server:
        yield server


# --- the join link ---------------------------------------------------------------------------

def test_qr_equals_link_and_loopback_warning_lists_lan_links(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server, ["Ana"], groups=1)
    code, token, _ = w.code, w.token, w.people
    page = _open(pages, app_server, code, token, f"/w/{code}/facilitate")
    _ready(page, 1)
    link = app_server.api("GET", f"/api/workshops/{code}/join-link")
    # The e2e server's public URL is 127.0.0.1: a loopback link.
    assert link["loopback"] is True
    expect(page.locator("#join-link")).to_have_text(link["url"])
    assert page.locator("#join-link").get_attribute("href") == link["url"]
    assert _decode_qr(page) == page.locator("#join-link").inner_text()

    warning = page.locator("#loopback-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Phones cannot open this link")
    expect(warning).to_contain_text("make run HOST=0.0.0.0")
    lan = warning.locator(".lan-links a")
    expected = [re.sub(r"/j/[^/]+$", f"/w/{code}/facilitate", u) for u in link["lan_urls"]]
    if expected:
        expect(lan).to_have_count(len(expected))
        assert [lan.nth(i).get_attribute("href") for i in range(len(expected))] == expected
    else:
        expect(warning).to_contain_text("No network address was found")
    # The key goes by hand, never in a link.
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map((a) => a.href)")
    assert not [h for h in hrefs if token in h], hrefs
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=app_server.base_url)
    page.locator("#copy-key").click()
    expect(page.locator("#toasts")).to_contain_text("Facilitator key copied")
    assert page.evaluate("navigator.clipboard.readText()") == token
    page.locator("#join-link").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "fac-loopback-1366.png"))

    # At the new address the browser has no key: the page asks for it, checks it, keeps it.
    other = _open(pages, app_server, code, None, f"/w/{code}/facilitate", PHONE, phone=True)
    expect(other.locator("#key-form")).to_be_visible()
    other.screenshot(path=str(shots / "fac-key-form-390.png"), full_page=True)
    other.fill("#key-input", "not-the-key")
    other.locator("#key-form button[type=submit]").click()
    expect(other.locator("#key-error")).to_have_text("That key does not open this workshop.")
    other.fill("#key-input", token)
    other.locator("#key-form button[type=submit]").click()
    _ready(other, 1)
    assert other.evaluate(f"localStorage.getItem('flipchart:{code}:facilitator')") == token
    assert token not in other.url
    # The wrong key's 401 is the browser's console line for the check that refused it.
    errors = [e for e in pages.errors if "status of 401" not in e]
    assert not errors, errors


def test_no_warning_when_the_link_is_public(public_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    w = _workshop(public_server, ["Ana"], groups=1)
    code, token, _ = w.code, w.token, w.people
    page = _open(pages, public_server, code, token, f"/w/{code}/facilitate")
    expected = f"{public_server.base_url.replace('127.0.0.1', 'flipchart.example')}/j/{code}"
    expect(page.locator("#join-link")).to_have_text(expected)
    assert _decode_qr(page) == expected
    expect(page.locator("#loopback-warning")).to_be_hidden()
    assert not pages.errors, pages.errors


# --- the wall -----------------------------------------------------------------------------------

def test_wall_shows_a_new_note_within_two_seconds_and_opens_it(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server, ["Ana", "Ben"])
    code, token, (ana, ben) = w.code, w.token, w.people
    assert ana["group_id"] != ben["group_id"]
    w.phase("start", "next")  # the group phase: notes are shared
    w.notes(ben, [{"section": "challenges", "text": "Ben's challenge"}])
    page = _open(pages, app_server, code, token, f"/w/{code}/facilitate")
    _ready(page, 2)
    mini = page.locator(f'.mini-board[data-group="{ana["group_id"]}"]')
    expect(mini).to_be_visible()
    name = mini.locator("h3").inner_text()
    # Each miniature is a labelled region, reachable from the keyboard.
    expect(page.get_by_role("region", name=f"Board of {name}")).to_have_count(1)
    assert mini.get_attribute("tabindex") == "0"

    text = ("The class tutor phones the family the same day and agrees a meeting with the "
            "learner, the counsellor and the company trainer within the week; the notes of "
            "that meeting go to the whole team so that nobody has to ask again.")
    sent = w.notes(ana, [{"section": "procedure", "text": text,
                                           "actors": ["class tutor", "family"],
                                           "colour": "pink"}])
    expect(mini).to_contain_text(text[:40], timeout=2_000)
    assert time.monotonic() - sent < 2.0
    expect(mini.locator('.fw-count[data-section="procedure"]')).to_have_text("1")
    expect(mini).to_contain_text("class tutor")
    expect(mini.locator(".fw-note b").first).to_have_text("1.")
    page.screenshot(path=str(shots / "fac-wall-1366.png"), full_page=True)

    # Open from the keyboard: the whole board, every section, the note at full size.
    open_button = mini.locator(".fw-open")
    open_button.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#board-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#board-dialog-title")).to_contain_text(name)
    full = dialog.locator(".fw-text", has_text=text[:40])
    expect(full).to_have_text(f"1.{text}")
    assert full.evaluate("(n) => n.scrollHeight <= n.clientHeight + 1")  # nothing cut off
    assert float(full.evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)")) >= 16
    template = app_server.api("GET", "/api/templates/activity-2")
    expect(dialog.locator(".board-section")).to_have_count(len(template["sections"]))
    expect(dialog).not_to_contain_text("Ben's challenge")  # another group's board
    page.screenshot(path=str(shots / "fac-dialog-1366.png"))

    # Focus stays inside while it is open; Escape closes it and focus goes back.
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('board-dialog')"
                             ".contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('board-dialog')"
                         ".contains(document.activeElement)")
    # It follows the board live while open.
    w.notes(ana, [{"section": "challenges", "text": "Ana's new challenge"}])
    expect(dialog).to_contain_text("Ana's new challenge", timeout=2_000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert open_button.evaluate("(b) => b === document.activeElement")
    assert not pages.errors, pages.errors


def test_wall_on_a_phone(app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server, ["Ana", "Ben"])
    code, token, (ana, ben) = w.code, w.token, w.people
    w.phase("start", "next")
    for person in (ana, ben):
        w.notes(person, [
            {"section": "procedure", "text": f"{person['name']}: step {i}", "actors": ["learner"]}
            for i in range(1, 4)] + [{"section": "challenges", "text": "Time to meet"}])
    page = _open(pages, app_server, code, token, f"/w/{code}/facilitate", PHONE, phone=True)
    _ready(page, 2)
    expect(page.locator(".mini-board").first).to_contain_text("Ana: step 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    for target in (page.locator(".fw-open").first, page.locator("#export"),
                   page.locator("#export-docx"), page.locator("#handout-link"),
                   page.locator("#controls button:visible").first):
        box = target.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (target, box)
    page.locator(".mini-board").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "fac-wall-390.png"))
    page.screenshot(path=str(shots / "fac-full-390.png"), full_page=True)
    name = page.locator(".mini-board h3").first.inner_text()
    page.locator(".fw-open").first.click()
    dialog = page.locator("#board-dialog")
    expect(dialog).to_be_visible()
    # The board it opened, not just a dialog: that group's name and its notes.
    expect(dialog.locator("#board-dialog-title")).to_contain_text(name)
    expect(dialog).to_contain_text(": step 3")
    expect(dialog).to_contain_text("Time to meet")
    box = dialog.bounding_box()
    assert box and box["width"] <= PHONE[0] and box["height"] <= PHONE[1]
    close = dialog.locator(".board-dialog-close").bounding_box()
    assert close and close["height"] >= 44
    page.screenshot(path=str(shots / "fac-dialog-390.png"))
    dialog.locator(".board-dialog-close").click()
    expect(dialog).to_be_hidden()
    assert not pages.errors, pages.errors


def _screen_counts(screen: Any) -> dict[str, list[str]]:
    rows = screen.eval_on_selector_all(
        ".screen-group",
        "cs => cs.map((c) => [c.querySelector('h3').textContent,"
        " [...c.querySelectorAll('div > strong')].map((s) => s.textContent)])")
    return {head.rsplit(" · ", 1)[0]: values for head, values in rows}


def _wall_counts(page: Any) -> dict[str, list[str]]:
    rows = page.eval_on_selector_all(
        ".mini-board",
        "ms => ms.map((m) => [m.querySelector('h3').textContent,"
        " [...m.querySelectorAll('.fw-section.now .fw-count')].map((s) => s.textContent)])")
    return {name: values for name, values in rows}


def test_wall_counts_equal_the_screen_in_individual_and_group_work(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server, ["Ana", "Ben", "Cy"])
    code, token, people = w.code, w.token, w.people
    ana = people[0]
    ben = next(p for p in people[1:] if p["group_id"] != ana["group_id"])
    w.phase("start")  # individual work: notes are private
    w.notes(ana, [{"section": "procedure", "text": f"Ana's private step {i}"}
                                   for i in (1, 2)])
    w.notes(ben, [{"section": "procedure", "text": "Ben's private step"}])

    page = _open(pages, app_server, code, token, f"/w/{code}/facilitate")
    screen = _open(pages, app_server, code, token, f"/w/{code}/screen", (1600, 900))
    _ready(page, 2)
    expect(screen.locator(".screen-group")).to_have_count(2)
    ana_mini = page.locator(f'.mini-board[data-group="{ana["group_id"]}"]')
    ben_mini = page.locator(f'.mini-board[data-group="{ben["group_id"]}"]')
    # The facilitator's socket receives private notes: it says how many, never their text.
    expect(ana_mini.locator(".fw-private")).to_have_text("2 private notes being written")
    expect(ben_mini.locator(".fw-private")).to_have_text("1 private note being written")
    expect(page.locator("#wall")).not_to_contain_text("private step")
    expect(ana_mini.locator('.fw-count[data-section="procedure"]')).to_have_text("0")
    screen.wait_for_timeout(300)
    wall, projected = _wall_counts(page), _screen_counts(screen)
    assert wall == projected, (wall, projected)
    assert all(values == ["0"] for values in wall.values()), wall
    page.screenshot(path=str(shots / "fac-wall-individual-1366.png"), full_page=True)

    w.phase("next")  # the group phase: private notes are revealed
    w.notes(ana, [{"section": "challenges", "text": "Families are hard to reach"}])
    w.notes(ben, [{"section": "commonalities", "text": "Both call families"},
                                   {"section": "challenges", "text": "No time"}])
    expect(ana_mini.locator('.fw-count[data-section="procedure"]')).to_have_text("2")
    expect(ben_mini.locator('.fw-count[data-section="challenges"]')).to_have_text("1")
    expect(page.locator(".fw-private")).to_have_count(0)
    expect(ana_mini).to_contain_text("Ana's private step 2")
    deadline = time.monotonic() + 5
    while True:
        wall, projected = _wall_counts(page), _screen_counts(screen)
        if wall == projected or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert wall == projected, (wall, projected)
    # procedure, commonalities, challenges: Ana's group and Ben's
    assert sorted(wall.values()) == sorted([["2", "0", "1"], ["1", "1", "1"]]), wall
    page.screenshot(path=str(shots / "fac-wall-group-1366.png"), full_page=True)
    assert not pages.errors, pages.errors


# --- reports ---------------------------------------------------------------------------------

def test_every_report_format_downloads(app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    title = "Reports test"
    w = _workshop(app_server, ["Ana"], groups=1, title=title)
    code, token, (ana,) = w.code, w.token, w.people
    w.phase("start", "next")
    w.notes(ana, [{"section": "challenges", "text": "Nobody owns the follow-up"}])
    page = _open(pages, app_server, code, token, f"/w/{code}/facilitate")
    _ready(page, 1)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if "/export" in r.url else None)

    expectations = {
        "#export": (f"flipchart-{code}.md",
                    lambda b: title.encode() in b and b"Nobody owns the follow-up" in b),
        "#export-json": (f"flipchart-{code}.json",
                         lambda b: json.loads(b)
                         and "Nobody owns the follow-up" in json.dumps(json.loads(b))),
        "#export-csv": (f"flipchart-{code}.csv",
                        lambda b: b"Nobody owns the follow-up" in b),
        "#export-timing": (f"flipchart-{code}-timing.csv", lambda b: b"," in b.split(b"\n")[0]),
        "#export-docx": (f"flipchart-{code}.docx", lambda b: b[:2] == b"PK"),
    }
    for selector, (filename, check) in expectations.items():
        with page.expect_download() as info:
            page.click(selector)
        download = info.value
        assert download.suggested_filename == filename
        body = Path(download.path()).read_bytes()
        assert body and check(body), (selector, body[:80])
    assert requested and not [u for u in requested if token in u], requested
    assert any("table=timing" in u for u in requested), requested
    handout = page.locator("#handout-link")
    expect(handout).to_have_attribute("href", f"/w/{code}/handout")
    assert not pages.errors, pages.errors
