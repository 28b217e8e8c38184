"""End to end: a facilitator writes a three-phase template in the editor (web/editor.html),
saves it, creates a workshop on it from the create page and runs it to the plenary; a TOML
file imported with a mistake shows the problem next to its field; axe finds nothing serious."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server
from .test_accessibility import BLOCKING_IMPACTS, STRUCTURE, WCAG_TAGS, _axe, _describe

pytestmark = pytest.mark.e2e


def path(page: Any, where: str) -> Any:
    return page.locator(f'#editor-form [data-path="{where}"]')


def _build_three_phases(page: Any) -> None:
    """From the empty template (one cards section, one group phase and the plenary)."""
    from playwright.sync_api import expect

    path(page, "title").fill("Team retro")
    path(page, "audience").fill("A project team")
    path(page, "summary").fill("What went well, what to change, and the two changes to make.")
    path(page, "sections.0.title").fill("Ideas")
    page.select_option("#ed-new-kind", "pick")
    page.click("#ed-add-section")
    path(page, "sections.1.title").fill("The two changes")
    path(page, "sections.1.choose").fill("2")
    path(page, "sections.1.options").fill("Shorter meetings\nPair reviews\nDemo on Fridays")
    path(page, "phases.0.title").fill("On your own")
    path(page, "phases.0.mode").select_option("individual")
    path(page, "phases.0.minutes").fill("5")
    path(page, "phases.0.instructions").fill("Write what went well and what to change.")
    page.locator('#editor-form [data-path="phases.0.sections"] label',
                 has_text="Ideas").locator("input").check()
    page.click("#ed-add-phase")
    path(page, "phases.1.title").fill("Together")
    path(page, "phases.1.instructions").fill("Group the ideas, then pick two changes.")
    path(page, "phases.1.prompts").fill("Which two matter most?")
    for name in ("Ideas", "The two changes"):
        page.locator('#editor-form [data-path="phases.1.sections"] label',
                     has_text=name).locator("input").check()
    page.locator('#editor-form input[data-path="phases.1.vote"]').check()
    path(page, "phases.1.vote.per_person").fill("2")
    page.locator('#editor-form [data-path="phases.1.vote.sections"] label',
                 has_text="Ideas").locator("input").check()
    path(page, "phases.2.title").fill("Plenary")
    # Which phase reveals the private notes of "On your own": "Together", unless it does not.
    reveal = page.locator('#editor-form input[data-path="phases.1.reveal"]')
    reveal.uncheck()
    expect(page.locator("#editor-form .ed-reveal")).to_contain_text("“Plenary” starts")
    reveal.check()
    expect(page.locator("#editor-form .ed-reveal")).to_contain_text("“Together” starts")
    path(page, "phases.2.instructions").fill("Each group presents its two changes.")


def test_a_template_built_in_the_editor_runs_a_workshop_to_the_plenary(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    page = pages.new(1366, 768)
    page.goto(app_server.base_url + "/editor")
    expect(path(page, "phases.1.mode")).to_have_value("plenary")
    _build_three_phases(page)
    # A mistake first: the server's answer is shown next to the field it concerns.
    path(page, "phases.1.minutes").fill("")
    page.click("#save")
    minutes = path(page, "phases.1.minutes")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("needs minutes")
    expect(minutes).to_be_focused()
    minutes.fill("10")
    page.click("#save")
    expect(page.locator("#saved-as")).to_contain_text(re.compile(r"t-[0-9a-f]{16}"))
    expect(page.locator(".field-error")).to_have_count(0)
    key = re.search(r"t-[0-9a-f]{16}", page.locator("#saved-as").inner_text())
    assert key is not None
    saved = app_server.api("GET", f"/api/templates/{key[0]}")
    assert saved["phases"][1]["vote"] == {"per_person": 2, "sections": ["s1"]}
    assert saved["phases"][0]["sections"] == ["s1"] and saved["sections"][1]["choose"] == 2
    stored = json.loads(page.evaluate("localStorage.getItem('flipchart:templates')"))
    assert stored[key[0]]["token"] and key[0] not in page.url.split("key=")[0]
    assert stored[key[0]]["token"] not in page.url
    # The preview shows a phase as a participant sees it.
    page.get_by_role("button", name="Preview: phase 2").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Group the ideas, then pick two changes.")
    expect(preview).to_contain_text("Demo on Fridays")
    page.screenshot(path=str(shots / "template-editor-laptop.png"), full_page=True)

    # Created from the create page, where the saved template is listed beside the built-ins.
    page.click("#use")
    chosen = page.locator(f'input[name=template][value="{key[0]}"]')
    expect(chosen).to_be_checked()
    expect(page.get_by_text("Your templates (saved in this browser)")).to_be_visible()
    page.click("#create-button")
    expect(page).to_have_url(re.compile(r"/w/\w+/facilitate$"))
    expect(page.locator("#phase-title")).not_to_have_text("Loading…")
    code = page.url.split("/w/")[1].split("/")[0]
    joined = app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Ana"})
    board = pages.board(app_server, code, joined["token"], phone=True)
    for title in ("On your own", "Together", "Plenary"):
        page.locator('#controls [data-action="start"]:visible, '
                     '#controls [data-action="next"]:visible').first.click()
        expect(page.locator("#phase-title")).to_have_text(title)
        expect(board.locator("#phase-title")).to_have_text(title)
        if title == "Together":
            expect(board.get_by_text("The two changes").first).to_be_visible()
    info = app_server.api("GET", f"/api/workshops/{code}")
    assert info["template"].startswith("w-") and info["phase"]["mode"] == "plenary"
    # The running workshop's set-up, saved as a new template of this browser's.
    page.click("#save-as-template")
    opened = page.get_by_role("link", name="Open it in the editor")
    expect(opened).to_be_visible()
    again = re.search(r"t-[0-9a-f]{16}", opened.get_attribute("href") or "")
    assert again is not None and again[0] != key[0]
    copy = app_server.api("GET", f"/api/templates/{again[0]}")
    assert [p["title"] for p in copy["phases"]] == ["On your own", "Together", "Plenary"]
    assert len(json.loads(page.evaluate("localStorage.getItem('flipchart:templates')"))) == 2
    # The one refused save above is the only failed request the browser logs.
    unexpected = [e for e in pages.errors if "/editor: Failed to load resource: the server "
                  "responded with a status of 422" not in e]
    assert len(pages.errors) - len(unexpected) == 1 and not unexpected, pages.errors


def test_an_imported_file_shows_its_problem_next_to_the_field_on_a_phone(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    page = pages.new(390, 844, phone=True)
    page.goto(app_server.base_url + "/editor?from=activity-2")
    expect(path(page, "title")).to_have_value(re.compile("risk of early leaving"))
    exported = page.evaluate("fetch('/api/templates/activity-3.toml').then((r) => r.text())")
    broken = exported.replace("minutes = 10\n", "", 1)
    page.set_input_files("#import", files=[{"name": "activity-3.toml", "mimeType":
                                            "application/toml", "buffer": broken.encode()}])
    minutes = path(page, "phases.0.minutes")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error")).to_contain_text("1 problem")
    described = minutes.get_attribute("aria-describedby") or ""
    assert "needs minutes" in page.locator(f"#{described.split()[-1]}").inner_text()
    page.screenshot(path=str(shots / "template-editor-phone.png"), full_page=False)
    # Its translations are named, and can be dropped.
    expect(path(page, "translations")).to_contain_text("Français")
    page.click("#ed-drop-translations")
    expect(path(page, "translations")).to_have_count(0)
    # Keyboard: the first field takes focus from Tab, and every button is a finger wide.
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main .button')]
        .filter((b) => b.offsetParent && b.getBoundingClientRect().height < 44)
        .map((b) => b.textContent)""")
    assert small == []
    assert not pages.errors, pages.errors


def test_phases_are_added_and_reordered_from_the_keyboard_keeping_the_focus(
        app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    page = pages.new(390, 844, phone=True)
    page.goto(app_server.base_url + "/editor")
    path(page, "phases.0.title").fill("First")
    page.locator("#ed-add-phase").focus()
    page.keyboard.press("Enter")
    path(page, "phases.1.title").fill("Second")
    page.get_by_role("button", name="Move down: phase 1").focus()
    page.keyboard.press("Enter")
    expect(path(page, "phases.0.title")).to_have_value("Second")
    expect(path(page, "phases.1.title")).to_have_value("First")
    # The focus stays on the moved phase's button, now phase 2's.
    expect(page.get_by_role("button", name="Move down: phase 2")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # its "Move up": back to where it was
    expect(path(page, "phases.0.title")).to_have_value("First")
    expect(page.locator("#preview")).to_contain_text("First")
    assert not pages.errors, pages.errors


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_axe_finds_no_serious_violations_in_the_editor(
        app_server: Server, pages: Pages, viewport: str) -> None:
    from playwright.sync_api import expect

    # axe goes in as an inline script, which the pages' Content-Security-Policy refuses.
    page = pages.new(1366, 768, bypass_csp=True) if viewport == "laptop" \
        else pages.new(390, 844, phone=True, bypass_csp=True)
    page.goto(app_server.base_url + "/editor?from=activity-2")
    expect(path(page, "sections.0.title")).to_be_attached()
    page.click("#save")  # then a saved template's buttons show too
    expect(page.locator("#export")).to_be_visible()
    found = _axe(page)
    blocking = [v for v in found if (v["impact"] in BLOCKING_IMPACTS
                                     and set(v["tags"]) & set(WCAG_TAGS)) or v["id"] in STRUCTURE]
    assert not blocking, _describe(blocking)
    others = [v for v in found if v not in blocking]
    if others:
        print(f"\neditor @ {viewport}: other findings\n{_describe(others)}")
