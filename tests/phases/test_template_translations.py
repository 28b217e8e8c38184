"""Templates carry their texts in several languages; a gap falls back to the template's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.phases.templates import TemplateError, builtin_templates, load_template
from app.phases.translations import gaps

MINIMAL = """
key = "mini"
title = "Mini"
audience = "Anyone"
summary = "A small activity."
source = "Ours"

[[sections]]
key = "ideas"
kind = "pick"
title = "Ideas"
choose = 1
options = [{ value = "a", label = "Apple" }, { value = "b", label = "Pear" }]

[[phases]]
key = "work"
title = "Work"
minutes = 5
mode = "group"
instructions = "Pick one."
prompts = ["Which one?"]
sections = ["ideas"]

[[phases]]
key = "plenary"
title = "Plenary"
mode = "plenary"
instructions = "Talk."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mini.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", sorted(builtin_templates()))
@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_builtin_template_translates_every_text(key: str, lang: str) -> None:
    template = builtin_templates()[key]
    assert gaps(template, lang) == []  # type: ignore[arg-type]
    assert template.translations[lang].note  # type: ignore[index]


@pytest.mark.parametrize("key", sorted(builtin_templates()))
def test_a_builtin_translation_differs_from_the_english_text(key: str) -> None:
    english = builtin_templates()[key]
    for lang in ("fr", "de"):
        local = english.localized(lang)  # type: ignore[arg-type]
        assert local.language == lang
        assert local.title != english.title
        for mine, theirs in zip(local.phases, english.phases, strict=True):
            assert mine.instructions != theirs.instructions
            assert mine.key == theirs.key and mine.minutes == theirs.minutes


def test_the_german_activity_2_has_german_options_actors_and_field_labels() -> None:
    local = builtin_templates()["activity-2"].localized("de")
    procedure = local.section("procedure")
    assert procedure is not None and "Klassenleitung" in procedure.actors
    topics = local.section("topics")
    assert topics is not None
    assert topics.options[12].value == "community-involvement"
    assert topics.options[12].label == "Einbindung des Gemeinwesens"
    action = local.section("action")
    assert action is not None and action.fields[1].label == "Erkannte Herausforderung"
    assert local.translation_note.startswith("Inoffizielle Übersetzung")


def test_a_missing_translation_falls_back_to_the_templates_own_texts(tmp_path: Path) -> None:
    template = load_template(write(tmp_path, MINIMAL + """
[translations.fr]
title = "Mini (fr)"
[translations.fr.sections.ideas.options]
a = "Pomme"
[translations.fr.phases.work]
instructions = "Choisissez-en un."
"""))
    french = template.localized("fr")
    assert french.title == "Mini (fr)" and french.audience == "Anyone"
    ideas = french.section("ideas")
    assert ideas is not None and [o.label for o in ideas.options] == ["Pomme", "Pear"]
    assert french.phases[0].instructions == "Choisissez-en un."
    assert french.phases[0].title == "Work" and french.phases[0].prompts == ["Which one?"]
    # No German at all: German readers get the template's own language.
    german = template.localized("de")
    assert german.title == "Mini" and german.language == "en"
    assert "sections.ideas.options.b" in gaps(template, "fr")


@pytest.mark.parametrize(("extra", "problem"), [
    ("[translations.fr.sections.nope]\ntitle = 'x'", "unknown section 'nope'"),
    ("[translations.fr.phases.work]\nprompts = ['a', 'b']", "prompts: needs 1 entries"),
    ("[translations.fr.sections.ideas.options]\nzzz = 'x'", "unknown option 'zzz'"),
    ("[translations.it]\ntitle = 'x'", "translations.it"),
])
def test_a_translation_that_does_not_fit_the_template_is_refused(
        tmp_path: Path, extra: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem):
        load_template(write(tmp_path, MINIMAL + extra))
