"""Moderation on a real server with real sockets: moving and removing participants, locking
joining, co-facilitators and their revocation, the phase's compare-and-set between two
facilitators, and the read-only view of one group."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from conftest import (
    Client,
    RunningServer,
    Workshop,
    create_workshop,
    join,
    one_op_of_each_kind,
    phase,
)
from lifecycle_helpers import closed_with, refused_code


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def connect(server: RunningServer, workshop: Workshop, token: str,
                  **hello: Any) -> Client:
    ws = await websockets.connect(server.ws_url(workshop.code), max_queue=None, close_timeout=2)
    await ws.send(json.dumps({"type": "hello", "token": token, **hello}))
    welcome = json.loads(await ws.recv())
    assert welcome["type"] == "welcome", welcome
    client = Client(ws, welcome)
    await client.synced()
    return client


async def co_facilitator(http: httpx.AsyncClient, workshop: Workshop,
                         label: str = "Maria") -> dict[str, Any]:
    response = await http.post(f"/api/workshops/{workshop.code}/facilitators",
                               json={"label": label}, headers=workshop.auth)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def two_groups(http: httpx.AsyncClient) -> tuple[Workshop, dict[str, Any], dict[str, Any]]:
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    cy = await join(http, workshop.code, "Cy")
    assert ann["group_id"] != cy["group_id"]
    return workshop, ann, cy


async def test_a_removed_participants_socket_gets_nothing_more_and_closes_with_4403(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, _cy = await two_groups(http)
    bob = await join(http, workshop.code, "Bob", group_id=ann["group_id"])
    await phase(http, workshop, "start")
    await phase(http, workshop, "next")
    room = f"group:{ann['group_id']}"
    ann_ws = await connect(server, workshop, ann["token"])
    bob_ws = await connect(server, workshop, bob["token"])
    op = await ann_ws.op(room, "note.create", {"section": "challenges", "text": "Ann's idea"})
    assert (await ann_ws.ack(op))["type"] == "ack"
    seen = len(ann_ws.frames)
    response = await http.delete(f"/api/workshops/{workshop.code}/participants/"
                                 f"{ann['participant_id']}", headers=workshop.auth)
    assert response.status_code == 204
    code, reason = await closed_with(ann_ws.ws)
    assert (code, reason) == (4403, "the facilitator removed you from this workshop")
    # Nothing after the removal reached the removed socket: not even the roster without them.
    assert ann_ws.frames[seen:] == []
    roster = await bob_ws.until(lambda f: f["type"] == "event" and f["kind"] == "roster")
    names = [m["name"] for g in roster["data"]["groups"] for m in g["members"]]
    assert "Ann" not in names and "Bob" in names
    # The token opens nothing any more; what Ann wrote stays, with her name.
    assert await refused_code(server, workshop.code, ann["token"]) == 4401
    assert (await http.delete(f"/api/workshops/{workshop.code}/participants/me",
                              headers=bearer(ann["token"]))).status_code == 401
    viewer = await connect(server, workshop, workshop.token)
    snapshot = next(f for f in viewer.frames if f["type"] == "snapshot" and f["room"] == room)
    assert [(n["text"], n["author_name"]) for n in snapshot["notes"]] == [("Ann's idea", "Ann")]
    # Removing again: there is no such participant.
    response = await http.delete(f"/api/workshops/{workshop.code}/participants/"
                                 f"{ann['participant_id']}", headers=workshop.auth)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    for client in (bob_ws, viewer):
        await client.close()


async def test_a_moved_participants_socket_switches_to_the_new_group_with_their_private_notes(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, cy = await two_groups(http)
    await phase(http, workshop, "start")  # individual work: notes are private
    old_room, new_room = f"group:{ann['group_id']}", f"group:{cy['group_id']}"
    ann_ws = await connect(server, workshop, ann["token"])
    cy_ws = await connect(server, workshop, cy["token"])
    op = await ann_ws.op(old_room, "note.create", {"section": "procedure",
                                                   "text": "my secret step"})
    assert (await ann_ws.ack(op))["type"] == "ack"
    response = await http.patch(f"/api/workshops/{workshop.code}/participants/"
                                f"{ann['participant_id']}",
                                json={"group_id": cy["group_id"]}, headers=workshop.auth)
    assert response.status_code == 200, response.text
    # The same socket switches rooms: who it is now and its rooms, then the new group's
    # state as a snapshot, as after a resync.
    moved = await ann_ws.until(lambda f: f["type"] == "rooms")
    assert moved["rooms"] == [f"workshop:{workshop.id}", new_room]
    assert moved["you"]["group_id"] == cy["group_id"]
    snapshot = await ann_ws.until(lambda f: f["type"] == "snapshot")
    assert snapshot["room"] == new_room
    assert [(n["text"], n["private"]) for n in snapshot["notes"]] == [("my secret step", True)]
    again = ann_ws
    # Cy, in the new group, learns that something happened, not what.
    hidden = await cy_ws.until(lambda f: f["type"] == "event" and f["room"] == new_room)
    assert hidden["kind"] == "hidden" and "my secret step" not in json.dumps(cy_ws.frames)
    # The old group's board no longer has it; her writes go to the new group only.
    op = await again.op(old_room, "note.create", {"section": "procedure", "text": "old"})
    assert (await again.ack(op))["code"] == "forbidden"
    op = await again.op(new_room, "note.create", {"section": "procedure", "text": "new"})
    assert (await again.ack(op))["type"] == "ack"
    viewer = await connect(server, workshop, workshop.token)
    old = next(f for f in viewer.frames if f["type"] == "snapshot" and f["room"] == old_room)
    assert old["notes"] == []
    # What happens in the old group no longer reaches her socket.
    switched = len(again.frames)
    op = await viewer.op(old_room, "note.create", {"section": "procedure", "text": "after"})
    assert (await viewer.ack(op))["type"] == "ack"
    await again.synced()
    assert [f for f in again.frames[switched:] if f.get("room") == old_room] == []
    for client in (again, cy_ws, viewer):
        await client.close()


async def test_joining_while_locked_is_423_and_people_already_in_still_reconnect(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, _ = await two_groups(http)
    response = await http.post(f"/api/workshops/{workshop.code}/lock", json={"locked": True},
                               headers=workshop.auth)
    assert response.status_code == 200 and response.json() == {"join_locked": True}
    response = await http.post(f"/api/workshops/{workshop.code}/participants",
                               json={"name": "Late"})
    assert response.status_code == 423
    body = response.json()
    assert body["code"] == "locked" and "locked joining" in body["message"]
    ann_ws = await connect(server, workshop, ann["token"])
    roster = next(f for f in ann_ws.frames if f["type"] == "snapshot"
                  and f["room"] == f"workshop:{workshop.id}")["roster"]
    assert roster["join_locked"] is True
    response = await http.post(f"/api/workshops/{workshop.code}/lock", json={"locked": False},
                               headers=workshop.auth)
    assert response.status_code == 200
    event = await ann_ws.until(lambda f: f["type"] == "event" and f["kind"] == "roster")
    assert event["data"]["join_locked"] is False
    await join(http, workshop.code, "Late")
    await ann_ws.close()


async def test_participants_and_screens_get_403_and_co_facilitators_cannot_manage_keys_or_delete(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, cy = await two_groups(http)
    screen = (await http.post("/api/screens")).json()
    assert (await http.post(f"/api/workshops/{workshop.code}/screens",
                            json={"pairing_code": screen["pairing_code"]},
                            headers=workshop.auth)).status_code == 204
    co = await co_facilitator(http, workshop)
    base = f"/api/workshops/{workshop.code}"
    everything = [("PATCH", f"{base}/participants/{cy['participant_id']}",
                   {"group_id": ann["group_id"]}),
                  ("DELETE", f"{base}/participants/{cy['participant_id']}", None),
                  ("POST", f"{base}/lock", {"locked": True}),
                  ("POST", f"{base}/facilitators", {}),
                  ("GET", f"{base}/facilitators", None),
                  ("DELETE", f"{base}/facilitators/{co['id']}", None)]
    for token in (ann["token"], screen["token"]):
        for method, url, body in everything:
            response = await http.request(method, url, json=body, headers=bearer(token))
            assert response.status_code == 403, (method, url, response.text)
            assert response.json()["code"] == "forbidden"
    # A co-facilitator does what the facilitator does, except keys and deleting the workshop.
    for method, url, body in [*everything[3:], ("DELETE", base, None)]:
        response = await http.request(method, url, json=body, headers=bearer(co["token"]))
        assert response.status_code == 403, (method, url, response.text)
    for method, url, body in everything[:3]:
        response = await http.request(method, url, json=body, headers=bearer(co["token"]))
        assert response.status_code in (200, 204), (method, url, response.text)
    assert (await http.post(f"{base}/phase", json={"action": "start"},
                            headers=bearer(co["token"]))).status_code == 200


async def test_a_revoked_co_facilitators_socket_closes_at_once_and_its_key_opens_nothing(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, _ = await two_groups(http)
    co = await co_facilitator(http, workshop, "Maria")
    assert set(co) == {"id", "label", "created_at", "token"}
    listed = (await http.get(f"/api/workshops/{workshop.code}/facilitators",
                             headers=workshop.auth)).json()
    assert listed == [{"id": co["id"], "label": "Maria", "created_at": co["created_at"]}]
    co_ws = await connect(server, workshop, co["token"])
    you = co_ws.welcome["you"]
    assert (you["id"], you["role"]) == (f"f{co['id']}", "facilitator")
    assert len(co_ws.welcome["rooms"]) == 3  # the workshop and both groups, as the lead's
    co_view = await connect(server, workshop, co["token"], view=ann["group_id"])
    response = await http.delete(f"/api/workshops/{workshop.code}/facilitators/{co['id']}",
                                 headers=workshop.auth)
    assert response.status_code == 204
    assert await closed_with(co_ws.ws) == (4401, "this co-facilitator key was revoked")
    assert await closed_with(co_view.ws) == (4401, "this co-facilitator key was revoked")
    assert await refused_code(server, workshop.code, co["token"]) == 4401
    response = await http.get(f"/api/workshops/{workshop.code}/roster",
                              headers=bearer(co["token"]))
    assert response.status_code == 401
    assert (await http.get(f"/api/workshops/{workshop.code}/facilitators",
                           headers=workshop.auth)).json() == []


async def test_two_facilitators_acting_on_the_same_phase_version_one_wins_one_gets_conflict(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, _, _ = await two_groups(http)
    view = await phase(http, workshop, "start")
    co = await co_facilitator(http, workshop)
    lead_ws = await connect(server, workshop, workshop.token)
    co_ws = await connect(server, workshop, co["token"])
    room = f"workshop:{workshop.id}"
    seen = {"base": view["version"]}
    ops = [await lead_ws.op(room, "phase.next", seen),
           await co_ws.op(room, "phase.next", seen)]
    answers = await asyncio.gather(lead_ws.ack(ops[0]), co_ws.ack(ops[1]))
    assert sorted(a["type"] for a in answers) == ["ack", "error"]
    error = next(a for a in answers if a["type"] == "error")
    assert error["code"] == "conflict" and "changed the phase" in error["message"]
    assert error["current"]["index"] == 1  # one "next", not two
    # Over REST the same: the action chosen on an old version is 409, the phase unchanged.
    response = await http.post(f"/api/workshops/{workshop.code}/phase",
                               json={"action": "next", "base": view["version"]},
                               headers=bearer(co["token"]))
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    assert info["phase"]["index"] == 1
    # On the current version it applies.
    response = await http.post(f"/api/workshops/{workshop.code}/phase",
                               json={"action": "pause", "base": info["phase"]["version"]},
                               headers=workshop.auth)
    assert response.status_code == 200 and response.json()["status"] == "paused"
    for client in (lead_ws, co_ws):
        await client.close()


async def test_viewing_as_a_participant_of_a_group_is_read_only_and_shows_what_they_see(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop, ann, cy = await two_groups(http)
    await phase(http, workshop, "start")
    room = f"group:{ann['group_id']}"
    ann_ws = await connect(server, workshop, ann["token"])
    op = await ann_ws.op(room, "note.create", {"section": "procedure", "text": "private"})
    assert (await ann_ws.ack(op))["type"] == "ack"
    for token in (workshop.token, (await co_facilitator(http, workshop))["token"]):
        view = await connect(server, workshop, token, view=ann["group_id"])
        assert view.welcome["rooms"] == [f"workshop:{workshop.id}", room]
        you = view.welcome["you"]
        assert you["role"] == "screen" and you["id"].endswith(f"/view:{ann['group_id']}")
        snapshot = next(f for f in view.frames if f["type"] == "snapshot" and f["room"] == room)
        assert snapshot["notes"] == []  # Ann's individual work is hers until the reveal
        op = await view.op(room, "note.create", {"section": "procedure", "text": "sneaky"})
        reply = await view.ack(op)
        assert reply["type"] == "error" and reply["code"] == "forbidden"
        # Nor any other op: a view is refused whatever it sends, to either of its rooms.
        for kind, (to, data) in one_op_of_each_kind(room, f"workshop:{workshop.id}").items():
            reply = await view.ack(await view.op(to, kind, data))
            assert (reply["type"], reply["code"]) == ("error", "forbidden"), (kind, reply)
        await view.close()
    # A group of another workshop, or a participant's token asking for a view, opens nothing.
    other = await create_workshop(http, groups=1)
    other_group = (await http.get(f"/api/workshops/{other.code}")).json()["groups"][0]["id"]
    async with websockets.connect(server.ws_url(workshop.code)) as ws:
        await ws.send(json.dumps({"type": "hello", "token": workshop.token,
                                  "view": other_group}))
        assert (await closed_with(ws))[0] == 4401
    cy_view = await connect(server, workshop, cy["token"], view=ann["group_id"])
    assert cy_view.welcome["rooms"] == [f"workshop:{workshop.id}", f"group:{cy['group_id']}"]
    await cy_view.close()
    await ann_ws.close()


@pytest.mark.parametrize("pid", ["p0", "p99999999999", "p2147483648"])
async def test_a_participant_id_that_cannot_exist_is_404_or_422_never_a_server_error(
    server: RunningServer, http: httpx.AsyncClient, pid: str,
) -> None:
    workshop = await create_workshop(http)
    response = await http.delete(f"/api/workshops/{workshop.code}/participants/{pid}",
                                 headers=workshop.auth)
    assert response.status_code in (404, 422) and response.json()["code"] in (
        "not_found", "invalid")
