"""Dot votes in the report: each closed vote's counts per group, most votes first. Counts
only: who voted for what never leaves the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.phases.templates import Template

Table = Callable[[Any, list[str], list[list[str]]], None]


def results(template: Template, roster: dict[str, Any], boards: dict[str, dict[str, Any]],
            rounds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"phase", "per_person", "groups": [{"group", "notes": [{section, text, votes}]}]}]``
    for the report (the JSON export), from app.board.vote_service.report_votes."""
    sections = {s.key: s.title for s in template.sections}
    listed = []
    for round_ in rounds:
        index = round_["phase_index"]
        phase = template.phases[index].title if 0 <= index < len(template.phases) else ""
        groups = []
        for group in roster["groups"]:
            counts = round_["counts"].get(group["room"], {})
            notes = {n["id"]: n for n in boards.get(group["room"], {"notes": []})["notes"]}
            voted = [{"section": sections.get(notes[i]["section"], notes[i]["section"]),
                      "text": notes[i]["text"], "votes": n}
                     for i, n in counts.items() if i in notes]
            voted.sort(key=lambda v: (-v["votes"], v["text"]))
            groups.append({"group": group["name"], "notes": voted})
        listed.append({"phase": phase, "per_person": round_["per_person"], "groups": groups})
    return listed


def markdown(votes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for vote in votes:
        out += [f"## Votes: {vote['phase']}", "",
                f"Each participant had {vote['per_person']} votes.", ""]
        for group in vote["groups"]:
            out += [f"### {group['group']}", ""]
            out += [f"- **{n['votes']}** — {n['text']} ({n['section']})" for n in group["notes"]]
            out += [""] if group["notes"] else ["_No votes._", ""]
    return out


def csv_rows(votes: list[dict[str, Any]]) -> list[list[str]]:
    """Rows in the notes CSV's columns: kind "votes", the count in the step column."""
    return [[group["group"], note["section"], "votes", "", str(note["votes"]), note["text"],
             "", ""]
            for vote in votes for group in vote["groups"] for note in group["notes"]]


def docx(doc: Any, votes: list[dict[str, Any]], table: Table) -> None:
    for vote in votes:
        doc.add_heading(f"Votes: {vote['phase']}", level=1)
        doc.add_paragraph(f"Each participant had {vote['per_person']} votes.")
        for group in vote["groups"]:
            doc.add_heading(group["group"], level=2)
            if group["notes"]:
                table(doc, ["Votes", "Note", "Section"],
                      [[str(n["votes"]), n["text"], n["section"]] for n in group["notes"]])
            else:
                doc.add_paragraph("No votes.")
