"""Group signals in the database: who in a group said "we're done" this phase and whether
the group asked for help; what the roster shows of them (and of the vote); when every
group is ready. Functions run inside their caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from app.board.vote_service import roster_votes
from app.schema import group_signals, workshops


def group_signal(conn: Connection, group_id: int) -> dict[str, Any]:
    row = conn.execute(select(group_signals).where(group_signals.c.group_id == group_id)
                       ).mappings().first()
    return {"help": False, "ready": []} if row is None \
        else {"help": bool(row["help"]), "ready": list(row["ready"])}


def put_signal(conn: Connection, workshop_id: int, group_id: int, help_: bool,
               ready: list[str]) -> None:
    found = conn.execute(select(group_signals.c.group_id)
                         .where(group_signals.c.group_id == group_id)).first()
    if found is None:
        conn.execute(insert(group_signals).values(group_id=group_id, workshop_id=workshop_id,
                                                  help=help_, ready=ready))
    else:
        conn.execute(update(group_signals).where(group_signals.c.group_id == group_id)
                     .values(help=help_, ready=ready))


def clear_ready(conn: Connection, workshop_id: int) -> bool:
    """A new phase: nobody is done with it yet. Returns whether anybody was."""
    rows = conn.execute(select(group_signals.c.group_id, group_signals.c.ready)
                        .where(group_signals.c.workshop_id == workshop_id)).all()
    if not any(ready for _, ready in rows):
        return False
    conn.execute(update(group_signals).where(group_signals.c.workshop_id == workshop_id)
                 .values(ready=[]))
    return True


def set_advance(conn: Connection, workshop_id: int, on: bool) -> None:
    conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                 .values(advance_when_ready=on))


def delete_workshop_signals(conn: Connection, workshop_id: int) -> None:
    conn.execute(delete(group_signals).where(group_signals.c.workshop_id == workshop_id))


def extend_roster(conn: Connection, workshop_id: int,
                  roster: dict[str, Any]) -> dict[str, Any]:
    """Add to a roster each group's signals (ready member ids, help) and dots cast, the
    vote's state and the advance-when-ready setting."""
    rows = conn.execute(select(group_signals).where(group_signals.c.workshop_id == workshop_id)
                        ).mappings().all()
    signals = {row["group_id"]: row for row in rows}
    summary, totals = roster_votes(conn, workshop_id)
    for group in roster["groups"]:
        row = signals.get(group["id"])
        members = {m["id"] for m in group["members"]}
        group["ready"] = [] if row is None else [p for p in row["ready"] if p in members]
        group["help"] = False if row is None else bool(row["help"])
        group["votes_cast"] = totals.get(group["room"], 0)
    advance = conn.execute(select(workshops.c.advance_when_ready)
                           .where(workshops.c.id == workshop_id)).scalar_one_or_none()
    roster["votes"] = summary
    roster["advance_when_ready"] = bool(advance)
    return roster


def every_group_ready(roster: dict[str, Any], online: Iterable[str]) -> bool:
    """Whether every group with someone online has all its online members ready (and at
    least one group has someone online)."""
    here = set(online)
    anyone = False
    for group in roster["groups"]:
        present = {m["id"] for m in group["members"]} & here
        if not present:
            continue
        anyone = True
        if not present <= set(group["ready"]):
            return False
    return anyone
