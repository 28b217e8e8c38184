"""The workshop report: every group's board and the timing record as data, rendered as
Markdown, CSV (the notes; ``timing_csv`` the timing record) or DOCX."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from app.phases.templates import Template
from app.workshops import timing_export


def build_report(workshop: dict[str, Any], template: Template, roster: dict[str, Any],
                 boards: dict[str, dict[str, Any]], timing: list[dict[str, Any]], *,
                 names: bool = True) -> dict[str, Any]:
    """The full report as plain data (the JSON export); ``names=False`` anonymises people.

    ``timing`` is the facilitator's timing record (app.phases.timing.timing_record)."""
    aliases: dict[str, str] = {}
    for group in roster["groups"]:
        for member in group["members"]:
            aliases[member["id"]] = member["name"] if names else f"Participant {len(aliases) + 1}"

    def who(person_id: str, fallback: str) -> str:
        return aliases.get(person_id, fallback if names or person_id == "facilitator"
                           else "Participant")

    groups = []
    for group in roster["groups"]:
        board = boards.get(group["room"], {"notes": [], "fields": {}})
        sections = []
        for section in template.sections:
            notes = [dict(n, author_name=who(n["author"], n["author_name"]))
                     for n in board["notes"] if n["section"] == section.key]
            entry: dict[str, Any] = {"key": section.key, "title": section.title,
                                     "kind": section.kind, "notes": notes}
            if section.kind == "pick":
                chosen = board["fields"].get(section.key, {}).get("value") or []
                labels = {o.value: o.label for o in section.options}
                entry["picked"] = [{"value": v, "label": labels.get(v, v)} for v in chosen]
            if section.kind == "form":
                entry["fields"] = [
                    {"key": f.key, "label": f.label,
                     "value": board["fields"].get(f"{section.key}.{f.key}", {}).get("value", "")}
                    for f in section.fields
                ]
            if section.kind == "pairs" and section.columns:
                entry["columns"] = list(section.columns)
            sections.append(entry)
        groups.append({"id": group["id"], "name": group["name"],
                       "members": [aliases[m["id"]] for m in group["members"]],
                       "sections": sections})
    return {
        "workshop": {"title": workshop["title"], "code": workshop["code"],
                     "activity": template.title, "template": template.key,
                     "audience": template.audience, "source": template.source,
                     "date": datetime.fromtimestamp(workshop["created_at"], UTC).date().isoformat(),
                     "status": workshop["status"]},
        "phases": [{"key": p.key, "title": p.title, "minutes": p.minutes}
                   for p in template.phases],
        "timing": timing,
        "groups": groups,
    }


def _lanes(notes: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Step notes grouped by lane (an author's own steps, or the group's), in step order."""
    # Keyed by the lane (its author's id), not the name: two people who erased themselves
    # share the name "Removed participant" but keep lanes of their own.
    lanes: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for note in sorted(notes, key=lambda n: (n["lane"], n["step"] or 0)):
        label = note["author_name"] if note["lane"] else "Group"
        lanes.setdefault(note["lane"], (label, []))[1].append(note)
    return list(lanes.values())


def _actors(note: dict[str, Any]) -> str:
    return f" ({', '.join(note['actors'])})" if note["actors"] else ""


def to_markdown(report: dict[str, Any]) -> str:
    w = report["workshop"]
    out = [f"# {w['title']}", "", f"- Activity: {w['activity']}", f"- Date: {w['date']}",
           f"- Code: {w['code']}", f"- Source: {w['source']}", ""]
    out += timing_export.markdown(report["timing"])
    for group in report["groups"]:
        out += [f"## {group['name']}", "", "Members: " + (", ".join(group["members"]) or "—"),
                ""]
        for section in group["sections"]:
            out += [f"### {section['title']}", ""]
            out += _section_lines(section) or ["_Nothing written._"]
            out.append("")
    return "\n".join(out)


def _section_lines(section: dict[str, Any]) -> list[str]:
    kind = section["kind"]
    lines: list[str] = []
    if kind == "steps":
        for lane, notes in _lanes(section["notes"]):
            lines.append(f"**{lane}**")
            lines += [f"{n['step']}. {n['text']}{_actors(n)}" for n in notes]
            lines.append("")
    elif kind == "cards":
        lines += [f"- {n['text']} — {n['author_name']}" for n in section["notes"]]
    elif kind == "pick":
        lines += [f"- {p['label']}" for p in section["picked"]]
    elif kind == "form":
        lines += [f"- **{f['label']}**: {f['value']}" for f in section["fields"] if f["value"]]
    elif kind == "pairs":
        left, right = section.get("columns", ["", ""])
        if section["notes"]:
            lines += [f"| {left} | {right} |", "|---|---|"]
            lines += [f"| {_cell(n['text'])} | {_cell(n['answer'])} |" for n in section["notes"]]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def timing_csv(report: dict[str, Any]) -> str:
    """The timing record as a CSV of its own: one row per phase run."""
    return timing_export.to_csv(report["timing"])


def to_csv(report: dict[str, Any]) -> str:
    """Every note, pick and field, one per row (the timing record is ``timing_csv``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["group", "section", "kind", "author", "step", "text", "answer", "actors"])
    for group in report["groups"]:
        for section in group["sections"]:
            for note in section["notes"]:
                writer.writerow([group["name"], section["title"], section["kind"],
                                 note["author_name"], note["step"] or "", note["text"],
                                 note["answer"], "; ".join(note["actors"])])
            for pick in section.get("picked", []):
                writer.writerow([group["name"], section["title"], "pick", "", "", pick["label"],
                                 "", ""])
            for field in section.get("fields", []):
                if field["value"]:
                    writer.writerow([group["name"], section["title"], "field", "", "",
                                     f"{field['label']}: {field['value']}", "", ""])
    return buffer.getvalue()


def to_docx(report: dict[str, Any]) -> bytes:
    # Imported on first use: python-docx and lxml weigh ~10 MB in every process otherwise.
    from docx import Document

    w = report["workshop"]
    doc = Document()
    doc.add_heading(w["title"], level=0)
    doc.add_paragraph(f"{w['activity']} — {w['date']} — code {w['code']}")
    doc.add_paragraph(w["source"])
    doc.add_heading("Timing", level=1)
    doc.add_paragraph("Times are UTC; actual time leaves pauses out.")
    _table(doc, timing_export.HEADER, timing_export.rows(report["timing"]))
    for group in report["groups"]:
        doc.add_heading(group["name"], level=1)
        doc.add_paragraph("Members: " + (", ".join(group["members"]) or "—"))
        for section in group["sections"]:
            doc.add_heading(section["title"], level=2)
            _docx_section(doc, section)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_section(doc: Any, section: dict[str, Any]) -> None:
    kind = section["kind"]
    if kind in ("steps", "cards", "pairs") and section["notes"]:
        if kind == "steps":
            header = ["Who", "Step", "What happens", "Actors"]
            rows = [[lane, str(n["step"]), n["text"], ", ".join(n["actors"])]
                    for lane, notes in _lanes(section["notes"]) for n in notes]
        elif kind == "cards":
            header = ["Note", "Written by"]
            rows = [[n["text"], n["author_name"]] for n in section["notes"]]
        else:
            header = list(section.get("columns", ["", ""]))
            rows = [[n["text"], n["answer"]] for n in section["notes"]]
        _table(doc, header, rows)
    elif kind == "pick" and section["picked"]:
        for pick in section["picked"]:
            doc.add_paragraph(pick["label"], style="List Bullet")
    elif kind == "form" and any(f["value"] for f in section["fields"]):
        _table(doc, ["Field", "Answer"], [[f["label"], f["value"]] for f in section["fields"]])
    else:
        doc.add_paragraph("Nothing written.")


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
