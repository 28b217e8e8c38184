"""Two members of a group share one board over real sockets; other groups see nothing."""

from __future__ import annotations

import uuid

from conftest import Client, RunningServer, create_workshop, join


async def started_workshop(http, groups: int = 2):  # type: ignore[no-untyped-def]
    workshop = await create_workshop(http, groups=groups)
    return workshop


async def test_group_members_see_each_others_ops_in_the_same_order_and_other_groups_see_none(
    server: RunningServer, http  # type: ignore[no-untyped-def]
) -> None:
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann", group_id=None)
    bob = await join(http, workshop.code, "Bob", group_id=ann["group_id"])
    cy = await join(http, workshop.code, "Cy")
    assert cy["group_id"] != ann["group_id"]
    # Phase 2 (group work) makes the procedure section shared and writable.
    for action in ("start", "next"):
        r = await http.post(f"/api/workshops/{workshop.code}/phase", json={"action": action},
                            headers=workshop.auth)
        assert r.status_code == 200, r.text
    room = f"group:{ann['group_id']}"
    a = await Client.connect(server, workshop.code, ann["token"])
    b = await Client.connect(server, workshop.code, bob["token"])
    c = await Client.connect(server, workshop.code, cy["token"])
    for client in (a, b, c):
        await client.synced()

    note_id = str(uuid.uuid4())
    op = await a.op(room, "note.create", {"id": note_id, "section": "commonalities",
                                          "text": "Both call the family", "x": 10, "y": 20})
    assert (await a.ack(op))["type"] == "ack"
    op = await b.op(room, "note.update", {"id": note_id, "text": "Both call families"})
    assert (await b.ack(op))["type"] == "ack"
    op = await a.op(room, "note.move", {"id": note_id, "x": 300, "y": 400})
    assert (await a.ack(op))["type"] == "ack"
    op = await b.op(room, "note.delete", {"id": note_id})
    assert (await b.ack(op))["type"] == "ack"

    def board_events(client: Client) -> list[tuple[int, str]]:
        return [(f["seq"], f["kind"]) for f in client.frames
                if f["type"] == "event" and f["room"] == room]

    await a.synced()
    await b.synced()
    expected = ["note.create", "note.update", "note.move", "note.delete"]
    assert [k for _, k in board_events(a)] == expected
    assert board_events(a) == board_events(b)
    seqs = [s for s, _ in board_events(a)]
    assert seqs == list(range(seqs[0], seqs[0] + 4))
    await c.synced()
    assert not [f for f in c.frames if f.get("room") == room]
    for client in (a, b, c):
        await client.close()
