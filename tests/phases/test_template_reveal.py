"""A template chooses which phase reveals the private notes of individual work: a group
phase with ``reveal = false`` keeps them their authors'; the next phase that reveals shows
them to the group."""

from __future__ import annotations

import json

import httpx

from tests.conftest import Client, RunningServer, create_workshop, join, phase

QUIET_FIRST = {
    "title": "Quiet first", "audience": "Anyone", "summary": "Notes revealed late.",
    "sections": [{"key": "ideas", "kind": "cards", "title": "Ideas"}],
    "phases": [
        {"key": "alone", "title": "Alone", "mode": "individual", "minutes": 5,
         "instructions": "Write.", "sections": ["ideas"]},
        {"key": "quiet", "title": "Quiet", "mode": "group", "minutes": 5,
         "instructions": "Talk first.", "sections": ["ideas"], "reveal": False},
        {"key": "together", "title": "Together", "mode": "group", "minutes": 5,
         "instructions": "Now read them.", "sections": ["ideas"]},
        {"key": "plenary", "title": "Plenary", "mode": "plenary", "instructions": "Present."},
    ],
}
SECRET = "Ann's idea, not yet for the group zq8"


async def board_text(server: RunningServer, code: str, token: str) -> str:
    client = await Client.connect(server, code, token)
    await client.synced()
    await client.close()
    return json.dumps(client.frames)


async def test_a_group_phase_that_does_not_reveal_keeps_private_notes_private(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    saved = (await http.post("/api/templates", json=QUIET_FIRST)).json()
    workshop = await create_workshop(http, template=saved["key"], groups=1)
    ann = await join(http, workshop.code, "Ann")
    bob = await join(http, workshop.code, "Bob")
    await phase(http, workshop, "start")
    writer = await Client.connect(server, workshop.code, ann["token"])
    op_id = await writer.op(f"group:{ann['group_id']}", "note.create",
                            {"section": "ideas", "text": SECRET})
    assert (await writer.ack(op_id))["type"] == "ack"
    await writer.close()
    assert (await phase(http, workshop, "next"))["key"] == "quiet"
    assert SECRET not in await board_text(server, workshop.code, bob["token"])
    assert SECRET in await board_text(server, workshop.code, ann["token"])
    assert (await phase(http, workshop, "next"))["key"] == "together"
    assert SECRET in await board_text(server, workshop.code, bob["token"])


async def test_a_plenary_that_would_not_reveal_is_refused_at_its_field(
        http: httpx.AsyncClient) -> None:
    data = json.loads(json.dumps(QUIET_FIRST))
    data["phases"][3]["reveal"] = False
    response = await http.post("/api/templates", json=data)
    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"] == ["body", "phases", 3, "reveal"]
