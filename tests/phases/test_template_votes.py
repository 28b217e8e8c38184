"""A template phase may declare a dot vote: only a group phase, only on note sections."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.phases.templates import Template, builtin_templates


def raw_with_vote(index: int, vote: dict[str, Any]) -> dict[str, Any]:
    raw = builtin_templates()["activity-2"].model_dump()
    raw["phases"][index]["vote"] = vote
    return raw


def group_index() -> int:
    return next(i for i, p in enumerate(builtin_templates()["activity-2"].phases)
                if p.mode == "group")


def test_a_group_phase_may_hold_a_vote_on_note_sections() -> None:
    template = Template.model_validate(
        raw_with_vote(group_index(), {"per_person": 3, "sections": ["challenges"]}))
    vote = template.phases[group_index()].vote
    assert vote is not None and vote.per_person == 3 and vote.sections == ["challenges"]


@pytest.mark.parametrize(("index", "vote", "problem"), [
    (0, {"per_person": 3}, "only a group phase may hold a vote"),
    (None, {"per_person": 3, "sections": ["topics"]}, "not a section of notes"),
    (None, {"per_person": 3, "sections": ["nowhere"]}, "not a section of notes"),
    (None, {"per_person": 0}, "greater than or equal to 1"),
    (None, {"per_person": 21}, "less than or equal to 20"),
])
def test_a_vote_elsewhere_or_on_other_sections_is_refused(
    index: int | None, vote: dict[str, Any], problem: str
) -> None:
    raw = raw_with_vote(group_index() if index is None else index, vote)
    with pytest.raises(ValidationError, match=problem):
        Template.model_validate(raw)
