"""The workshop report: every group's board and the timing record as data, rendered as
Markdown, CSV (the notes; ``timing_csv`` the timing record) or DOCX.

Headings and labels are in the report's language (``workshop.language``, app.i18n); the
activity's texts come in it too when the service passes the localized template.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from babel.dates import format_date

from app.i18n import Language, translate
from app.phases.templates import Template
from app.workshops import cluster_export, timing_export, vote_export


def build_report(workshop: dict[str, Any], template: Template, roster: dict[str, Any],
                 boards: dict[str, dict[str, Any]], timing: list[dict[str, Any]], *,
                 names: bool = True, language: Language = "en") -> dict[str, Any]:
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
                     "status": workshop["status"], "language": language},
        "phases": [{"key": p.key, "title": p.title, "minutes": p.minutes}
                   for p in template.phases],
        "timing": timing,
        "groups": groups,
    }


def _language(report: dict[str, Any]) -> Language:
    lang: Language = report["workshop"].get("language", "en")
    return lang


def _words(report: dict[str, Any]) -> partial[str]:
    """``translate`` in the report's language."""
    return partial(translate, _language(report))


def _date(report: dict[str, Any]) -> str:
    """The workshop's date written out in the report's language (``4. Dezember 2026``)."""
    return format_date(date.fromisoformat(report["workshop"]["date"]), format="long",
                       locale=_language(report))


def _lanes(notes: list[dict[str, Any]],
           group: str = "Group") -> list[tuple[str, list[dict[str, Any]]]]:
    """Step notes grouped by lane (an author's own steps, or the group's), in step order."""
    # Keyed by the lane (its author's id), not the name: two people who erased themselves
    # share the name "Removed participant" but keep lanes of their own.
    lanes: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for note in sorted(notes, key=lambda n: (n["lane"], n["step"] or 0)):
        label = note["author_name"] if note["lane"] else group
        lanes.setdefault(note["lane"], (label, []))[1].append(note)
    return list(lanes.values())


def _actors(note: dict[str, Any]) -> str:
    return f" ({', '.join(note['actors'])})" if note["actors"] else ""


def to_markdown(report: dict[str, Any]) -> str:
    w, t = report["workshop"], _words(report)
    out = [f"# {w['title']}", "", f"- {t('report.activity')}: {w['activity']}",
           f"- {t('report.date')}: {_date(report)}", f"- {t('report.code')}: {w['code']}",
           f"- {t('report.source')}: {w['source']}", ""]
    out += timing_export.markdown(report["timing"], _language(report))
    for group in report["groups"]:
        out += [f"## {group['name']}", "",
                t("report.members", names=", ".join(group["members"]) or "—"), ""]
        for section in group["sections"]:
            out += [f"### {section['title']}", ""]
            out += _section_lines(section, t) or [f"_{t('report.nothing')}_"]
            out.append("")
    if "synthesis" in report:
        out += cluster_export.markdown(report["synthesis"], t)
    out += vote_export.markdown(report.get("votes", []), _language(report))
    return "\n".join(out)


def _section_lines(section: dict[str, Any], t: partial[str]) -> list[str]:
    kind = section["kind"]
    lines: list[str] = []
    if kind == "steps":
        for lane, notes in _lanes(section["notes"], t("report.group_lane")):
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
    return timing_export.to_csv(report["timing"], _language(report))


# The notes CSV's columns; their headings are catalogue keys (``report.csv.<column>``).
CSV_COLUMNS = ("group", "section", "kind", "author", "step", "text", "answer", "actors")


def to_csv(report: dict[str, Any]) -> str:
    """Every note, pick and field, one per row (the timing record is ``timing_csv``)."""
    t = _words(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t(f"report.csv.{column}") for column in CSV_COLUMNS])
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
    if "synthesis" in report:
        writer.writerows(cluster_export.csv_rows(report["synthesis"]))
    writer.writerows(vote_export.csv_rows(report.get("votes", [])))
    return buffer.getvalue()


def to_docx(report: dict[str, Any]) -> bytes:
    # Imported on first use: python-docx and lxml weigh ~10 MB in every process otherwise.
    from docx import Document

    w, t = report["workshop"], _words(report)
    lang = _language(report)
    doc = Document()
    doc.core_properties.language = lang
    doc.add_heading(w["title"], level=0)
    doc.add_paragraph(t("report.meta", activity=w["activity"], date=_date(report),
                        code=w["code"]))
    doc.add_paragraph(w["source"])
    doc.add_heading(t("report.timing"), level=1)
    doc.add_paragraph(t("report.timing_note"))
    _table(doc, timing_export.header(lang), timing_export.rows(report["timing"], lang))
    for group in report["groups"]:
        doc.add_heading(group["name"], level=1)
        doc.add_paragraph(t("report.members", names=", ".join(group["members"]) or "—"))
        for section in group["sections"]:
            doc.add_heading(section["title"], level=2)
            _docx_section(doc, section, t)
    if "synthesis" in report:
        cluster_export.docx(doc, report["synthesis"], _table, t)
    vote_export.docx(doc, report.get("votes", []), _table, lang)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_section(doc: Any, section: dict[str, Any], t: partial[str]) -> None:
    kind = section["kind"]
    if kind in ("steps", "cards", "pairs") and section["notes"]:
        if kind == "steps":
            header = [t("report.col.who"), t("report.col.step"), t("report.col.what"),
                      t("report.col.actors")]
            rows = [[lane, str(n["step"]), n["text"], ", ".join(n["actors"])]
                    for lane, notes in _lanes(section["notes"], t("report.group_lane"))
                    for n in notes]
        elif kind == "cards":
            header = [t("report.col.note"), t("report.col.written_by")]
            rows = [[n["text"], n["author_name"]] for n in section["notes"]]
        else:
            header = list(section.get("columns", ["", ""]))
            rows = [[n["text"], n["answer"]] for n in section["notes"]]
        _table(doc, header, rows)
    elif kind == "pick" and section["picked"]:
        for pick in section["picked"]:
            doc.add_paragraph(pick["label"], style="List Bullet")
    elif kind == "form" and any(f["value"] for f in section["fields"]):
        _table(doc, [t("report.col.field"), t("report.col.answer")],
               [[f["label"], f["value"]] for f in section["fields"]])
    else:
        doc.add_paragraph(t("report.nothing"))


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
