"""The projector's plenary built for a wall: at 1920×1080 and 1280×720 nothing scrolls,
text stays readable (notes >= 24 px, tags >= 18 px), what does not fit is paged (every
note on some page), steps say whose they are, the spotlight fits too, and so do the lobby
and the working view.

Screenshots: FLIPCHART_SHOTS_DIR (default /tmp/fc-shots), wall-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Pages, Server
from .conftest import Workshop as BaseWorkshop

pytestmark = pytest.mark.e2e

SIZES = [(1920, 1080), (1280, 720)]
MIN_TEXT = 24.0
MIN_TAG = 18.0
NAMES = ["Ana", "Ben", "Cleo", "Dev", "Ema", "Finn", "Gus", "Hana", "Ivo", "Jana", "Kai",
         "Lea", "Mio", "Noor", "Omar", "Pia"]
ACTORS = ["teacher/trainer", "class tutor", "school counsellor", "learner", "family",
          "company trainer", "social services"]
LONG = [
    "The teacher who notices repeated absences tells the class tutor the same week and "
    "writes down the dates, so nothing depends on memory",
    "The class tutor meets the learner alone to understand what is going on at school, "
    "at home and at the company",
    "The school counsellor is told and joins the second meeting when the reasons are "
    "personal or the learner asks for it",
    "The family is phoned by the class tutor; if nobody answers, a letter goes out within "
    "three days",
    "An individual plan is agreed with the learner, with one goal for the next month and "
    "who checks on it",
]
TOPICS = ["building-motivation-to-learn", "community-involvement"]


class Workshop(BaseWorkshop):
    def __init__(self, server: Server, groups: int, people: int) -> None:
        super().__init__(server, NAMES[:people], groups=groups, title="Wall test")
        self.group_ids = sorted({p["group_id"] for p in self.people})
        assert len(self.group_ids) == groups
        # per group: every text the plenary must show
        self.texts: dict[int, list[str]] = {g: [] for g in self.group_ids}

    def members(self, group_id: int) -> list[dict[str, Any]]:
        return [p for p in self.people if p["group_id"] == group_id]

    def to_plenary(self, steps: int, cards: int) -> None:
        """Private steps per person (revealed into lanes), shared cards, picks, the action
        form and next steps numbered together, then the plenary."""
        self.phase("start")
        for i, person in enumerate(self.people):
            notes = []
            for s in range(steps):
                text = f"{person['name']} step {s + 1}: {LONG[(i + s) % len(LONG)]}"
                actors = [ACTORS[(i + s + k) % len(ACTORS)] for k in range(1 + s % 3)]
                notes.append(("note.create", {"section": "procedure", "text": text,
                                              "actors": actors}))
                self.texts[person["group_id"]].append(text)
            self.ops(person, notes)
        self.phase("next")  # small groups: the steps are revealed
        for g in self.group_ids:
            first = self.members(g)[0]
            notes = []
            for c in range(cards):
                section = "commonalities" if c % 2 == 0 else "challenges"
                text = f"G{g} card {c + 1}: {LONG[c % len(LONG)][:90 + 20 * (c % 3)]}"
                notes.append(("note.create", {"section": section, "text": text,
                                              "colour": "pink" if c % 2 else "yellow"}))
                self.texts[g].append(text)
            self.ops(first, notes)
        self.phase("next")  # the toolkit: two topics
        for g in self.group_ids:
            self.ops(self.members(g)[0], [("pick.set", {"key": "topics", "value": TOPICS})])
            self.texts[g] += ["Building motivation to learn", "Community involvement"]
        self.phase("next")  # the action and its next steps, numbered together
        for g in self.group_ids:
            action = f"G{g} action: a welcome week where tutors and learners plan the year"
            steps_together = [f"G{g} next {n}: {LONG[n][:70]}" for n in range(1, 4)]
            self.ops(self.members(g)[0], [
                ("field.set", {"key": "action.action", "value": action}),
                *[("note.create", {"section": "next_steps", "text": text,
                                   "actors": ["class tutor"]}) for text in steps_together]])
            self.texts[g] += [action, *steps_together]
        self.phase("next")  # plenary


def _open_screen(pages: Pages, server: Server, w: Workshop, size: tuple[int, int],
                 query: str = "?pace=600") -> Any:
    from playwright.sync_api import expect

    page = pages.keyed(server, w.code, w.token, f"/w/{w.code}/screen{query}",
                       role="facilitator", width=size[0], height=size[1])
    expect(page.locator("#conn")).to_have_attribute("data-state", "connected")
    return page


READ_WALL = """() => {
  const d = document.scrollingElement;
  const on = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const size = (sel) => [...document.querySelectorAll(sel)].filter(on)
    .map((e) => parseFloat(getComputedStyle(e).fontSize));
  // A note cut off by its column (or the window) would be on the page and still unread.
  const clipped = [...document.querySelectorAll('.plenary-grid .mini-note')].filter((n) => {
    const r = n.getBoundingClientRect(), box = n.closest('.col-items').getBoundingClientRect();
    return r.bottom > box.bottom + 1 || r.right > box.right + 1 || r.bottom > innerHeight;
  }).map((n) => n.textContent.slice(0, 40));
  const wall = document.querySelector('.wall');
  return {
    scroll: [d.scrollHeight, innerHeight, d.scrollWidth, innerWidth],
    text: size('.plenary-grid .note-text'),
    tags: size(['.actor', '.step-no', 'h4', '.field-label']
      .map((s) => '.plenary-grid ' + s).join(', ')),
    notes: [...document.querySelectorAll('.plenary-grid .mini-note')].map((n) =>
      ({text: [...n.querySelectorAll('.note-text')].map((t) => t.textContent).join(' '),
        badge: n.querySelector('.step-no')?.textContent || null})),
    clipped,
    pages: Number(wall.dataset.pages),
    font: Number(wall.dataset.font),
    indicator:
      document.querySelector('.wall-pager:not([hidden]) .screen-page')?.textContent || null,
  };
}"""


def _check_page(state: dict[str, Any], where: str) -> None:
    height, inner_h, width, inner_w = state["scroll"]
    assert height <= inner_h and width <= inner_w, f"{where}: scrolls {state['scroll']}"
    assert state["text"], f"{where}: no note text"
    assert min(state["text"]) >= MIN_TEXT, f"{where}: note text at {min(state['text'])} px"
    assert not state["tags"] or min(state["tags"]) >= MIN_TAG, \
        f"{where}: tags at {min(state['tags'])} px"
    assert not state["clipped"], f"{where}: notes cut off: {state['clipped']}"


def _walk(page: Any, where: str, shots: Path, shot: str) -> list[dict[str, Any]]:
    """Every page of the wall, turned with the keyboard; the notes seen on each."""
    from playwright.sync_api import expect

    expect(page.locator(".plenary-grid .mini-note").first).to_be_visible()
    page.wait_for_timeout(300)
    first = page.evaluate(READ_WALL)
    count = first["pages"]
    print(f"{where}: {count} page(s) at {first['font']} px")
    seen = []
    for k in range(count):
        if k:
            page.keyboard.press("ArrowRight")
            expect(page.locator(".screen-page")).to_have_text(f"Page {k + 1} of {count}")
        if k < 2:
            page.screenshot(path=str(shots / f"{shot}-p{k + 1}.png"))
        state = page.evaluate(READ_WALL)
        _check_page(state, f"{where} page {k + 1}/{count}")
        if count > 1:
            assert state["indicator"] == f"Page {k + 1} of {count}", state["indicator"]
            expect(page.locator(".wall-pause")).to_be_visible()
        else:
            assert state["indicator"] is None
        seen.append(state)
    if count > 1:  # round again to the first
        page.keyboard.press("ArrowRight")
        expect(page.locator(".screen-page")).to_have_text(f"Page 1 of {count}")
    return seen


def _every_text_shown(seen: list[dict[str, Any]], expected: list[str], where: str) -> None:
    shown = " \n ".join(n["text"] for state in seen for n in state["notes"])
    missing = [t for t in expected if t not in shown]
    assert not missing, f"{where}: never shown: {missing[:3]} (+{max(0, len(missing) - 3)})"


@pytest.mark.parametrize("groups,people,steps,cards", [(2, 4, 4, 5), (4, 8, 3, 4), (8, 8, 3, 3)],
                         ids=["2-groups", "4-groups", "8-groups"])
def test_plenary_fits_the_wall_or_pages(app_server: Server, pages: Pages, shots: Path,
                                        groups: int, people: int, steps: int,
                                        cards: int) -> None:
    w = Workshop(app_server, groups, people)
    w.to_plenary(steps, cards)
    everything = [t for texts in w.texts.values() for t in texts]
    for size in SIZES:
        where = f"{groups} groups at {size[0]}×{size[1]}"
        page = _open_screen(pages, app_server, w, size)
        seen = _walk(page, where, shots, f"wall-{groups}g-{size[0]}")
        _every_text_shown(seen, everything, where)
        # Steps say whose they are: an author's lane by name, the group's own order by number.
        badged = {"lane": 0, "next": 0}
        for state in seen:
            for note in state["notes"]:
                m = re.match(r"(\w+) step (\d+):", note["text"])
                if m:
                    assert note["badge"] == f"{m.group(1)} · {m.group(2)}", note
                    badged["lane"] += 1
                m = re.match(r"G\d+ next (\d+):", note["text"])
                if m:
                    assert note["badge"] == m.group(1), note
                    badged["next"] += 1
        # Every step and next step was checked above, none skipped for not matching.
        assert badged["lane"] >= people * steps and badged["next"] >= 3 * groups, badged
        if groups == 2:
            # Ana and Ben share a group: both lanes, each numbered from 1.
            badges = [n["badge"] for s in seen for n in s["notes"] if n["badge"]]
            for name in ("Ana", "Cleo"):
                assert f"{name} · 1" in badges and f"{name} · {steps}" in badges, badges
    assert not pages.errors, pages.errors


def test_spotlight_shows_one_group_large_and_fits(app_server: Server, pages: Pages,
                                                  shots: Path) -> None:
    from playwright.sync_api import expect

    w = Workshop(app_server, 2, 4)
    w.to_plenary(6, 6)
    spot = w.group_ids[1]
    app_server.api("POST", f"/api/workshops/{w.code}/spotlight", {"group_id": spot}, w.token)
    for size in SIZES:
        where = f"spotlight at {size[0]}×{size[1]}"
        page = _open_screen(pages, app_server, w, size)
        expect(page.locator(".wall-spot .wall-subtitle")).to_be_visible()
        seen = _walk(page, where, shots, f"wall-spotlight-{size[0]}")
        _every_text_shown(seen, w.texts[spot], where)
        other = w.group_ids[0]
        prefixes = (f"G{other} ", *(f"{p['name']} step" for p in w.members(other)))
        shown = " ".join(n["text"] for s in seen for n in s["notes"])
        assert not any(t in shown for t in w.texts[other] if t.startswith(prefixes)), \
            "the spotlight shows another group"
        # larger than the plenary's smallest notes: from 27 px at 720 px high, 40 at 1080
        assert seen[0]["font"] >= round(size[1] / 27) > MIN_TEXT, seen[0]["font"]
    # Out of the spotlight: every group again.
    app_server.api("POST", f"/api/workshops/{w.code}/spotlight", {"group_id": None}, w.token)
    expect(page.locator(".wall-spot")).to_have_count(0)
    expect(page.locator(".plenary-grid .plenary-col")).to_have_count(2)
    assert not pages.errors, pages.errors


def test_paging_turns_by_itself_and_pauses_on_the_screen(app_server: Server, pages: Pages,
                                                         shots: Path) -> None:
    from playwright.sync_api import expect

    w = Workshop(app_server, 8, 8)
    w.to_plenary(3, 3)
    page = _open_screen(pages, app_server, w, (1280, 720), "?pace=1.5")
    indicator = page.locator(".screen-page")
    expect(indicator).to_have_text(re.compile(r"^Page 1 of \d+$"))
    count = int(indicator.inner_text().rsplit(" ", 1)[1])
    assert count > 1
    expect(indicator).to_have_text(f"Page 2 of {count}", timeout=5000)
    # Space pauses: the page stays, the screen says so, the button offers to resume.
    page.keyboard.press("Space")
    expect(indicator).to_have_text(f"Page 2 of {count} · paused")
    expect(page.locator(".wall-pause")).to_have_text("Resume")
    page.screenshot(path=str(shots / "wall-paused-1280.png"))
    page.wait_for_timeout(3500)
    expect(indicator).to_have_text(f"Page 2 of {count} · paused")
    # The arrows still turn pages while paused; the button resumes.
    page.keyboard.press("ArrowLeft")
    expect(indicator).to_have_text(f"Page 1 of {count} · paused")
    page.locator(".wall-pause").click()
    expect(page.locator(".wall-pause")).to_have_text("Pause")
    expect(indicator).to_have_text(f"Page 2 of {count}", timeout=5000)
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")
    assert not pages.errors, pages.errors


FITS = """() => { const d = document.scrollingElement;
  return [d.scrollHeight, innerHeight, d.scrollWidth, innerWidth]; }"""


def test_lobby_and_working_views_fit(app_server: Server, pages: Pages, shots: Path) -> None:
    from playwright.sync_api import expect

    w = Workshop(app_server, 8, 16)
    for size in SIZES:
        page = _open_screen(pages, app_server, w, size)
        expect(page.locator(".screen-code")).to_have_text(w.code)
        expect(page.locator(".screen-names")).to_contain_text("Ana")
        page.wait_for_timeout(300)
        h, ih, wd, iw = page.evaluate(FITS)
        assert h <= ih and wd <= iw, f"lobby at {size}: {h}×{wd}"
        page.screenshot(path=str(shots / f"wall-lobby-{size[0]}.png"))
        page.close()
    w.phase("start", "next")  # the small groups: the longest instructions
    for size in SIZES:
        page = _open_screen(pages, app_server, w, size)
        expect(page.locator(".screen-countdown")).to_have_text(re.compile(r"^\d+:\d{2}$"))
        expect(page.locator(".screen-group")).to_have_count(8)
        page.wait_for_timeout(300)
        h, ih, wd, iw = page.evaluate(FITS)
        assert h <= ih and wd <= iw, f"working view at {size}: {h}×{wd}"
        page.screenshot(path=str(shots / f"wall-working-{size[0]}.png"))
    assert not pages.errors, pages.errors
