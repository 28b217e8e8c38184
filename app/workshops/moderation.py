"""Moderation in the database: locking joins, removing a participant, co-facilitators'
tokens, and carrying a moved participant's private notes to their new group.

Functions run inside their caller's transaction and return the events to publish.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from app import eventlog
from app.board import store as board_store
from app.errors import OpError
from app.eventlog import StoredEvent
from app.principal import group_room, participant_id, workshop_room
from app.schema import co_facilitators, notes, participants, workshops
from app.workshops import store
from app.workshops.tokens import hash_token, new_token

REMOVED_REASON = "the facilitator removed you from this workshop"
REVOKED_REASON = "this co-facilitator key was revoked"
# The most co-facilitators one workshop may have: enough for any room, and a bound.
MAX_CO_FACILITATORS = 20
_CO_COLUMNS = (co_facilitators.c.id, co_facilitators.c.label, co_facilitators.c.created_at)


def set_join_locked(conn: Connection, workshop_id: int, locked: bool, now: float,
                    by: str) -> StoredEvent:
    """Lock or unlock joining; a ``roster`` event tells every facilitator page."""
    conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                 .values(join_locked=locked))
    return roster_event(conn, workshop_id, now, by)


def roster_event(conn: Connection, workshop_id: int, now: float, by: str) -> StoredEvent:
    """The roster (with ``join_locked``: facilitators show the switch from it)."""
    return eventlog.append_next(conn, workshop_room(workshop_id), "roster",
                                store.roster(conn, workshop_id), op_id=None, by=by, at=now)


def remove_participant(conn: Connection, workshop_id: int, member: int, now: float,
                       by: str) -> StoredEvent:
    """Take a participant out: their row (and hashed token) goes, what they wrote stays
    with its author's name; returns the roster event."""
    removed = conn.execute(delete(participants).where(participants.c.id == member,
                                                      participants.c.workshop_id == workshop_id))
    if removed.rowcount != 1:
        raise OpError("not_found", f"This workshop has no participant p{member}.")
    return roster_event(conn, workshop_id, now, by)


def carry_private_notes(conn: Connection, member: int, from_group: int, to_group: int,
                        now: float, by: str) -> list[StoredEvent]:
    """Move a participant's private notes (individual work not yet revealed) from their old
    group's room to the new one: a ``note.delete`` there and a ``note.create`` here, both
    private to them (others get ``hidden``). Their lane is their own, so no renumbering."""
    author = participant_id(member)
    old_room, new_room = group_room(from_group), group_room(to_group)
    mine = [n for n in board_store.private_notes(conn, old_room) if n["author"] == author]
    published: list[StoredEvent] = []
    for note in mine:
        moved = dict(note, version=note["version"] + 1, updated_at=now)
        conn.execute(update(notes).where(notes.c.id == note["id"])
                     .values(room=new_room, version=moved["version"], updated_at=now))
        published.append(eventlog.append_next(conn, old_room, "note.delete",
                                              dict(note, deleted=True), op_id=None, by=by,
                                              private_to=author, at=now))
        published.append(eventlog.append_next(conn, new_room, "note.create", moved,
                                              op_id=None, by=by, private_to=author, at=now))
    return published


def add_co_facilitator(conn: Connection, workshop_id: int, label: str,
                       now: float) -> tuple[dict[str, Any], str]:
    """A new co-facilitator key; returns (its row without the hash, the token, once)."""
    count = len(list_co_facilitators(conn, workshop_id))
    if count >= MAX_CO_FACILITATORS:
        raise OpError("conflict", f"A workshop has at most {MAX_CO_FACILITATORS} "
                      "co-facilitators; revoke one first.")
    token = new_token()
    result = conn.execute(insert(co_facilitators).values(
        workshop_id=workshop_id, token_hash=hash_token(token), label=label, created_at=now))
    key = result.inserted_primary_key
    assert key is not None
    row_id = int(key[0])
    return {"id": row_id, "label": label, "created_at": now}, token


def list_co_facilitators(conn: Connection, workshop_id: int) -> list[dict[str, Any]]:
    query = (select(*_CO_COLUMNS).where(co_facilitators.c.workshop_id == workshop_id)
             .order_by(co_facilitators.c.id))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def revoke_co_facilitator(conn: Connection, workshop_id: int, row_id: int) -> None:
    removed = conn.execute(delete(co_facilitators).where(
        co_facilitators.c.id == row_id, co_facilitators.c.workshop_id == workshop_id))
    if removed.rowcount != 1:
        raise OpError("not_found", f"This workshop has no co-facilitator {row_id}.")


def find_co_facilitator(conn: Connection, workshop_id: int,
                        token: str) -> dict[str, Any] | None:
    """The co-facilitator this token is, in this workshop; None if it is none."""
    query = select(*_CO_COLUMNS).where(co_facilitators.c.token_hash == hash_token(token),
                                       co_facilitators.c.workshop_id == workshop_id)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def co_facilitator_workshop(conn: Connection, row_id: int) -> int | None:
    """The workshop a co-facilitator key opens; None once it is revoked."""
    query = select(co_facilitators.c.workshop_id).where(co_facilitators.c.id == row_id)
    found = conn.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def delete_all(conn: Connection, workshop_id: int) -> None:
    """Every co-facilitator key of a workshop being deleted."""
    conn.execute(delete(co_facilitators).where(co_facilitators.c.workshop_id == workshop_id))
