"""Languages in the browser, end to end: a facilitator whose browser speaks German creates a
German workshop on the create page, and the report they download is in German."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import Pages, Server

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
LAPTOP = (1366, 768)


def _create_in_german(pages: Pages, server: Server, shots: Path, size: tuple[int, int],
                      phone: bool) -> tuple[Any, str]:
    """The create page in a German browser (its Accept-Language and navigator.languages):
    the workshop's language follows the page; returns (the facilitator page, the code)."""
    from playwright.sync_api import expect

    page = pages.new(*size, phone=phone, locale="de-DE")
    page.goto(server.base_url + "/create")
    language = page.locator("#language")
    expect(page.locator("label[for=language]")).to_have_text("Sprache des Workshops")
    expect(language).to_have_value("de")
    # The activities are described in German, with whose translation it is.
    expect(page.locator(".template-option strong").first).to_have_text(
        "Was können wir tun, wenn wir glauben, dass Lernende ihre Ausbildung vorzeitig "
        "abbrechen könnten?")
    expect(page.locator(".translation-note").first).to_contain_text("Inoffizielle Übersetzung")
    box = language.bounding_box()
    assert box is not None and box["height"] >= 44
    page.fill("#title", "Fachtag Berufsbildung")
    page.screenshot(path=str(shots / f"create-german-{size[0]}.png"), full_page=True)
    page.click("#create-button")
    page.wait_for_url("**/facilitate")
    code = page.url.rstrip("/").split("/")[-2]
    return page, code


def test_a_german_browser_creates_a_german_workshop_and_downloads_a_german_report(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from docx import Document
    from playwright.sync_api import expect

    page, code = _create_in_german(pages, app_server, shots, LAPTOP, phone=False)
    info = app_server.api("GET", f"/api/workshops/{code}")
    assert info["language"] == "de"
    token = page.evaluate(f"() => localStorage.getItem('flipchart:{code}:facilitator')")
    person = {**app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Ana"}),
              "name": "Ana"}
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "start"}, token)
    app_server.notes(code, person, [{"section": "procedure", "text": "Tutor ruft die Familie an",
                                     "actors": ["Familie"], "x": 20, "y": 20}])
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    # The facilitator's page shows the phase in German too.
    expect(page.locator("#phase-title")).to_have_text("Einzelarbeit")

    with page.expect_download() as markdown:
        page.click("#export")
    md = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "# Fachtag Berufsbildung" in md
    assert "- Aktivität: Was können wir tun" in md
    assert "## Zeitablauf" in md and "| Einzelarbeit | 10 Min. |" in md
    assert "### Verfahren zur Begleitung abbruchgefährdeter Lernender" in md
    assert "Mitglieder: Ana" in md and "1. Tutor ruft die Familie an (Familie)" in md

    with page.expect_download() as word:
        page.click("#export-docx")
    doc = Document(io.BytesIO(Path(word.value.path()).read_bytes()))
    assert "Zeitablauf" in [p.text for p in doc.paragraphs]
    assert ["Wer", "Schritt", "Was geschieht", "Akteure"] in [
        [c.text for c in t.rows[0].cells] for t in doc.tables]
    page.screenshot(path=str(shots / "facilitate-german.png"))
    assert not pages.errors, pages.errors


def test_on_a_phone_the_workshop_language_can_differ_from_the_page(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    page = pages.new(*PHONE, phone=True, locale="en-GB")
    page.goto(app_server.base_url + "/create")
    expect(page.locator("#language")).to_have_value("en")
    page.select_option("#language", "fr")
    # Switching the page's own language afterwards keeps the facilitator's choice.
    page.select_option("#language-select", "de")
    expect(page.locator("label[for=language]")).to_have_text("Sprache des Workshops")
    expect(page.locator("#language")).to_have_value("fr")
    page.screenshot(path=str(shots / "create-language-phone.png"), full_page=True)
    page.click("#create-button")
    page.wait_for_url("**/facilitate")
    code = page.url.rstrip("/").split("/")[-2]
    assert app_server.api("GET", f"/api/workshops/{code}")["language"] == "fr"
    assert not pages.errors, pages.errors


def test_a_german_board_reads_the_toolkit_with_german_titles_and_says_the_text_is_english(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-3", "groups": 1,
                                                     "language": "de"})
    code, token = made["code"], made["facilitator_token"]
    person = app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Ben"})
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "start"}, token)
    page = pages.board(app_server, code, person["token"], phone=True, locale="de-DE")
    reader = page.locator("#reader")
    expect(reader.locator("h3")).to_have_text("Monitoring vorzeitiger Abgänger")
    expect(reader.locator(".english-only")).to_have_text(
        "Dieser Toolkit-Text liegt nur auf Englisch vor: Übersetzt sind nur die Titel.")
    # The English text is marked as English, for screen readers' voices.
    expect(reader.locator("article > p[lang=en]").first).to_be_visible()
    expect(page.locator("#phase-title")).to_have_text("Angeleitete Arbeit mit dem Cedefop-Toolkit")
    reader.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "reader-german-phone.png"))
    assert not pages.errors, pages.errors


def test_the_facilitator_changes_the_workshops_language_and_the_report_follows(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana"], title="Sprachwechsel")
    page = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/facilitate",
                       role="facilitator", width=LAPTOP[0], height=LAPTOP[1])
    select = page.locator("#workshop-language")
    expect(select).to_have_value("en")
    page.select_option("#workshop-language", "fr")
    expect(page.locator("#workshop-language-status")).to_have_text("Workshop language: Français.")
    assert app_server.api("GET", f"/api/workshops/{w.code}")["language"] == "fr"
    page.locator("#language-card").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "facilitate-workshop-language.png"))
    with page.expect_download() as markdown:
        page.click("#export")
    md = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "## Déroulement horaire" in md and "Membres\u00a0: Ana" in md
    assert not pages.errors, pages.errors


def test_the_handout_is_in_the_pages_language_whatever_the_workshops(
        app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = app_server.workshop(["Ana"], title="Handout", actions=["start"])
    page = pages.keyed(app_server, w.code, w.token, f"/w/{w.code}/handout",
                       role="facilitator", locale="de-DE")
    expect(page.locator("#handout")).to_contain_text("Einzelarbeit")
    expect(page.locator("#handout")).to_contain_text(
        "Verfahren zur Begleitung abbruchgefährdeter Lernender")
    page.select_option("#language-select", "fr")
    expect(page.locator("#handout")).to_contain_text("Travail individuel")
    page.screenshot(path=str(shots / "handout-french.png"))
    assert not pages.errors, pages.errors
