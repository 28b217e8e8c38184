"""When the server ends a board's socket for good, the participant is told why."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e


def _board(app_server: Server, pages: Pages, code: str, token: str) -> Any:
    from playwright.sync_api import expect

    page = pages.new(390, 844, phone=True)
    page.goto(app_server.base_url + "/")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [f"flipchart:{code}:participant", token])
    page.goto(f"{app_server.base_url}/w/{code}")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    return page


def test_a_board_pushed_out_by_too_many_tabs_says_so_and_can_take_over(
    app_server: Server, pages: Pages,
) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 1})
    code = made["code"]
    person = app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Ana"})
    first = _board(app_server, pages, code, person["token"])
    # Five more tabs with the same key: the server keeps five sockets, the oldest goes.
    for _ in range(5):
        _board(app_server, pages, code, person["token"])
    banner = first.locator(".stop-banner")
    expect(banner).to_contain_text("too many other tabs")
    banner.get_by_role("button", name="Use it here").click()
    expect(first.locator("#conn")).to_have_attribute("data-state", "connected")


def test_a_board_of_a_deleted_workshop_says_it_was_deleted(
    app_server: Server, pages: Pages,
) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 1})
    code, token = made["code"], made["facilitator_token"]
    person = app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Ana"})
    page = _board(app_server, pages, code, person["token"])
    app_server.api("DELETE", f"/api/workshops/{code}", token=token)
    expect(page.locator(".stop-banner")).to_contain_text("deleted this workshop")
