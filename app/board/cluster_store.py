"""Cluster persistence. Functions run inside a transaction their caller owns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from app.board.clusters import Cluster, ClusterChange, room_group
from app.schema import cluster_notes, clusters, notes, rooms, workshops


def workshop_clusters(conn: Connection, workshop_id: int) -> list[Cluster]:
    """The workshop's clusters in order, each with its notes in the order they were added."""
    rows = conn.execute(select(clusters.c.id, clusters.c.label, clusters.c.kind,
                               clusters.c.position)
                        .where(clusters.c.workshop_id == workshop_id)
                        .order_by(clusters.c.position)).mappings().all()
    members = conn.execute(select(cluster_notes.c.cluster_id, cluster_notes.c.note_id,
                                  cluster_notes.c.room, cluster_notes.c.position)
                           .where(cluster_notes.c.workshop_id == workshop_id)
                           .order_by(cluster_notes.c.position)).mappings().all()
    found: dict[str, Cluster] = {row["id"]: {**row, "notes": []} for row in rows}
    for member in members:
        cluster = found.get(member["cluster_id"])
        if cluster is not None:
            cluster["notes"].append({"note_id": member["note_id"],
                                     "group_id": room_group(member["room"]),
                                     "position": member["position"]})
    return list(found.values())


def cluster_view(conn: Connection, workshop_id: int) -> str:
    """What the plenary screen shows: "boards", "clusters" or "comparison"."""
    view = conn.execute(select(workshops.c.cluster_view)
                        .where(workshops.c.id == workshop_id)).scalar_one_or_none()
    return str(view or "boards")


def cluster_exists(conn: Connection, cluster_id: str) -> bool:
    return conn.execute(select(clusters.c.id).where(clusters.c.id == cluster_id)).first() \
        is not None


def workshop_note(conn: Connection, workshop_id: int,
                  note_id: str) -> tuple[dict[str, Any], str] | None:
    """A note on one of this workshop's boards, and its room; None if there is none."""
    row = conn.execute(select(notes.c.id, notes.c.private, notes.c.room)
                       .join(rooms, rooms.c.name == notes.c.room)
                       .where(notes.c.id == note_id, rooms.c.workshop_id == workshop_id)
                       ).mappings().first()
    return None if row is None else (dict(row), str(row["room"]))


def apply_change(conn: Connection, workshop_id: int, cluster_id: str,
                 change: ClusterChange) -> None:
    """Make the writes a cluster rule's change asks for."""
    if change.view is not None:
        conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                     .values(cluster_view=change.view))
    if change.insert is not None:
        conn.execute(insert(clusters).values(workshop_id=workshop_id, **change.insert))
    if change.delete is not None:
        conn.execute(delete(cluster_notes).where(cluster_notes.c.cluster_id == change.delete))
        conn.execute(delete(clusters).where(clusters.c.id == change.delete))
    if change.update is not None:
        conn.execute(update(clusters).where(clusters.c.id == cluster_id).values(**change.update))
    for other, position in (change.positions or {}).items():
        conn.execute(update(clusters).where(clusters.c.id == other).values(position=position))
    if change.add is not None:
        cid, note_id, room, position = change.add
        conn.execute(insert(cluster_notes).values(cluster_id=cid, note_id=note_id, room=room,
                                                  workshop_id=workshop_id, position=position))
    if change.remove is not None:
        cid, note_id = change.remove
        conn.execute(delete(cluster_notes).where(cluster_notes.c.cluster_id == cid,
                                                 cluster_notes.c.note_id == note_id))


def delete_workshop_clusters(conn: Connection, workshop_id: int) -> None:
    """Every cluster of a workshop that is being deleted."""
    conn.execute(delete(cluster_notes).where(cluster_notes.c.workshop_id == workshop_id))
    conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop_id))
