"""Whole workshops run on a real server with an injected clock: deadlines, REST and sockets.

The scheduler is not running here; each test moves the fake clock and calls
``server.services.phases.fire_due()`` itself, so nothing sleeps and every instant is exact.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import Client, FakeClock, RunningServer, Workshop, create_workshop, join
from phase_helpers import current, phase, settings


def workshop_events(client: Client, workshop: Workshop) -> list[dict[str, Any]]:
    room = f"workshop:{workshop.id}"
    return [f for f in client.frames if f["type"] == "event" and f["room"] == room]


def is_phase_event(status: str) -> Any:
    return lambda f: (f["type"] == "event" and f["kind"] == "phase"
                      and f["data"]["status"] == status)


@pytest.mark.parametrize(("template", "keys", "minutes"), [
    ("activity-2", ["individual", "groups-procedures", "toolkit", "groups-action"],
     [10, 15, 15, 20]),
    ("activity-3", ["toolkit", "groups-monitoring", "groups-challenges"], [10, 15, 15]),
])
async def test_a_whole_activity_runs_on_the_clock_to_plenary_with_one_minute_warnings(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
    template: str, keys: list[str], minutes: list[int],
) -> None:
    workshop = await create_workshop(http, template, groups=2)
    ann = await join(http, workshop.code, "Ann")
    sock = await Client.connect(server, workshop.code, ann["token"])
    await sock.synced()

    view = await phase(http, workshop, "start")
    assert (view["status"], view["index"], view["key"]) == ("running", 0, keys[0])
    assert view["server_now"] == clock.now
    ends_at = clock.now + minutes[0] * 60
    assert view["ends_at"] == ends_at

    for index, key in enumerate(keys):
        clock.now = ends_at - 61
        assert await server.services.phases.fire_due() == 0
        clock.now = ends_at - 60
        assert await server.services.phases.fire_due() == 1          # the one-minute warning
        assert (await current(http, workshop))["warned"] is True
        clock.now = ends_at - 1
        assert await server.services.phases.fire_due() == 0
        clock.now = ends_at
        assert await server.services.phases.fire_due() == 1          # the deadline
        state = await current(http, workshop)
        if index + 1 < len(keys):
            # The next phase starts exactly at the old deadline.
            ends_at += minutes[index + 1] * 60
            assert (state["status"], state["index"], state["key"]) == (
                "running", index + 1, keys[index + 1])
            assert state["ends_at"] == ends_at
            assert state["warned"] is False
        else:
            assert (state["status"], state["key"], state["ends_at"]) == ("plenary", "plenary",
                                                                         None)
        assert key == keys[index]

    clock.advance(3600)
    assert await server.services.phases.fire_due() == 0  # nothing runs in plenary

    await sock.until(is_phase_event("plenary"))
    events = workshop_events(sock, workshop)
    kinds = [e["kind"] for e in events]
    assert kinds == ["phase"] + ["phase.warning", "phase"] * len(keys)
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert [e["data"]["key"] for e in events if e["kind"] == "phase"] == [*keys, "plenary"]
    starts = [e for e in events if e["kind"] == "phase"]
    assert starts[0]["by"] == "facilitator"
    assert {e["by"] for e in events[1:]} == {"scheduler"}
    warnings = [e for e in events if e["kind"] == "phase.warning"]
    for warning, started in zip(warnings, starts, strict=False):
        assert warning["data"]["warned"] is True
        assert warning["data"]["key"] == started["data"]["key"]
        # Sent exactly one minute before the phase ends, with the server's clock.
        assert warning["server_now"] == started["data"]["ends_at"] - 60
    await sock.close()


async def test_pause_resume_and_extend_over_rest_keep_the_exact_remaining_time(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    t0 = clock.now
    view = await phase(http, workshop, "start")
    assert view["ends_at"] == t0 + 600

    clock.advance(100)
    view = await phase(http, workshop, "pause")
    assert (view["status"], view["ends_at"], view["remaining"]) == ("paused", None, 500)
    assert view["server_now"] == t0 + 100

    clock.advance(5000)                                   # paused: no deadline passes
    assert await server.services.phases.fire_due() == 0
    view = await phase(http, workshop, "extend", 60)
    assert (view["status"], view["remaining"]) == ("paused", 560)
    view = await phase(http, workshop, "extend", -30)
    assert view["remaining"] == 530

    view = await phase(http, workshop, "resume")
    assert (view["status"], view["remaining"]) == ("running", None)
    assert view["ends_at"] == clock.now + 530
    clock.advance(30)
    view = await phase(http, workshop, "extend", 60)
    assert view["ends_at"] == clock.now - 30 + 590
    view = await phase(http, workshop, "extend", -30)
    ends_at = view["ends_at"]
    assert ends_at == clock.now + 530
    assert (await current(http, workshop))["ends_at"] == ends_at

    clock.now = ends_at - 1
    await server.services.phases.fire_due()                          # the warning only
    assert (await current(http, workshop))["index"] == 0
    clock.now = ends_at
    await server.services.phases.fire_due()
    state = await current(http, workshop)
    assert (state["index"], state["ends_at"]) == (1, ends_at + 15 * 60)


async def test_an_op_on_a_locked_section_after_time_is_up_is_refused(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    response = await settings(http, workshop, auto_advance=False)
    assert response.status_code == 200, response.text
    assert response.json()["phase"]["auto_advance"] is False
    ann = await join(http, workshop.code, "Ann")
    room = f"group:{ann['group_id']}"
    await phase(http, workshop, "start")
    sock = await Client.connect(server, workshop.code, ann["token"])
    await sock.synced()
    op = await sock.op(room, "note.create", {"id": "note-0001", "section": "procedure",
                                             "text": "Tell the tutor", "x": 10, "y": 10})
    assert (await sock.ack(op))["type"] == "ack"

    clock.advance(600)
    assert await server.services.phases.fire_due() == 1
    state = await current(http, workshop)
    assert (state["status"], state["index"], state["writable"]) == ("timeup", 0, [])

    op = await sock.op(room, "note.create", {"section": "procedure", "text": "Too late",
                                             "x": 10, "y": 200})
    refused = await sock.ack(op)
    assert (refused["type"], refused["code"]) == ("error", "locked")
    op = await sock.op(room, "note.update", {"id": "note-0001", "text": "Edited late"})
    refused = await sock.ack(op)
    assert (refused["type"], refused["code"]) == ("error", "locked")

    # Adding time reopens the phase and its section.
    view = await phase(http, workshop, "extend", 120)
    assert (view["status"], view["ends_at"], view["writable"]) == ("running", clock.now + 120,
                                                                   ["procedure"])
    op = await sock.op(room, "note.update", {"id": "note-0001", "text": "Edited in time"})
    assert (await sock.ack(op))["type"] == "ack"
    await sock.close()


async def test_individual_notes_stay_hidden_from_the_group_until_revealed_in_lanes(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    ann = await join(http, workshop.code, "Ann")
    bob = await join(http, workshop.code, "Bob", group_id=ann["group_id"])
    room = f"group:{ann['group_id']}"
    await phase(http, workshop, "start")
    a = await Client.connect(server, workshop.code, ann["token"])
    b = await Client.connect(server, workshop.code, bob["token"])
    await a.synced()
    await b.synced()

    for i, text in enumerate(["Ann step one", "Ann step two"]):
        op = await a.op(room, "note.create", {"id": f"note-ann-{i}", "section": "procedure",
                                              "text": text, "x": 500, "y": 500})
        assert (await a.ack(op))["type"] == "ack"
    op = await b.op(room, "note.create", {"id": "note-bob-0", "section": "procedure",
                                          "text": "Bob step one", "x": 500, "y": 500})
    assert (await b.ack(op))["type"] == "ack"
    await b.synced()

    board = [f for f in b.frames if f["type"] == "event" and f["room"] == room]
    assert [f["kind"] for f in board] == ["hidden", "hidden", "note.create"]
    assert "Ann" not in str(board[:2])
    # A fresh connection sees only its own notes too.
    late = await Client.connect(server, workshop.code, bob["token"])
    snapshot = await late.until(lambda f: f["type"] == "snapshot" and f["room"] == room)
    assert [n["id"] for n in snapshot["notes"]] == ["note-bob-0"]
    await late.close()

    clock.advance(600)
    await server.services.phases.fire_due()           # into group work: notes are revealed
    reveal = await b.until(lambda f: f["type"] == "event" and f["kind"] == "notes.reveal")
    notes = {n["id"]: n for n in reveal["data"]["notes"]}
    assert set(notes) == {"note-ann-0", "note-ann-1", "note-bob-0"}
    assert not any(n["private"] for n in notes.values())
    assert notes["note-ann-0"]["x"] == notes["note-ann-1"]["x"] != notes["note-bob-0"]["x"]
    assert notes["note-ann-0"]["y"] < notes["note-ann-1"]["y"]   # steps in order down the lane

    late = await Client.connect(server, workshop.code, bob["token"])
    snapshot = await late.until(lambda f: f["type"] == "snapshot" and f["room"] == room)
    assert {n["id"] for n in snapshot["notes"]} == {"note-ann-0", "note-ann-1", "note-bob-0"}
    for client in (a, b, late):
        await client.close()


async def test_minutes_changed_before_the_start_are_used_and_refused_after_it(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    response = await settings(http, workshop, minutes={"individual": 5})
    assert response.status_code == 200, response.text
    assert response.json()["phase"]["timeline"][0]["minutes"] == 5
    view = await phase(http, workshop, "start")
    assert (view["minutes"], view["ends_at"]) == (5, clock.now + 300)

    response = await settings(http, workshop, minutes={"individual": 8})
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "conflict"
    assert (await current(http, workshop))["ends_at"] == clock.now + 300

    clock.advance(300)
    await server.services.phases.fire_due()
    assert (await current(http, workshop))["index"] == 1


async def test_the_facilitator_runs_phases_over_the_socket_and_a_participant_may_not(
    server: RunningServer, http: httpx.AsyncClient, clock: FakeClock,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    ann = await join(http, workshop.code, "Ann")
    room = f"workshop:{workshop.id}"
    fac = await Client.connect(server, workshop.code, workshop.token)
    part = await Client.connect(server, workshop.code, ann["token"])
    await fac.synced()
    await part.synced()

    op = await fac.op(room, "phase.start", {})
    assert (await fac.ack(op))["type"] == "ack"
    op = await fac.op(room, "phase.extend", {"seconds": 60})
    assert (await fac.ack(op))["type"] == "ack"
    assert (await current(http, workshop))["ends_at"] == clock.now + 660
    op = await fac.op(room, "phase.next", {})
    assert (await fac.ack(op))["type"] == "ack"
    state = await current(http, workshop)
    assert (state["status"], state["index"], state["ends_at"]) == ("running", 1,
                                                                   clock.now + 900)
    event = await part.until(lambda f: f["type"] == "event" and f["kind"] == "phase"
                             and f["op_id"] == op)
    assert event["data"]["index"] == 1
    assert event["server_now"] == clock.now

    op = await fac.op(room, "phase.resume", {})
    refused = await fac.ack(op)
    assert (refused["type"], refused["code"]) == ("error", "conflict")
    op = await fac.op(f"group:{ann['group_id']}", "phase.next", {})
    refused = await fac.ack(op)
    assert (refused["type"], refused["code"]) == ("error", "forbidden")

    for kind in ("phase.next", "phase.previous", "phase.pause"):
        op = await part.op(room, kind, {})
        refused = await part.ack(op)
        assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert (await current(http, workshop))["index"] == 1
    await fac.close()
    await part.close()


async def test_rest_phase_actions_need_the_facilitator_token(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    ann = await join(http, workshop.code, "Ann")
    url = f"/api/workshops/{workshop.code}/phase"
    response = await http.post(url, json={"action": "start"})
    assert response.status_code == 401
    response = await http.post(url, json={"action": "start"},
                               headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401
    response = await http.post(url, json={"action": "start"},
                               headers={"Authorization": f"Bearer {ann['token']}"})
    assert response.status_code == 403
    response = await http.patch(f"/api/workshops/{workshop.code}", json={"auto_advance": False},
                                headers={"Authorization": f"Bearer {ann['token']}"})
    assert response.status_code == 403
    assert (await current(http, workshop))["status"] == "lobby"


async def test_rest_phase_refusals_carry_their_codes(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, "activity-2", groups=1)
    url = f"/api/workshops/{workshop.code}/phase"
    response = await http.post(url, json={"action": "next"}, headers=workshop.auth)
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    await phase(http, workshop, "start")
    response = await http.post(url, json={"action": "extend"}, headers=workshop.auth)
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    response = await http.post(url, json={"action": "extend", "seconds": 7200},
                               headers=workshop.auth)
    assert response.status_code == 422
