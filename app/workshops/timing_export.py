"""The timing record (app.phases.timing) in the report's formats: Markdown, CSV, DOCX.

Clock times are UTC (the server does not know the room's time zone; the handout page
shows them in the browser's own). The CSV is a table of its own, one row per phase run,
so that a spreadsheet sorts and sums it like any other.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

ENDED = {"timer": "time up (timer)", "early": "moved on early", "back": "went back",
         "closed": "workshop closed"}
HEADER = ["Phase", "Planned", "Actual", "Started", "Paused", "Extended", "Ended"]
CSV_HEADER = ["phase", "key", "mode", "planned_minutes", "actual_minutes", "started_utc",
              "ended_utc", "ended_by", "pause_count", "paused_minutes", "pauses",
              "extension_count", "extended_minutes", "extensions"]


def clock(stamp: str | None, full: bool = False) -> str:
    """An ISO time of the record as ``HH:MM:SS`` (``full``: with the date)."""
    if stamp is None:
        return ""
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M:%S" if full else "%H:%M:%S")


def duration(seconds: int | None) -> str:
    """``12 min``, ``12 min 30 s``, ``45 s``, ``−1 min``."""
    if seconds is None:
        return "—"
    sign, seconds = ("−" if seconds < 0 else ""), abs(seconds)
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{sign}{rest} s"
    return f"{sign}{minutes} min" + (f" {rest} s" if rest else "")


def _pauses(entry: dict[str, Any]) -> str:
    parts = [f"{duration(p['seconds'])} from {clock(p['at'])}"
             + (" (after time up)" if p["reason"] == "time_up" else "") for p in entry["pauses"]]
    return "; ".join(parts) or "—"


def _extensions(entry: dict[str, Any]) -> str:
    parts = [("+" if e["seconds"] > 0 else "") + f"{duration(e['seconds'])} at {clock(e['at'])}"
             for e in entry["extensions"]]
    return "; ".join(parts) or "—"


def _ended(entry: dict[str, Any]) -> str:
    if entry["state"] == "not_reached":
        return "not reached"
    if entry["ended_by"] is None:
        return "in progress"
    return f"{clock(entry['ended_at'])}, {ENDED[entry['ended_by']]}"


def rows(timing: list[dict[str, Any]]) -> list[list[str]]:
    """The record as table rows under HEADER (Markdown and DOCX)."""
    return [[e["title"],
             "untimed" if e["planned_minutes"] is None else f"{e['planned_minutes']} min",
             duration(e["actual_seconds"]), clock(e["started_at"]) or "—", _pauses(e),
             _extensions(e), _ended(e)] for e in timing]


def markdown(timing: list[dict[str, Any]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["## Timing", "", "Times are UTC; actual time leaves pauses out.", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows(timing)]
    return [*lines, ""]


def to_csv(timing: list[dict[str, Any]]) -> str:
    def minutes(seconds: int | None) -> str:
        return "" if seconds is None else f"{seconds / 60:g}"

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for e in timing:
        writer.writerow([
            e["title"], e["key"], e["mode"],
            "" if e["planned_minutes"] is None else e["planned_minutes"],
            minutes(e["actual_seconds"]), clock(e["started_at"], full=True),
            clock(e["ended_at"], full=True),
            e["ended_by"] or ("not_reached" if e["state"] == "not_reached" else "in_progress"),
            len(e["pauses"]), minutes(e["paused_seconds"]),
            "" if not e["pauses"] else _pauses(e),
            len(e["extensions"]), minutes(e["extended_seconds"]),
            "" if not e["extensions"] else _extensions(e)])
    return buffer.getvalue()
