"""Projector screens with their own read-only token: pairing, /api/screens/me, unpairing,
and that a screen's token never does what the facilitator's does. On a real server."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from typing import Any

import httpx
import pytest
import websockets
from conftest import (
    Client,
    FakeClock,
    RunningServer,
    Workshop,
    create_workshop,
    join,
    one_op_of_each_kind,
    phase,
)
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from sqlalchemy import select
from sqlmodel import SQLModel
from starlette.routing import Mount

from app.api.deps import require_facilitator
from app.api.ops import OPS
from app.principal import Principal
from app.schema import screens
from app.workshops import screens as screen_store
from app.workshops.codes import ALPHABET

SECRET = "Ann-only: the screen must never show this qv8"


async def new_screen(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.post("/api/screens")
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def me(http: httpx.AsyncClient, screen: dict[str, Any]) -> dict[str, Any]:
    response = await http.get("/api/screens/me", headers=bearer(screen["token"]))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def pair(http: httpx.AsyncClient, workshop: Workshop, code: str) -> httpx.Response:
    return await http.post(f"/api/workshops/{workshop.code}/screens",
                           json={"pairing_code": code}, headers=workshop.auth)


async def paired_screen(http: httpx.AsyncClient, workshop: Workshop) -> dict[str, Any]:
    screen = await new_screen(http)
    assert (await pair(http, workshop, screen["pairing_code"])).status_code == 204
    return screen


async def refused(server: RunningServer, code: str, token: str) -> tuple[int, str]:
    """Open a socket with this token: the error frame's code and the close code."""
    async with websockets.connect(server.ws_url(code), close_timeout=2) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token}))
        error = json.loads(await asyncio.wait_for(ws.recv(), 5))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return error["code"], str(closed.value.rcvd.code)


async def test_a_screen_pairs_with_a_workshop_and_opens_it_read_only(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    workshop = await create_workshop(http, groups=3)
    screen = await new_screen(http)
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", screen["pairing_code"])
    assert screen["expires_at"] == clock.now + screen_store.PAIRING_SECONDS
    assert screen["token"] != workshop.token and len(screen["token"]) >= 40
    before = await me(http, screen)
    assert before == {"id": screen["id"], "workshop_code": None, "paired_at": None,
                      "pairing_code": screen["pairing_code"],
                      "expires_at": screen["expires_at"], "server_now": clock.now}
    # Not yet paired: the token opens nothing.
    assert await refused(server, workshop.code, screen["token"]) == ("forbidden", "4401")

    # Typed as people type it: lower case, with a dash.
    typed = screen["pairing_code"].lower()[:3] + "-" + screen["pairing_code"].lower()[3:]
    clock.advance(5)
    response = await pair(http, workshop, typed)
    assert response.status_code == 204 and response.content == b""
    after = await me(http, screen)
    assert after["workshop_code"] == workshop.code
    assert after["paired_at"] == clock.now and after["pairing_code"] is None
    listed = (await http.get(f"/api/workshops/{workshop.code}/screens",
                             headers=workshop.auth)).json()
    assert listed == [{"id": screen["id"], "paired_at": clock.now, "last_seen": None,
                       "online": False}]

    # The screen opens the board socket with its own token, with or without role "screen".
    clock.advance(5)
    for role in (None, "screen"):
        client = await Client.connect(server, workshop.code, screen["token"], role=role)
        you = client.welcome["you"]
        assert you == {"id": f"s{screen['id']}", "role": "screen", "name": "Screen",
                       "workshop_id": workshop.id, "group_id": None}
        groups = (await http.get(f"/api/workshops/{workshop.code}")).json()["groups"]
        assert client.welcome["rooms"] == [f"workshop:{workshop.id}"] + \
            [f"group:{g['id']}" for g in groups]
        await client.synced()
        listed = (await http.get(f"/api/workshops/{workshop.code}/screens",
                                 headers=workshop.auth)).json()
        assert listed[0]["last_seen"] == clock.now and listed[0]["online"] is True
        await client.close()

    # Its token opens no other workshop; the facilitator's own screen view still works.
    other = await create_workshop(http)
    assert await refused(server, other.code, screen["token"]) == ("forbidden", "4401")
    old_style = await Client.connect(server, workshop.code, workshop.token, role="screen")
    assert old_style.welcome["you"]["role"] == "screen"
    await old_style.close()


async def test_wrong_expired_and_used_pairing_codes_are_not_found(
    http: httpx.AsyncClient, clock: FakeClock
) -> None:
    workshop = await create_workshop(http)
    other = await create_workshop(http)
    screen = await new_screen(http)
    unused = next(c * 6 for c in ALPHABET if c * 6 != screen["pairing_code"])
    for wrong in (unused, "?!", "ABCDEFGHJK"):
        response = await pair(http, workshop, wrong)
        assert response.status_code == 404, response.text
        body = response.json()
        assert body["code"] == "not_found"
        assert "No screen is waiting with the pairing code" in body["message"]
        assert "15 minutes" in body["message"]
    assert (await pair(http, workshop, "")).status_code == 422
    # Only the facilitator pairs.
    person = await join(http, workshop.code, "Ann")
    url = f"/api/workshops/{workshop.code}/screens"
    body = {"pairing_code": screen["pairing_code"]}
    assert (await http.post(url, json=body)).status_code == 401
    assert (await http.post(url, json=body, headers=bearer(person["token"]))).status_code == 403

    # A code is spent once used: it pairs no second workshop, and the first keeps the screen.
    assert (await pair(http, workshop, screen["pairing_code"])).status_code == 204
    used = await pair(http, other, screen["pairing_code"])
    assert used.status_code == 404 and used.json()["code"] == "not_found"
    assert (await pair(http, workshop, screen["pairing_code"])).status_code == 404
    assert (await me(http, screen))["workshop_code"] == workshop.code

    # A code works until its time is up, and not after.
    late = await new_screen(http)
    last_chance = await new_screen(http)
    clock.advance(screen_store.PAIRING_SECONDS)
    assert (await pair(http, workshop, last_chance["pairing_code"])).status_code == 204
    clock.advance(1)
    expired = await pair(http, workshop, late["pairing_code"])
    assert expired.status_code == 404 and expired.json()["code"] == "not_found"
    status = await me(http, late)
    assert status["workshop_code"] is None and status["pairing_code"] is None
    # The next screen made drops the expired one: its token is then unknown.
    await new_screen(http)
    response = await http.get("/api/screens/me", headers=bearer(late["token"]))
    assert response.status_code == 401
    assert (await http.get("/api/screens/me")).status_code == 401
    assert (await http.get("/api/screens/me", headers=bearer("nope"))).status_code == 401
    assert (await me(http, last_chance))["workshop_code"] == workshop.code


def _needs_facilitator(dependant: Dependant) -> bool:
    return any(dep.call is require_facilitator or _needs_facilitator(dep)
               for dep in dependant.dependencies)


def facilitator_routes(server: RunningServer) -> list[tuple[str, str]]:
    """(method, path) for every REST route that asks for the facilitator, from app.routes."""
    found = []
    apps = [server.app] + [r.app for r in server.app.routes if isinstance(r, Mount)]
    for app in apps:
        for route in iter_route_contexts(getattr(app, "routes", [])):
            dependant = getattr(route, "dependant", None)
            if isinstance(dependant, Dependant) and _needs_facilitator(dependant):
                found += [(method, str(route.path)) for method in sorted(route.methods or ())]
    return found


async def test_a_screen_token_is_forbidden_on_every_facilitator_route(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    person = await join(http, workshop.code, "Ann")
    mine = await paired_screen(http, workshop)
    elsewhere = await paired_screen(http, await create_workshop(http))
    waiting = await new_screen(http)
    routes = facilitator_routes(server)
    paths = {path for _, path in routes}
    assert {"/api/workshops/{code}/phase", "/api/workshops/{code}/export",
            "/api/workshops/{code}/roster", "/api/workshops/{code}/spotlight",
            "/api/workshops/{code}/groups", "/api/workshops/{code}",
            "/api/workshops/{code}/screens",
            "/api/workshops/{code}/screens/{screen_id}"} <= paths, paths
    for method, path in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: workshop.code if m[1] == "code" else "1", path)
        for screen in (mine, elsewhere, waiting):
            response = await http.request(method, url, headers=bearer(screen["token"]),
                                          json={} if method in ("POST", "PUT", "PATCH")
                                          else None)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["code"] == "forbidden", (method, path)
            assert "read-only" in response.json()["message"]
    # Nothing changed; and the same routes still answer the facilitator.
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    assert info["state"] == "lobby"
    roster = (await http.get(f"/api/workshops/{workshop.code}/roster",
                             headers=workshop.auth)).json()
    assert [m["name"] for g in roster["groups"] for m in g["members"]] == ["Ann"]
    assert person["token"] not in json.dumps(roster)
    listed = (await http.get(f"/api/workshops/{workshop.code}/screens",
                             headers=workshop.auth)).json()
    assert [s["id"] for s in listed] == [mine["id"]]


async def test_every_op_and_drag_from_a_screen_socket_is_forbidden(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    ann = await join(http, workshop.code, "Ann")
    screen = await paired_screen(http, workshop)
    group_room, workshop_room = f"group:{ann['group_id']}", f"workshop:{workshop.id}"
    samples = one_op_of_each_kind(group_room, workshop_room)
    assert set(samples) == set(OPS), "every op kind needs a sample here"
    client = await Client.connect(server, workshop.code, screen["token"])
    await client.synced()
    for kind, (room, data) in samples.items():
        reply = await client.ack(await client.op(room, kind, data))
        assert reply["type"] == "error", (kind, reply)
        assert (reply["code"], reply["message"]) == ("forbidden", "The screen is read-only."), \
            kind
    await client.send({"type": "drag", "room": group_room, "id": str(uuid.uuid4()),
                       "x": 1, "y": 1})
    drag = await client.until(lambda f: f["type"] == "error")
    assert drag["code"] == "forbidden"
    await client.synced()
    assert [f for f in client.frames if f["type"] in ("event", "ack")] == []
    assert (await http.get(f"/api/workshops/{workshop.code}")).json()["state"] == "lobby"
    await client.close()


async def test_unpairing_closes_the_screen_socket_at_once(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    screen = await paired_screen(http, workshop)
    other = await paired_screen(http, workshop)
    client = await Client.connect(server, workshop.code, screen["token"])
    other_client = await Client.connect(server, workshop.code, other["token"])
    facilitator = await Client.connect(server, workshop.code, workshop.token)
    old_style = await Client.connect(server, workshop.code, workshop.token, role="screen")
    for c in (client, other_client, facilitator, old_style):
        await c.synced()

    url = f"/api/workshops/{workshop.code}/screens/{screen['id']}"
    response = await http.delete(url, headers=workshop.auth)
    assert response.status_code == 204
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await client.recv(timeout=3)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == \
        (4401, "this screen was unpaired")
    # Everyone else stays.
    for c in (other_client, facilitator, old_style):
        await c.synced()

    assert (await me(http, screen))["workshop_code"] is None
    assert await refused(server, workshop.code, screen["token"]) == ("forbidden", "4401")
    who = Principal(f"s{screen['id']}", "screen", "Screen", workshop.id)
    assert await server.services.auth.moved(who) is True
    assert await server.services.auth.moved(
        Principal(f"s{other['id']}", "screen", "Screen", workshop.id)) is False
    listed = (await http.get(f"/api/workshops/{workshop.code}/screens",
                             headers=workshop.auth)).json()
    assert [s["id"] for s in listed] == [other["id"]]
    again = await http.delete(url, headers=workshop.auth)
    assert again.status_code == 404 and again.json()["code"] == "not_found"
    # Another workshop's facilitator cannot unpair this workshop's screen.
    stranger = await create_workshop(http)
    response = await http.delete(f"/api/workshops/{stranger.code}/screens/{other['id']}",
                                 headers=stranger.auth)
    assert response.status_code == 404
    await other_client.synced()
    for c in (other_client, facilitator, old_style):
        await c.close()


async def test_the_screen_token_is_stored_hashed(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    screen = await paired_screen(http, workshop)
    waiting = await new_screen(http)
    rows = await server.services.db.read(
        lambda conn: [dict(r) for r in conn.execute(select(screens)).mappings().all()])
    by_id = {r["id"]: r for r in rows}
    for made in (screen, waiting):
        assert by_id[made["id"]]["token_hash"] == \
            hashlib.sha256(made["token"].encode()).hexdigest()

    def everything(conn: Any) -> str:
        return json.dumps([[list(row) for row in conn.execute(select(table)).all()]
                           for table in SQLModel.metadata.sorted_tables], default=str)

    stored = await server.services.db.read(everything)
    assert screen["token"] not in stored and waiting["token"] not in stored


async def test_waiting_screens_are_bounded_and_expired_ones_dropped(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    workshop = await create_workshop(http)
    kept = await paired_screen(http, workshop)
    db = server.services.db

    async def make(max_waiting: int) -> int:
        row, _ = await db.write(
            lambda conn: screen_store.create_screen(conn, clock.now, max_waiting))
        return int(row["id"])

    made = [await make(3) for _ in range(5)]

    def waiting_ids(conn: Any) -> list[int]:
        query = select(screens.c.id).where(screens.c.workshop_id.is_(None))
        return sorted(conn.execute(query).scalars().all())

    assert await db.read(waiting_ids) == made[-3:]
    clock.advance(screen_store.PAIRING_SECONDS + 1)
    newest = await make(3)
    assert await db.read(waiting_ids) == [newest]
    # A paired screen is neither waiting nor dropped.
    assert (await me(http, kept))["workshop_code"] == workshop.code


async def test_a_screen_socket_gets_shared_notes_but_never_a_private_one(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    room = f"group:{ann['group_id']}"
    screen = await paired_screen(http, workshop)

    await phase(http, workshop, "start")  # individual work: Ann's notes are hers alone
    viewer = await Client.connect(server, workshop.code, screen["token"])
    await viewer.synced()
    author = await Client.connect(server, workshop.code, ann["token"])
    await author.synced()
    note_id = str(uuid.uuid4())
    ack = await author.ack(await author.op(room, "note.create", {
        "id": note_id, "section": "procedure", "text": SECRET}))
    assert ack["type"] == "ack"
    hidden = await viewer.until(lambda f: f["type"] == "event" and f["room"] == room)
    assert hidden["kind"] == "hidden" and hidden["data"] == {}
    fresh = await Client.connect(server, workshop.code, screen["token"])
    await fresh.synced()
    for client in (viewer, fresh):
        await client.synced()
        text = json.dumps([client.welcome, *client.frames])
        assert SECRET not in text and note_id not in text

    # The group phase reveals it to the group, and so to the screen; shared notes arrive.
    await phase(http, workshop, "next")
    reveal = await viewer.until(lambda f: f["type"] == "event" and f["kind"] == "notes.reveal")
    assert [n["text"] for n in reveal["data"]["notes"]] == [SECRET]
    shared = await author.ack(await author.op(room, "note.create", {
        "section": "commonalities", "text": "We all call home"}))
    assert shared["type"] == "ack"
    seen = await viewer.until(lambda f: f["type"] == "event" and f["kind"] == "note.create")
    assert seen["data"]["text"] == "We all call home"
    for client in (viewer, fresh, author):
        await client.close()


async def test_openapi_declares_the_screen_endpoints_and_their_errors(
    http: httpx.AsyncClient,
) -> None:
    spec = (await http.get("/openapi.json")).json()
    paths = spec["paths"]
    created = paths["/api/screens"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/CreatedScreen")
    assert set(paths["/api/screens/me"]["get"]["responses"]) >= {"200", "401"}
    pair_op = paths["/api/workshops/{code}/screens"]["post"]
    assert set(pair_op["responses"]) >= {"204", "401", "403", "404", "422"}
    assert pair_op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"] \
        .endswith("/ErrorBody")
    assert pair_op["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        .endswith("/PairScreen")
    listed = paths["/api/workshops/{code}/screens"]["get"]["responses"]["200"]
    assert listed["content"]["application/json"]["schema"]["items"]["$ref"] \
        .endswith("/PairedScreen")
    assert "204" in paths["/api/workshops/{code}/screens/{screen_id}"]["delete"]["responses"]
