"""Where the reveal puts private notes: one lane per author, no two notes overlapping."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from app.board import rules
from app.protocol.limits import BOARD_HEIGHT, BOARD_WIDTH


def _note(author: int, step: int | None, section: str = "procedure", n: int = 0) -> dict[str, Any]:
    return {"id": f"{section}-{author}-{step}-{n}", "section": section, "author": f"a{author}",
            "step": step, "x": 0.0, "y": 0.0, "private": True, "version": 1,
            "created_at": float(n)}


def _revealed(hidden: list[dict[str, Any]]) -> list[dict[str, Any]]:
    change = rules.reveal_private_notes(hidden, 10.0)
    assert change is not None
    assert change.kind == "notes.reveal"
    return list(change.data["notes"])


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["x"] < b["x"] + rules.NOTE_WIDTH and b["x"] < a["x"] + rules.NOTE_WIDTH
            and a["y"] < b["y"] + rules.NOTE_HEIGHT and b["y"] < a["y"] + rules.NOTE_HEIGHT)


def test_nothing_hidden_reveals_nothing() -> None:
    assert rules.reveal_private_notes([], 1.0) is None


@pytest.mark.parametrize("authors", [1, 2, 5, 12])
@pytest.mark.parametrize("steps", [1, 2, 7, 15])
def test_no_two_revealed_notes_overlap(authors: int, steps: int) -> None:
    hidden = [_note(a, s) for a in range(authors) for s in range(1, steps + 1)]
    notes = _revealed(hidden)
    assert len(notes) == authors * steps
    for a, b in itertools.combinations(notes, 2):
        assert not _overlap(a, b), (a, b)
    for n in notes:
        assert not n["private"] and n["version"] == 2 and n["updated_at"] == 10.0
        assert 0 <= n["x"] <= BOARD_WIDTH - rules.NOTE_WIDTH
        assert 0 <= n["y"] <= BOARD_HEIGHT - rules.NOTE_HEIGHT


def test_each_author_gets_a_lane_in_step_order_a_note_and_a_gap_apart() -> None:
    # Out of order on purpose: the layout follows the steps, not the list.
    hidden = [_note(1, 3), _note(0, 2), _note(1, 1), _note(0, 1), _note(1, 2)]
    notes = _revealed(hidden)
    at = {n["id"]: (n["x"], n["y"]) for n in notes}
    xs = {a: {n["x"] for n in notes if n["author"] == f"a{a}"} for a in (0, 1)}
    assert all(len(v) == 1 for v in xs.values())  # one column per author
    assert abs(xs[0].pop() - xs[1].pop()) >= rules.NOTE_WIDTH + rules.NOTE_GAP
    ys = [at[f"procedure-1-{s}-0"][1] for s in (1, 2, 3)]
    assert ys == sorted(ys)
    assert ys[1] - ys[0] >= rules.NOTE_HEIGHT + rules.NOTE_GAP
    assert ys[2] - ys[1] >= rules.NOTE_HEIGHT + rules.NOTE_GAP


def test_unnumbered_notes_and_several_sections_do_not_overlap() -> None:
    # Cards have no step: an author's cards still go one under another, and each
    # section lays out its own lanes.
    rng = random.Random(7)
    hidden = [_note(a, None, section, n) for section in ("commonalities", "challenges")
              for a in range(rng.randint(1, 12)) for n in range(rng.randint(1, 15))]
    hidden += [_note(a, s, "procedure") for a in range(12) for s in range(1, 16)]
    rng.shuffle(hidden)
    notes = _revealed(hidden)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for n in notes:
        by_section.setdefault(n["section"], []).append(n)
    for section in by_section.values():
        for a, b in itertools.combinations(section, 2):
            assert not _overlap(a, b), (a, b)
    # Lanes start at the left of each section's canvas, whoever wrote first elsewhere.
    assert min(n["x"] for n in by_section["commonalities"]) == rules.REVEAL_LEFT


def test_lanes_past_the_bounds_stay_on_the_board() -> None:
    many = BOARD_WIDTH // rules.LANE_WIDTH + 3
    notes = _revealed([_note(a, 1) for a in range(many)]
                      + [_note(0, s) for s in range(2, BOARD_HEIGHT // rules.ROW_HEIGHT + 3)])
    assert max(n["x"] for n in notes) == BOARD_WIDTH - rules.NOTE_WIDTH
    assert max(n["y"] for n in notes) == BOARD_HEIGHT - rules.NOTE_HEIGHT
