"""Phase state in the database: load it, and change it by compare-and-set.

A transition only lands if the workshop is still at the (phase index, version) it was
read at, so when several processes race on one deadline exactly one of them advances.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Join, Row, Select, bindparam, select, update

from app.phases.engine import PhaseState, Status, writable_sections
from app.phases.templates import Template
from app.prepared import Prepared
from app.workshops.models import participants, workshops


def state_of(row: Row[Any] | dict[str, Any]) -> PhaseState:
    values = row if isinstance(row, dict) else row._mapping
    status: Status = values["status"]
    return PhaseState(status=status, index=values["phase_index"], ends_at=values["ends_at"],
                      remaining=values["remaining"], version=values["phase_version"],
                      warned=values["warned"])


def load_workshop(conn: Connection, workshop_id: int) -> dict[str, Any] | None:
    row = (conn.execute(select(workshops).where(workshops.c.id == workshop_id))).first()
    return None if row is None else dict(row._mapping)


# Only what a board op needs of its workshop: the phase state, and no JSON column to decode.
WORKSHOP_STATE_COLUMNS = ("id", "template", "status", "phase_index", "ends_at", "remaining",
                          "phase_version", "warned")


def workshop_and_member() -> Join:
    """Workshop rows, each with participant ``:member`` if that is one of its members."""
    return workshops.outerjoin(participants, (participants.c.id == bindparam("member"))
                               & (participants.c.workshop_id == workshops.c.id))


def _workshop_for_member(share_lock: bool) -> Select[Any]:
    query = (select(*(workshops.c[c] for c in WORKSHOP_STATE_COLUMNS),
                    participants.c.group_id.label("member_group"))
             .select_from(workshop_and_member()).where(workshops.c.id == bindparam("workshop")))
    return query.with_for_update(read=True, of=workshops) if share_lock else query


# Built once: every board op runs it. Only PostgreSQL has row locks.
_WORKSHOP_FOR_MEMBER = {False: Prepared(_workshop_for_member(False)),
                        True: Prepared(_workshop_for_member(True))}


def load_workshop_for_member(conn: Connection, workshop_id: int,
                             member_id: int | None) -> dict[str, Any] | None:
    """The workshop's template and phase state, share-locked, plus ``member_group``: the
    member's current group."""
    query = _WORKSHOP_FOR_MEMBER[conn.dialect.name != "sqlite"]
    return query.first_dict(conn, {"member": member_id or -1, "workshop": workshop_id})


def compare_and_set(conn: Connection, workshop_id: int, old: PhaseState,
                    new: PhaseState) -> bool:
    """Store ``new`` if the workshop is still at ``old``; False if someone got there first."""
    result = conn.execute(
        update(workshops)
        .where(workshops.c.id == workshop_id, workshops.c.phase_version == old.version,
               workshops.c.phase_index == old.index)
        .values(status=new.status, phase_index=new.index, ends_at=new.ends_at,
                remaining=new.remaining, phase_version=new.version, warned=new.warned)
    )
    return result.rowcount == 1


def phase_view(state: PhaseState, template: Template, minutes: dict[str, int],
               auto_advance: bool) -> dict[str, Any]:
    """Phase state as clients see it. Times are server epoch seconds."""
    phase = template.phases[state.index] if state.index >= 0 else None
    return {
        "status": state.status,
        "index": state.index,
        "key": phase.key if phase else None,
        "title": phase.title if phase else "Waiting to start",
        "mode": phase.mode if phase else None,
        "minutes": template.phase_minutes(state.index, minutes) if phase else None,
        "ends_at": state.ends_at,
        "remaining": state.remaining,
        "version": state.version,
        "warned": state.warned,
        "auto_advance": auto_advance,
        "writable": sorted(writable_sections(state, template)),
        "timeline": [
            {"key": p.key, "title": p.title, "mode": p.mode,
             "minutes": template.phase_minutes(i, minutes)}
            for i, p in enumerate(template.phases)
        ],
    }
