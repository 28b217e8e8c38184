"""The toolkit content and its reader API (pure: no server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.toolkit.entries import (
    INTERVENTION_SLUGS,
    TOOLKIT_PATH,
    Entry,
    ToolkitError,
    get_entry,
    load_toolkit,
    read_toolkit,
    search,
)

# The 15 titles listed in Activity 2 ("Guided consultation of Cedefop toolkit"), in order.
ACTIVITY_2_TITLES = [
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
CREDIT = "Based on Cedefop, VET toolkit for tackling early leaving"
SOURCE_URL = "https://www.cedefop.europa.eu/en/tools/vet-toolkit-tackling-early-leaving"


def interventions() -> list[Entry]:
    return [e for e in load_toolkit().entries if e.kind == "intervention"]


def test_exactly_the_15_activity_2_titles_in_order() -> None:
    items = interventions()
    assert [e.title for e in items] == ACTIVITY_2_TITLES
    assert [e.number for e in items] == list(range(1, 16))
    assert tuple(e.slug for e in items) == INTERVENTION_SLUGS


def test_monitoring_section_is_present_without_a_number() -> None:
    section = get_entry("monitoring-early-leavers")
    assert section is not None
    assert section.kind == "section"
    assert section.number is None
    assert section.title == "Monitoring early leavers"
    text = " ".join((*section.what_works, *section.tips)).casefold()
    assert "keeping in touch with young drop-outs" in text
    assert "data protection" in text


def test_every_entry_has_summary_who_and_what_works() -> None:
    for entry in load_toolkit().entries:
        assert entry.summary.strip(), entry.slug
        assert entry.who.strip(), entry.slug
        assert 3 <= len(entry.what_works) <= 5, entry.slug
        assert all(item.strip() for item in entry.what_works), entry.slug


def test_intro_has_three_action_areas() -> None:
    intro = load_toolkit().intro
    assert len(intro.action_areas) == 3
    assert "no single measure" in intro.choosing.casefold()


def test_toolkit_credits_cedefop_with_the_address() -> None:
    toolkit = load_toolkit()
    assert toolkit.credit == CREDIT
    assert toolkit.source_url == SOURCE_URL


def test_entries_are_frozen() -> None:
    entry = get_entry("community-involvement")
    assert entry is not None
    with pytest.raises(ValueError, match="frozen"):
        entry.title = "Something else"  # type: ignore[misc]


def test_search_mentoring_finds_coaching_or_mentoring_first() -> None:
    results = search("mentoring")
    assert results
    assert results[0].slug == "one-to-one-support-through-coaching-or-mentoring"


def test_search_is_case_insensitive() -> None:
    assert [e.slug for e in search("MENTORING")] == [e.slug for e in search("mentoring")]


def test_search_puts_title_hits_first() -> None:
    results = search("work")
    title_hits = [e for e in results if "work" in e.title.casefold()]
    assert results[: len(title_hits)] == title_hits
    assert len(results) > len(title_hits)


def test_multi_word_search_needs_every_word() -> None:
    both = search("apprentices mediation")
    assert [e.slug for e in both] == ["inclusive-work-based-learning-environments"]
    assert len(search("apprentices")) > 1
    assert search("mentoring zzzunknownword") == []


def test_empty_query_returns_every_entry() -> None:
    everything = list(load_toolkit().entries)
    assert search("") == everything
    assert search("   ") == everything
    assert len(everything) == 16


def test_unknown_slug_is_none() -> None:
    assert get_entry("no-such-entry") is None
    assert get_entry("") is None


def test_broken_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    text = TOOLKIT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "toolkit.toml"
    line = next(ln for ln in text.splitlines() if ln.startswith('summary = "Routes back'))
    broken.write_text(text.replace(line, 'summary = "  "', 1), encoding="utf-8")
    with pytest.raises(
        ToolkitError, match=r"toolkit\.toml: entries\[2\] \(second-chance-measures\)\.summary"
    ):
        read_toolkit(broken)


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "toolkit.toml"
    broken.write_text("credit = ", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"toolkit\.toml: not valid TOML"):
        read_toolkit(broken)


def test_interventions_out_of_order_are_rejected(tmp_path: Path) -> None:
    text = TOOLKIT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "toolkit.toml"
    broken.write_text(text.replace("number = 2\n", "number = 3\n", 1), encoding="utf-8")
    with pytest.raises(ToolkitError, match="numbered"):
        read_toolkit(broken)
