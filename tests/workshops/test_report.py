"""Whole workshops driven over the protocol give a report holding every entry, in every format."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
from conftest import Client, RunningServer, Workshop, create_workshop, join
from docx import Document


async def next_phase(http: httpx.AsyncClient, workshop: Workshop, action: str = "next") -> None:
    r = await http.post(f"/api/workshops/{workshop.code}/phase", json={"action": action},
                        headers=workshop.auth)
    assert r.status_code == 200, r.text


async def ok(client: Client, room: str, kind: str, data: dict[str, Any]) -> None:
    frame = await client.ack(await client.op(room, kind, data))
    assert frame["type"] == "ack", frame


async def people(server: RunningServer, http: httpx.AsyncClient, workshop: Workshop,
                 ) -> list[tuple[str, str, Client]]:
    result = []
    for i in range(9):
        person = await join(http, workshop.code, f"Person {i + 1}")
        client = await Client.connect(server, workshop.code, person["token"])
        result.append((f"Person {i + 1}", f"group:{person['group_id']}", client))
    return result


async def exports(http: httpx.AsyncClient, workshop: Workshop) -> dict[str, Any]:
    base = f"/api/workshops/{workshop.code}/export"
    assert (await http.get(base)).status_code == 401
    out: dict[str, Any] = {}
    for fmt in ("md", "json", "csv", "docx"):
        r = await http.get(base, params={"format": fmt}, headers=workshop.auth)
        assert r.status_code == 200, r.text
        assert "attachment" in r.headers["content-disposition"]
        out[fmt] = r.content
    doc = Document(io.BytesIO(out["docx"]))
    out["docx_text"] = "\n".join([p.text for p in doc.paragraphs] + [
        c.text for t in doc.tables for row in t.rows for c in row.cells])
    out["docx_tables"] = len(doc.tables)
    out["md"] = out["md"].decode()
    out["csv_rows"] = list(csv.reader(io.StringIO(out["csv"].decode())))
    out["json"] = json.loads(out["json"])
    return out


async def test_a_whole_activity_2_workshop_reports_every_entry_in_every_format(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, groups=3)
    members = await people(server, http, workshop)
    written: list[str] = []
    await next_phase(http, workshop, "start")
    for name, room, client in members:
        for step in (1, 2):
            text = f"{name} step {step}"
            await ok(client, room, "note.create", {"section": "procedure", "text": text,
                                                   "actors": ["class tutor"]})
            written.append(text)
    await next_phase(http, workshop)
    for name, room, client in members:
        for section in ("commonalities", "challenges"):
            text = f"{name} {section}"
            await ok(client, room, "note.create", {"section": section, "text": text})
            written.append(text)
    await next_phase(http, workshop)
    leaders = {room: client for _, room, client in reversed(members)}
    for room, client in leaders.items():
        await ok(client, room, "pick.set", {"key": "topics", "value": [
            "community-involvement", "second-chance-measures"]})
    await next_phase(http, workshop)
    for room, client in leaders.items():
        for key, value in (("type", "Community involvement"), ("challenge", f"{room} gap"),
                           ("action", f"{room} welcome space")):
            await ok(client, room, "field.set", {"key": f"action.{key}", "value": value})
            written.append(value)
        await ok(client, room, "note.create", {"section": "next_steps",
                                               "text": f"{room} first step"})
        written.append(f"{room} first step")
    await next_phase(http, workshop)

    report = await exports(http, workshop)
    for text in written:
        assert text in report["md"], text
        assert text in report["docx_text"], text
        assert any(text in cell for row in report["csv_rows"] for cell in row), text
        assert text in json.dumps(report["json"]), text
    assert report["md"].count("Second chance measures") == 3
    assert report["docx_tables"] >= 9
    groups = report["json"]["groups"]
    assert len(groups) == 3 and all(len(g["members"]) == 3 for g in groups)
    procedure = groups[0]["sections"][0]
    assert procedure["key"] == "procedure" and len(procedure["notes"]) == 6
    assert {n["lane"] for n in procedure["notes"]} != {""}  # one lane per author
    anonymous = await http.get(f"/api/workshops/{workshop.code}/export",
                               params={"format": "md", "names": "false"}, headers=workshop.auth)
    member_lines = [line for line in anonymous.text.splitlines()
                    if line.startswith("Members: ")]
    assert len(member_lines) == 3 and all("Person" not in line for line in member_lines)
    assert "Members: Participant " in anonymous.text
    # Card authors are anonymised too; the texts people wrote are kept as they are.
    assert "— Person" not in anonymous.text and "Person 1 challenges" in anonymous.text
    for _, _, client in members:
        await client.close()


async def test_a_whole_activity_3_workshop_reports_features_and_challenge_action_pairs(
    server: RunningServer, http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, template="activity-3", groups=3)
    members = await people(server, http, workshop)
    written = []
    await next_phase(http, workshop, "start")
    await next_phase(http, workshop)
    for name, room, client in members:
        await ok(client, room, "note.create", {"section": "features", "text": f"{name} feature"})
        written.append(f"{name} feature")
    await next_phase(http, workshop)
    for name, room, client in members:
        await ok(client, room, "note.create", {"section": "challenges_actions",
                                               "text": f"{name} challenge",
                                               "answer": f"{name} action"})
        written += [f"{name} challenge", f"{name} action"]
    await next_phase(http, workshop)
    report = await exports(http, workshop)
    for text in written:
        assert text in report["md"] and text in report["docx_text"], text
        assert text in json.dumps(report["json"])
    assert "| Challenges identified | Actions proposed |" in report["md"]
    for _, _, client in members:
        await client.close()
