"""The timing record (app.phases.timing) in the report's formats: Markdown, CSV, DOCX.

Clock times are UTC (the server does not know the room's time zone; the handout page
shows them in the browser's own). The CSV is a table of its own, one row per phase run,
so that a spreadsheet sorts and sums it like any other: its column names and codes stay
the same in every language (programs read them), its texts are in the report's language.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from app.i18n import Language, translate

# The table's columns; their headings are catalogue keys ``report.timing.<column>``.
COLUMNS = ("phase", "planned", "actual", "started", "paused", "extended", "ended")
CSV_HEADER = ["phase", "key", "mode", "planned_minutes", "actual_minutes", "started_utc",
              "ended_utc", "ended_by", "pause_count", "paused_minutes", "pauses",
              "extension_count", "extended_minutes", "extensions"]


def clock(stamp: str | None, full: bool = False) -> str:
    """An ISO time of the record as ``HH:MM:SS`` (``full``: with the date)."""
    if stamp is None:
        return ""
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M:%S" if full else "%H:%M:%S")


def duration(seconds: int | None, lang: Language = "en") -> str:
    """``12 min``, ``12 min 30 s``, ``45 s``, ``−1 min``."""
    if seconds is None:
        return "—"
    sign, seconds = ("−" if seconds < 0 else ""), abs(seconds)
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return sign + translate(lang, "report.sec", s=rest)
    return sign + (translate(lang, "report.min_s", min=minutes, s=rest) if rest
                   else translate(lang, "report.min", min=minutes))


def _pauses(entry: dict[str, Any], lang: Language) -> str:
    parts = [translate(lang, "report.pause_time_up" if p["reason"] == "time_up"
                       else "report.pause", duration=duration(p["seconds"], lang),
                       time=clock(p["at"])) for p in entry["pauses"]]
    return "; ".join(parts) or "—"


def _extensions(entry: dict[str, Any], lang: Language) -> str:
    parts = [translate(lang, "report.extension", time=clock(e["at"]),
                       duration=("+" if e["seconds"] > 0 else "") + duration(e["seconds"], lang))
             for e in entry["extensions"]]
    return "; ".join(parts) or "—"


def _ended(entry: dict[str, Any], lang: Language) -> str:
    if entry["state"] == "not_reached":
        return translate(lang, "report.not_reached")
    if entry["ended_by"] is None:
        return translate(lang, "report.in_progress")
    return translate(lang, "report.ended", time=clock(entry["ended_at"]),
                     how=translate(lang, f"report.ended.{entry['ended_by']}"))


def header(lang: Language = "en") -> list[str]:
    """The headings of the table ``rows`` gives, in ``lang``."""
    return [translate(lang, f"report.timing.{column}") for column in COLUMNS]


def rows(timing: list[dict[str, Any]], lang: Language = "en") -> list[list[str]]:
    """The record as table rows under ``header`` (Markdown and DOCX)."""
    return [[e["title"],
             translate(lang, "report.untimed") if e["planned_minutes"] is None
             else translate(lang, "report.min", min=e["planned_minutes"]),
             duration(e["actual_seconds"], lang), clock(e["started_at"]) or "—",
             _pauses(e, lang), _extensions(e, lang), _ended(e, lang)] for e in timing]


def markdown(timing: list[dict[str, Any]], lang: Language = "en") -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    titles = header(lang)
    lines = [f"## {translate(lang, 'report.timing')}", "", translate(lang, "report.timing_note"),
             "", "| " + " | ".join(titles) + " |", "|" + "---|" * len(titles)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows(timing, lang)]
    return [*lines, ""]


def to_csv(timing: list[dict[str, Any]], lang: Language = "en") -> str:
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
            "" if not e["pauses"] else _pauses(e, lang),
            len(e["extensions"]), minutes(e["extended_seconds"]),
            "" if not e["extensions"] else _extensions(e, lang)])
    return buffer.getvalue()
