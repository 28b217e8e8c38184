"""End to end: the printable handout, one A4 page per group, with the timing record first."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

PDF_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def test_the_handout_prints_one_a4_page_per_group(app_server: Server, pages: Pages,
                                                  shots: Any) -> None:
    from playwright.sync_api import expect

    title = "Handout test"
    w = app_server.workshop(["Ana", "Ben"], groups=2, title=title)
    code, token, joined = w.code, w.token, list(w.people)
    assert len({p["group_id"] for p in joined}) == 2
    w.phase("start", "pause", "resume")
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "extend", "seconds": 300},
                   token)
    expected: dict[str, list[str]] = {}
    joined.sort(key=lambda p: p["group_id"])  # the handout lists groups in order
    for person in joined:
        room = f"group:{person['group_id']}"
        steps = [f"{room} tutor notices absences", f"{room} counsellor meets the family"]
        w.notes(person, [
            {"section": "procedure", "text": steps[0], "actors": ["class tutor"]},
            {"section": "procedure", "text": steps[1], "actors": ["school counsellor", "family"]},
        ])
        expected[room] = steps
    w.phase("next")  # the group phase reveals the steps
    for person in joined:
        room = f"group:{person['group_id']}"
        cards = [f"{room} shares one referral form", f"{room} lacks time for tutoring"]
        w.notes(person, [{"section": "commonalities", "text": cards[0]},
                         {"section": "challenges", "text": cards[1]}])
        expected[room] += cards
    w.phase("next", "next", "next")  # toolkit, action, plenary

    page = pages.keyed(app_server, code, token, f"/w/{code}/handout", role="facilitator")
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
