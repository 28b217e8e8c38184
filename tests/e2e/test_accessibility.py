"""Accessibility: axe-core (tests/e2e/vendor/axe.min.js) on every page and state, at a laptop
and a phone viewport.

A case fails on any WCAG 2.1 A/AA violation of impact "critical" or "serious", and on the
structural rules every page keeps (one h1, a main landmark, all content in landmarks).
Moderate and minor findings are printed (run with -s to see them on passing cases).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server
from .conftest import Workshop as BaseWorkshop

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules run too, so that the structure is checked and moderate findings shown,
# and axe's experimental rules, among them label-content-name-mismatch (WCAG 2.5.3).
TAGS = [*WCAG_TAGS, "best-practice", "experimental"]
BLOCKING_IMPACTS = {"critical", "serious"}
STRUCTURE = {"page-has-heading-one", "landmark-one-main", "region", "landmark-unique",
             "landmark-no-duplicate-main", "landmark-main-is-top-level"}

VIEWPORTS: dict[str, dict[str, Any]] = {
    "laptop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}

STATES = ["join", "create",
          "facilitate-lobby", "facilitate-running", "facilitate-plenary",
          "screen-lobby", "screen-running", "screen-plenary",
          "board-lobby", "board-individual", "board-group", "board-plenary",
          "screen-pairing", "pair-no-key", "pair-choose", "pair-done"]

COLOURS = ["yellow", "pink", "blue", "green", "orange", "purple"]
BOARD_TITLES = {"board-lobby": "Waiting for the facilitator to start",
                "board-individual": "Individual work", "board-group": "Work in small groups",
                "board-plenary": "Plenary"}


# --- the workshop, brought to each state over the API -----------------------------------

class Workshop(BaseWorkshop):
    def __init__(self, server: Server, groups: int = 2) -> None:
        super().__init__(server, ("Ana", "Ben"), groups=groups, title="Axe workshop")

    def procedure(self, person: dict[str, Any], tags: list[str]) -> None:
        """One step note in every colour, with tags, spread over the canvas."""
        self.notes(person, [
            {"section": "procedure", "colour": colour, "actors": tags,
             "text": f"{person['name']}: step in {colour}", "x": 40 + 280 * (i % 5),
             "y": 40 + 200 * (i // 5)}
            for i, colour in enumerate(COLOURS)])


def _prepare(server: Server, state: str) -> tuple[Workshop | None, str, str | None]:
    """The workshop in `state`, the path to open and whose key it needs."""
    if state == "join":
        return None, "/", None
    if state == "create":
        return None, "/create", None
    if state == "screen-pairing":  # a projector without the facilitator's key
        return None, "/screen", None
    if state.startswith("pair-"):  # the link a screen's QR code opens
        pairing = server.api("POST", "/api/screens")["pairing_code"]
        if state == "pair-no-key":
            return None, f"/pair?code={pairing}", None
        return Workshop(server), f"/pair?code={pairing}", "facilitator"
    page, _, stage = state.partition("-")
    w = Workshop(server)
    ana, ben = w.people
    if stage == "running":
        w.phase("start")
        w.procedure(ana, ["class tutor"])
    elif stage == "individual":
        w.phase("start")
        w.procedure(ana, ["class tutor", "family"])
    elif stage in ("group", "plenary"):
        w.phase("start", "next")
        for person, tags in ((ana, ["class tutor", "family"]), (ben, ["class tutor"])):
            w.procedure(person, tags)
            w.notes(person, [{"section": "challenges", "colour": c,
                              "text": f"Challenge in {c}"} for c in COLOURS[:3]])
        if stage == "plenary":
            w.phase("next", "next", "next")
    role = {"facilitate": "facilitator", "screen": "facilitator", "board": "participant"}[page]
    path = {"facilitate": f"/w/{w.code}/facilitate", "screen": f"/w/{w.code}/screen",
            "board": f"/w/{w.code}"}[page]
    return w, path, role


def _wait_until_ready(page: Any, state: str) -> None:
    from playwright.sync_api import expect

    if state == "join":
        expect(page.locator("#join-button")).to_be_visible()
    elif state == "create":
        expect(page.locator("input[name=template]").first).to_be_attached()
    elif state == "screen-pairing":
        expect(page.locator(".pair-code")).to_have_text(re.compile(r"^\w{6}$"))
    elif state.startswith("pair-"):
        expect(page.locator("#message")).not_to_have_text(re.compile(r"^$|^Looking"))
        if state == "pair-done":
            page.locator("#choices button").click()
            expect(page.locator("#choices a")).to_be_visible()
    else:
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    if state.startswith("facilitate-"):
        expect(page.locator("#phase-title")).not_to_have_text("Loading…")
        expect(page.locator(".group")).to_have_count(2)
    elif state == "screen-lobby":
        expect(page.locator(".screen-code")).to_be_visible()
    elif state == "screen-running":
        expect(page.locator(".screen-countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
    elif state == "screen-plenary":
        expect(page.locator(".plenary-col .mini-note").first).to_be_visible()
    elif state.startswith("board-"):
        expect(page.locator("#phase-title")).to_have_text(BOARD_TITLES[state])
        if state in ("board-individual", "board-group"):  # the notes, as a canvas or a list
            expect(page.get_by_text("Ana: step in purple").first).to_be_attached()
    page.wait_for_timeout(400)  # let the last render and the countdown's tick settle


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                             resultTypes: ["violations"]});
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, tags: v.tags, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                         summary: n.failureSummary}))}));
        }""", TAGS)
    return found


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
        for n in v["nodes"][:4]:
            summary = " ".join((n["summary"] or "").split())[:220]
            lines.append(f"      {n['target']}  {n['html'][:100]!r}\n        {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("state", STATES)
def test_axe_finds_no_serious_violations(app_server: Server, pages: Pages, shots: Path,
                                         state: str, viewport: str) -> None:
    workshop, path, role = _prepare(app_server, state)
    # The pages send a strict Content-Security-Policy; axe is injected as an inline script.
    size = VIEWPORTS[viewport]["viewport"]
    shape = {"width": size["width"], "height": size["height"], "phone": viewport == "phone",
             "bypass_csp": True}
    if workshop is not None and role is not None:
        key = workshop.token if role == "facilitator" else workshop.people[0]["token"]
        page = pages.keyed(app_server, workshop.code, key, path, role=role, **shape)
    else:
        page = pages.new(**shape)
        page.goto(app_server.base_url + path)
    _wait_until_ready(page, state)
    page.screenshot(path=str(shots / f"a11y-{state}-{viewport}.png"), full_page=True)

    violations = _axe(page)
    blocking = [v for v in violations
                if (v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS))
                or v["id"] in STRUCTURE]
    others = [v for v in violations if v not in blocking]
    if others:
        print(f"\n{state} @ {viewport}: other findings\n{_describe(others)}")
    assert not blocking, f"{state} @ {viewport}:\n{_describe(blocking)}"
    assert not pages.errors, pages.errors


def test_phase_changes_and_the_last_minute_are_announced(app_server: Server,
                                                         pages: Pages) -> None:
    """The facilitator page and the screen say a phase change and one minute left in a
    polite live region, once each, and not the countdown's every second."""
    from playwright.sync_api import expect

    w = Workshop(app_server, groups=1)
    app_server.api("PATCH", f"/api/workshops/{w.code}", {"minutes": {"individual": 1}}, w.token)
    opened = []
    for path, lobby in ((f"/w/{w.code}/facilitate", "#controls [data-action=start]"),
                        (f"/w/{w.code}/screen", ".screen-code")):
        page = pages.keyed(app_server, w.code, w.token, path, role="facilitator",
                           width=1366, height=768)
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
        expect(page.locator(lobby)).to_be_visible()
        page.wait_for_timeout(300)  # a tick of the countdown has seen the lobby
        region = page.locator("#announcer")
        expect(region).to_have_attribute("aria-live", "polite")
        expect(region).to_have_text("")  # nothing said on opening
        page.evaluate("""() => { window.said = [];
          const region = document.getElementById("announcer");
          new MutationObserver(() => window.said.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true}); }""")
        opened.append((page, region))
    w.phase("start")
    for _page, region in opened:
        # The phase starts with 1:00 left: its change, then the last minute, are said.
        expect(region).to_have_text("One minute left in Individual work.")
    w.phase("next")
    for page, region in opened:
        expect(region).to_have_text("Work in small groups: Running")
        page.wait_for_timeout(1500)  # the countdown ticks on, silently
        assert page.evaluate("window.said") == [
            "Individual work: Running", "One minute left in Individual work.",
            "Work in small groups: Running"], page.url
    assert not pages.errors, pages.errors
