"""The built-in activity templates (data files) and the loader's error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.phases.templates import (
    TEMPLATE_DIR,
    Template,
    TemplateError,
    builtin_templates,
    load_template,
    load_templates,
)
from app.toolkit.entries import INTERVENTION_SLUGS, get_entry

# The 15 intervention types listed in Activity 2 ("Guided consultation of Cedefop toolkit").
SEED_TOPIC_TITLES = [
    "Flexible education and training systems",
    "Improving VET image and attractiveness",
    "Second chance measures",
    "Building motivation to learn",
    "Comprehensive support to tackle complex needs",
    "Guiding young people to manage their careers",
    "Counselling to address barriers to learning",
    "One-to-one support through coaching or mentoring",
    "Tailored learning pathways",
    "Practical application of theoretical courses",
    "Developing employability skills",
    "Work-based learning and simulations",
    "Community involvement",
    "Inclusive work-based learning environments",
    "Validation of non-formal and informal learning",
]

# Phases in which participants reflect on the seed's questions or discussion asks.
REFLECTION_PHASES = {
    "activity-2": ["individual", "groups-procedures", "groups-action"],
    "activity-3": ["groups-monitoring", "groups-challenges"],
}

ACTORS = [
    "teacher/trainer",
    "class tutor",
    "school counsellor",
    "learner",
    "family",
    "company trainer",
    "social services",
]


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return builtin_templates()


def _timed(template: Template) -> list[int | None]:
    return [p.minutes for p in template.timed_phases]


# ------------------------------------------------------------------ built-in templates


def test_builtin_templates_are_the_two_activities(templates: dict[str, Template]) -> None:
    assert set(templates) == {"activity-2", "activity-3"}
    assert load_templates() == templates
    for key, template in templates.items():
        assert template.key == key
        assert template.source == (
            "Cedefop, VET toolkit for tackling early leaving — trainer activities"
        )
        assert template.summary.strip()


def test_activity_2_timing(templates: dict[str, Template]) -> None:
    template = templates["activity-2"]
    assert template.title == (
        "What can we do if we think that a learner is at risk of early leaving?"
    )
    assert template.audience == "VET practitioners"
    assert [p.key for p in template.phases] == [
        "individual",
        "groups-procedures",
        "toolkit",
        "groups-action",
        "plenary",
    ]
    assert _timed(template) == [10, 15, 15, 20]
    assert template.phases[-1].mode == "plenary"
    assert template.phases[-1].minutes is None
    assert sum(p.minutes or 0 for p in template.phases) == 60


def test_activity_3_timing(templates: dict[str, Template]) -> None:
    template = templates["activity-3"]
    assert template.title == "How can we monitor a learner who has left his or her studies?"
    assert [p.key for p in template.phases] == [
        "toolkit",
        "groups-monitoring",
        "groups-challenges",
        "plenary",
    ]
    assert _timed(template) == [10, 15, 15]
    assert template.phases[-1].mode == "plenary"
    assert template.phases[-1].minutes is None
    assert sum(p.minutes or 0 for p in template.phases) == 40


def test_activity_2_individual_phase_writes_private_procedure_steps(
    templates: dict[str, Template],
) -> None:
    template = templates["activity-2"]
    individual = template.phases[0]
    assert individual.key == "individual"
    assert individual.mode == "individual"
    assert individual.sections == ["procedure"]
    assert len(individual.prompts) == 7
    assert individual.prompts[0] == (
        "What is the first step when we detect that a learner is at risk of dropping out?"
    )
    procedure = template.section("procedure")
    assert procedure is not None
    assert procedure.kind == "steps"
    assert procedure.title == "Procedure to follow up on learners at risk of early leaving"
    assert procedure.actors == ACTORS
    assert len(procedure.example) == 3
    assert procedure.example[0].startswith("The teacher/trainer who observes the risk")
    # The group arranges the revealed steps in the next phase.
    groups = template.phases[1]
    assert groups.mode == "group"
    assert groups.sections == ["procedure", "commonalities", "challenges"]


def test_activity_2_topics_pick_two_of_the_fifteen_seed_titles(
    templates: dict[str, Template],
) -> None:
    template = templates["activity-2"]
    topics = template.section("topics")
    assert topics is not None
    assert topics.kind == "pick"
    assert topics.choose == 2
    assert len(topics.options) == 15
    assert [o.label for o in topics.options] == SEED_TOPIC_TITLES
    # The values are the toolkit's slugs, so the picked entries can be opened for reading.
    assert tuple(o.value for o in topics.options) == INTERVENTION_SLUGS
    toolkit = next(p for p in template.phases if p.key == "toolkit")
    assert toolkit.sections == ["topics"]
    assert toolkit.reading == ["picked"]


def test_activity_2_action_form_and_next_steps(templates: dict[str, Template]) -> None:
    template = templates["activity-2"]
    action = template.section("action")
    assert action is not None
    assert action.kind == "form"
    fields = {f.key: f for f in action.fields}
    assert list(fields) == ["type", "challenge", "action"]
    assert fields["type"].label == "Type of intervention (toolkit title)"
    assert fields["type"].placeholder == "E.g. Community involvement."
    assert fields["type"].suggest_from == "topics"
    assert fields["challenge"].suggest_from == "challenges"
    assert fields["challenge"].multiline
    assert fields["action"].multiline
    next_steps = template.section("next_steps")
    assert next_steps is not None
    assert next_steps.kind == "steps"
    assert next_steps.actors == ACTORS
    assert len(next_steps.example) == 1
    assert template.phases[3].sections == ["action", "next_steps"]


def test_activity_3_sections(templates: dict[str, Template]) -> None:
    template = templates["activity-3"]
    features = template.section("features")
    assert features is not None
    assert features.kind == "cards"
    pairs = template.section("challenges_actions")
    assert pairs is not None
    assert pairs.kind == "pairs"
    assert pairs.columns == ("Challenges identified", "Actions proposed")
    phases = {p.key: p for p in template.phases}
    assert phases["toolkit"].sections == []
    assert phases["toolkit"].reading == ["monitoring-early-leavers"]
    assert phases["groups-monitoring"].sections == ["features"]
    assert len(phases["groups-monitoring"].prompts) == 10
    assert not any("left early leaving" in q for q in phases["groups-monitoring"].prompts)
    assert phases["groups-challenges"].sections == ["challenges_actions"]


def test_every_phase_has_instructions_and_reflection_phases_have_prompts(
    templates: dict[str, Template],
) -> None:
    for key, template in templates.items():
        for phase in template.phases:
            assert phase.instructions.strip(), f"{key}/{phase.key} has no instructions"
            assert "pieces of paper" not in phase.instructions
        phases = {p.key: p for p in template.phases}
        for phase_key in REFLECTION_PHASES[key]:
            prompts = phases[phase_key].prompts
            assert prompts, f"{key}/{phase_key} has no prompts"
            assert all(q.strip() == q and q for q in prompts)


def test_suggestions_and_readings_point_at_something_real(
    templates: dict[str, Template],
) -> None:
    for template in templates.values():
        for section in template.sections:
            for field in section.fields:
                if field.suggest_from is not None:
                    source = template.section(field.suggest_from)
                    assert source is not None
                    assert source.kind in {"pick", "cards"}
        for phase in template.phases:
            for slug in phase.reading:
                assert slug == "picked" or get_entry(slug) is not None, slug


# ------------------------------------------------------------------ broken templates

VALID = """\
key = "{key}"
title = "A test activity"
audience = "testers"
summary = "Only for tests."
source = "tests"

[[sections]]
key = "notes"
kind = "cards"
title = "Notes"

[[phases]]
key = "work"
title = "Work"
mode = "group"
minutes = 10
instructions = "Write notes."
sections = ["notes"]

[[phases]]
key = "plenary"
title = "Plenary"
mode = "plenary"
instructions = "Discuss."
"""

PLENARY = """
[[phases]]
key = "plenary"
title = "Plenary"
mode = "plenary"
instructions = "Discuss."
"""


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_template_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "tiny", VALID.format(key="tiny"))
    template = load_template(path)
    assert _timed(template) == [10]
    assert load_templates(tmp_path) == {"tiny": template}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            VALID.format(key="broken").replace("minutes = 10", "minutes = 0"),
            ["phases.0.minutes"],
            id="zero-minutes",
        ),
        pytest.param(
            VALID.format(key="broken").replace('sections = ["notes"]', 'sections = ["nope"]'),
            ["unknown section 'nope'", "'work'"],
            id="unknown-section",
        ),
        pytest.param(
            VALID.format(key="broken").replace(PLENARY, ""),
            ["last phase must be the plenary"],
            id="missing-plenary",
        ),
        pytest.param(
            VALID.format(key="broken").replace('mode = "group"', ""),
            ["phases.0.mode"],
            id="missing-mode",
        ),
        pytest.param(
            VALID.format(key="broken").replace("minutes = 10\n", 'minutes = 10\ncolour = "red"\n'),
            ["phases.0.colour"],
            id="unknown-field",
        ),
        pytest.param(
            VALID.format(key="broken").replace('kind = "cards"', 'kind = "pick"\nchoose = 2'),
            ["sections.0", "pick section needs options"],
            id="pick-without-options",
        ),
        pytest.param(
            VALID.format(key="broken").replace('title = "Notes"', 'title = "Notes'),
            ["not valid TOML"],
            id="invalid-toml",
        ),
        pytest.param(
            VALID.format(key="other"),
            ["key 'other' must match the file name"],
            id="key-not-file-name",
        ),
    ],
)
def test_broken_template_names_file_and_field(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = _write(tmp_path, "broken", text)
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    message = str(caught.value)
    assert message.startswith("broken.toml: ")
    for fragment in expected:
        assert fragment in message


def test_one_broken_file_stops_loading_the_directory(tmp_path: Path) -> None:
    _write(tmp_path, "good", VALID.format(key="good"))
    _write(tmp_path, "bad", VALID.format(key="bad").replace("minutes = 10", "minutes = 0"))
    with pytest.raises(TemplateError, match=r"^bad\.toml: phases\.0\.minutes"):
        load_templates(tmp_path)


def test_builtin_files_live_next_to_the_loader() -> None:
    assert sorted(p.name for p in TEMPLATE_DIR.glob("*.toml")) == [
        "activity-2.toml",
        "activity-3.toml",
    ]
