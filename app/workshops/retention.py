"""The end of a workshop's data (GDPR Art. 5(1)(e), storage limitation; Art. 17): deleting a
workshop with everything in it, when its facilitator asks or once it has expired.

A workshop expires ``retention_days`` after its **last activity**: the newest event in any of
its rooms, or its creation if nothing happened in it since. For a closed workshop that is
its closing (the last thing that happens in one); a workshop left open counts from the last
thing anyone did in it. Every process looks once a day (:class:`Sweeper`), and
``flipchart purge`` does the same from the command line.

Deleting is idempotent: a workshop that is already gone is skipped, so several processes
purging at once delete each workshop once. The delete takes the workshop's row lock first
(on PostgreSQL), the lock every op and phase change takes before anything else, so nothing
is written into a workshop while it is being deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from sqlalchemy import Connection, ScalarSelect, delete, func, select

from app.board import cluster_store, vote_store
from app.db import Database
from app.periodic import Periodic
from app.schema import events, fields, groups, notes, participants, rooms, screens, workshops
from app.workshops import library, moderation, signals

log = logging.getLogger(__name__)
DAY_SECONDS = 24 * 3600
DELETED_REASON = "this workshop was deleted"


def _room_last_event() -> ScalarSelect[Any]:
    """The time of a room's newest event: its (room, seq) index finds it in one seek."""
    return (select(events.c.at).where(events.c.room == rooms.c.name)
            .order_by(events.c.seq.desc()).limit(1).correlate(rooms).scalar_subquery())


def expired(conn: Connection, cutoff: float) -> list[int]:
    """The workshops whose last activity was before ``cutoff``, oldest id first."""
    per_workshop = (select(rooms.c.workshop_id, func.max(_room_last_event()).label("last"))
                    .group_by(rooms.c.workshop_id).subquery())
    last = func.coalesce(per_workshop.c.last, workshops.c.created_at)
    query = (select(workshops.c.id)
             .select_from(workshops.outerjoin(per_workshop,
                                              per_workshop.c.workshop_id == workshops.c.id))
             .where(last < cutoff).order_by(workshops.c.id))
    return [int(row) for row in conn.execute(query).scalars()]


def last_activity(conn: Connection, workshop_id: int) -> float | None:
    """When anything last happened in the workshop (its creation at the latest); None if
    there is no such workshop."""
    created = conn.execute(select(workshops.c.created_at)
                           .where(workshops.c.id == workshop_id)).scalar_one_or_none()
    if created is None:
        return None
    newest = conn.execute(select(func.max(_room_last_event()))
                          .where(rooms.c.workshop_id == workshop_id)).scalar_one_or_none()
    return max(float(created), float(newest or created))


def delete_workshop(conn: Connection, workshop_id: int) -> bool:
    """Delete the workshop and every row that belongs to it; False if it was gone already.

    Every table that refers to a workshop: its rooms' events, notes and fields, the rooms,
    paired screens, participants (and their hashed tokens), groups, and the workshop row
    (with the facilitator's hashed token).
    """
    locked = conn.execute(select(workshops.c.id).where(workshops.c.id == workshop_id)
                          .with_for_update()).scalar_one_or_none()
    if locked is None:
        return False
    names = select(rooms.c.name).where(rooms.c.workshop_id == workshop_id).scalar_subquery()
    conn.execute(delete(events).where(events.c.room.in_(names)))
    conn.execute(delete(notes).where(notes.c.room.in_(names)))
    conn.execute(delete(fields).where(fields.c.room.in_(names)))
    cluster_store.delete_workshop_clusters(conn, workshop_id)
    vote_store.delete_workshop_votes(conn, workshop_id)
    signals.delete_workshop_signals(conn, workshop_id)
    conn.execute(delete(rooms).where(rooms.c.workshop_id == workshop_id))
    conn.execute(delete(screens).where(screens.c.workshop_id == workshop_id))
    conn.execute(delete(participants).where(participants.c.workshop_id == workshop_id))
    moderation.delete_all(conn, workshop_id)
    conn.execute(delete(groups).where(groups.c.workshop_id == workshop_id))
    library.delete_copy(conn, workshop_id)  # its own copy of a saved template, if any
    conn.execute(delete(workshops).where(workshops.c.id == workshop_id))
    return True


def delete_if_expired(conn: Connection, workshop_id: int, cutoff: float) -> bool:
    """Delete the workshop if it is still expired (nothing happened in it since it was
    found); False if it is not, or is gone already."""
    last = last_activity(conn, workshop_id)
    if last is None or last >= cutoff:
        return False
    return delete_workshop(conn, workshop_id)


async def purge(db: Database, now: float, days: int) -> list[int]:
    """Delete every workshop whose last activity is more than ``days`` days before ``now``,
    one transaction each; returns the ids this call deleted."""
    cutoff = now - days * DAY_SECONDS
    found = await db.read(lambda conn: expired(conn, cutoff))
    deleted = []
    for workshop_id in found:
        if await db.write(partial(delete_if_expired, workshop_id=workshop_id, cutoff=cutoff)):
            deleted.append(workshop_id)
    return deleted


class Sweeper(Periodic):
    """Runs a purge at start-up and then every ``interval`` seconds until stopped."""

    def __init__(self, purge_now: Callable[[], Awaitable[int]], interval: float) -> None:
        super().__init__(self._sweep, interval, "retention-sweeper")
        self._purge = purge_now

    async def _sweep(self) -> None:
        deleted = await self._purge()
        if deleted:
            log.info("retention: deleted %d expired workshop(s)", deleted)
