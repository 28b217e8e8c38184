"""What a vote allows: pure rules for casting, taking back, opening and closing, and what
each viewer may see of a vote (counts only once it is closed, never who voted)."""

from __future__ import annotations

from typing import Any

from app.errors import OpError
from app.phases.templates import VOTABLE_KINDS, Template

Round = dict[str, Any]
Note = dict[str, Any]


def check_cast(round_: Round | None, note: Note | None, template: Template,
               mine: dict[str, int]) -> None:
    """Refuse a dot that is not allowed; the caller stores it otherwise."""
    _check_open(round_)
    assert round_ is not None
    if note is None or note["private"]:
        raise OpError("not_found", "There is no such note on your board.")
    if not votable(round_, template, note["section"]):
        section = template.section(note["section"])
        title = section.title if section is not None else note["section"]
        raise OpError("invalid", f"Notes in {title!r} are not part of this vote.")
    used = sum(mine.values())
    if used >= round_["per_person"]:
        raise OpError("invalid", f"You have used all {round_['per_person']} of your votes; "
                                 "take one back to vote again.")


def check_retract(round_: Round | None, note_id: str, mine: dict[str, int]) -> None:
    _check_open(round_)
    if not mine.get(note_id):
        raise OpError("invalid", "You have no vote on this note to take back.")


def _check_open(round_: Round | None) -> None:
    if round_ is None or round_["status"] != "open":
        raise OpError("locked", "No vote is open right now.")


def votable(round_: Round, template: Template, section_key: str) -> bool:
    section = template.section(section_key)
    if section is None or section.kind not in VOTABLE_KINDS:
        return False
    return not round_["sections"] or section_key in round_["sections"]


def check_sections(template: Template, sections: list[str]) -> list[str]:
    """The sections a new vote may name: note sections of the activity, each once."""
    for key in sections:
        section = template.section(key)
        if section is None:
            raise OpError("invalid", f"There is no section called {key!r} in this activity.")
        if section.kind not in VOTABLE_KINDS:
            raise OpError("invalid", f"{section.title!r} has no notes to vote on.")
    return list(dict.fromkeys(sections))


def summary(round_: Round | None, cast: int) -> dict[str, Any]:
    """The vote as everyone in the workshop may see it: its state and how many dots were
    cast, never where."""
    if round_ is None:
        return {"status": "none"}
    return {"round": round_["id"], "status": round_["status"],
            "per_person": round_["per_person"], "sections": round_["sections"],
            "phase_index": round_["phase_index"], "cast": cast}


def board_view(round_: Round | None, mine: dict[str, int] | None,
               counts: dict[str, int] | None) -> dict[str, Any]:
    """A group board's vote as one viewer sees it: their own dots (participants) and, once
    the vote is closed, every note's count. Callers pass counts only for a closed vote."""
    if round_ is None:
        return {"status": "none"}
    view: dict[str, Any] = {"round": round_["id"], "status": round_["status"],
                            "per_person": round_["per_person"],
                            "sections": round_["sections"]}
    if mine is not None:
        view["mine"] = mine
        view["left"] = max(0, round_["per_person"] - sum(mine.values()))
    if round_["status"] == "closed":
        view["counts"] = counts or {}
    return view
