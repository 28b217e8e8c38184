"""The phase engine: an explicit state machine over a template's phases.

Pure functions of (state, template, now): no I/O, no clock of its own, so every
transition is testable with plain numbers. Persistence lives in app.phases.store.

    lobby --start--> running <--pause/resume--> paused
    running --deadline--> timeup (manual) | next phase (auto)
    any phase --next--> next phase ... --> plenary --next--> closed
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from app.phases.templates import Template
from app.protocol.limits import MAX_EXTEND_SECONDS, PHASE_ACTIONS, PhaseAction

Status = Literal["lobby", "running", "paused", "timeup", "plenary", "closed"]
Action = PhaseAction
ACTIONS = PHASE_ACTIONS
WARNING_SECONDS = 60


class PhaseError(Exception):
    """An action that does not apply in the current state."""

    def __init__(self, code: Literal["conflict", "invalid"], message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class PhaseState:
    status: Status = "lobby"
    index: int = -1
    ends_at: float | None = None
    remaining: float | None = None
    version: int = 0
    warned: bool = False

    def seconds_left(self, now: float) -> float | None:
        if self.status == "running" and self.ends_at is not None:
            return max(0.0, self.ends_at - now)
        if self.status == "paused":
            return self.remaining
        return None


def writable_sections(state: PhaseState, template: Template) -> frozenset[str]:
    """Sections open for writing: the current phase's, while it runs or is paused."""
    if state.status in ("running", "paused"):
        return frozenset(template.phases[state.index].sections)
    return frozenset()


def private_sections(state: PhaseState, template: Template) -> frozenset[str]:
    """Writable sections whose new notes stay private to their author: individual work."""
    writable = writable_sections(state, template)
    if writable and template.phases[state.index].mode == "individual":
        return writable
    return frozenset()


def allowed_actions(state: PhaseState) -> list[Action]:
    """The actions that apply in this state: the facilitator's panel offers these."""
    status = state.status
    allowed = {
        "start": status == "lobby",
        "pause": status == "running",
        "resume": status == "paused",
        "extend": status in ("running", "paused", "timeup"),
        "next": status not in ("lobby", "closed"),
        "previous": status != "lobby" and (state.index > 0 or status == "closed"),
    }
    return [action for action in ACTIONS if allowed[action]]


def apply_action(
    state: PhaseState,
    action: Action,
    template: Template,
    minutes: dict[str, int],
    now: float,
    seconds: int | None = None,
) -> PhaseState:
    """The state after a facilitator's action, or PhaseError saying why it cannot apply."""
    status = state.status
    if action == "start":
        if status != "lobby":
            raise PhaseError("conflict", "The workshop has already started.")
        return _enter(state, 0, template, minutes, now)
    if action == "pause":
        if status != "running" or state.ends_at is None:
            raise PhaseError("conflict", "Only a running phase can be paused.")
        return _bump(state, status="paused", remaining=max(0.0, state.ends_at - now), ends_at=None)
    if action == "resume":
        if status != "paused" or state.remaining is None:
            raise PhaseError("conflict", "Only a paused phase can be resumed.")
        return _bump(state, status="running", ends_at=now + state.remaining, remaining=None)
    if action == "extend":
        return _extend(state, seconds, now)
    if action == "next":
        if status == "lobby":
            raise PhaseError("conflict", "Start the workshop first.")
        if status == "closed":
            raise PhaseError("conflict", "The workshop is closed.")
        if status == "plenary":
            return _bump(state, status="closed", ends_at=None, remaining=None)
        return _enter(state, state.index + 1, template, minutes, now)
    if action == "previous":
        if status == "lobby":
            raise PhaseError("conflict", "The workshop has not started yet.")
        if status == "closed":
            return _bump(state, status="plenary", ends_at=None, remaining=None)
        if state.index == 0:
            raise PhaseError("conflict", "This is the first phase.")
        return _enter(state, state.index - 1, template, minutes, now)
    raise PhaseError("invalid", f"Unknown phase action {action!r}.")


def expire(state: PhaseState, template: Template, minutes: dict[str, int],
           auto_advance: bool) -> PhaseState:
    """The state once the running phase's deadline has passed.

    The next phase starts at the old deadline, not at "now", so a chain of deadlines
    missed while the server was down replays exactly as it would have run.
    """
    if state.status != "running" or state.ends_at is None:
        raise PhaseError("conflict", "No running phase to end.")
    if not auto_advance:
        return _bump(state, status="timeup")
    return _enter(state, state.index + 1, template, minutes, state.ends_at)


def next_deadline(state: PhaseState) -> float | None:
    """When the scheduler must next look at this workshop (warning or end)."""
    if state.status != "running" or state.ends_at is None:
        return None
    if not state.warned:
        return state.ends_at - WARNING_SECONDS
    return state.ends_at


def warning_due(state: PhaseState, now: float) -> bool:
    return (
        state.status == "running"
        and not state.warned
        and state.ends_at is not None
        and state.ends_at - WARNING_SECONDS <= now < state.ends_at
    )


def _extend(state: PhaseState, seconds: int | None, now: float) -> PhaseState:
    if seconds is None or seconds == 0 or abs(seconds) > MAX_EXTEND_SECONDS:
        raise PhaseError(
            "invalid", f"extend needs seconds between -{MAX_EXTEND_SECONDS} and "
            f"{MAX_EXTEND_SECONDS}, not 0."
        )
    if state.status == "running" and state.ends_at is not None:
        ends_at = max(now, state.ends_at + seconds)
        return _bump(state, ends_at=ends_at, warned=ends_at - now <= WARNING_SECONDS)
    if state.status == "paused" and state.remaining is not None:
        remaining = max(0.0, state.remaining + seconds)
        return _bump(state, remaining=remaining, warned=remaining <= WARNING_SECONDS)
    if state.status == "timeup" and seconds > 0:
        # Adding time after the deadline reopens the phase.
        return _bump(state, status="running", ends_at=now + seconds,
                     warned=seconds <= WARNING_SECONDS)
    raise PhaseError("conflict", "Time can only be changed while a phase runs or is paused.")


def _enter(state: PhaseState, index: int, template: Template, minutes: dict[str, int],
           start: float) -> PhaseState:
    if index >= len(template.phases):
        return _bump(state, status="closed", index=len(template.phases) - 1, ends_at=None,
                     remaining=None)
    length = template.phase_minutes(index, minutes)
    if length is None:
        return _bump(state, status="plenary", index=index, ends_at=None, remaining=None)
    return _bump(state, status="running", index=index, ends_at=start + length * 60,
                 remaining=None, warned=False)


def _bump(state: PhaseState, **changes: object) -> PhaseState:
    return replace(state, version=state.version + 1, **changes)  # type: ignore[arg-type]
