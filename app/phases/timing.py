"""The facilitator's timing record, derived from the workshop room's ``phase`` events.

Every phase transition appends a ``phase`` event to the workshop room's log in the same
transaction that changes the phase: the phase view after the change, who acted
(``scheduler`` for a deadline) and when. Two consecutive views say exactly what happened
(start, pause, resume, extend, time up, next, previous, close), so the record needs no
table of its own. A deadline's transition happens at the old deadline, not when the
scheduler got to it (see app.phases.engine.expire), so the record uses the deadline.

One entry per time a phase ran, in order (a phase the facilitator went back to runs
again and has a second entry), then the phases never reached. Durations are whole
seconds; ``actual`` is the time the phase ran, pauses left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from app.phases.templates import Template

SCHEDULER = "scheduler"
EndedBy = Literal["timer", "early", "back", "closed"]


@dataclass(frozen=True)
class PhaseEvent:
    """One ``phase`` event of the workshop room: the view after the change, by whom, when."""

    view: dict[str, Any]
    by: str
    at: float


@dataclass
class _Pause:
    at: float
    until: float | None = None
    reason: Literal["pause", "time_up"] = "pause"


@dataclass
class _Run:
    index: int
    view: dict[str, Any]
    started_at: float
    pauses: list[_Pause] = field(default_factory=list)
    extensions: list[tuple[float, float]] = field(default_factory=list)
    ended_at: float | None = None
    ended_by: EndedBy | None = None

    def end(self, at: float, by: EndedBy) -> None:
        self.ended_at, self.ended_by = at, by
        if self.pauses and self.pauses[-1].until is None:
            self.pauses[-1].until = at


def _state(view: dict[str, Any]) -> tuple[Any, ...]:
    return view["status"], view["index"], view["ends_at"], view["remaining"]


def _runs(events: Iterable[PhaseEvent]) -> list[_Run]:
    runs: list[_Run] = []
    old: dict[str, Any] = {"status": "lobby", "index": -1, "ends_at": None, "remaining": None}
    for event in events:
        new = event.view
        if _state(new) == _state(old):
            continue  # a settings change announces the same phase again
        run = runs[-1] if runs else None
        timer = event.by == SCHEDULER
        if (new["index"] != old["index"] or old["status"] in ("lobby", "closed")
                or new["status"] == "closed"):
            if run is not None and run.ended_at is None:
                if timer:
                    run.end(old["ends_at"], "timer")
                elif new["status"] == "closed":
                    run.end(event.at, "closed")
                else:
                    run.end(event.at, "back" if new["index"] < old["index"] else "early")
            if new["status"] != "closed":
                # After a deadline the next phase starts at that deadline.
                start = old["ends_at"] if timer else event.at
                runs.append(_Run(new["index"], new, start))
        elif run is not None:
            _same_phase(run, old, new, event)
        old = new
    return runs


def _same_phase(run: _Run, old: dict[str, Any], new: dict[str, Any],
                event: PhaseEvent) -> None:
    before, after = old["status"], new["status"]
    if before == "running" and after == "paused":
        run.pauses.append(_Pause(event.at))
    elif before == "paused" and after == "running":
        run.pauses[-1].until = event.at
    elif before == after == "running":
        run.extensions.append((event.at, new["ends_at"] - old["ends_at"]))
    elif before == after == "paused":
        run.extensions.append((event.at, new["remaining"] - old["remaining"]))
    elif before == "running" and after == "timeup":
        run.end(old["ends_at"], "timer")
    elif before == "timeup" and after == "running" and run.ended_at is not None:
        # Time added after time up reopens the phase; the wait in between did not run.
        run.pauses.append(_Pause(run.ended_at, event.at, "time_up"))
        run.extensions.append((event.at, new["ends_at"] - event.at))
        run.ended_at = run.ended_by = None


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


def _entry(run: _Run, now: float) -> dict[str, Any]:
    until = run.ended_at if run.ended_at is not None else now
    lengths = [round((p.until if p.until is not None else until) - p.at) for p in run.pauses]
    pauses = [{"at": iso(p.at), "seconds": seconds, "reason": p.reason}
              for p, seconds in zip(run.pauses, lengths, strict=True)]
    paused = sum(lengths)
    actual = round(until - run.started_at) - paused
    return {
        "index": run.index, "key": run.view["key"], "title": run.view["title"],
        "mode": run.view["mode"], "planned_minutes": run.view["minutes"],
        "state": "done" if run.ended_by is not None else "in_progress",
        "started_at": iso(run.started_at),
        "ended_at": None if run.ended_at is None else iso(run.ended_at),
        "ended_by": run.ended_by,
        "actual_seconds": actual, "actual_minutes": round(actual / 60, 2),
        "paused_seconds": paused, "pauses": pauses,
        "extended_seconds": round(sum(s for _, s in run.extensions)),
        "extensions": [{"at": iso(at), "seconds": round(s)} for at, s in run.extensions],
    }


def timing_record(events: Iterable[PhaseEvent], template: Template, minutes: dict[str, int],
                  now: float) -> list[dict[str, Any]]:
    """The record as plain data: each run of a phase, then the phases not reached."""
    runs = _runs(events)
    record = [_entry(run, now) for run in runs]
    # A run's title as the (possibly localized) template says it, not as the event logged it.
    titles = {phase.key: phase.title for phase in template.phases}
    for entry in record:
        entry["title"] = titles.get(entry["key"], entry["title"])
    reached = max((run.index for run in runs), default=-1)
    for index in range(reached + 1, len(template.phases)):
        phase = template.phases[index]
        record.append({
            "index": index, "key": phase.key, "title": phase.title, "mode": phase.mode,
            "planned_minutes": template.phase_minutes(index, minutes),
            "state": "not_reached", "started_at": None, "ended_at": None, "ended_by": None,
            "actual_seconds": None, "actual_minutes": None, "paused_seconds": 0, "pauses": [],
            "extended_seconds": 0, "extensions": [],
        })
    return record
