"""Votes in the database: rounds and dots. Functions run inside their caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from app.schema import notes, vote_rounds, votes


def current_round(conn: Connection, workshop_id: int) -> dict[str, Any] | None:
    """The workshop's newest vote (open or closed): the one boards show."""
    query = (select(vote_rounds).where(vote_rounds.c.workshop_id == workshop_id)
             .order_by(vote_rounds.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def closed_rounds(conn: Connection, workshop_id: int) -> list[dict[str, Any]]:
    query = (select(vote_rounds).where(vote_rounds.c.workshop_id == workshop_id,
                                       vote_rounds.c.status == "closed")
             .order_by(vote_rounds.c.id))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def open_round(conn: Connection, workshop_id: int, phase_index: int, per_person: int,
               sections: list[str], now: float) -> dict[str, Any]:
    result: Any = conn.execute(insert(vote_rounds).values(
        workshop_id=workshop_id, phase_index=phase_index, per_person=per_person,
        sections=sections, status="open", opened_at=now, closed_at=None))
    row = current_round(conn, workshop_id)
    assert row is not None and row["id"] == result.inserted_primary_key[0]
    return row


def close_round(conn: Connection, round_id: int, now: float) -> None:
    conn.execute(update(vote_rounds).where(vote_rounds.c.id == round_id)
                 .values(status="closed", closed_at=now))


# Dots on notes that still exist: a deleted note's dots count nowhere and go back to their
# voters' budgets (an undone delete, which brings the note back, brings them back too).
_LIVE = votes.join(notes, (notes.c.id == votes.c.note_id) & (notes.c.room == votes.c.room))


def mine(conn: Connection, round_id: int, room: str, voter: str) -> dict[str, int]:
    """How many of this voter's dots are on each note."""
    query = (select(votes.c.note_id, func.count()).select_from(_LIVE).where(
        votes.c.round_id == round_id, votes.c.room == room, votes.c.voter == voter)
        .group_by(votes.c.note_id))
    return {note: int(n) for note, n in conn.execute(query).all()}


def counts(conn: Connection, round_id: int, room: str | None = None) -> dict[str, dict[str, int]]:
    """room -> note id -> dots, for one room or all of the round's."""
    query = (select(votes.c.room, votes.c.note_id, func.count()).select_from(_LIVE)
             .where(votes.c.round_id == round_id).group_by(votes.c.room, votes.c.note_id))
    if room is not None:
        query = query.where(votes.c.room == room)
    found: dict[str, dict[str, int]] = {}
    for where, note, n in conn.execute(query).all():
        found.setdefault(where, {})[note] = int(n)
    return found


def totals(conn: Connection, round_id: int) -> dict[str, int]:
    """room -> dots cast: what may be shown while the vote is open."""
    query = (select(votes.c.room, func.count()).select_from(_LIVE)
             .where(votes.c.round_id == round_id).group_by(votes.c.room))
    return {room: int(n) for room, n in conn.execute(query).all()}


def add_vote(conn: Connection, round_id: int, room: str, note_id: str, voter: str,
             now: float) -> None:
    conn.execute(insert(votes).values(round_id=round_id, room=room, note_id=note_id,
                                      voter=voter, at=now))


def remove_vote(conn: Connection, round_id: int, room: str, note_id: str, voter: str) -> None:
    """Take back one of the voter's dots on the note."""
    one = (select(votes.c.id).where(votes.c.round_id == round_id, votes.c.room == room,
                                    votes.c.note_id == note_id, votes.c.voter == voter)
           .order_by(votes.c.id.desc()).limit(1).scalar_subquery())
    conn.execute(delete(votes).where(votes.c.id == one))


def delete_workshop_votes(conn: Connection, workshop_id: int) -> None:
    """Every vote and round of a workshop (it is being deleted)."""
    rounds = select(vote_rounds.c.id).where(vote_rounds.c.workshop_id == workshop_id)
    conn.execute(delete(votes).where(votes.c.round_id.in_(rounds)))
    conn.execute(delete(vote_rounds).where(vote_rounds.c.workshop_id == workshop_id))
