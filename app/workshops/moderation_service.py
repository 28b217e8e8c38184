"""Moderation as the app runs it: move or remove a participant, lock joining, add and
revoke co-facilitators; each one transaction, then the events published and the sockets
concerned told (on every process, through the backplane)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app.db import Database
from app.eventlog import Publisher, StoredEvent
from app.principal import co_facilitator_id, participant_id, view_principal_id, workshop_room
from app.workshops import moderation, store

Clock = Callable[[], float]


class ModerationService:
    def __init__(self, db: Database, publisher: Publisher, clock: Clock) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock

    async def move(self, workshop: dict[str, Any], member: int, group_id: int,
                   by: str) -> None:
        """Move a participant to another group with their private notes; their open sockets
        switch to the new group's room at once and get its state (Hub.switch_group)."""
        now = self._clock()

        def move(conn: Connection) -> list[StoredEvent]:
            before = store.participant_group(conn, member)
            roster = store.move_participant(conn, workshop["id"], member, group_id, now)
            carried = [] if before is None or before == group_id else \
                moderation.carry_private_notes(conn, member, before, group_id, now, by)
            return [*carried, roster]

        await self._publisher.publish(await self._db.write(move))
        await self._publisher.move(workshop_room(workshop["id"]), [participant_id(member)],
                                   group_id)

    async def remove(self, workshop: dict[str, Any], member: int, by: str) -> None:
        """Take a participant out: their token stops working and their sockets close with
        4403; what they wrote stays."""
        now = self._clock()
        event = await self._db.write(lambda conn: moderation.remove_participant(
            conn, workshop["id"], member, now, by))
        await self._publisher.remove(workshop_room(workshop["id"]), [participant_id(member)],
                                     moderation.REMOVED_REASON)
        await self._publisher.publish([event])

    async def lock(self, workshop: dict[str, Any], locked: bool, by: str) -> None:
        now = self._clock()
        event = await self._db.write(lambda conn: moderation.set_join_locked(
            conn, workshop["id"], locked, now, by))
        await self._publisher.publish([event])

    async def add_co_facilitator(self, workshop: dict[str, Any],
                                 label: str) -> tuple[dict[str, Any], str]:
        now = self._clock()
        return await self._db.write(lambda conn: moderation.add_co_facilitator(
            conn, workshop["id"], label, now))

    async def co_facilitators(self, workshop: dict[str, Any]) -> list[dict[str, Any]]:
        return await self._db.read(
            lambda conn: moderation.list_co_facilitators(conn, workshop["id"]))

    async def revoke_co_facilitator(self, workshop: dict[str, Any], row_id: int) -> None:
        """The key opens nothing from now on; its open sockets close at once (4401), its
        views of groups too."""
        def revoke(conn: Connection) -> list[int]:
            moderation.revoke_co_facilitator(conn, workshop["id"], row_id)
            return [g["id"] for g in store.list_groups(conn, workshop["id"])]

        groups = await self._db.write(revoke)
        actor = co_facilitator_id(row_id)
        await self._publisher.revoke(workshop_room(workshop["id"]),
                                     [actor, *(view_principal_id(actor, g) for g in groups)],
                                     moderation.REVOKED_REASON)

    async def find_co_facilitator(self, workshop: dict[str, Any],
                                  token: str) -> dict[str, Any] | None:
        return await self._db.read(
            lambda conn: moderation.find_co_facilitator(conn, workshop["id"], token))
