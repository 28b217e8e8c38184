"""End to end: the printable handout, one A4 page per group, with the timing record first."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import pytest

from .conftest import Pages, Server
from .test_phases_and_plenary import _open_as, _phase, _workshop

pytestmark = pytest.mark.e2e

PDF_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def _ops(server: Server, code: str, token: str, room: str, notes: list[dict[str, Any]]) -> None:
    """note.create ops over the websocket protocol, as a participant's browser sends them."""
    from websockets.sync.client import connect

    url = server.base_url.replace("http://", "ws://") + f"/ws/workshops/{code}"
    with connect(url, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "hello", "token": token}))
        deadline = time.monotonic() + 10
        while json.loads(ws.recv(timeout=10)).get("type") != "welcome":
            assert time.monotonic() < deadline
        for data in notes:
            op_id = str(uuid.uuid4())
            ws.send(json.dumps({"type": "op", "op_id": op_id, "room": room,
                                "kind": "note.create", "data": data}))
            while True:
                msg = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if msg.get("op_id") == op_id and msg["type"] != "event":
                    assert msg["type"] == "ack", msg
                    break


def test_the_handout_prints_one_a4_page_per_group(app_server: Server, pages: Pages,
                                                  shots: Any) -> None:
    from playwright.sync_api import expect

    title = "Handout test"
    names = ["Ana", "Ben"]
    code, token, joined = _workshop(app_server, title, 2, names)
    for person, name in zip(joined, names, strict=True):
        person["name"] = name
    assert len({p["group_id"] for p in joined}) == 2
    _phase(app_server, code, token, "start", "pause", "resume")
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "extend", "seconds": 300},
                   token)
    expected: dict[str, list[str]] = {}
    joined.sort(key=lambda p: p["group_id"])  # the handout lists groups in order
    for person in joined:
        room = f"group:{person['group_id']}"
        steps = [f"{room} tutor notices absences", f"{room} counsellor meets the family"]
        _ops(app_server, code, person["token"], room, [
            {"section": "procedure", "text": steps[0], "actors": ["class tutor"]},
            {"section": "procedure", "text": steps[1], "actors": ["school counsellor", "family"]},
        ])
        expected[room] = steps
    _phase(app_server, code, token, "next")  # the group phase reveals the steps
    for person in joined:
        room = f"group:{person['group_id']}"
        cards = [f"{room} shares one referral form", f"{room} lacks time for tutoring"]
        _ops(app_server, code, person["token"], room, [
            {"section": "commonalities", "text": cards[0]},
            {"section": "challenges", "text": cards[1]}])
        expected[room] += cards
    _phase(app_server, code, token, "next", "next", "next")  # toolkit, action, plenary

    page = _open_as(pages, app_server, code, "facilitator", token, f"/w/{code}/handout")
    groups = page.locator(".handout-group")
    expect(groups).to_have_count(2)
    expect(page.locator("h1")).to_have_text(title)
    timing = groups.first.locator(".handout-timing")
    expect(timing.locator("tbody tr")).to_have_count(5)
    expect(timing.locator("tbody tr").first).to_contain_text("Individual work")
    expect(timing.locator("tbody tr").first).to_contain_text("+5 min")
    expect(timing.locator("tbody tr").first).to_contain_text("moved on early")
    expect(groups.nth(1).locator(".handout-timing")).to_have_count(0)
    for index, (room, texts) in enumerate(expected.items()):
        group = groups.nth(index)
        for text in texts:
            expect(group.get_by_text(text)).to_have_count(1)
        other = [t for r, ts in expected.items() if r != room for t in ts]
        for text in other:
            expect(group.get_by_text(text)).to_have_count(0)
    first_step = groups.first.locator(".steps li").first
    expect(first_step).to_contain_text("class tutor")
    expect(first_step).to_contain_text(f"by {joined[0]['name']}")
    expect(page.locator("#print")).to_be_visible()
    expect(page.locator("#print")).to_be_enabled()
    page.screenshot(path=str(shots / "handout-screen.png"), full_page=True)

    pdf = page.pdf(format="A4", print_background=True)
    assert len(PDF_PAGE.findall(pdf)) == 2
    (shots / "handout.pdf").write_bytes(pdf)

    page.emulate_media(media="print")
    expect(page.locator("#print")).to_be_hidden()
    body_size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.cards li')).fontSize)")
    assert body_size >= 11 * 96 / 72 - 0.01  # 11pt in CSS pixels
    # A4 less the 15 mm margins, at 96 dpi: the printed page's content box. Each group
    # fits in it, and a screenshot of the first one is what its printed page looks like.
    page.set_viewport_size({"width": 680, "height": 1009})
    heights = page.locator(".handout-group").evaluate_all(
        "groups => groups.map(g => g.getBoundingClientRect().height)")
    assert all(h <= 1009 for h in heights), heights
    groups.first.screenshot(path=str(shots / "handout-print-page1.png"))
    groups.nth(1).screenshot(path=str(shots / "handout-print-page2.png"))
    assert not pages.errors, pages.errors
