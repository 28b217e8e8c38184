"""The plenary's clusters over a real server: the facilitator's ops, their errors, replay,
the snapshot after a restart, and every report format with the procedure comparison."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import httpx
from conftest import (
    Client,
    FakeClock,
    RunningServer,
    Workshop,
    create_workshop,
    join,
    phase,
    running_server,
)
from docx import Document

PROCEDURE = "Procedure to follow up on learners at risk of early leaving"


class Room:
    """A two-group workshop in its group phase: Ann's group and Cy's, and the facilitator."""

    def __init__(self, workshop: Workshop, ann: dict[str, Any], cy: dict[str, Any]) -> None:
        self.workshop = workshop
        self.ann = ann
        self.cy = cy
        self.name = f"workshop:{workshop.id}"


async def setup(http: httpx.AsyncClient) -> Room:
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    cy = await join(http, workshop.code, "Cy")
    assert ann["group_id"] != cy["group_id"]
    return Room(workshop, ann, cy)


async def connect(server: RunningServer, workshop: Workshop, token: str,
                  since: dict[str, int] | None = None, role: str | None = None) -> Client:
    client = await Client.connect(server, workshop.code, token, since=since, role=role)
    await client.synced()
    return client


async def reply(client: Client, room: str, kind: str, data: dict[str, Any],
                op_id: str | None = None) -> dict[str, Any]:
    return await client.ack(await client.op(room, kind, data, op_id))


async def ok(client: Client, room: str, kind: str, data: dict[str, Any],
             op_id: str | None = None) -> dict[str, Any]:
    frame = await reply(client, room, kind, data, op_id)
    assert frame["type"] == "ack", frame
    return frame


async def step(client: Client, group_id: int, text: str) -> str:
    note_id = str(uuid.uuid4())
    await ok(client, f"group:{group_id}", "note.create",
             {"id": note_id, "section": "procedure", "text": text})
    return note_id


async def event_at(client: Client, room: str, seq: int) -> dict[str, Any]:
    """The room's event with this seq, received already or still to come."""
    def match(f: dict[str, Any]) -> bool:
        return f["type"] == "event" and f["room"] == room and f["seq"] == seq

    found = [f for f in client.frames if match(f)]
    return found[0] if found else await client.until(match)


def snapshot(client: Client, room: str) -> dict[str, Any]:
    found = [f for f in client.frames if f["type"] == "snapshot" and f["room"] == room]
    assert found, client.frames
    return found[-1]


async def test_the_facilitator_builds_clusters_that_everyone_in_the_workshop_sees(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    room = await setup(http)
    await phase(http, room.workshop, "start")
    await phase(http, room.workshop, "next")
    fac = await connect(server, room.workshop, room.workshop.token)
    ann = await connect(server, room.workshop, room.ann["token"])
    screen = await connect(server, room.workshop, room.workshop.token, role="screen")
    note = await step(ann, room.ann["group_id"], "tutor informs counsellor")

    created = await ok(fac, room.name, "cluster.create",
                       {"id": "cluster-one", "label": "  common first step  ",
                        "kind": "commonality"})
    added = await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": note})
    assert added["seq"] == created["seq"] + 1
    event = await screen.until(lambda f: f["type"] == "event" and f["kind"] == "cluster.add")
    assert event["room"] == room.name
    assert event["data"] == {"id": "cluster-one", "label": "common first step",
                             "kind": "commonality", "position": 1,
                             "notes": [{"note_id": note, "group_id": room.ann["group_id"],
                                        "position": 1}]}
    await ann.until(lambda f: f["type"] == "event" and f["kind"] == "cluster.add")

    second = await ok(fac, room.name, "cluster.create", {"label": "a difference",
                                                          "kind": "difference"})
    made = await event_at(fac, room.name, second["seq"])
    other = made["data"]["id"]
    moved = await ok(fac, room.name, "cluster.update", {"id": other, "position": 1,
                                                        "kind": "theme"})
    event = await event_at(screen, room.name, moved["seq"])
    assert event["data"]["position"] == 1 and event["data"]["kind"] == "theme"
    assert event["data"]["renumbered"] == {"cluster-one": 2}

    await ok(fac, room.name, "cluster.remove", {"id": "cluster-one", "note_id": note})
    gone = await ok(fac, room.name, "cluster.delete", {"id": other})
    event = await event_at(screen, room.name, gone["seq"])
    assert event["kind"] == "cluster.delete"
    assert event["data"] == {"id": other, "renumbered": {"cluster-one": 1}}

    # The facilitator chooses what the plenary screen shows.
    shown = await ok(fac, room.name, "cluster.show", {"view": "comparison"})
    event = await event_at(screen, room.name, shown["seq"])
    assert event["kind"] == "cluster.show" and event["data"] == {"view": "comparison"}
    viewer = await connect(server, room.workshop, room.workshop.token)
    assert snapshot(viewer, room.name)["cluster_view"] == "comparison"
    assert snapshot(viewer, room.name)["clusters"] == [
        {"id": "cluster-one", "label": "common first step", "kind": "commonality",
         "position": 1, "notes": []}]
    for client in (fac, ann, screen, viewer):
        await client.close()


async def test_bad_cluster_ops_get_a_clear_error_and_change_nothing(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    room = await setup(http)
    await phase(http, room.workshop, "start")
    fac = await connect(server, room.workshop, room.workshop.token)
    ann = await connect(server, room.workshop, room.ann["token"])
    screen = await connect(server, room.workshop, room.workshop.token, role="screen")
    # Written in the individual phase: private to Ann until the group phase.
    private = await step(ann, room.ann["group_id"], "my own idea")
    await ok(fac, room.name, "cluster.create", {"id": "cluster-one", "label": "first"})

    cases: list[tuple[Client, str, dict[str, Any], str]] = [
        (fac, "cluster.create", {"label": "x" * 121}, "too_large"),
        (fac, "cluster.create", {"label": "   "}, "invalid"),
        (fac, "cluster.create", {"label": "a\x00b"}, "invalid"),
        (fac, "cluster.create", {"label": "ok", "kind": "opinion"}, "invalid"),
        (fac, "cluster.create", {"id": "cluster-one", "label": "again"}, "invalid"),
        (fac, "cluster.update", {"id": "cluster-one"}, "invalid"),
        (fac, "cluster.update", {"id": "no-such-cluster", "label": "x"}, "not_found"),
        (fac, "cluster.delete", {"id": "no-such-cluster"}, "not_found"),
        (fac, "cluster.add", {"id": "cluster-one", "note_id": str(uuid.uuid4())}, "not_found"),
        (fac, "cluster.add", {"id": "cluster-one", "note_id": private}, "forbidden"),
        (fac, "cluster.remove", {"id": "cluster-one", "note_id": private}, "not_found"),
        (fac, "cluster.show", {"view": "everything"}, "invalid"),
        (screen, "cluster.show", {"view": "clusters"}, "forbidden"),
        (ann, "cluster.create", {"label": "mine"}, "forbidden"),
        (screen, "cluster.create", {"label": "mine"}, "forbidden"),
    ]
    for client, kind, data, code in cases:
        frame = await reply(client, room.name, kind, data)
        assert frame["type"] == "error" and frame["code"] == code, (kind, data, frame)
        assert frame["message"]
    # A cluster op in a group room is not a board op.
    frame = await reply(fac, f"group:{room.ann['group_id']}", "cluster.create", {"label": "x"})
    assert frame["type"] == "error" and frame["code"] == "forbidden"
    # The socket survived every one of them, and nothing changed.
    viewer = await connect(server, room.workshop, room.workshop.token)
    clusters = snapshot(viewer, room.name)["clusters"]
    assert [(c["id"], c["label"], c["notes"]) for c in clusters] == [("cluster-one", "first", [])]
    for client in (fac, ann, screen, viewer):
        await client.close()


async def test_cluster_ops_are_idempotent_replayed_on_resync_and_kept_across_a_restart(
    database_url: str, clock: FakeClock,
) -> None:
    async with running_server(database_url, clock) as first:
        async with first.http() as http:
            room = await setup(http)
            await phase(http, room.workshop, "start")
            await phase(http, room.workshop, "next")
        fac = await connect(first, room.workshop, room.workshop.token)
        ann = await connect(first, room.workshop, room.ann["token"])
        note = await step(ann, room.ann["group_id"], "tutor informs counsellor")
        await ann.synced()
        since = dict(ann.seq)
        made = await ok(fac, room.name, "cluster.create",
                        {"id": "cluster-one", "label": "first"}, op_id="make-1")
        again = await ok(fac, room.name, "cluster.create",
                         {"id": "cluster-one", "label": "first"}, op_id="make-1")
        assert again["seq"] == made["seq"]
        added = await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": note},
                         op_id="add-1")
        await fac.close()
        await ann.close()

    async with running_server(database_url, clock) as second:
        late = await connect(second, room.workshop, room.ann["token"], since=since)
        replayed = [(f["kind"], f["seq"]) for f in late.frames
                    if f["type"] == "event" and f["room"] == room.name]
        assert replayed == [("cluster.create", made["seq"]), ("cluster.add", added["seq"])]
        fac = await connect(second, room.workshop, room.workshop.token)
        assert snapshot(fac, room.name)["clusters"] == [
            {"id": "cluster-one", "label": "first", "kind": "theme", "position": 1,
             "notes": [{"note_id": note, "group_id": room.ann["group_id"], "position": 1}]}]
        # Resending after the restart acknowledges the first application again.
        assert (await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": note},
                         op_id="add-1"))["seq"] == added["seq"]
        await fac.close()
        await late.close()


async def test_every_report_format_holds_the_clusters_and_the_procedure_comparison(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    room = await setup(http)
    await phase(http, room.workshop, "start")
    await phase(http, room.workshop, "next")
    fac = await connect(server, room.workshop, room.workshop.token)
    ann = await connect(server, room.workshop, room.ann["token"])
    cy = await connect(server, room.workshop, room.cy["token"])
    a1 = await step(ann, room.ann["group_id"], "Tutor informs counsellor")
    await step(ann, room.ann["group_id"], "Counsellor calls family")
    await step(cy, room.cy["group_id"], "Teacher notices absences")
    c2 = await step(cy, room.cy["group_id"], "Tutor tells the counsellor")
    await ok(fac, room.name, "cluster.create",
             {"id": "cluster-one", "label": "common first step: tutor informs counsellor",
              "kind": "commonality"})
    await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": a1})
    await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": c2})

    base = f"/api/workshops/{room.workshop.code}/export"
    got = {fmt: (await http.get(base, params={"format": fmt}, headers=room.workshop.auth))
           for fmt in ("md", "json", "csv", "docx")}
    assert all(r.status_code == 200 for r in got.values())

    synthesis = got["json"].json()["synthesis"]
    assert synthesis["clusters"] == [{
        "label": "common first step: tutor informs counsellor", "kind": "commonality",
        "notes": [{"group": _group_name(room, got, "ann"), "section": PROCEDURE, "step": 1,
                   "text": "Tutor informs counsellor"},
                  {"group": _group_name(room, got, "cy"), "section": PROCEDURE, "step": 2,
                   "text": "Tutor tells the counsellor"}]}]
    [comparison] = [c for c in synthesis["comparisons"] if c["section"] == "procedure"]
    ann_first = comparison["groups"].index(_group_name(room, got, "ann"))
    cells = [[None if c is None else c["text"] for c in row["cells"]]
             for row in comparison["rows"]]
    # Cy's first step has no match: a row of its own, before the clustered row.
    expected = [["Teacher notices absences"], ["Tutor informs counsellor",
                                               "Tutor tells the counsellor"],
                ["Counsellor calls family"]]
    assert [[c for c in row if c is not None] for row in cells] == expected
    assert comparison["rows"][1]["label"] == "common first step: tutor informs counsellor"
    assert cells[1][ann_first] == "Tutor informs counsellor"

    md = got["md"].text
    assert "## Plenary synthesis" in md
    assert "### common first step: tutor informs counsellor (Commonality)" in md
    assert "### Procedure comparison: " in md
    assert any(line.startswith("| common first step: tutor informs counsellor (Commonality) |")
               and "1. Tutor informs counsellor" in line and "2. Tutor tells the counsellor"
               in line for line in md.splitlines())

    rows = list(csv.reader(io.StringIO(got["csv"].text)))
    assert [r for r in rows if r[2] == "cluster:commonality"] == [
        [r[0], PROCEDURE, "cluster:commonality", "", r[4], r[5],
         "common first step: tutor informs counsellor", ""]
        for r in rows if r[2] == "cluster:commonality"]
    assert {r[5] for r in rows if r[2] == "cluster:commonality"} == {
        "Tutor informs counsellor", "Tutor tells the counsellor"}

    doc = Document(io.BytesIO(got["docx"].content))
    headings = [p.text for p in doc.paragraphs]
    assert "Plenary synthesis" in headings
    assert any(h.startswith("Procedure comparison: ") for h in headings)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert any(["common first step: tutor informs counsellor (Commonality)",
                *sorted(["1. Tutor informs counsellor", "2. Tutor tells the counsellor"])]
               == [row[0], *sorted(row[1:])] for t in tables for row in t)
    # In the report's language.
    french = await http.get(base, params={"format": "md", "lang": "fr"},
                            headers=room.workshop.auth)
    assert "## Synthèse de la plénière" in french.text
    assert "### common first step: tutor informs counsellor (Point commun)" in french.text
    # No author's name in the synthesis.
    assert "Ann" not in str(synthesis) and "Cy" not in str(synthesis)
    for client in (fac, ann, cy):
        await client.close()


def _group_name(room: Room, got: dict[str, httpx.Response], who: str) -> str:
    group_id = room.ann["group_id"] if who == "ann" else room.cy["group_id"]
    groups = got["json"].json()["groups"]
    return str(next(g["name"] for g in groups if g["id"] == group_id))


async def test_deleting_a_workshop_deletes_its_clusters(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    from sqlalchemy import func, select

    from app.schema import cluster_notes, clusters

    room = await setup(http)
    await phase(http, room.workshop, "start")
    await phase(http, room.workshop, "next")
    fac = await connect(server, room.workshop, room.workshop.token)
    ann = await connect(server, room.workshop, room.ann["token"])
    note = await step(ann, room.ann["group_id"], "a step")
    await ok(fac, room.name, "cluster.create", {"id": "cluster-one", "label": "first"})
    await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": note})
    await fac.close()
    await ann.close()

    def count(conn: Any) -> tuple[int, int]:
        return (conn.execute(select(func.count()).select_from(clusters)
                             .where(clusters.c.workshop_id == room.workshop.id)).scalar_one(),
                conn.execute(select(func.count()).select_from(cluster_notes)
                             .where(cluster_notes.c.workshop_id == room.workshop.id))
                .scalar_one())

    assert await server.services.db.read(count) == (1, 1)
    gone = await http.delete(f"/api/workshops/{room.workshop.code}", headers=room.workshop.auth)
    assert gone.status_code == 204, gone.text
    assert await server.services.db.read(count) == (0, 0)


async def test_in_an_anonymous_workshop_clusters_and_their_report_carry_no_name(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, groups=2, anonymous=True)
    ann = await join(http, workshop.code, "Annabel Secret")
    cy = await join(http, workshop.code, "Cyrano Hidden")
    room = Room(workshop, ann, cy)
    await phase(http, workshop, "start")
    await phase(http, workshop, "next")
    fac = await connect(server, workshop, workshop.token)
    writer = await connect(server, workshop, ann["token"])
    note = await step(writer, ann["group_id"], "tutor informs counsellor")
    await ok(fac, room.name, "cluster.create", {"id": "cluster-one", "label": "first"})
    await ok(fac, room.name, "cluster.add", {"id": "cluster-one", "note_id": note})
    screen = await connect(server, workshop, workshop.token, role="screen")
    await writer.until(lambda f: f.get("kind") == "cluster.add")
    # What each of them got of the clusters: events, and the screen's snapshot.
    sent: list[Any] = [f for client in (fac, writer) for f in client.frames
                       if f.get("kind", "").startswith("cluster.")]
    assert [f["kind"] for f in sent] == ["cluster.create", "cluster.add"] * 2
    sent.append(snapshot(screen, room.name)["clusters"])
    assert sent[-1][0]["notes"][0]["note_id"] == note
    synthesis = (await http.get(f"/api/workshops/{workshop.code}/export",
                                params={"format": "json"}, headers=workshop.auth)).json()
    text = str([sent, synthesis["synthesis"]])
    assert "tutor informs counsellor" in text
    assert "Annabel" not in text and "Cyrano" not in text
    for client in (fac, writer, screen):
        await client.close()
