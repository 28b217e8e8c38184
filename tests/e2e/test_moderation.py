"""Moderation in real browsers: moving a participant who is writing keeps their unsent
text; removing one tells their board why; the facilitator's People section and
co-facilitators card at a phone and a laptop (screenshots, axe); joining while locked; the
read-only view of a group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 AA findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[str] = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                             resultTypes: ["violations"]});
          return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }""", WCAG_TAGS)
    return found


def person_row(person: dict[str, Any]) -> str:
    """The People section's row of this participant."""
    return f'#mod-people li[data-pid="{person["participant_id"]}"]'


def test_a_participant_moved_while_writing_keeps_the_unsent_text_and_saves_it_in_the_new_group(
    app_server: Server, pages: Pages,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana", "Ben"], groups=2, actions=["start", "next"])
    ana, ben = w.people
    assert ana["group_id"] != ben["group_id"]
    board = pages.board(app_server, w.code, ana["token"], phone=True)
    expect(board.locator("#group-name")).to_have_text("Group 1")
    board.locator('section.panel[data-section="commonalities"] .add-note').click()
    board.fill("#editor-text", "Half a thought about tutors")
    board.evaluate("() => { window.socketBeforeMove = window.flipchartClient.ws; }")
    # The facilitator moves Ana with the People section's list, on a laptop.
    fac = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                      role="facilitator", width=1366, height=768)
    row = fac.locator(person_row(ana))
    row.get_by_label("Move Ana to another group").select_option(label="Group 2")
    expect(fac.locator("#people-status")).to_have_text("Ana moved to Group 2.")
    # Her row says so, and the keyboard focus followed her there.
    expect(row).to_contain_text("Group 2")
    expect(row.get_by_label("Move Ana to another group")).to_be_focused()
    # Her board follows her to the new group; the editor and its text are untouched.
    expect(board.locator("#group-name")).to_have_text("Group 2")
    expect(board.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(board.locator("#editor")).to_be_visible()
    expect(board.locator("#editor-text")).to_have_value("Half a thought about tutors")
    # The same socket, switched to the new group's room: no reconnect.
    assert board.evaluate("() => window.flipchartClient.ws === window.socketBeforeMove")
    board.click("#editor-save")
    expect(board.locator("#editor")).to_be_hidden()
    # Saved in Group 2, where Ben sees it.
    ben_board = pages.board(app_server, w.code, ben["token"])
    expect(ben_board.get_by_text("Half a thought about tutors").first).to_be_visible()
    assert not pages.errors, pages.errors


def test_a_removed_participants_board_says_so_and_their_key_is_refused_after(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana", "Ben"], actions=["start", "next"])
    ana = w.people[0]
    board = pages.board(app_server, w.code, ana["token"], phone=True)
    fac = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                      role="facilitator", width=390, height=844, phone=True)
    row = fac.locator(person_row(ana))
    # One tap each on the phone: Remove, then the answer.
    row.get_by_role("button", name="Remove Ana from the workshop").tap()
    # Asked first, in place; the answer has the focus.
    confirm = row.get_by_role("button", name="Yes, remove Ana")
    expect(confirm).to_be_focused()
    fac.screenshot(path=str(shots / "moderation-remove-confirm-phone.png"), full_page=True)
    confirm.tap()
    expect(fac.locator("#people-status")).to_have_text("Ana was removed from the workshop.")
    expect(fac.locator(person_row(ana))).to_have_count(0)
    banner = board.locator(".stop-banner")
    expect(banner).to_contain_text("The facilitator removed you from this workshop")
    expect(board.locator("#conn")).to_have_attribute("data-state", "offline")
    expect(board.locator(".add-note")).to_have_count(0)
    board.screenshot(path=str(shots / "moderation-removed-board-phone.png"), full_page=True)
    assert not pages.errors, pages.errors


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_people_section_and_co_facilitators_card_work_by_keyboard_and_tap(
    app_server: Server, pages: Pages, shots: Path, size: str,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana", "Ben", "Cy"], groups=2, actions=["start"])
    shape: dict[str, Any] = ({"width": 390, "height": 844, "phone": True} if size == "phone"
                             else {"width": 1366, "height": 768})
    fac = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                      role="facilitator", bypass_csp=True, **shape)
    expect(fac.locator("#mod-people li")).to_have_count(3)
    # Lock joining with the keyboard: a new join is refused with the lock's message.
    fac.locator("#join-lock").focus()
    fac.keyboard.press("Space")
    expect(fac.locator("#people-status")).to_have_text("Joining is locked.")
    joiner = pages.new(390, 844, phone=True)
    joiner.goto(f"{app_server.base_url}/j/{w.code}")
    joiner.fill("#name", "Late Lou")
    joiner.click("#join-button")
    expect(joiner.locator("#error")).to_contain_text("locked joining")
    # A co-facilitator key, shown once, never in a link.
    fac.fill("#cofac-label", "Maria")
    fac.get_by_role("button", name="Add co-facilitator").click()
    key = fac.locator("#cofac-key")
    expect(key).to_be_focused()
    token = key.input_value()
    assert len(token) > 20
    links = fac.locator("#cofac-shown a")
    assert token not in (links.first.get_attribute("href") or "")
    expect(fac.locator("#cofac-card li")).to_have_count(1)
    # Every control in both sections is a 44 px target.
    for control in fac.locator("#people-area button, #people-area select, #people-area a, "
                               "#cofac-card button, #join-lock").all():
        box = control.bounding_box()
        if control.get_attribute("id") == "join-lock":
            box = fac.locator("label.mod-lock").bounding_box()
        assert box is not None and box["height"] >= 44, control.evaluate("e => e.outerHTML")
    fac.locator("#people-area").scroll_into_view_if_needed()
    fac.screenshot(path=str(shots / f"moderation-panel-{size}.png"), full_page=True)
    assert serious_violations(fac) == []
    # The co-facilitator's own page: their key pasted, the phase controls theirs too, but
    # not the keys.
    co = pages.keyed(app_server, w.code, token, f"/w/{w.code}/facilitate", role="facilitator",
                     bypass_csp=True, **shape)
    expect(co.locator("#conn")).to_have_attribute("data-state", "connected")
    expect(co.locator("#cofac-card")).to_contain_text("only the workshop's lead facilitator")
    # Deleting is the lead's alone: the co-facilitator is told so instead of a button.
    expect(co.locator("#delete-lead-only")).to_be_visible()
    expect(co.locator("#delete-workshop")).to_be_hidden()
    expect(fac.locator("#delete-workshop")).to_be_visible()
    co.locator("#danger-card").scroll_into_view_if_needed()
    co.screenshot(path=str(shots / f"moderation-co-facilitator-{size}.png"))
    assert serious_violations(co) == []
    # Revoked: the co-facilitator's page is shut out at once.
    fac.get_by_role("button", name="Revoke the key of Maria").click()
    expect(fac.locator("#cofac-status")).to_contain_text("was revoked")
    expect(co.locator("#fatal")).to_be_visible()
    assert not [e for e in pages.errors if "423" not in e and "401" not in e], pages.errors


def test_viewing_a_group_as_a_participant_is_read_only(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana", "Ben"], groups=2, actions=["start", "next"])
    ana = w.people[0]
    w.notes(ana, [{"section": "commonalities", "text": "Seen by the facilitator", "x": 20,
                   "y": 20}])
    fac = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                      role="facilitator", width=1366, height=768)
    link = fac.get_by_role("link", name="View Group 1 as a participant")
    href = link.get_attribute("href") or ""
    assert href == f"/w/{w.code}?view={ana['group_id']}" and w.token not in href
    view = pages.keyed(app_server, w.code, w.token, href, role="facilitator", width=390,
                       height=844, phone=True, bypass_csp=True)
    expect(view.locator("#view-banner")).to_contain_text("Group 1")
    # Every section is read-only here, so folded as such; opened, it shows the group's notes.
    panel = view.locator('section.panel[data-section="commonalities"]')
    panel.get_by_role("button", name="Show").click()
    expect(panel.get_by_text("Seen by the facilitator").first).to_be_visible()
    # Nothing offers to write, though the phase has open sections.
    expect(view.locator(".add-note")).to_have_count(0)
    expect(view.locator("#erase-card")).to_be_hidden()
    view.screenshot(path=str(shots / "moderation-view-as-participant-phone.png"), full_page=True)
    assert serious_violations(view) == []
    assert not pages.errors, pages.errors


def test_a_phase_button_pressed_on_a_stale_page_is_refused_and_the_page_says_why(
    app_server: Server, pages: Pages,
) -> None:
    import json

    from playwright.sync_api import expect

    w = app_server.workshop(["Ana"], actions=["start"])
    co = app_server.api("POST", f"/api/workshops/{w.code}/facilitators", {"label": "Maria"},
                        w.token)
    page = pages.new(1366, 768)
    stale = {"on": False}

    def hold_phase_events(ws: Any) -> None:
        # The co-facilitator's page stops hearing phase changes: it keeps showing the
        # phase as it was, as a page does in the instant before an event arrives.
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if stale["on"] and frame.get("type") == "event" and frame.get("kind") == "phase":
                return
            ws.send(message)

        server.on_message(from_server)

    page.route_web_socket("**/ws/workshops/**", hold_phase_events)
    page.goto(app_server.base_url + "/")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)",
                  [f"flipchart:{w.code}:facilitator", co["token"]])
    page.goto(f"{app_server.base_url}/w/{w.code}/facilitate")
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    pause = page.locator('#controls button[data-action="pause"]')
    expect(pause).to_be_visible()
    stale["on"] = True
    # The lead pauses first; the co-facilitator, still seeing it running, presses Pause too.
    app_server.api("POST", f"/api/workshops/{w.code}/phase", {"action": "pause"}, w.token)
    pause.click()
    expect(page.locator(".toast")).to_contain_text("Someone else changed the phase just "
                                                   "before you")
    info = app_server.api("GET", f"/api/workshops/{w.code}")
    assert info["phase"]["status"] == "paused"
    assert not pages.errors, pages.errors
