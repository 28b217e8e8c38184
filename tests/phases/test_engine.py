"""The phase state machine as pure functions of (state, template, now): no I/O, no clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.phases.engine import (
    MAX_EXTEND_SECONDS,
    WARNING_SECONDS,
    PhaseError,
    PhaseState,
    allowed_actions,
    apply_action,
    expire,
    next_deadline,
    warning_due,
    writable_sections,
)
from app.phases.templates import Template, builtin_templates

T0 = 1_800_000_000.0
NO_OVERRIDES: dict[str, int] = {}


@pytest.fixture(scope="module")
def a2() -> Template:
    return builtin_templates()["activity-2"]


@pytest.fixture(scope="module")
def a3() -> Template:
    return builtin_templates()["activity-3"]


def act(state: PhaseState, action: str, template: Template, now: float,
        seconds: int | None = None, minutes: dict[str, int] | None = None) -> PhaseState:
    return apply_action(state, action, template, minutes or NO_OVERRIDES, now,  # type: ignore[arg-type]
                        seconds)


def refused(state: PhaseState, action: str, template: Template, now: float = T0,
            seconds: int | None = None) -> str:
    with pytest.raises(PhaseError) as info:
        act(state, action, template, now, seconds)
    assert info.value.message
    return info.value.code


def started(template: Template, now: float = T0) -> PhaseState:
    return act(PhaseState(), "start", template, now)


# --- start, next, previous -------------------------------------------------------------


def test_start_runs_the_first_phase_for_its_template_minutes(a2: Template) -> None:
    state = started(a2)
    assert state == PhaseState(status="running", index=0, ends_at=T0 + 10 * 60, remaining=None,
                               version=1, warned=False)
    assert state.seconds_left(T0 + 45) == 10 * 60 - 45


def test_start_uses_the_workshops_minute_overrides(a2: Template) -> None:
    state = act(PhaseState(), "start", a2, T0, minutes={"individual": 5})
    assert state.ends_at == T0 + 5 * 60


def test_start_is_refused_once_the_workshop_has_started(a2: Template) -> None:
    state = started(a2)
    assert refused(state, "start", a2) == "conflict"
    paused = act(state, "pause", a2, T0 + 1)
    assert refused(paused, "start", a2) == "conflict"


def test_next_walks_every_timed_phase_then_plenary_then_closed(a2: Template) -> None:
    state = started(a2)
    now = T0
    for index, minutes in enumerate([15, 15, 20], start=1):
        now += 30
        state = act(state, "next", a2, now)
        assert (state.status, state.index, state.ends_at) == ("running", index, now + minutes * 60)
    state = act(state, "next", a2, now + 1)
    assert (state.status, state.index, state.ends_at) == ("plenary", 4, None)
    state = act(state, "next", a2, now + 2)
    assert (state.status, state.index, state.ends_at, state.remaining) == ("closed", 4, None,
                                                                           None)
    assert refused(state, "next", a2) == "conflict"
    assert state.version == 1 + 3 + 1 + 1


def test_next_and_previous_are_refused_before_the_start(a2: Template) -> None:
    assert refused(PhaseState(), "next", a2) == "conflict"
    assert refused(PhaseState(), "previous", a2) == "conflict"


def test_previous_is_refused_in_the_first_phase(a2: Template) -> None:
    assert refused(started(a2), "previous", a2) == "conflict"


def test_previous_restarts_the_earlier_phase_with_its_full_time(a2: Template) -> None:
    state = act(act(started(a2), "next", a2, T0 + 100), "next", a2, T0 + 200)
    assert state.index == 2
    back = act(state, "previous", a2, T0 + 300)
    assert (back.status, back.index, back.ends_at, back.warned) == ("running", 1,
                                                                    T0 + 300 + 15 * 60, False)


def test_previous_from_closed_reopens_the_plenary(a3: Template) -> None:
    state = started(a3)
    for _ in range(4):
        state = act(state, "next", a3, T0)
    assert state.status == "closed"
    back = act(state, "previous", a3, T0)
    assert (back.status, back.index) == ("plenary", 3)


def test_an_unknown_action_is_invalid(a2: Template) -> None:
    assert refused(started(a2), "rewind", a2) == "invalid"


# --- pause, resume, extend -------------------------------------------------------------


def test_pause_resume_and_extend_keep_the_exact_remaining_time(a2: Template) -> None:
    state = started(a2)                                   # ends at T0 + 600
    state = act(state, "pause", a2, T0 + 100)
    assert (state.status, state.ends_at, state.remaining) == ("paused", None, 500.0)
    assert state.seconds_left(T0 + 10_000) == 500.0       # time stands still while paused
    state = act(state, "resume", a2, T0 + 1000)
    assert (state.status, state.ends_at, state.remaining) == ("running", T0 + 1500, None)
    state = act(state, "extend", a2, T0 + 1100, seconds=60)
    assert state.ends_at == T0 + 1560
    state = act(state, "extend", a2, T0 + 1200, seconds=-30)
    assert state.ends_at == T0 + 1530
    assert state.seconds_left(T0 + 1200) == 330


def test_extend_while_paused_changes_the_remaining_time(a2: Template) -> None:
    state = act(started(a2), "pause", a2, T0 + 100)
    state = act(state, "extend", a2, T0 + 150, seconds=60)
    assert (state.remaining, state.ends_at) == (560.0, None)
    state = act(state, "extend", a2, T0 + 160, seconds=-30)
    assert state.remaining == 530.0
    state = act(state, "resume", a2, T0 + 200)
    assert state.ends_at == T0 + 730


def test_extend_never_ends_a_phase_in_the_past(a2: Template) -> None:
    state = act(started(a2), "extend", a2, T0 + 500, seconds=-MAX_EXTEND_SECONDS)
    assert state.ends_at == T0 + 500
    assert state.warned  # no warning left to give
    paused = act(act(started(a2), "pause", a2, T0 + 10), "extend", a2, T0 + 20,
                 seconds=-MAX_EXTEND_SECONDS)
    assert paused.remaining == 0.0


def test_extend_sets_warned_by_how_much_time_is_left(a2: Template) -> None:
    state = act(started(a2), "extend", a2, T0 + 545, seconds=-10)   # 45 s left
    assert state.warned
    state = act(state, "extend", a2, T0 + 546, seconds=120)         # 164 s left
    assert not state.warned


@pytest.mark.parametrize("seconds", [None, 0, MAX_EXTEND_SECONDS + 1, -MAX_EXTEND_SECONDS - 1])
def test_extend_needs_a_nonzero_number_of_seconds_within_the_limit(
    a2: Template, seconds: int | None
) -> None:
    assert refused(started(a2), "extend", a2, seconds=seconds) == "invalid"


def test_pause_resume_and_extend_are_refused_outside_a_running_or_paused_phase(
    a2: Template,
) -> None:
    lobby = PhaseState()
    running = started(a2)
    paused = act(running, "pause", a2, T0 + 1)
    plenary = PhaseState(status="plenary", index=4, version=9)
    assert refused(lobby, "pause", a2) == "conflict"
    assert refused(paused, "pause", a2) == "conflict"
    assert refused(lobby, "resume", a2) == "conflict"
    assert refused(running, "resume", a2) == "conflict"
    assert refused(lobby, "extend", a2, seconds=60) == "conflict"
    assert refused(plenary, "extend", a2, seconds=60) == "conflict"
    assert refused(plenary, "pause", a2) == "conflict"


def test_extend_after_time_is_up_reopens_the_phase(a2: Template) -> None:
    timeup = expire(started(a2), a2, NO_OVERRIDES, auto_advance=False)
    assert timeup.status == "timeup"
    reopened = act(timeup, "extend", a2, T0 + 700, seconds=120)
    assert (reopened.status, reopened.index, reopened.ends_at, reopened.warned) == (
        "running", 0, T0 + 820, False)
    short = act(timeup, "extend", a2, T0 + 700, seconds=WARNING_SECONDS)
    assert short.warned
    assert refused(timeup, "extend", a2, seconds=-30) == "conflict"


def test_every_action_bumps_the_version_once(a2: Template) -> None:
    state = started(a2)
    versions = [state.version]
    for action, seconds in [("pause", None), ("extend", 60), ("resume", None),
                            ("extend", -30), ("next", None), ("previous", None)]:
        state = act(state, action, a2, T0 + 10 * len(versions), seconds=seconds)
        versions.append(state.version)
    assert versions == list(range(1, 8))


# --- deadlines -------------------------------------------------------------------------


def test_expire_with_auto_advance_starts_the_next_phase_at_the_old_deadline(a2: Template) -> None:
    state = started(a2)
    ends = [T0 + 600]
    for minutes in (15, 15, 20):
        state = expire(state, a2, NO_OVERRIDES, auto_advance=True)
        ends.append(ends[-1] + minutes * 60)
        assert (state.status, state.ends_at, state.warned) == ("running", ends[-1], False)
    assert state.index == 3
    state = expire(state, a2, NO_OVERRIDES, auto_advance=True)
    assert (state.status, state.index, state.ends_at) == ("plenary", 4, None)


def test_expire_chains_overridden_minutes(a3: Template) -> None:
    minutes = {"groups-monitoring": 7}
    state = apply_action(PhaseState(), "start", a3, minutes, T0)
    state = expire(state, a3, minutes, auto_advance=True)
    assert state.ends_at == T0 + 10 * 60 + 7 * 60
    state = expire(state, a3, minutes, auto_advance=True)
    assert state.ends_at == T0 + 10 * 60 + 7 * 60 + 15 * 60


def test_expire_in_manual_mode_stops_at_timeup(a2: Template) -> None:
    state = started(a2)
    timeup = expire(state, a2, NO_OVERRIDES, auto_advance=False)
    assert (timeup.status, timeup.index, timeup.version) == ("timeup", 0, state.version + 1)
    assert timeup.seconds_left(T0 + 700) is None
    # The facilitator moves on by hand.
    moved = act(timeup, "next", a2, T0 + 700)
    assert (moved.status, moved.index, moved.ends_at) == ("running", 1, T0 + 700 + 900)


def test_expire_is_refused_without_a_running_phase(a2: Template) -> None:
    paused = act(started(a2), "pause", a2, T0 + 1)
    for state in (PhaseState(), paused, PhaseState(status="plenary", index=4)):
        with pytest.raises(PhaseError) as info:
            expire(state, a2, NO_OVERRIDES, auto_advance=True)
        assert info.value.code == "conflict"


def test_warning_is_due_only_in_the_last_minute_of_a_running_phase(a2: Template) -> None:
    state = started(a2)
    ends = T0 + 600
    assert not warning_due(state, ends - WARNING_SECONDS - 0.001)
    assert warning_due(state, ends - WARNING_SECONDS)
    assert warning_due(state, ends - 0.001)
    assert not warning_due(state, ends)  # at the deadline it ends instead
    assert not warning_due(replace(state, warned=True), ends - 10)
    assert not warning_due(act(state, "pause", a2, ends - 30), ends - 10)


def test_next_deadline_is_the_warning_then_the_end(a2: Template) -> None:
    state = started(a2)
    assert next_deadline(state) == T0 + 600 - WARNING_SECONDS
    assert next_deadline(replace(state, warned=True)) == T0 + 600
    assert next_deadline(act(state, "pause", a2, T0 + 1)) is None
    assert next_deadline(PhaseState()) is None
    assert next_deadline(expire(state, a2, NO_OVERRIDES, auto_advance=False)) is None


# --- writable sections -----------------------------------------------------------------


def test_writable_sections_are_the_current_phases_while_it_runs_or_is_paused(
    a2: Template,
) -> None:
    assert writable_sections(PhaseState(), a2) == frozenset()
    state = started(a2)
    assert writable_sections(state, a2) == {"procedure"}
    assert writable_sections(act(state, "pause", a2, T0 + 1), a2) == {"procedure"}
    assert writable_sections(expire(state, a2, NO_OVERRIDES, False), a2) == frozenset()
    expected = [{"procedure", "commonalities", "challenges"}, {"topics"},
                {"action", "next_steps"}]
    for sections in expected:
        state = act(state, "next", a2, T0)
        assert writable_sections(state, a2) == sections
    state = act(state, "next", a2, T0)
    assert state.status == "plenary"
    assert writable_sections(state, a2) == frozenset()
    assert writable_sections(act(state, "next", a2, T0), a2) == frozenset()


def test_activity_3_reading_phase_has_nothing_to_write(a3: Template) -> None:
    state = started(a3)
    assert writable_sections(state, a3) == frozenset()
    assert writable_sections(act(state, "next", a3, T0), a3) == {"features"}


def test_the_actions_offered_are_exactly_those_that_apply_in_every_reachable_state(
    a2: Template,
) -> None:
    states = [PhaseState()]
    seen: set[PhaseState] = set()
    while states:
        state = states.pop()
        if state in seen:
            continue
        seen.add(state)
        for action in ("start", "pause", "resume", "extend", "next", "previous"):
            try:
                after = act(state, action, a2, T0 + 30, seconds=60)
            except PhaseError:
                assert action not in allowed_actions(state), (state, action)
                continue
            assert action in allowed_actions(state), (state, action)
            if after.version < 12:
                states.append(replace(after, ends_at=after.ends_at and T0 + 600))
        if state.status == "running":
            states.append(expire(state, a2, NO_OVERRIDES, auto_advance=False))
    assert {s.status for s in seen} == {"lobby", "running", "paused", "timeup", "plenary",
                                         "closed"}

