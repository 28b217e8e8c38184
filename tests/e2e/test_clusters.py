"""The plenary synthesis in the browser: a cluster built by keyboard alone on the control
panel shows on a paired projector, as clusters and as the procedures side by side; axe
finds nothing serious on either page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .conftest import Pages, Server
from .test_accessibility import BLOCKING_IMPACTS, _axe, _describe

PAIRING_CODE = re.compile(r"[A-Z0-9]{6}")
STEPS = {
    0: ["Teacher notices repeated absences", "Tutor informs the school counsellor",
        "Counsellor meets the learner and family"],
    1: ["Class tutor tells the counsellor", "Family is invited to a meeting"],
}


def _plenary_workshop(server: Server) -> Any:
    """Two groups, each with a numbered procedure, in the plenary."""
    w = server.workshop(("Ana", "Ben"), groups=2, title="Synthesis test",
                        actions=("start", "next"))
    by_group: dict[int, dict[str, Any]] = {}
    for person in w.people:
        by_group.setdefault(person["group_id"], person)
    assert len(by_group) == 2
    for index, person in enumerate(by_group.values()):
        w.notes(person, [{"section": "procedure", "text": text} for text in STEPS[index]])
    w.phase("next", "next", "next")
    return w


def _paired_projector(server: Server, pages: Pages, code: str, token: str) -> Any:
    from playwright.sync_api import expect

    projector = pages.new(1920, 1080, bypass_csp=True)
    projector.goto(server.base_url + "/screen")
    expect(projector.locator(".pair-code")).to_have_text(PAIRING_CODE)
    pairing = projector.locator(".pair-code").inner_text()
    server.api("POST", f"/api/workshops/{code}/screens", {"pairing_code": pairing}, token)
    expect(projector.locator("#conn")).to_have_attribute("data-state", "connected",
                                                         timeout=8_000)
    return projector


def _serious(page: Any) -> list[dict[str, Any]]:
    return [v for v in _axe(page) if v["impact"] in BLOCKING_IMPACTS]


def test_a_cluster_built_by_keyboard_on_the_panel_shows_on_the_paired_screen(
    app_server: Server, pages: Pages, shots: Path,
) -> None:
    from playwright.sync_api import expect

    w = _plenary_workshop(app_server)
    projector = _paired_projector(app_server, pages, w.code, w.token)
    panel = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                        role="facilitator", width=1366, height=768, bypass_csp=True)
    expect(panel.locator("#conn")).to_have_attribute("data-state", "connected")
    area = panel.locator("#clusters-area")
    expect(area.get_by_role("heading", name="Synthesis: clusters across groups")).to_be_visible()

    # Keyboard only: focus the label field, type, Tab to the kind, choose, Tab, Enter.
    area.get_by_label("Label of a new cluster").focus()
    panel.keyboard.type("Common first step: tutor informs counsellor")
    panel.keyboard.press("Tab")
    expect(area.get_by_label("Kind", exact=True)).to_be_focused()
    panel.keyboard.press("ArrowDown")  # commonality -> difference
    panel.keyboard.press("ArrowUp")    # back to commonality
    panel.keyboard.press("Tab")
    panel.keyboard.press("Enter")
    item = area.locator(".cluster-item")
    expect(item).to_have_count(1)
    # Focus moved to the new cluster's list of notes: choose a step of each group.
    picker = item.locator("select.cluster-pick")
    expect(picker).to_be_focused()
    for text in ("Tutor informs the school counsellor", "Class tutor tells the counsellor"):
        value = picker.locator("option", has_text=text).get_attribute("value")
        picker.select_option(value)  # a list chosen from by keyboard (as the arrow keys do)
        expect(picker).to_be_focused()
        panel.keyboard.press("Tab")
        expect(item.get_by_role("button", name="Add note")).to_be_focused()
        panel.keyboard.press("Enter")
        expect(item.locator(".cluster-notes")).to_contain_text(text)
        expect(picker).to_be_focused()
    # A second cluster, then moved first, by keyboard.
    area.get_by_label("Label of a new cluster").focus()
    panel.keyboard.type("Families come in late")
    panel.keyboard.press("Tab")
    panel.keyboard.press("ArrowDown")  # difference
    panel.keyboard.press("Tab")
    panel.keyboard.press("Enter")
    expect(item).to_have_count(2)
    second = area.locator(".cluster-item").nth(1)
    second.get_by_role("button", name="Move up: “Families come in late”").focus()
    panel.keyboard.press("Enter")
    expect(area.locator(".cluster-item").first.locator(".cluster-label")).to_have_value(
        "Families come in late")
    expect(area.locator(".cluster-item").first.get_by_role(
        "button", name="Move down: “Families come in late”")).to_be_focused()

    # The comparison on the panel: both groups' tutor steps on the cluster's row.
    row = area.locator(".compare-table tr.clustered")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Common first step: tutor informs counsellor")
    expect(row).to_contain_text("2. Tutor informs the school counsellor")
    expect(row).to_contain_text("1. Class tutor tells the counsellor")

    # The projector follows the panel's choice.
    area.get_by_role("button", name="Clusters", exact=True).focus()
    panel.keyboard.press("Enter")
    expect(projector.locator(".plenary-col")).to_have_count(2, timeout=6_000)
    expect(projector.locator(".plenary-col").nth(1)).to_contain_text(
        "Tutor informs the school counsellor")
    expect(projector.locator(".plenary-col").nth(0)).to_contain_text("Families come in late")
    expect(projector.locator(".plenary-col").nth(1)).to_contain_text(
        "Common first step: tutor informs counsellor")
    expect(projector.locator(".plenary-col h3").nth(1)).to_have_text("2. Commonality")
    projector.wait_for_timeout(300)
    projector.screenshot(path=str(shots / "clusters-screen-1920.png"))
    assert not _serious(projector), _describe(_serious(projector))

    area.get_by_role("button", name="Procedure comparison").focus()
    panel.keyboard.press("Enter")
    table = projector.locator(".compare-table")
    expect(table).to_be_visible(timeout=6_000)
    expect(table.locator("tr.clustered")).to_contain_text("Tutor informs the school counsellor")
    # It fits: nothing of it is cut off below the window.
    box = projector.locator(".compare-fit")
    assert box.evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    assert box.evaluate("b => b.getBoundingClientRect().bottom <= innerHeight")
    projector.wait_for_timeout(300)
    projector.screenshot(path=str(shots / "clusters-compare-1920.png"))
    assert not _serious(projector), _describe(_serious(projector))

    area.scroll_into_view_if_needed()
    panel.screenshot(path=str(shots / "clusters-panel-1366.png"), full_page=True)
    assert not _serious(panel), _describe(_serious(panel))

    # Removing a note and deleting a cluster, by keyboard, reach the projector too.
    area.get_by_role("button", name="Group boards").focus()
    panel.keyboard.press("Enter")
    expect(projector.locator(".compare-table")).to_have_count(0, timeout=6_000)
    # With the clusters up, putting a group in the spotlight brings the boards back.
    area.get_by_role("button", name="Clusters", exact=True).click()
    expect(projector.locator(".cluster-title")).to_have_count(2, timeout=6_000)
    panel.get_by_role("button", name="Spotlight this group").first.click()
    expect(projector.locator(".wall.spotlight")).to_be_visible(timeout=6_000)
    expect(area.get_by_role("button", name="Group boards")).to_have_attribute(
        "aria-pressed", "true")
    assert not [e for e in pages.errors if "favicon" not in e], pages.errors
