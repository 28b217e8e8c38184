"""The server reads the browser's catalogues, with Babel's plural rules and Accept-Language."""

from __future__ import annotations

import json

import pytest

from app.i18n import LANGUAGES, catalogue, negotiate, translate
from app.i18n.catalogue import CATALOGUE_DIR, plural_category
from app.workshops import vote_export


def test_the_server_reads_the_same_catalogue_files_the_browser_loads() -> None:
    catalogue.cache_clear()  # read now, as the file is on disk
    on_disk = json.loads((CATALOGUE_DIR / "en.json").read_text(encoding="utf-8"))
    assert catalogue("en") == on_disk
    assert translate("en", "conn.connected") == on_disk["conn.connected"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_a_catalogue_with_the_server_keys(lang: str) -> None:
    messages = catalogue(lang)  # type: ignore[arg-type]
    for key in ("report.members", "report.timing", "error.no_workshop", "error.invalid_input"):
        assert key in messages, f"{lang}.json lacks {key}"


@pytest.mark.parametrize(("lang", "count", "form"), [
    ("en", 1, "one"), ("en", 0, "other"), ("en", 2, "other"),
    # French counts 0 and 1 as singular; German and English do not.
    ("fr", 0, "one"), ("fr", 1, "one"), ("fr", 2, "other"),
    ("de", 0, "other"), ("de", 1, "one"), ("de", 5, "other"),
])
def test_plural_forms_follow_babels_cldr_rules(lang: str, count: int, form: str) -> None:
    assert plural_category(lang, count) == form  # type: ignore[arg-type]


def test_a_plural_message_picks_its_form_by_count() -> None:
    assert translate("en", "error.board_full", count=1).endswith("at most 1 note.")
    assert translate("en", "error.board_full", count=0).endswith("at most 0 notes.")
    assert translate("fr", "error.board_full", count=0).endswith("au plus 0 note.")
    assert translate("fr", "error.board_full", count=2).endswith("au plus 2 notes.")
    assert translate("de", "error.board_full", count=1).endswith("höchstens 1 Notiz.")
    assert translate("de", "error.board_full", count=0).endswith("höchstens 0 Notizen.")


def test_a_key_missing_in_a_language_falls_back_to_english_then_to_the_key() -> None:
    assert translate("de", "conn.connected") in (catalogue("de").get("conn.connected"),
                                                  catalogue("en")["conn.connected"])
    assert translate("fr", "no.such.key") == "no.such.key"


def test_placeholders_are_filled_and_unknown_ones_left_visible() -> None:
    assert translate("en", "report.members", names="Ada, Bo") == "Members: Ada, Bo"
    assert "{names}" in translate("en", "report.members")


@pytest.mark.parametrize(("header", "lang"), [
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("fr-CH, fr;q=0.9, en;q=0.8", "fr"),
    ("en-GB;q=0.2, de-AT;q=0.8", "de"),
    ("es-ES, fr;q=0.5", "fr"),
    ("es, it", "en"),
    ("", "en"),
    ("de;q=0, fr;q=0.1", "fr"),
    (";;;,garbage==", "en"),
    ("*", "en"),
])
def test_accept_language_picks_the_best_language_we_speak(header: str, lang: str) -> None:
    assert negotiate(header) == lang


@pytest.mark.parametrize(("lang", "lines"), [
    ("de", ["## Abstimmung: Arbeit", "", "Jede Person hatte 1 Stimme.", "", "### Gruppe 1", "",
            "_Keine Stimmen._", ""]),
    ("fr", ["## Votes\u00a0: Arbeit", "", "Chaque participant avait 1 vote.", "",
            "### Gruppe 1", "", "_Aucun vote._", ""]),
    ("en", ["## Votes: Arbeit", "", "Each participant had 1 vote.", "", "### Gruppe 1", "",
            "_No votes._", ""]),
])
def test_a_reports_vote_results_are_worded_in_its_language(lang: str, lines: list[str]) -> None:
    votes = [{"phase": "Arbeit", "per_person": 1, "groups": [{"group": "Gruppe 1", "notes": []}]}]
    assert vote_export.markdown(votes, lang) == lines  # type: ignore[arg-type]



@pytest.mark.parametrize(("lang", "written"), [
    ("en", "65,536 bytes"), ("fr", "65\u202f536 octets"), ("de", "65.536 Byte")])
def test_a_count_is_written_as_the_language_writes_numbers(lang: str, written: str) -> None:
    assert written in translate(lang, "error.body_too_large", count=65536)  # type: ignore[arg-type]
