"""Deleting now (GDPR Art. 17): the facilitator deletes a workshop, which closes every socket
of it with 4410; a participant leaves and erases themselves, their name gone from every
snapshot, replay and export, their notes anonymous or deleted as the workshop says."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from conftest import Client, FakeClock, RunningServer, Workshop, create_workshop, join
from docx import Document
from lifecycle_helpers import (
    bearer,
    closed_with,
    filled_workshop,
    phase,
    refused_code,
    room_names,
    rows_of,
    write,
)
from sqlalchemy import select

from app.schema import events
from app.workshops import erasure, retention

NAME = "Zelda Qwertyson"
THEIR_TEXTS = ("Zelda's private step one", "Zelda's private step two", "Zelda's group step",
               "Zelda's card")


async def test_the_facilitator_deletes_a_workshop_and_every_socket_closes_with_4410(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    filled = await filled_workshop(server, http)
    workshop = filled.workshop
    other = await create_workshop(http)
    ann, bob = filled.people
    sockets = [await Client.connect(server, workshop.code, token)
               for token in (ann["token"], bob["token"], workshop.token,
                             filled.screen["token"])]
    sockets.append(await Client.connect(server, workshop.code, workshop.token, role="screen"))
    elsewhere = await Client.connect(server, other.code, other.token)
    url = f"/api/workshops/{workshop.code}"

    assert (await http.delete(url)).status_code == 401
    assert (await http.delete(url, headers=bearer(ann["token"]))).status_code == 403
    assert (await http.delete(url, headers=bearer(filled.screen["token"]))).status_code == 403
    assert (await http.delete(url, headers=bearer(other.token))).status_code == 401
    # The download offered first: the JSON export, whole.
    export = await http.get(f"{url}/export?format=json", headers=workshop.auth)
    assert "Ann's card" in export.text

    db = server.services.db
    rooms = await room_names(db, workshop.id)
    response = await http.delete(url, headers=workshop.auth)
    assert response.status_code == 204 and response.content == b""
    for client in sockets:
        assert await closed_with(client.ws) == (4410, retention.DELETED_REASON)
    left = await db.read(lambda conn: rows_of(conn, workshop.id, rooms))
    assert set(left.values()) == {0}, left
    # Another workshop noticed nothing.
    await elsewhere.synced()
    assert (await http.get(f"/api/workshops/{other.code}")).status_code == 200

    # Five look-ups of the code (of the few an address may miss before it is throttled).
    for method, path, token in (("GET", url, None), ("GET", f"{url}/export", workshop.token),
                                ("DELETE", url, workshop.token),
                                ("POST", f"{url}/participants", None)):
        headers = bearer(token) if token else {}
        body = {"name": "Late"} if method == "POST" else None
        answer = await http.request(method, path, headers=headers, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
    assert await refused_code(server, workshop.code, workshop.token) == 4401
    await elsewhere.close()


async def test_only_two_choices_for_an_erased_participants_notes(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    url = f"/api/workshops/{workshop.code}"
    assert (await http.get(url)).json()["erase_notes"] == "keep_anonymous"
    wrong = await http.patch(url, json={"erase_notes": "shred"}, headers=workshop.auth)
    assert wrong.status_code == 422
    person = await join(http, workshop.code, "Ann")
    refused = await http.patch(url, json={"erase_notes": "delete"},
                               headers=bearer(person["token"]))
    assert refused.status_code == 403
    done = await http.patch(url, json={"erase_notes": "delete"}, headers=workshop.auth)
    assert done.status_code == 200 and done.json()["erase_notes"] == "delete"


async def test_erasing_needs_a_participants_own_token(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    other = await create_workshop(http)
    person = await join(http, other.code, "Ann")
    me = f"/api/workshops/{workshop.code}/participants/me"
    assert (await http.delete(me)).status_code == 401
    assert (await http.delete(me, headers=bearer(person["token"]))).status_code == 401
    assert (await http.delete(me, headers=workshop.auth)).status_code == 403
    assert (await http.delete("/api/workshops/ZZZZZZ/participants/me",
                              headers=bearer(person["token"]))).status_code == 404


async def _zelda_writes(server: RunningServer, http: httpx.AsyncClient, workshop: Workshop,
                        zelda: dict[str, Any], bob: dict[str, Any]) -> str:
    """Zelda writes private steps, a group step, a card, a pick and a field; Bob writes a
    group step after hers. Returns the group's room."""
    room = f"group:{zelda['group_id']}"
    z = await Client.connect(server, workshop.code, zelda["token"])
    b = await Client.connect(server, workshop.code, bob["token"])
    await phase(http, workshop, "start")  # individual: private steps
    for text in THEIR_TEXTS[:2]:
        await write(z, room, "note.create", {"section": "procedure", "text": text})
    await write(b, room, "note.create", {"section": "procedure", "text": "Bob's own step"})
    await phase(http, workshop, "next")  # groups: revealed, and group steps
    await write(z, room, "note.create", {"section": "procedure", "text": THEIR_TEXTS[2]})
    await write(b, room, "note.create", {"section": "procedure", "text": "Bob's group step"})
    await write(z, room, "note.create", {"section": "commonalities", "text": THEIR_TEXTS[3]})
    await phase(http, workshop, "next")  # toolkit: picks
    await write(z, room, "pick.set", {"key": "topics", "value": ["second-chance-measures"]})
    await phase(http, workshop, "next")  # action: a form
    await write(z, room, "field.set", {"key": "action.type", "value": "Mentoring by peers"})
    await z.close()
    await b.close()
    return room


def _frames_text(client: Client) -> str:
    return json.dumps(client.frames, ensure_ascii=False)


async def _exports(http: httpx.AsyncClient, workshop: Workshop) -> dict[str, str]:
    texts = {}
    for fmt in ("md", "json", "csv"):
        answer = await http.get(f"/api/workshops/{workshop.code}/export?format={fmt}",
                                headers=workshop.auth)
        assert answer.status_code == 200
        texts[fmt] = answer.text
    answer = await http.get(f"/api/workshops/{workshop.code}/export?format=csv&table=timing",
                            headers=workshop.auth)
    texts["csv-timing"] = answer.text
    answer = await http.get(f"/api/workshops/{workshop.code}/export?format=docx",
                            headers=workshop.auth)
    document = Document(io.BytesIO(answer.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts["docx"] = "\n".join([p.text for p in document.paragraphs] + cells)
    return texts


@pytest.mark.parametrize("mode", ["keep_anonymous", "delete"])
async def test_a_participant_leaves_and_is_erased_from_everything_others_see(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock, mode: str
) -> None:
    workshop = await create_workshop(http, groups=2)
    if mode == "delete":
        await http.patch(f"/api/workshops/{workshop.code}", json={"erase_notes": mode},
                         headers=workshop.auth)
    zelda = await join(http, workshop.code, NAME)
    bob = await join(http, workshop.code, "Bob", group_id=zelda["group_id"])
    cy = await join(http, workshop.code, "Cy")
    room = await _zelda_writes(server, http, workshop, zelda, bob)
    before = await _exports(http, workshop)
    assert all(NAME in before[f] for f in ("md", "json", "csv", "docx"))

    zelda_socket = await Client.connect(server, workshop.code, zelda["token"])
    bob_socket = await Client.connect(server, workshop.code, bob["token"])
    cy_socket = await Client.connect(server, workshop.code, cy["token"])
    facilitator = await Client.connect(server, workshop.code, workshop.token)
    for client in (bob_socket, cy_socket, facilitator):
        await client.synced()
    clock.advance(5)
    me = f"/api/workshops/{workshop.code}/participants/me"
    answer = await http.delete(me, headers=bearer(zelda["token"]))
    assert answer.status_code == 204, answer.text
    assert await closed_with(zelda_socket.ws) == (4401, erasure.ERASED_REASON)

    # Bob's board changes live: each of her notes, the pick and the field, then the roster.
    roster = await bob_socket.until(lambda f: f.get("kind") == "roster")
    assert NAME not in json.dumps(roster)
    live = [f for f in bob_socket.frames if f.get("type") == "event" and f["room"] == room
            and f["seq"] > 0 and f.get("by") == zelda["participant_id"]]
    kinds = sorted(f["kind"] for f in live)
    if mode == "delete":
        # Her two private steps, now revealed, her group step, her card; Bob's group step
        # moves up to 1.
        assert kinds == ["field.set", "note.delete", "note.delete", "note.delete",
                         "note.delete", "pick.set"]
        renumbered = [f["data"].get("renumbered") for f in live if f["kind"] == "note.delete"]
        assert any(r and list(r.values()) == [1] for r in renumbered)
    else:
        assert kinds == ["field.set", "note.update", "note.update", "note.update",
                         "note.update", "pick.set"]
        assert {f["data"]["author_name"] for f in live if f["kind"] == "note.update"} \
            == {erasure.REMOVED_NAME}
    assert {f["data"]["by_name"] for f in live if f["kind"].endswith(".set")} \
        == {erasure.REMOVED_NAME}
    await cy_socket.until(lambda f: f.get("kind") == "roster")
    await facilitator.until(lambda f: f.get("kind") == "roster")

    # Her token opens nothing any more.
    assert await refused_code(server, workshop.code, zelda["token"]) == 4401
    assert (await http.delete(me, headers=bearer(zelda["token"]))).status_code == 401

    # A fresh snapshot, a replay from the start, an explicit resync: no name anywhere.
    fresh = await Client.connect(server, workshop.code, bob["token"])
    await fresh.synced()
    replay = await Client.connect(server, workshop.code, workshop.token,
                                  since={room: 0, f"workshop:{workshop.id}": 0})
    await replay.synced()
    await replay.send({"type": "resync", "room": room, "since": 0})
    await replay.synced()
    assert any(f["type"] == "event" for f in replay.frames)
    for client in (fresh, replay):
        text = _frames_text(client)
        assert NAME not in text
        for their in THEIR_TEXTS:
            assert (their in text) == (mode == "keep_anonymous"), their
    snapshot = next(f for f in fresh.frames if f["type"] == "snapshot" and f["room"] == room)
    theirs = [n for n in snapshot["notes"] if n["author"] == zelda["participant_id"]]
    assert len(theirs) == (4 if mode == "keep_anonymous" else 0)
    assert all(n["author_name"] == erasure.REMOVED_NAME for n in theirs)
    assert snapshot["fields"]["topics"]["by_name"] == erasure.REMOVED_NAME
    assert snapshot["fields"]["action.type"]["value"] == "Mentoring by peers"
    steps = sorted((n["lane"], n["step"], n["text"]) for n in snapshot["notes"]
                   if n["section"] == "procedure")
    if mode == "delete":
        assert steps == [("", 1, "Bob's group step"), (bob["participant_id"], 1, "Bob's own step")]

    # The stored event log holds neither her name nor (deleted) her notes' text.
    logged = await server.services.db.read(lambda conn: conn.execute(
        select(events.c.data).where(events.c.room.in_([room, f"workshop:{workshop.id}"])))
        .scalars().all())
    log_text = json.dumps(logged, ensure_ascii=False)
    assert NAME not in log_text
    for their in THEIR_TEXTS:
        assert (their in log_text) == (mode == "keep_anonymous")
    rooms = await room_names(server.services.db, workshop.id)
    counts = await server.services.db.read(lambda conn: rows_of(conn, workshop.id, rooms))
    assert counts["participant"] == 2

    # Every export format: no name; her notes anonymous, or gone.
    after = await _exports(http, workshop)
    for fmt, text in after.items():
        assert NAME not in text, fmt
        if fmt == "csv-timing":
            continue
        assert "Bob's group step" in text, fmt
        for their in THEIR_TEXTS:
            assert (their in text) == (mode == "keep_anonymous"), (fmt, their)
    if mode == "keep_anonymous":
        assert erasure.REMOVED_NAME in after["md"] and erasure.REMOVED_NAME in after["json"]
    for client in (bob_socket, cy_socket, facilitator, fresh, replay):
        await client.close()
