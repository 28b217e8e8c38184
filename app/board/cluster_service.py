"""Cluster ops: the facilitator's, in the workshop room; each one read, decided by its rule
(app.board.clusters), stored and logged in one transaction, then published."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import Connection

from app import eventlog
from app.board import cluster_store, clusters
from app.board.clusters import Cluster, ClusterChange
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.principal import Principal, workshop_room
from app.protocol.client import (
    ClusterCreateOp,
    ClusterDeleteOp,
    ClusterMemberOp,
    ClusterOp,
    ClusterShowOp,
    ClusterUpdateOp,
)

Clock = Callable[[], float]


class ClusterService:
    def __init__(self, db: Database, publisher: Publisher, clock: Clock) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock

    async def apply(self, who: Principal, op: ClusterOp) -> int:
        """Apply a facilitator's cluster op; returns the seq to acknowledge (the first one,
        if this op was applied before)."""
        if who.role != "facilitator":
            raise OpError("forbidden", "Only the facilitator builds clusters.")
        if op.room != workshop_room(who.workshop_id):
            raise OpError("forbidden", "Cluster changes go to your workshop's room.")
        now = self._clock()
        result = await self._db.write(lambda conn: self._apply(conn, who, op, now))
        if isinstance(result, int):
            return result
        await self._publisher.publish([result])
        return result.seq

    async def clusters(self, workshop_id: int) -> list[Cluster]:
        return await self._db.read(lambda conn: cluster_store.workshop_clusters(conn,
                                                                                workshop_id))

    @staticmethod
    def _apply(conn: Connection, who: Principal, op: ClusterOp,
               now: float) -> StoredEvent | int:
        if eventlog.lock_room_row(conn, op.room) != who.workshop_id:
            raise OpError("not_found", "There is no such workshop.")
        seq, applied = eventlog.seq_and_op(conn, op.room, op.op_id)
        if applied is not None:
            return applied
        current = cluster_store.workshop_clusters(conn, who.workshop_id)
        change, cluster_id = _decide(conn, who.workshop_id, op, current, now)
        cluster_store.apply_change(conn, who.workshop_id, cluster_id, change)
        return eventlog.append_event(conn, op.room, seq + 1, change.kind, change.data,
                                     op_id=op.op_id, by=who.id, private_to=None, at=now)


def _decide(conn: Connection, workshop_id: int, op: ClusterOp, current: list[Cluster],
            now: float) -> tuple[ClusterChange, str]:
    """Read what the op's rule needs, and ask it; returns the change and its cluster."""
    if isinstance(op, ClusterCreateOp):
        cluster_id = op.data.id or str(uuid.uuid4())
        taken = op.data.id is not None and cluster_store.cluster_exists(conn, cluster_id)
        return clusters.create_cluster(op.data, current, cluster_id=cluster_id,
                                       id_taken=taken, now=now), cluster_id
    if isinstance(op, ClusterUpdateOp):
        return clusters.update_cluster(op.data, current, now), op.data.id
    if isinstance(op, ClusterShowOp):
        return clusters.show(op.data.view), ""
    if isinstance(op, ClusterDeleteOp):
        return clusters.delete_cluster(op.data.id, current), op.data.id
    assert isinstance(op, ClusterMemberOp)
    if op.kind == "cluster.remove":
        return clusters.remove_note(op.data, current, now), op.data.id
    found = cluster_store.workshop_note(conn, workshop_id, op.data.note_id)
    note, room = (None, None) if found is None else found
    return clusters.add_note(op.data, current, note, room, now), op.data.id
