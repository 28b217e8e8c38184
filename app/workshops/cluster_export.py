"""The plenary synthesis in the report: the clusters, and for each steps section the groups'
procedures side by side, clustered steps on one row. No author's name appears in either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.board.clusters import Cluster, align_procedures
from app.phases.templates import Template

# A catalogue key (and its placeholders) -> the message in the report's language.
Words = Callable[..., str]


def synthesis(template: Template, roster: dict[str, Any], boards: dict[str, dict[str, Any]],
              clusters: list[Cluster]) -> dict[str, Any]:
    """``{"clusters": [...], "comparisons": [...]}`` for the report (the JSON export)."""
    sections = {s.key: s.title for s in template.sections}
    names = {g["room"]: g["name"] for g in roster["groups"]}
    shared = {room: {n["id"]: n for n in board["notes"] if not n["private"]}
              for room, board in boards.items()}
    listed = []
    for cluster in clusters:
        members = []
        for member in cluster["notes"]:
            room = f"group:{member['group_id']}"
            note = shared.get(room, {}).get(member["note_id"])
            if note is None:
                continue  # deleted since it was clustered
            members.append({"group": names.get(room, room),
                            "section": sections.get(note["section"], note["section"]),
                            "step": note["step"], "text": note["text"]})
        listed.append({"label": cluster["label"], "kind": cluster["kind"], "notes": members})
    comparisons = []
    for section in (s for s in template.sections if s.kind == "steps"):
        columns = [_procedure(shared.get(g["room"], {}).values(), section.key)
                   for g in roster["groups"]]
        if not any(columns):
            continue
        rows = [{"label": None if row.cluster is None else row.cluster["label"],
                 "kind": None if row.cluster is None else row.cluster["kind"],
                 "cells": [None if n is None else {"step": n["step"], "text": n["text"]}
                           for n in row.cells]}
                for row in align_procedures(columns, clusters)]
        comparisons.append({"section": section.key, "title": section.title,
                            "groups": [g["name"] for g in roster["groups"]], "rows": rows})
    return {"clusters": listed, "comparisons": comparisons}


def _procedure(notes: Any, section: str) -> list[dict[str, Any]]:
    """A group's procedure: its own numbered steps; without them, each author's in turn."""
    steps = sorted((n for n in notes if n["section"] == section and n["step"] is not None),
                   key=lambda n: (n["lane"], n["step"]))
    together = [n for n in steps if n["lane"] == ""]
    return together or steps


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _step(cell: dict[str, Any] | None) -> str:
    return "" if cell is None else f"{cell['step']}. {cell['text']}"


def _named(item: dict[str, Any], t: Words) -> str:
    """A cluster (or a comparison row) by label and kind: ``Label (Commonality)``."""
    return f"{item['label']} ({t('clusters.kind.' + item['kind'])})"


def markdown(report: dict[str, Any], t: Words) -> list[str]:
    """The synthesis in Markdown; ``t`` translates a catalogue key (the report's language)."""
    out = [f"## {t('report.synthesis')}", ""]
    if not report["clusters"] and not report["comparisons"]:
        return [*out, f"_{t('report.no_clusters')}_", ""]
    for cluster in report["clusters"]:
        out += [f"### {_named(cluster, t)}", ""]
        out += [f"- {n['text']} — {n['group']}, {n['section']}"
                + ("" if n["step"] is None else ", " + t("report.step", step=n["step"]))
                for n in cluster["notes"]] or [f"_{t('report.cluster_empty')}_"]
        out.append("")
    for comparison in report["comparisons"]:
        out += [f"### {t('report.comparison', section=comparison['title'])}", "",
                f"| {t('report.cluster')} | "
                + " | ".join(_cell(g) for g in comparison["groups"]) + " |",
                "|---" * (len(comparison["groups"]) + 1) + "|"]
        for row in comparison["rows"]:
            label = "" if row["label"] is None else _named(row, t)
            out.append(f"| {_cell(label)} | "
                       + " | ".join(_cell(_step(c)) for c in row["cells"]) + " |")
        out.append("")
    return out


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """One row per clustered note, in the notes table's columns: kind ``cluster:<kind>``,
    the note's text, and the cluster's label in ``answer``."""
    return [[n["group"], n["section"], f"cluster:{c['kind']}", "",
             "" if n["step"] is None else str(n["step"]), n["text"], c["label"], ""]
            for c in report["clusters"] for n in c["notes"]]


def docx(doc: Any, report: dict[str, Any], table: Any, t: Words) -> None:
    """The synthesis as headings and tables; ``table(doc, header, rows)`` draws one."""
    doc.add_heading(t("report.synthesis"), level=1)
    if not report["clusters"] and not report["comparisons"]:
        doc.add_paragraph(t("report.no_clusters"))
    for cluster in report["clusters"]:
        doc.add_heading(_named(cluster, t), level=2)
        if cluster["notes"]:
            table(doc, [t("report.col.note"), t("report.col.group"), t("report.col.section"),
                        t("report.col.step")],
                  [[n["text"], n["group"], n["section"],
                    "" if n["step"] is None else str(n["step"])] for n in cluster["notes"]])
        else:
            doc.add_paragraph(t("report.cluster_empty"))
    for comparison in report["comparisons"]:
        doc.add_heading(t("report.comparison", section=comparison["title"]), level=2)
        table(doc, [t("report.cluster"), *comparison["groups"]],
              [["" if r["label"] is None else _named(r, t), *(_step(c) for c in r["cells"])]
               for r in comparison["rows"]])
