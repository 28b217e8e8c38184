"""Bad frames get an error with a fitting code and leave the socket and the board intact."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from board_helpers import Cast, board, cast, cast_on, connect, create, new_id, seat, shut
from conftest import FakeClock, RunningServer, running_server


def bad_frames(people: Cast, known_note: str) -> list[tuple[Any, str]]:
    """(frame, expected error code) pairs; a str frame is sent as is, bytes as binary."""
    room, other = people.room, people.other_room
    missing = new_id()

    def op(kind: Any, data: Any, to: Any = room) -> dict[str, Any]:
        return {"type": "op", "op_id": new_id(), "room": to, "kind": kind, "data": data}

    def create(**data: Any) -> dict[str, Any]:
        return op("note.create", {"section": "commonalities", "text": "ok", **data})

    return [
        ("{not json", "invalid"),
        ('{"type": "op", ', "invalid"),
        ("", "invalid"),
        (b'{"type": "ping"}', "invalid"),
        ("[1, 2, 3]", "invalid"),
        ("42", "invalid"),
        ("null", "invalid"),
        ('"op"', "invalid"),
        ({}, "invalid"),
        ({"type": "explode"}, "invalid"),
        ({"type": 7}, "invalid"),
        ({"type": None}, "invalid"),
        ({"type": "op"}, "invalid"),
        ({"type": "op", "op_id": new_id(), "room": room}, "invalid"),
        ({"type": "op", "op_id": new_id(), "kind": "note.create", "data": {}}, "invalid"),
        ({"type": "op", "room": room, "kind": "note.create", "data": {}}, "invalid"),
        (op("note.create", {"section": "commonalities"}, to="lobby"), "invalid"),
        (op("note.create", {"section": "commonalities"}, to=["group:1"]), "invalid"),
        ({**op("note.create", {}), "op_id": ""}, "invalid"),
        ({**op("note.create", {}), "op_id": "x" * 65}, "invalid"),
        ({**op("note.create", {}), "op_id": 12}, "invalid"),
        ({**op("note.create", {}), "extra": True}, "invalid"),
        (op("note.create", ["section", "commonalities"]), "invalid"),
        (op("note.create", "text"), "invalid"),
        (op("note.explode", {"id": known_note}), "invalid"),
        (op("", {}), "invalid"),
        (op(5, {}), "invalid"),
        (op(None, {}), "invalid"),
        (op("note.create", {"text": "no section"}), "invalid"),
        (create(section="nosuch"), "invalid"),
        (create(section="Not A Key"), "invalid"),
        (create(section=3), "invalid"),
        (create(section="topics"), "invalid"),
        (create(section="action"), "invalid"),
        (create(text="x" * 501), "too_large"),
        (create(answer="y" * 501), "too_large"),
        (create(text=["a list"]), "invalid"),
        (create(text="nul \x00 inside"), "invalid"),
        (create(actors=["nul \x00"]), "invalid"),
        (op("field.set", {"key": "action.type", "value": "\x00"}), "invalid"),
        (create(text=None), "invalid"),
        (create(x=-1), "invalid"),
        (create(y=100000), "invalid"),
        (create(x="left"), "invalid"),
        (create(x=float("nan")), "invalid"),
        (create(colour="black"), "invalid"),
        (create(actors=["a"] * 11), "too_large"),
        (create(actors=["z" * 41]), "too_large"),
        (create(actors="teacher"), "invalid"),
        (create(id="bad id!"), "invalid"),
        (create(id="short"), "invalid"),
        (create(id=known_note), "invalid"),
        (create(owner="me"), "invalid"),
        (op("note.update", {"id": missing, "text": "x"}), "not_found"),
        (op("note.move", {"id": missing, "x": 1, "y": 1}), "not_found"),
        (op("note.delete", {"id": missing}), "not_found"),
        (op("note.reorder", {"id": missing, "step": 1}), "not_found"),
        (op("note.update", {"text": "no id"}), "invalid"),
        (op("note.update", {"id": known_note, "text": "z" * 501}), "too_large"),
        (op("note.update", {"id": known_note, "colour": "rainbow"}), "invalid"),
        (op("note.move", {"id": known_note, "x": 1}), "invalid"),
        (op("note.move", {"id": known_note, "x": "1", "y": []}), "invalid"),
        (op("note.reorder", {"id": known_note, "step": 0}), "invalid"),
        (op("note.reorder", {"id": known_note, "step": 2}), "invalid"),
        (op("note.delete", {}), "invalid"),
        (op("field.set", {"key": "nodot", "value": "v"}), "invalid"),
        (op("field.set", {"key": "action.type", "value": "v" * 2001}), "too_large"),
        (op("pick.set", {"key": "topics", "value": "not a list"}), "invalid"),
        (op("note.create", {"section": "commonalities", "text": "x"}, to=other), "forbidden"),
        (op("note.delete", {"id": known_note}, to=other), "forbidden"),
        (op("note.create", {"section": "commonalities"}, to=people.workshop_room),
         "forbidden"),
        (op("note.create", {"section": "commonalities"}, to="group:999999"), "forbidden"),
        (op("phase.next", {}, to=people.workshop_room), "forbidden"),
        (op("plenary.spotlight", {"group_id": None}, to=people.workshop_room), "forbidden"),
        (op("note.create", {"section": "next_steps", "text": "later"}), "locked"),
        (op("field.set", {"key": "action.type", "value": "v"}), "locked"),
        (op("pick.set", {"key": "topics", "value": []}), "locked"),
        ({"type": "resync", "room": other, "since": 0}, "forbidden"),
        ({"type": "resync", "room": room, "since": -1}, "invalid"),
        ({"type": "resync", "room": room}, "invalid"),
        # Numbers beyond what a browser holds exactly (2^53) are no seq, id or group.
        ({"type": "resync", "room": room, "since": 2**53 + 1}, "invalid"),
        ({"type": "resync", "room": "group:" + "9" * 19, "since": 0}, "invalid"),
        ({"type": "ping", "id": 2**64}, "invalid"),
        (op("plenary.spotlight", {"group_id": 2**63}, to=people.workshop_room), "invalid"),
        (create(step=10**30), "invalid"),
        ({"type": "drag", "room": other, "id": known_note, "x": 1, "y": 1}, "forbidden"),
        ({"type": "drag", "room": room, "id": known_note, "x": -5, "y": 1}, "invalid"),
        ({"type": "drag", "room": room, "id": "bad id!", "x": 1, "y": 1}, "invalid"),
        ({"type": "presence", "room": other, "editing": None}, "forbidden"),
        ({"type": "presence", "room": room, "editing": 12}, "invalid"),
        ({"type": "ping", "id": "abc"}, "invalid"),
        ({"type": "hello", "token": people.ann["token"]}, "invalid"),
    ]


async def test_two_hundred_bad_frames_each_get_a_fitting_error_and_the_socket_keeps_working(
    database_url: str, clock: FakeClock
) -> None:
    # The per-socket op rate limit is raised so every bad op reaches validation; the
    # error bucket (300 in a burst) is the server's own.
    async with running_server(database_url, clock, ops_burst=1000) as server:
        people = await cast_on(server, "start", "next")
        room = people.room
        ann, bob = await seat(server, people, "ann", "bob")
        known, _ = await create(ann, room, "commonalities", "keep me", x=10, y=20)
        await bob.synced()
        before = await board(server, people.workshop, room)
        other_before = await board(server, people.workshop, people.other_room)

        catalogue = bad_frames(people, known)
        frames = [catalogue[i % len(catalogue)] for i in range(200)]
        ann.frames.clear()
        bob.frames.clear()
        for frame, _ in frames:
            if isinstance(frame, bytes | str):
                await ann.ws.send(frame)
            else:
                await ann.send(frame)
        errors = []
        while len(errors) < len(frames):
            errors.append(await ann.until(lambda f: f["type"] in ("error", "ack")))
        got = [e["code"] if e["type"] == "error" else "ack" for e in errors]
        mismatches = [(json.dumps(frame)[:120] if not isinstance(frame, bytes | str)
                       else repr(frame)[:120], want, have)
                      for (frame, want), have in zip(frames, got, strict=True) if want != have]
        assert mismatches == []
        for error, (frame, _) in zip(errors, frames, strict=True):
            assert isinstance(error["message"], str) and error["message"]
            if isinstance(frame, dict) and frame.get("type") == "op" \
                    and isinstance(frame.get("op_id"), str) and 0 < len(frame["op_id"]) <= 64:
                assert error["op_id"] == frame["op_id"]

        # Still open and working.
        note_id, ack = await create(ann, room, "challenges", "after the storm")
        assert ack["seq"] == before["seq"] + 1
        await bob.synced()
        assert [(f["kind"], f["seq"]) for f in bob.frames if f["type"] == "event"] \
            == [("note.create", ack["seq"])]
        after = await board(server, people.workshop, room)
        assert [n for n in after["notes"] if n["id"] != note_id] == before["notes"]
        assert after["fields"] == before["fields"]
        assert await board(server, people.workshop, people.other_room) == other_before
        await shut(ann, bob)


async def test_a_frame_over_64_kb_closes_the_socket_with_1009(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http, "start", "next")
    ann = await connect(server, people.workshop, people.ann["token"])
    huge = {"type": "op", "op_id": new_id(), "room": people.room, "kind": "note.create",
            "data": {"section": "commonalities", "text": "x" * (65 * 1024)}}
    await ann.send(huge)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await ann.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
    assert (await board(server, people.workshop, people.room))["notes"] == []


async def test_a_hello_with_a_bad_token_gets_forbidden_and_closes_with_4401(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http)
    for hello in ({"type": "hello", "token": "not-a-token"},
                  {"type": "hello", "token": people.ann["token"] + "x"},
                  {"type": "hello"},
                  {"type": "ping"}):
        async with websockets.connect(server.ws_url(people.workshop.code)) as ws:
            await ws.send(json.dumps(hello))
            first = json.loads(await ws.recv())
            assert first["type"] == "error"
            assert first["code"] in ("forbidden", "invalid")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401
    # Another workshop's participant token does not open this one.
    elsewhere = await cast_on(server)
    async with websockets.connect(server.ws_url(people.workshop.code)) as ws:
        await ws.send(json.dumps({"type": "hello", "token": elsewhere.ann["token"]}))
        assert json.loads(await ws.recv())["code"] == "forbidden"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


@pytest.mark.parametrize("path", ["/ws/workshops/", "/ws/workshops/ABC234/extra",
                                  "/ws/elsewhere"])
async def test_a_socket_to_any_other_path_is_refused_at_the_handshake(
    server: RunningServer, path: str,
) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"ws://127.0.0.1:{server.port}{path}", open_timeout=5)
    assert refused.value.response.status_code == 403


async def test_a_server_fault_while_opening_a_socket_closes_it_with_1011(
    server: RunningServer, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture,
) -> None:
    people = await cast(http)

    async def fails(*_: Any) -> list[str]:
        raise RuntimeError("the database went away")

    server.services.auth.rooms_for = fails  # type: ignore[method-assign]
    async with websockets.connect(server.ws_url(people.workshop.code)) as ws:
        await ws.send(json.dumps({"type": "hello", "token": people.ann["token"]}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
    assert "board socket failed" in caplog.text


async def test_a_stream_of_garbage_closes_the_socket_with_1008_on_every_server(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people = await cast(http)
    async with websockets.connect(server.ws_url(people.workshop.code), max_queue=None) as ws:
        await ws.send(json.dumps({"type": "hello", "token": people.ann["token"]}))
        for _ in range(340):
            await ws.send("{not json")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
