"""Dot votes in the report: each closed vote's counts per group, most votes first. Counts
only: who voted for what never leaves the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.i18n import Language, translate
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


def markdown(votes: list[dict[str, Any]], lang: Language = "en") -> list[str]:
    out: list[str] = []
    for vote in votes:
        out += [f"## {translate(lang, 'report.votes', phase=vote['phase'])}", "",
                translate(lang, "report.votes_each", count=vote["per_person"]), ""]
        for group in vote["groups"]:
            out += [f"### {group['group']}", ""]
            out += [f"- **{n['votes']}** — {n['text']} ({n['section']})" for n in group["notes"]]
            out += [""] if group["notes"] else [f"_{translate(lang, 'report.no_votes')}_", ""]
    return out


def csv_rows(votes: list[dict[str, Any]]) -> list[list[str]]:
    """Rows in the notes CSV's columns: kind "votes", the count in the step column."""
    return [[group["group"], note["section"], "votes", "", str(note["votes"]), note["text"],
             "", ""]
            for vote in votes for group in vote["groups"] for note in group["notes"]]


def docx(doc: Any, votes: list[dict[str, Any]], table: Table, lang: Language = "en") -> None:
    for vote in votes:
        doc.add_heading(translate(lang, "report.votes", phase=vote["phase"]), level=1)
        doc.add_paragraph(translate(lang, "report.votes_each", count=vote["per_person"]))
        for group in vote["groups"]:
            doc.add_heading(group["group"], level=2)
            if group["notes"]:
                table(doc, [translate(lang, f"report.col.{c}")
                            for c in ("votes", "note", "section")],
                      [[str(n["votes"]), n["text"], n["section"]] for n in group["notes"]])
            else:
                doc.add_paragraph(translate(lang, "report.no_votes"))
