"""The procedure comparison's alignment: clustered steps share a row, every group's order
is kept, and clusters in opposite orders still lay every step exactly once."""

from __future__ import annotations

from typing import Any

from app.board.clusters import align_procedures


def steps(*ids: str) -> list[dict[str, Any]]:
    return [{"id": i, "step": n} for n, i in enumerate(ids, start=1)]


def cluster(cid: str, position: int, *notes: str) -> dict[str, Any]:
    return {"id": cid, "label": cid, "kind": "commonality", "position": position,
            "notes": [{"note_id": n, "group_id": 1, "position": 1} for n in notes]}


def table(rows: Any) -> list[tuple[str | None, list[str | None]]]:
    return [(None if r.cluster is None else r.cluster["id"],
             [None if c is None else c["id"] for c in r.cells]) for r in rows]


def test_clustered_steps_share_a_row_and_unclustered_ones_come_in_order() -> None:
    rows = align_procedures([steps("a1", "a2", "a3"), steps("b1", "b2")],
                            [cluster("tell", 1, "a1", "b2"), cluster("call", 2, "a3")])
    assert table(rows) == [
        (None, [None, "b1"]),
        ("tell", ["a1", "b2"]),
        (None, ["a2", None]),
        ("call", ["a3", None]),
    ]


def test_clusters_in_opposite_orders_lay_every_step_once_in_each_groups_order() -> None:
    rows = align_procedures([steps("a1", "a2"), steps("b1", "b2")],
                            [cluster("x", 1, "a1", "b2"), cluster("y", 2, "a2", "b1")])
    laid = table(rows)
    for column, expected in ((0, ["a1", "a2"]), (1, ["b1", "b2"])):
        assert [cells[column] for _, cells in laid if cells[column]] == expected
    assert len(laid) == 3  # one of the two clusters cannot share a row


def test_no_clusters_puts_each_groups_steps_side_by_side_by_number() -> None:
    rows = align_procedures([steps("a1", "a2"), steps("b1"), []], [])
    assert table(rows) == [(None, ["a1", "b1", None]), (None, ["a2", None, None])]
