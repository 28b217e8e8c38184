"""The plenary's clusters as pure rules: what each cluster op changes, and how groups'
procedures line up on the clusters their steps share.

Nothing here reads or writes: app.board.cluster_service reads what a rule needs inside the
op's transaction and stores the :class:`ClusterChange` it returns. A cluster names notes
by id and group, never by author: what it shows is safe in an anonymous workshop too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from app.errors import OpError
from app.protocol.cluster_data import ClusterCreate, ClusterMember, ClusterUpdate
from app.protocol.limits import MAX_CLUSTER_NOTES, MAX_CLUSTERS

# A cluster as clients see it: {id, label, kind, position, notes: [{note_id, group_id}]}.
Cluster = dict[str, Any]


class ClusterChange(NamedTuple):
    """An op's event and the writes that make it."""

    kind: str
    data: dict[str, Any]
    # The cluster row to insert, or the changed columns of an existing one.
    insert: Cluster | None = None
    update: dict[str, Any] | None = None
    delete: str | None = None
    # A note joining (cluster id, note id, room, position) or leaving (cluster id, note id).
    add: tuple[str, str, str, int] | None = None
    remove: tuple[str, str] | None = None
    # Every cluster whose position the op moves: id -> new position.
    positions: dict[str, int] | None = None
    # What the plenary screen shows now.
    view: str | None = None


def room_group(room: str) -> int:
    """``group:12`` -> 12."""
    return int(room.removeprefix("group:"))


def _find(clusters: Sequence[Cluster], cluster_id: str) -> Cluster:
    for cluster in clusters:
        if cluster["id"] == cluster_id:
            return cluster
    raise OpError("not_found", "There is no such cluster; it may have been deleted.")


def _event(cluster: Cluster, positions: dict[str, int]) -> dict[str, Any]:
    return {**cluster, "renumbered": positions} if positions else dict(cluster)


def _moved(order: list[str], before: Sequence[Cluster]) -> dict[str, int]:
    """The new positions (1, 2, 3 …) of ``order`` that differ from ``before``'s."""
    was = {c["id"]: c["position"] for c in before}
    return {cid: at for at, cid in enumerate(order, start=1) if was.get(cid) != at}


def create_cluster(data: ClusterCreate, clusters: Sequence[Cluster], *, cluster_id: str,
                   id_taken: bool, now: float) -> ClusterChange:
    if id_taken:
        raise OpError("invalid", "This cluster id is already in use; send another one.")
    if len(clusters) >= MAX_CLUSTERS:
        raise OpError("too_large", f"A workshop holds at most {MAX_CLUSTERS} clusters.")
    cluster = {"id": cluster_id, "label": data.label, "kind": data.kind,
               "position": len(clusters) + 1, "notes": []}
    row = {k: v for k, v in cluster.items() if k != "notes"}
    return ClusterChange("cluster.create", cluster,
                         insert={**row, "created_at": now, "updated_at": now})


def update_cluster(data: ClusterUpdate, clusters: Sequence[Cluster],
                   now: float) -> ClusterChange:
    cluster = _find(clusters, data.id)
    columns: dict[str, Any] = {}
    if data.label is not None:
        columns["label"] = data.label
    if data.kind is not None:
        columns["kind"] = data.kind
    positions: dict[str, int] = {}
    if data.position is not None:
        order = [c["id"] for c in sorted(clusters, key=lambda c: c["position"])
                 if c["id"] != data.id]
        order.insert(min(data.position, len(clusters)) - 1, data.id)
        positions = _moved(order, clusters)
        columns["position"] = order.index(data.id) + 1
    if not columns:
        raise OpError("invalid", "Say what changes: label, kind or position.")
    updated = {**cluster, **columns}
    others = {cid: at for cid, at in positions.items() if cid != data.id}
    return ClusterChange("cluster.update", _event(updated, others),
                         update={**columns, "updated_at": now}, positions=others)


def delete_cluster(cluster_id: str, clusters: Sequence[Cluster]) -> ClusterChange:
    _find(clusters, cluster_id)
    order = [c["id"] for c in sorted(clusters, key=lambda c: c["position"])
             if c["id"] != cluster_id]
    positions = _moved(order, clusters)
    return ClusterChange("cluster.delete", _event({"id": cluster_id}, positions),
                         delete=cluster_id, positions=positions)


def add_note(data: ClusterMember, clusters: Sequence[Cluster], note: dict[str, Any] | None,
             note_room: str | None, now: float) -> ClusterChange:
    """``note`` is the note as stored (None: not on any of this workshop's boards)."""
    cluster = _find(clusters, data.id)
    if note is None or note_room is None:
        raise OpError("not_found", "There is no such note on this workshop's boards.")
    if note["private"]:
        raise OpError("forbidden", "This note is still private to its author; it can join "
                      "a cluster once it is revealed.")
    if any(n["note_id"] == data.note_id for n in cluster["notes"]):
        raise OpError("invalid", "This note is already in this cluster.")
    if len(cluster["notes"]) >= MAX_CLUSTER_NOTES:
        raise OpError("too_large", f"A cluster holds at most {MAX_CLUSTER_NOTES} notes.")
    position = max((n["position"] for n in cluster["notes"]), default=0) + 1
    member = {"note_id": data.note_id, "group_id": room_group(note_room), "position": position}
    updated = {**cluster, "notes": [*cluster["notes"], member]}
    return ClusterChange("cluster.add", updated, update={"updated_at": now},
                         add=(data.id, data.note_id, note_room, position))


def remove_note(data: ClusterMember, clusters: Sequence[Cluster], now: float) -> ClusterChange:
    cluster = _find(clusters, data.id)
    if not any(n["note_id"] == data.note_id for n in cluster["notes"]):
        raise OpError("not_found", "This note is not in this cluster.")
    updated = {**cluster, "notes": [n for n in cluster["notes"] if n["note_id"] != data.note_id]}
    return ClusterChange("cluster.remove", updated, update={"updated_at": now},
                         remove=(data.id, data.note_id))


def show(view: str) -> ClusterChange:
    """Put the boards, the clusters or the procedure comparison on the plenary screen."""
    return ClusterChange("cluster.show", {"view": view}, view=view)


# --- the procedure comparison ------------------------------------------------------------

class Row(NamedTuple):
    """One row of a comparison: a cluster's steps side by side (``cluster`` None: steps no
    cluster holds), one cell per group, None where that group has no step on the row."""

    cluster: Cluster | None
    cells: list[dict[str, Any] | None]


def align_procedures(columns: Sequence[Sequence[dict[str, Any]]],
                     clusters: Sequence[Cluster]) -> list[Row]:
    """Each group's steps (in step order) in a column, a cluster's steps on one row.

    Order within every column is kept. A row for a cluster is laid once each group holding
    one of its steps has reached that step; when two groups put two clusters in opposite
    orders, the first group's order wins and the other's step gets a row of its own.
    """
    # A step in several clusters is aligned on the first of them.
    owner: dict[str, Cluster] = {}
    for cluster in sorted(clusters, key=lambda c: c["position"]):
        for member in cluster["notes"]:
            owner.setdefault(member["note_id"], cluster)
    at = [0] * len(columns)
    rows: list[Row] = []

    def head(i: int) -> dict[str, Any] | None:
        return columns[i][at[i]] if at[i] < len(columns[i]) else None

    def cluster_of(i: int) -> Cluster | None:
        note = head(i)
        return None if note is None else owner.get(note["id"])

    while any(head(i) is not None for i in range(len(columns))):
        loose = [i for i in range(len(columns)) if head(i) is not None and cluster_of(i) is None]
        if loose:
            rows.append(Row(None, [head(i) if i in loose else None for i in range(len(columns))]))
            for i in loose:
                at[i] += 1
            continue
        chosen = _ready_cluster(columns, at, owner, cluster_of) or cluster_of(
            next(i for i in range(len(columns)) if head(i) is not None))
        assert chosen is not None
        takers = [i for i in range(len(columns))
                  if (c := cluster_of(i)) is not None and c["id"] == chosen["id"]]
        rows.append(Row(chosen, [head(i) if i in takers else None
                                 for i in range(len(columns))]))
        for i in takers:
            at[i] += 1
    return rows


def _ready_cluster(columns: Sequence[Sequence[dict[str, Any]]], at: list[int],
                   owner: dict[str, Cluster],
                   cluster_of: Callable[[int], Cluster | None]) -> Cluster | None:
    """The first cluster at the head of a column whose steps still to come are all at the
    head of their columns: laying it now breaks no group's order."""
    for i in range(len(columns)):
        cluster = cluster_of(i)
        if cluster is None:
            continue
        waiting = any(owner.get(note["id"]) is cluster
                      for j, column in enumerate(columns) for note in column[at[j] + 1:])
        if not waiting:
            return cluster
    return None
