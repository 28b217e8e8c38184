"""Phase state in the database: load it, change it by compare-and-set, find what is due.

A transition only lands if the workshop is still at the (phase index, version) it was
read at, so when several processes race on one deadline exactly one of them advances.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from app.phases.engine import WARNING_SECONDS, PhaseState, Status
from app.phases.timing import PhaseEvent
from app.principal import workshop_room
from app.schema import events, groups, participants, workshops

# Only what an op needs of its workshop: the phase state, and no JSON column to decode.
WORKSHOP_STATE_COLUMNS = ("id", "template", "status", "phase_index", "ends_at", "remaining",
                          "phase_version", "warned")


def state_of(values: dict[str, Any]) -> PhaseState:
    status: Status = values["status"]
    return PhaseState(status=status, index=values["phase_index"], ends_at=values["ends_at"],
                      remaining=values["remaining"], version=values["phase_version"],
                      warned=values["warned"])


def state_columns(state: PhaseState) -> dict[str, Any]:
    return {"status": state.status, "phase_index": state.index, "ends_at": state.ends_at,
            "remaining": state.remaining, "phase_version": state.version,
            "warned": state.warned}


def load_workshop(conn: Connection, workshop_id: int) -> dict[str, Any] | None:
    query = select(workshops).where(workshops.c.id == workshop_id)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


# Every op runs this, so it is built once (see app.eventlog).
_FOR_MEMBER = (select(*(workshops.c[c] for c in WORKSHOP_STATE_COLUMNS),
                      participants.c.group_id.label("member_group"))
               .select_from(workshops.outerjoin(
                   participants, (participants.c.id == bindparam("member"))
                   & (participants.c.workshop_id == workshops.c.id)))
               .where(workshops.c.id == bindparam("workshop"))
               .with_for_update(read=True, of=workshops))


def load_for_member(conn: Connection, workshop_id: int,
                    member_id: int | None) -> dict[str, Any] | None:
    """The workshop's template and phase state, share-locked (on PostgreSQL) so that no
    transition lands under an op, plus ``member_group``: the member's group now."""
    params = {"member": member_id or -1, "workshop": workshop_id}
    row = conn.execute(_FOR_MEMBER, params).mappings().first()
    return None if row is None else dict(row)


def compare_and_set(conn: Connection, workshop_id: int, old: PhaseState,
                    new: PhaseState) -> bool:
    """Store ``new`` if the workshop is still at ``old``; False if someone got there first."""
    result = conn.execute(
        update(workshops)
        .where(workshops.c.id == workshop_id, workshops.c.phase_version == old.version,
               workshops.c.phase_index == old.index)
        .values(**state_columns(new)))
    return result.rowcount == 1


def set_spotlight(conn: Connection, workshop_id: int, group_id: int | None) -> None:
    conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                 .values(spotlight=group_id))


def group_ids(conn: Connection, workshop_id: int) -> list[int]:
    query = (select(groups.c.id).where(groups.c.workshop_id == workshop_id)
             .order_by(groups.c.position))
    return [int(g) for g in conn.execute(query).scalars()]


def due_workshops(conn: Connection, now: float) -> list[int]:
    """Running workshops whose deadline or one-minute warning is due by ``now``."""
    query = select(workshops.c.id).where(
        workshops.c.status == "running",
        or_(workshops.c.ends_at <= now,
            (workshops.c.ends_at <= now + WARNING_SECONDS) & workshops.c.warned.is_(False)))
    return [int(w) for w in conn.execute(query).scalars()]


def running_states(conn: Connection) -> list[PhaseState]:
    """The deadlines of every running phase (only what the scheduler needs)."""
    query = (select(workshops.c.ends_at, workshops.c.warned)
             .where(workshops.c.status == "running"))
    return [PhaseState("running", 0, r.ends_at, None, 0, r.warned)
            for r in conn.execute(query).all()]


def phase_events(conn: Connection, workshop_id: int) -> list[PhaseEvent]:
    """The workshop room's ``phase`` events in order: what the timing record is made of."""
    query = (select(events.c.data, events.c.by, events.c.at)
             .where(events.c.room == workshop_room(workshop_id), events.c.kind == "phase")
             .order_by(events.c.seq))
    return [PhaseEvent(row.data, row.by, row.at) for row in conn.execute(query).all()]
