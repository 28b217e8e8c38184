"""Privacy in the browser: no page asks any host but the app's for anything; every page links
the privacy page, which says this server's retention; and "Leave and erase me" end to end,
another participant watching the notes lose their author's name, or vanish, live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .conftest import Pages, Server, Workshop

pytestmark = pytest.mark.e2e

NAME = "Zelda Qwertyson"


def _workshop(server: Server, erase_notes: str | None = None) -> Workshop:
    # a group phase: shared notes
    return server.workshop((NAME, "Ben"), title="Privacy check", actions=("start", "next"),
                           settings={"erase_notes": erase_notes} if erase_notes else None)


def _notes(server: Server, code: str, person: dict[str, Any], texts: list[str]) -> None:
    """Cards written over the socket, as the person's browser would."""
    server.notes(code, person, [{"section": "commonalities", "text": text,
                                 "x": 40 + 300 * i, "y": 40} for i, text in enumerate(texts)])


def test_no_page_sends_anything_to_another_host_and_each_links_the_privacy_page(
    app_server: Server, pages: Pages
) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server)
    code = w.code
    _notes(app_server, code, w.people[0], ["A card on the board"])
    pairing = app_server.api("POST", "/api/screens")["pairing_code"]
    ours = urlsplit(app_server.base_url).netloc
    cases = [("/", None), ("/create", None), ("/privacy", None), ("/screen", None),
             (f"/pair?code={pairing}", None), (f"/j/{code}", None),
             (f"/w/{code}", ("participant", w.people[1]["token"])),
             (f"/w/{code}/facilitate", ("facilitator", w.token)),
             (f"/w/{code}/screen", ("facilitator", w.token)),
             (f"/w/{code}/handout", ("facilitator", w.token))]
    for path, key in cases:
        page = pages.new(1280, 900)
        context = page.context
        elsewhere: list[str] = []
        asked: list[str] = []

        def route(route: Any, elsewhere: list[str] = elsewhere, asked: list[str] = asked) -> None:
            url = route.request.url
            asked.append(url)
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") \
                    and urlsplit(url).netloc != ours:
                elsewhere.append(url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", route)
        page.on("websocket", lambda ws, elsewhere=elsewhere: elsewhere.append(ws.url)
                if urlsplit(ws.url).netloc != ours else None)
        if key:
            page.goto(app_server.base_url + "/privacy")
            page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                          [f"flipchart:{code}:{key[0]}", key[1]])
        page.goto(app_server.base_url + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert elsewhere == [], (path, elsewhere)
        assert any("/static/" in url for url in asked), path  # the route did see requests
        footer = page.locator("footer a[href='/privacy']")
        expect(footer).to_have_count(1)
        expect(footer).to_have_text("Privacy")
        context.close()

    page = pages.new(1280, 900)
    page.goto(app_server.base_url + "/privacy")
    expect(page.locator("h1")).to_have_text("Privacy")
    days = app_server.api("GET", "/api/limits")["retention_days"]
    expect(page.locator("#retention-days")).to_have_text(str(days))
    assert pages.errors == []


@pytest.mark.parametrize("mode", ["keep_anonymous", "delete"])
def test_leave_and_erase_me_takes_the_name_off_every_board_live(
    app_server: Server, pages: Pages, shots: Any, mode: str
) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server, mode)
    code = w.code
    zelda, ben = w.people
    _notes(app_server, code, zelda, ["Zelda's first card", "Zelda's second card"])
    _notes(app_server, code, ben, ["Ben's card"])

    watcher = pages.board(app_server, code, ben["token"],
                          storage={"flipchart:view": "canvas"})
    theirs = watcher.locator(".note", has_text="Zelda's first card")
    expect(theirs.locator(".author")).to_contain_text(NAME)

    leaver = pages.board(app_server, code, zelda["token"])
    leaver.get_by_role("button", name="Leave and erase me").click()
    dialog = leaver.locator("#erase-dialog")
    expect(dialog).to_be_visible()
    said = "Your 2 notes are deleted from every board" if mode == "delete" \
        else "Your 2 notes stay on the board, without your name"
    expect(dialog).to_contain_text(said)
    expect(dialog).to_contain_text("Removed participant")
    expect(dialog).to_contain_text("This cannot be undone.")
    leaver.screenshot(path=str(shots / f"erase-dialog-{mode}.png"))
    dialog.get_by_role("button", name="Leave and erase me").click()
    expect(dialog).to_contain_text("You have left")
    assert leaver.evaluate(f"localStorage.getItem('flipchart:{code}:participant')") is None
    assert leaver.evaluate("localStorage.getItem('flipchart:name')") is None

    if mode == "delete":
        expect(watcher.locator(".note", has_text="Zelda's")).to_have_count(0)
    else:
        expect(watcher.locator(".note", has_text="Zelda's")).to_have_count(2)
        expect(theirs.locator(".author")).to_have_text("— Removed participant")
    expect(watcher.locator(".note", has_text="Ben's card")).to_have_count(1)
    expect(watcher.locator("body")).not_to_contain_text(NAME)
    watcher.screenshot(path=str(shots / f"erase-watcher-{mode}.png"))

    exported = app_server.api("GET", f"/api/workshops/{code}/export?format=json", token=w.token)
    assert NAME not in json.dumps(exported)
    assert pages.errors == []


def test_the_facilitator_deletes_the_workshop_after_the_download_is_offered(
    app_server: Server, pages: Pages, shots: Any
) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server)
    code = w.code
    _notes(app_server, code, w.people[0], ["Kept until the end"])
    board = pages.board(app_server, code, w.people[1]["token"])

    page = pages.keyed(app_server, code, w.token, f"/w/{code}/facilitate", role="facilitator")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("#retention-note")).to_contain_text("days after its last activity")
    page.get_by_role("button", name="Delete this workshop…").click()
    dialog = page.locator("#delete-dialog")
    expect(dialog.locator("h2")).to_have_text(f"Delete “Privacy check” ({code})?")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Download everything (JSON)").click()
    saved = download.value
    assert saved.suggested_filename == f"flipchart-{code}.json"
    assert "Kept until the end" in Path(saved.path()).read_text()
    dialog.get_by_role("button", name="Delete for good").click()
    expect(dialog.locator("[role=alert]")).to_contain_text(f"Type the join code {code}")
    dialog.get_by_label(f"To confirm, type the join code {code}").fill(code.lower())
    page.screenshot(path=str(shots / "delete-dialog.png"))
    dialog.get_by_role("button", name="Delete for good").click()
    expect(dialog).to_contain_text("Nothing of “Privacy check” is left on this server")
    # The participant's board says so at once (the socket's 4410).
    expect(board.locator("#erase-dialog")).to_contain_text("The facilitator deleted this workshop")
    with pytest.raises(Exception, match="404"):
        app_server.api("GET", f"/api/workshops/{code}")
    assert page.evaluate(f"localStorage.getItem('flipchart:{code}:facilitator')") is None
    assert [e for e in pages.errors if "404" not in e] == []


def _no_blocking_findings(page: Any, what: str) -> None:
    from .test_accessibility import BLOCKING_IMPACTS, STRUCTURE, WCAG_TAGS, _axe, _describe

    violations = _axe(page)
    blocking = [v for v in violations
                if (v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS))
                or v["id"] in STRUCTURE]
    assert not blocking, f"{what}:\n{_describe(blocking)}"


@pytest.mark.parametrize("width", [1366, 390])
def test_the_privacy_page_and_the_erase_and_delete_dialogs_pass_axe(
    app_server: Server, pages: Pages, width: int
) -> None:
    from playwright.sync_api import expect

    w = _workshop(app_server)
    code = w.code
    page = pages.new(width, 844, bypass_csp=True)
    page.goto(app_server.base_url + "/privacy")
    expect(page.locator("#retention-days")).to_have_text("30")
    _no_blocking_findings(page, f"privacy @ {width}")

    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [f"flipchart:{code}:participant", w.people[0]["token"]])
    page.goto(f"{app_server.base_url}/w/{code}")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    page.get_by_role("button", name="Leave and erase me").click()
    expect(page.locator("#erase-dialog")).to_be_visible()
    _no_blocking_findings(page, f"erase dialog @ {width}")

    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [f"flipchart:{code}:facilitator", w.token])
    page.goto(f"{app_server.base_url}/w/{code}/facilitate")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    page.get_by_role("button", name="Delete this workshop…").click()
    expect(page.locator("#delete-dialog")).to_be_visible()
    _no_blocking_findings(page, f"delete dialog @ {width}")
    assert not pages.errors, pages.errors
