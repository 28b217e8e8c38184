"""When the server ends a board's socket for good, the participant is told why."""

from __future__ import annotations

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e


def test_a_board_pushed_out_by_too_many_tabs_says_so_and_can_take_over(
    app_server: Server, pages: Pages,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana"])
    code, (person,) = w.code, w.people
    first = pages.board(app_server, code, person["token"], phone=True)
    # Five more tabs with the same key: the server keeps five sockets, the oldest goes.
    for _ in range(5):
        pages.board(app_server, code, person["token"], phone=True)
    banner = first.locator(".stop-banner")
    expect(banner).to_contain_text("too many other tabs")
    banner.get_by_role("button", name="Use it here").click()
    expect(first.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(banner).to_have_count(0)
    assert not pages.errors, pages.errors


def test_a_board_of_a_deleted_workshop_says_it_was_deleted(
    app_server: Server, pages: Pages,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana"])
    code, token, (person,) = w.code, w.token, w.people
    page = pages.board(app_server, code, person["token"], phone=True)
    app_server.api("DELETE", f"/api/workshops/{code}", token=token)
    expect(page.locator(".stop-banner")).to_contain_text("deleted this workshop")
    assert not pages.errors, pages.errors
