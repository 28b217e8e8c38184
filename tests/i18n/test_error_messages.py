"""Error messages said again in French and German from their English wording; codes apart."""

from __future__ import annotations

import pytest

from app.i18n import catalogue
from app.i18n.errors import PATTERNS, localize_message

# One real message per pattern, as the code raises it.
SAMPLES = [
    "There is no workshop with the code 'ZZZZZZ'. Check the code and try again.",
    "There is no such workshop.",
    "This workshop has no group 12.",
    "There is nothing at this address.",
    "This address does not accept DELETE requests.",
    "The request body is not valid JSON (Expecting value).",
    "This frame is not valid JSON.",
    "The request is not valid.",
    "The request body is larger than 65536 bytes.",
    "Too many codes that do not exist were tried from your network. Try again in 5 minutes.",
    "Too many workshops were created from your network (20 per hour). Try again in 3 minutes.",
    "Too many changes at once; this one was not applied. Send it again in a moment.",
    "Too many resyncs at once; ask again in a moment.",
    "This workshop has ended.",
    "The workshop is closed.",
    "The workshop has not started yet.",
    "Start the workshop first.",
    "The workshop has already started.",
    "Only a running phase can be paused.",
    "No running phase to end.",
    "There is no phase running to be done with.",
    "Only a paused phase can be resumed.",
    "This is the first phase.",
    "Time can only be changed while a phase runs or is paused.",
    "Minutes can only be changed before the start.",
    "Groups can only be added or removed before the start.",
    "A workshop has between 1 and 20 groups.",
    "'Procedure' is not open for writing in this phase.",
    "Only the facilitator runs the phases.",
    "Only the facilitator may do this.",
    "The screen is read-only.",
    "A screen's token is read-only: it cannot do what the facilitator does.",
    "This token is not valid for this workshop.",
    "This token does not open this workshop.",
    "Send your participant token as 'Authorization: Bearer <token>'.",
    "You can only change your own group's board.",
    "There is no note 'abcd-1234' on this board.",
    "There is no such note on your board.",
    "This board is full: it holds at most 500 notes.",
    "Choose at most 2: unpick one before picking another.",
    "Someone changed this note in the meantime; here is their version.",
    "The facilitator has locked joining for this workshop. Ask them to unlock it if you "
    "should be in.",
    "This server needs its organiser key to create a workshop: send it in the "
    "X-Organiser-Key header.",
    "This organiser key is not the server's. Ask whoever runs the server for the right one.",
    "There is no template called 'nope'.",
    "Unknown template 'nope'; choose one of: activity-2, activity-3.",
    "No toolkit entry called 'nope'.",
    "This workshop has no participant p7.",
    "Only the workshop's lead facilitator may do this, not a co-facilitator.",
    "Someone else changed the phase just before you; look again and choose.",
    "This workshop has no co-facilitator 3.",
    "A workshop has at most 20 co-facilitators; revoke one first.",
    "No vote is open right now.",
    "You have used all 3 of your votes; take one back to vote again.",
    "body.name: String should have at least 1 character.",
]


def test_every_pattern_has_a_sample_and_a_message_in_every_language() -> None:
    keys = {key for _, key in PATTERNS}
    for lang in ("en", "fr", "de"):
        assert keys <= set(catalogue(lang)), sorted(keys - set(catalogue(lang)))  # type: ignore[arg-type]
    matched = {key for sample in SAMPLES for pattern, key in PATTERNS if pattern.match(sample)}
    assert matched == keys


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_a_known_english_message_is_said_in_french_and_german(lang: str, sample: str) -> None:
    said = localize_message(lang, sample)  # type: ignore[arg-type]
    assert said != sample
    assert "{" not in said, said  # every placeholder filled


def test_english_readers_get_the_message_as_raised_and_unknown_wording_stays_english() -> None:
    assert localize_message("en", SAMPLES[0]) == SAMPLES[0]
    assert localize_message("de", "Something nobody translated.") == \
        "Something nobody translated."


def test_numbers_in_a_message_choose_its_plural_form() -> None:
    assert localize_message("de", "This board is full: it holds at most 1 notes.") == \
        "Dieses Board ist voll: Es fasst höchstens 1 Notiz."
    assert localize_message("fr", "You have used all 3 of your votes; take one back to vote "
                                  "again.") == \
        "Vous avez utilisé vos 3 votes\u00a0; retirez-en un pour voter à nouveau."
    assert localize_message("fr", "There is no workshop with the code 'AB'. Check the code "
                                  "and try again.") == \
        "Il n’y a pas d’atelier avec le code 'AB'. Vérifiez le code et réessayez."


@pytest.mark.parametrize(("message", "french", "german"), [
    ("groups: Input should be greater than or equal to 1.",
     "Saisie non valide (groups)\u00a0: au moins 1.", "Ungültige Eingabe (groups): mindestens 1."),
    ("body.name: String should have at least 1 character (and 2 more).",
     "Saisie non valide (body.name)\u00a0: au moins 1 caractère (et 2 autres).",
     "Ungültige Eingabe (body.name): mindestens 1 Zeichen (und 2 weitere)."),
    ("language: Input should be 'en', 'fr' or 'de'.",
     "Saisie non valide (language)\u00a0: l’une des valeurs 'en', 'fr', 'de'.",
     "Ungültige Eingabe (language): einer der Werte 'en', 'fr', 'de'."),
    ("data.x: Input should be a valid number, unable to parse string as a number",
     "Saisie non valide (data.x)\u00a0: un nombre est attendu.",
     "Ungültige Eingabe (data.x): eine Zahl wird erwartet."),
    ("zzz: Extra inputs are not permitted.", "Saisie non valide (zzz)\u00a0: non attendu ici.",
     "Ungültige Eingabe (zzz): hier nicht vorgesehen."),
])
def test_what_is_wrong_with_a_field_is_said_too(message: str, french: str, german: str) -> None:
    assert localize_message("fr", message) == french
    assert localize_message("de", message) == german
