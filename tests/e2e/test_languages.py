"""Languages in the browser: every page rendered in French and German holds no English from
the catalogue, a participant switches language mid-workshop, the create page in German."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, Pages, Server
from .test_accessibility import BLOCKING_IMPACTS, STRUCTURE, WCAG_TAGS, _axe, _describe

pytestmark = pytest.mark.e2e

CATALOGUES = {lang: json.loads((ROOT / "web" / "i18n" / f"{lang}.json").read_text("utf-8"))
              for lang in ("en", "fr", "de")}
NAMES = ["Jürgen", "Zoë"]
# The people's own words: nothing here is English.
NOTES = {"fr": ["Le tuteur appelle la famille", "Réunion avec l’équipe"],
         "de": ["Die Lehrkraft ruft die Familie an", "Gespräch mit dem Team"]}

# Whatever the page's own JavaScript collects: the visible text, the names and hints that
# assistive technology reads (aria-label, placeholder, title, alt) and the tab's title.
READ_PAGE = """() => {
  const out = [document.body.innerText, document.title];
  for (const node of document.querySelectorAll("[aria-label], [placeholder], [title], img[alt]")) {
    const hidden = !node.checkVisibility({ visibilityProperty: true });
    if (hidden && !node.closest(".visually-hidden")) continue;
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = node.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out;
}"""


def _forms(message: Any) -> list[str]:
    return list(message.values()) if isinstance(message, dict) else [message]


def _english_phrases(lang: str) -> dict[str, str]:
    """English fragments that must not show in ``lang``: the literal parts of every English
    message (between its placeholders) of two words or more, leaving out any that the
    translated catalogue also says (a name, a format, a word the languages share)."""
    translated = "\n".join(form for message in CATALOGUES[lang].values()
                           for form in _forms(message))
    phrases: dict[str, str] = {}
    for key, message in CATALOGUES["en"].items():
        for form in _forms(message):
            for part in re.split(r"\{\w+\}", form):
                phrase = part.strip(" .,:;·—–-()“”‘’\"'…?!\u00a0\n")
                if len(re.findall(r"[A-Za-z]{2,}", phrase)) < 2 or len(phrase) < 10:
                    continue
                if phrase not in translated:
                    phrases.setdefault(phrase, key)
    return phrases


PHRASES = {lang: _english_phrases(lang) for lang in ("fr", "de")}


def _english_on(page: Any, lang: str) -> list[str]:
    texts: list[str] = page.evaluate(READ_PAGE)
    return sorted({f"{key}: {phrase!r}" for phrase, key in PHRASES[lang].items()
                   for text in texts if phrase in text})


def _assert_in(page: Any, lang: str, where: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("html")).to_have_attribute("lang", lang)
    leaks = _english_on(page, lang)
    assert not leaks, f"{where} in {lang} still shows English: {leaks}"


def _assert_accessible(page: Any, where: str) -> None:
    """axe-core: no serious WCAG 2.1 AA violation, and the structure every page keeps."""
    violations = _axe(page)
    blocking = [v for v in violations
                if (v["impact"] in BLOCKING_IMPACTS and set(v["tags"]) & set(WCAG_TAGS))
                or v["id"] in STRUCTURE]
    assert not blocking, f"{where}:\n{_describe(blocking)}"


def _first_phase(server: Server, lang: str) -> str:
    """The first phase's title of activity 2 in ``lang``, as the server words it."""
    return str(server.api("GET", f"/api/templates/activity-2?lang={lang}")["phases"][0]["title"])


def _say(lang: str, key: str, **values: Any) -> str:
    message = CATALOGUES[lang][key]
    text = message if isinstance(message, str) else message["other"]
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], m[0])), text)


def _open(pages: Pages, server: Server, lang: str, path: str, *, phone: bool = False,
          storage: dict[str, str] | None = None) -> Any:
    """A page whose browser reads German (its own languages say so) or French (chosen on an
    earlier visit and remembered), with these localStorage entries."""
    options: dict[str, Any] = {"locale": "de-DE"} if lang == "de" else {}
    remembered = {"flipchart:language": "fr"} if lang == "fr" else {}
    size = (390, 844) if phone else (1366, 768)
    # bypass_csp: axe is injected as an inline script (see test_accessibility.py).
    page = pages.new(*size, phone=phone, bypass_csp=True, **options)
    page.goto(server.base_url + "/privacy")
    page.evaluate("(entries) => entries.forEach(([k, v]) => localStorage.setItem(k, v))",
                  list({**remembered, **(storage or {})}.items()))
    page.goto(server.base_url + path)
    return page


class Run:
    """One workshop in ``lang`` (its default language too), its board (phone), facilitator
    page and projector screen open in a browser of that language."""

    def __init__(self, server: Server, pages: Pages, lang: str) -> None:
        from playwright.sync_api import expect

        self.lang = lang
        title = "Atelier" if lang == "fr" else "Werkstatt"
        made = server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 2,
                                                     "title": title, "language": lang})
        self.code, self.token = made["code"], made["facilitator_token"]
        self.server = server
        self.people = [server.api("POST", f"/api/workshops/{self.code}/participants", {"name": n})
                       for n in NAMES]
        self.template = server.api("GET", f"/api/templates/activity-2?lang={lang}")
        person = self.people[0]
        self.board = _open(pages, server, lang, f"/w/{self.code}", phone=True,
                           storage={f"flipchart:{self.code}:participant": person["token"]})
        facilitator = {f"flipchart:{self.code}:facilitator": self.token}
        self.facilitate = _open(pages, server, lang, f"/w/{self.code}/facilitate",
                                storage=facilitator)
        self.screen = _open(pages, server, lang, f"/w/{self.code}/screen", storage=facilitator)
        for page in (self.board, self.facilitate):
            expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
        expect(self.screen.locator("#conn")).to_have_attribute("data-state", "connected")

    def act(self, *actions: str) -> None:
        for action in actions:
            self.server.api("POST", f"/api/workshops/{self.code}/phase", {"action": action},
                            self.token)

    def shows(self, index: int, status: str) -> None:
        """Waits until every page shows phase ``index`` (-1: the lobby) with ``status``."""
        from playwright.sync_api import expect

        lang = self.lang
        if index < 0:
            lobby = _say(lang, "fac.lobby_title")
            expect(self.board.locator("#phase-title")).to_have_text(_say(lang, "board.lobby_title"))
            expect(self.facilitate.locator("#phase-title")).to_have_text(lobby)
            expect(self.screen.locator("#view")).to_contain_text(self.code)
            return
        title = self.template["phases"][index]["title"]
        expect(self.board.locator("#phase-title")).to_have_text(title)
        expect(self.facilitate.locator("#phase-title")).to_have_text(title)
        said = _say(lang, f"phase.status.{status}")
        expect(self.facilitate.locator("#phase-status")).to_have_text(said)
        shown = _say(lang, "plenary.thanks") if status == "closed" else title
        expect(self.screen.locator("#view")).to_contain_text(shown)

    def check(self, where: str) -> None:
        _assert_in(self.board, self.lang, f"the board ({where})")
        _assert_in(self.facilitate, self.lang, f"the facilitator page ({where})")
        _assert_in(self.screen, self.lang, f"the screen ({where})")


# Each phase kind of activity 2, with pauses and time-up: (actions, phase index, status).
STEPS: list[tuple[tuple[str, ...], int, str]] = [
    ((), -1, "lobby"),
    (("start",), 0, "running"),          # individual: private notes
    (("pause",), 0, "paused"),
    (("resume", "next"), 1, "running"),  # groups: steps and cards
    (("next",), 2, "running"),           # toolkit: a pick and the reader
    (("next",), 3, "running"),           # a form
    (("next",), 4, "plenary"),           # plenary
    (("next",), 4, "closed"),
]


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_page_of_a_workshop_shows_no_english_in_french_and_german(
        app_server: Server, pages: Pages, shots: Path, lang: str) -> None:
    run = Run(app_server, pages, lang)
    for actions, index, status in STEPS:
        run.act(*actions)
        run.shows(index, status)
        if actions == ("start",):
            run.server.notes(run.code, run.people[0], [
                {"section": "procedure", "text": NOTES[lang][0], "x": 40, "y": 40}])
        if index == 1:
            run.server.notes(run.code, run.people[0], [
                {"section": "commonalities", "text": NOTES[lang][1], "x": 40, "y": 40}])
        # The list view too, where the board has one.
        run.check(f"{status} {index}")
        if index in (0, 1) and run.board.locator("#view-switch [data-view=list]").count():
            run.board.locator("#view-switch [data-view=list]").click()
            run.check(f"{status} {index}, list view")
            run.board.locator("#view-switch [data-view=canvas]").click()
        if lang == "de" and index == 1:
            run.board.screenshot(path=str(shots / "languages-board-de-phone.png"), full_page=True)
            run.facilitate.screenshot(path=str(shots / "languages-facilitate-de-laptop.png"))


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_pages_outside_a_workshop_show_no_english(app_server: Server, pages: Pages,
                                                      lang: str) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 1})
    code, token = made["code"], made["facilitator_token"]
    mine = {f"flipchart:{code}:facilitator": token}
    for path, storage, ready in [
            ("/", {}, "#join-button"),
            ("/create", {}, "input[name=template]"),
            (f"/j/{code}", {}, "#workshop-title"),
            ("/privacy", {}, "#retention-days"),
            (f"/w/{code}/handout", mine, ".handout-group"),
            ("/pair?code=ABC123", mine, "#choices button"),
            ("/screen", {}, ".pair-code"),
            ("/editor", {}, "main input")]:
        page = _open(pages, app_server, lang, path, phone=True, storage=storage)
        expect(page.locator(ready).first).to_be_visible()
        expect(page.locator("#language-select")).to_have_value(lang)
        _assert_in(page, lang, path)
        _assert_accessible(page, f"{path} in {lang}")
        # Switched in place to the other language: nothing of the first, nor English, stays.
        other = "de" if lang == "fr" else "fr"
        page.locator("#language-select").focus()
        page.locator("#language-select").select_option(other)
        expect(page.locator("html")).to_have_attribute("lang", other)
        expect(page.locator("#language-select")).to_be_focused()  # nothing redrawn under it
        expect(page.locator("footer a")).to_have_text(_say(other, "footer.privacy"))
        _assert_in(page, other, f"{path} switched from {lang}")
    # An error the page itself words: the join form sent empty.
    page = _open(pages, app_server, lang, "/", phone=True)
    page.locator("#join-button").click()
    expect(page.locator("#error")).to_have_text(_say(lang, "join.err_code"))


def test_a_participant_switches_to_french_then_german_mid_workshop(
        app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 1,
                                                     "language": "en"})
    code, token = made["code"], made["facilitator_token"]
    person = app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Zoë"})
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "start"}, token)
    app_server.notes(code, person, [{"section": "procedure", "text": "Anruf", "x": 40, "y": 40}])
    page = pages.board(app_server, code, person["token"], phone=True, bypass_csp=True)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    add = page.locator("button", has_text=_say("en", "canvas.add")).first
    expect(add).to_be_visible()

    for lang, name in [("fr", "Français"), ("de", "Deutsch")]:
        switch = page.get_by_label(_say("en" if lang == "fr" else "fr", "lang.label"))
        expect(switch.locator(f"option[value={lang}]")).to_have_attribute("lang", lang)
        switch.focus()
        switch.select_option(lang)  # the keyboard's way too: a native select
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#phase-title")).to_have_text(_first_phase(app_server, lang))
        expect(page.locator("button", has_text=_say(lang, "canvas.add")).first).to_be_visible()
        expect(page.locator("#conn")).to_have_text(_say(lang, "conn.connected"))
        expect(page.locator("#language-select")).to_have_value(lang)
        expect(page.locator("#language-select option:checked")).to_have_text(name)
        _assert_in(page, lang, f"the board switched to {lang}")
        # Still live: a note written now appears, and the board is still writable.
        app_server.notes(code, person, [{"section": "procedure", "text": f"Notiz {lang}",
                                         "x": 90, "y": 90}])
        expect(page.locator("#sections").get_by_text(f"Notiz {lang}")).to_have_count(1)

    # The choice is remembered: the next visit opens in German.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#language-select")).to_have_value("de")
    box = page.locator("#language-select").bounding_box()
    assert box and box["height"] >= 44, "the switch is a finger-sized target on a phone"
    _assert_accessible(page, "a German board at a phone")


def test_the_create_page_in_german_makes_a_german_workshop(app_server: Server,
                                                           pages: Pages) -> None:
    from playwright.sync_api import expect

    page = _open(pages, app_server, "de", "/create", phone=True)
    expect(page.locator("h1")).to_have_text(_say("de", "create.title"))
    expect(page.get_by_label(_say("de", "create.title_label"), exact=True)).to_have_attribute(
        "placeholder", _say("de", "create.title_placeholder"))
    page.get_by_label(_say("de", "create.groups"), exact=True).fill("99")
    page.get_by_role("button", name=_say("de", "create.submit")).click()
    expect(page.locator("#error")).to_contain_text("Wählen Sie zwischen 1 und")
    page.get_by_label(_say("de", "create.groups"), exact=True).fill("2")
    page.get_by_label(_say("de", "create.title_label"), exact=True).fill("Teamtag Köln")
    page.get_by_role("button", name=_say("de", "create.submit")).click()
    page.wait_for_url(re.compile(r"/w/[A-Z0-9]+/facilitate$"))
    code = page.url.rsplit("/", 2)[-2]
    assert app_server.api("GET", f"/api/workshops/{code}")["language"] == "de"
    expect(page.locator("#phase-title")).to_have_text(_say("de", "fac.lobby_title"))
    _assert_in(page, "de", "the facilitator page of a workshop made in German")


def test_the_screen_speaks_the_workshop_language_whatever_the_browser_reads(
        app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 1,
                                                     "language": "fr"})
    code, token = made["code"], made["facilitator_token"]
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "start"}, token)
    screen = _open(pages, app_server, "de", f"/w/{code}/screen",
                   storage={f"flipchart:{code}:facilitator": token})
    expect(screen.locator("html")).to_have_attribute("lang", "fr")
    title = _first_phase(app_server, "fr")
    expect(screen.locator("#view")).to_contain_text(title)
    _assert_in(screen, "fr", "a French workshop's screen in a German browser")


def test_the_facilitator_and_the_screen_switch_language_mid_workshop(
        app_server: Server, pages: Pages) -> None:
    from playwright.sync_api import expect

    made = app_server.api("POST", "/api/workshops", {"template": "activity-2", "groups": 2,
                                                     "language": "en"})
    code, token = made["code"], made["facilitator_token"]
    app_server.api("POST", f"/api/workshops/{code}/participants", {"name": "Zoë"})
    app_server.api("POST", f"/api/workshops/{code}/phase", {"action": "start"}, token)
    mine = {f"flipchart:{code}:facilitator": token}
    for path in (f"/w/{code}/facilitate", f"/w/{code}/screen"):
        page = pages.keyed(app_server, code, token, path, role="facilitator", width=1366,
                           height=768, bypass_csp=True, storage=mine)
        expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        for lang in ("de", "fr"):
            page.locator("#language-select").select_option(lang)
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.locator("main")).to_contain_text(_first_phase(app_server, lang))
            expect(page.locator("#conn")).to_have_text(_say(lang, "conn.connected"))
            _assert_in(page, lang, f"{path} switched to {lang}")
        _assert_accessible(page, f"{path} in French")
