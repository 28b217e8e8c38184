"""A projector that pairs: /screen on a browser without the facilitator's key shows a pairing
code and its QR code; the facilitator types it on the control panel (or opens the /pair link)
and the projector shows the workshop with a read-only token of its own; unpairing sends it
back to a fresh code."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PAIRING_CODE = re.compile(f"^[{ALPHABET}]{{6}}$")


def _workshop(server: Server, title: str,
              names: tuple[str, ...] = ("Ana", "Ben")) -> tuple[str, str]:
    w = server.workshop(names, groups=2, title=title)
    return w.code, w.token


def _as_facilitator(pages: Pages, server: Server, keys: dict[str, str], path: str,
                    width: int = 1366, height: int = 768, **options: Any) -> Any:
    page = pages.new(width, height, **options)
    page.goto(server.base_url + "/")  # same origin first, to hand over the keys
    for code, token in keys.items():
        page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                      [f"flipchart:{code}:facilitator", token])
    page.goto(server.base_url + path)
    return page


def _shown_code(page: Any) -> str:
    from playwright.sync_api import expect

    expect(page.locator(".pair-code")).to_have_text(PAIRING_CODE)
    code: str = page.locator(".pair-code").inner_text()
    return code


def _status(server: Server, method: str, path: str, token: str, body: Any = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.base_url + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def _expect_refusals(page: Any) -> list[str]:
    """The URLs that answer 404 on this page; each also logs a console error."""
    refused: list[str] = []
    page.on("response", lambda r: refused.append(f"{r.request.method} {r.url}")
            if r.status == 404 else None)
    return refused


def _errors_but(pages: Pages, refused: list[str]) -> list[str]:
    """The page errors, less one "404" console line per expected refusal (a wrong code)."""
    assert all(re.fullmatch(r"POST http://[^/]+/api/workshops/\w+/screens", r) for r in refused)
    errors, left = [], len(refused)
    for error in pages.errors:
        if left and "status of 404" in error:
            left -= 1
        else:
            errors.append(error)
    return errors


def test_a_projector_pairs_from_the_control_panel_and_is_unpaired(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    code, token = _workshop(app_server, "Pairing test")
    projector = pages.new(1920, 1080)
    projector.goto(app_server.base_url + "/screen")
    first = _shown_code(projector)
    expect(projector.locator("h1")).to_have_count(1)
    expect(projector.locator(".pair-qr")).to_have_attribute(
        "src", f"/api/screens/pair-qr.svg?code={first}")
    expect(projector.locator(".pair-link")).to_contain_text(f"/pair?code={first}")
    expect(projector.locator("#conn")).to_have_text("Waiting to be paired")
    projector.wait_for_timeout(300)  # the QR image has loaded
    projector.screenshot(path=str(shots / "screen-pairing-1920.png"))
    small = pages.new(1280, 720)
    small.goto(app_server.base_url + "/screen")
    assert _shown_code(small) != first  # a screen of its own
    small.wait_for_timeout(300)
    small.screenshot(path=str(shots / "screen-pairing-1280.png"))
    # The token is kept by the projector, never put into a URL.
    screen_token = projector.evaluate("localStorage.getItem('flipchart:screen')")
    assert screen_token and screen_token not in projector.url

    panel = _as_facilitator(pages, app_server, {code: token}, f"/w/{code}/facilitate")
    refused = _expect_refusals(panel)
    card = panel.locator("#screens-card")
    expect(card.get_by_role("heading", name="Projector screens")).to_be_visible()
    expect(card).to_contain_text("No screen is paired.")
    # A wrong code says why; the field keeps it for correction.
    card.get_by_label("Pairing code").fill("ZZZZZZ")
    card.get_by_role("button", name="Pair", exact=True).click()
    expect(card.get_by_role("alert")).to_contain_text("No screen is waiting with the code ZZZZZZ")
    card.get_by_label("Pairing code").fill(f"{first[:3].lower()} {first[3:]}")
    card.get_by_role("button", name="Pair", exact=True).click()
    expect(card.get_by_role("status")).to_contain_text(f"Screen {first} paired")
    expect(card.get_by_role("alert")).to_have_text("")

    # Within a few seconds the projector shows the workshop: its join code and the lobby.
    expect(projector.locator(".screen-code")).to_have_text(code, timeout=6_000)
    expect(projector.locator(".screen-names")).to_contain_text("Ana")
    expect(projector.locator(".screen-names")).to_contain_text("Ben")
    expect(projector.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(projector.locator("#workshop-title")).to_have_text("Pairing test")
    stored = projector.evaluate("Object.keys(localStorage)")
    assert stored == ["flipchart:screen"], stored
    assert not any(token in (projector.evaluate(f"localStorage.getItem({k!r})") or "")
                   for k in stored)

    # The screen's own token can change nothing.
    assert _status(app_server, "POST", f"/api/workshops/{code}/phase", screen_token,
                   {"action": "start"}) == 403
    assert _status(app_server, "GET", f"/api/workshops/{code}/screens", screen_token) == 403
    assert _status(app_server, "GET", "/api/screens/me", screen_token) == 200

    # The card lists it online (the list refreshes every few seconds).
    row = card.locator(".pair-list li")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("online", timeout=8_000)
    panel.wait_for_timeout(200)
    card.screenshot(path=str(shots / "screens-card-1366.png"))
    phone = _as_facilitator(pages, app_server, {code: token}, f"/w/{code}/facilitate",
                            390, 844, phone=True)
    phone_card = phone.locator("#screens-card")
    expect(phone_card.locator(".pair-list li")).to_contain_text("online")
    phone_card.screenshot(path=str(shots / "screens-card-390.png"))
    phone.screenshot(path=str(shots / "facilitate-screens-390.png"), full_page=True)

    # Unpaired from the panel: the projector goes back to a fresh code at once.
    card.get_by_role("button", name=re.compile(r"^Unpair screen \d+$")).click()
    expect(card.get_by_role("status")).to_contain_text("unpaired")
    expect(card).to_contain_text("No screen is paired.")
    expect(projector.locator(".pair-code")).to_have_text(PAIRING_CODE, timeout=6_000)
    assert _shown_code(projector) != first
    assert projector.locator(".screen-code").count() == 0
    assert app_server.api("GET", "/api/screens/me", token=screen_token)["workshop_code"] is None
    assert projector.evaluate("localStorage.getItem('flipchart:screen')") != screen_token
    assert len(refused) == 1 and not _errors_but(pages, refused), (refused, pages.errors)


def test_the_pair_link_pairs_after_the_facilitator_chooses_the_workshop(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    code, token = _workshop(app_server, "Link pairing", ("Cleo",))
    other, other_token = _workshop(app_server, "Another workshop", ())
    # The workshop's own projector URL, on a browser without the key: the pairing code.
    projector = pages.new(1280, 720)
    projector.goto(f"{app_server.base_url}/w/{code}/screen")
    pairing = _shown_code(projector)
    link = app_server.base_url + f"/pair?code={pairing}"
    expect(projector.locator(".pair-link")).to_contain_text(f"/pair?code={pairing}")

    # A browser without a facilitator key cannot pair; it says where to go.
    stranger = pages.new(390, 844, phone=True)
    stranger.goto(link)
    expect(stranger.locator("#message")).to_contain_text("does not run a workshop")
    expect(stranger.get_by_role("button")).to_have_count(0)
    stranger.screenshot(path=str(shots / "pair-no-key-390.png"), full_page=True)

    # With two workshops in this browser the facilitator chooses; nothing pairs unasked.
    chooser = _as_facilitator(pages, app_server, {code: token, other: other_token},
                              f"/pair?code={pairing}", 390, 844, phone=True)
    expect(chooser.locator("#code")).to_have_text(pairing)
    expect(chooser.locator("#message")).to_contain_text("Which workshop")
    expect(chooser.locator("#choices button")).to_have_count(2)
    chooser.screenshot(path=str(shots / "pair-choose-390.png"), full_page=True)
    chooser.get_by_role("button", name=f"Show “Link pairing” ({code})").click()
    expect(chooser.locator("#message")).to_contain_text(
        f"the screen {pairing} shows “Link pairing”")
    expect(chooser.get_by_role("link", name="Back to the facilitator page")).to_have_attribute(
        "href", f"/w/{code}/facilitate")
    chooser.screenshot(path=str(shots / "pair-done-390.png"), full_page=True)
    expect(projector.locator(".screen-code")).to_have_text(code, timeout=6_000)
    expect(projector.locator(".screen-names")).to_contain_text("Cleo")

    # The link again: its code is spent, and the page says so.
    single = _as_facilitator(pages, app_server, {other: other_token}, f"/pair?code={pairing}")
    refused = _expect_refusals(single)
    expect(single.locator("#message")).to_contain_text("Show your workshop on the screen")
    single.get_by_role("button", name=f"Show “Another workshop” ({other})").click()
    expect(single.get_by_role("alert")).to_contain_text(
        f"No screen is waiting with the code {pairing}")
    assert len(refused) == 1 and not _errors_but(pages, refused), (refused, pages.errors)


def test_an_expired_code_is_replaced_by_a_new_one(app_server: Server, pages: Pages) -> None:
    """The server says the code no longer waits (15 minutes passed): the screen gets another."""
    projector = pages.new(1280, 720)
    expired = {"status": 200, "content_type": "application/json",
               "body": json.dumps({"id": 1, "workshop_code": None, "paired_at": None,
                                   "pairing_code": None, "expires_at": None,
                                   "server_now": 0})}
    answered: list[int] = []

    def once_expired(route: Any) -> None:
        if answered:
            route.continue_()
        else:
            answered.append(1)
            route.fulfill(**expired)

    projector.goto(app_server.base_url + "/screen")
    first = _shown_code(projector)
    token = projector.evaluate("localStorage.getItem('flipchart:screen')")
    projector.route("**/api/screens/me", once_expired)
    from playwright.sync_api import expect

    expect(projector.locator(".pair-code")).not_to_have_text(first, timeout=6_000)
    assert PAIRING_CODE.match(_shown_code(projector))
    assert projector.evaluate("localStorage.getItem('flipchart:screen')") != token
    assert not pages.errors, pages.errors
