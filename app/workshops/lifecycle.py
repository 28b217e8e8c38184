"""The data lifecycle as the app runs it: delete a workshop now, purge expired ones, let a
participant erase themselves; each one transaction, then its sockets told.

The rules are in app.workshops.retention (deleting, expiry) and app.workshops.erasure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.db import Database
from app.eventlog import Publisher
from app.principal import participant_id, workshop_room
from app.workshops import erasure, retention

Clock = Callable[[], float]


class LifecycleService:
    def __init__(self, db: Database, publisher: Publisher, clock: Clock,
                 retention_days: int) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock
        self.retention_days = retention_days

    async def delete(self, workshop: dict[str, Any]) -> None:
        """Delete the workshop with everything in it; every socket of it closes (4410)."""
        await self._db.write(lambda conn: retention.delete_workshop(conn, workshop["id"]))
        await self._publisher.shut(workshop_room(workshop["id"]), retention.DELETED_REASON)

    async def purge(self) -> int:
        """Delete the expired workshops (app.workshops.retention); returns how many."""
        deleted = await retention.purge(self._db, self._clock(), self.retention_days)
        for workshop_id in deleted:
            await self._publisher.shut(workshop_room(workshop_id), retention.DELETED_REASON)
        return len(deleted)

    async def erase_participant(self, workshop: dict[str, Any], member: int) -> None:
        """The participant leaves and is erased; their sockets close (4401), every board
        updates through the events published."""
        now = self._clock()
        published = await self._db.write(
            lambda conn: erasure.erase_participant(conn, workshop["id"], member, now))
        await self._publisher.revoke(workshop_room(workshop["id"]), [participant_id(member)],
                                     erasure.ERASED_REASON)
        await self._publisher.publish(published)
