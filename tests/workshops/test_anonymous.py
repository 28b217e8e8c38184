"""Anonymous workshops: no participant's name reaches anyone but its owner, on any channel.

A scanner reads every frame a second participant, the screen and the facilitator see from
join to plenary (notes, drags, presence, reveal, fields, picks, conflicts, catch-up), every
REST answer they may read and every export; the same run on an ordinary workshop finds the
names, which proves the scanner looks in the right places.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from conftest import Client, RunningServer, Workshop, create_workshop, join, phase
from docx import Document

from app.principal import Principal
from app.protocol import anonymity

NAME = "Zephyrine Quill"
OTHER = "Bartholomew Nightjar"
PARTS = ("zephyrine", "quill")


def leaks(text: str) -> list[str]:
    return [part for part in PARTS if part in text.lower()]


def frames_text(client: Client) -> str:
    return json.dumps([client.welcome, *client.frames])


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


async def connect(server: RunningServer, workshop: Workshop, token: str,
                  role: str | None = None, since: dict[str, int] | None = None) -> Client:
    client = await Client.connect(server, workshop.code, token, role=role, since=since)
    await client.synced()
    return client


async def acked(client: Client, room: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    reply = await client.ack(await client.op(room, kind, data))
    assert reply["type"] == "ack", reply
    return reply


async def settle(*clients: Client) -> None:
    for client in clients:
        await client.synced()


async def run_workshop(server: RunningServer, http: httpx.AsyncClient,
                       anonymous: bool) -> tuple[dict[str, str], dict[str, Any]]:
    """A whole workshop with Zephyrine writing; everything the others saw, as text by
    channel, and what Zephyrine's own view says about her notes."""
    workshop = await create_workshop(http, groups=1, anonymous=anonymous)
    other = await join(http, workshop.code, OTHER)
    room = f"group:{other['group_id']}"
    observer = await connect(server, workshop, other["token"])
    facilitator = await connect(server, workshop, workshop.token)
    screen = await connect(server, workshop, workshop.token, role="screen")
    watchers = (observer, facilitator, screen)
    since = dict(observer.seq)

    zephyrine = await join(http, workshop.code, NAME)
    author = await connect(server, workshop, zephyrine["token"])
    await author.send({"type": "presence", "room": room, "editing": None})

    # Individual work: a private step the facilitator sees, revealed to the group later.
    await phase(http, workshop, "start")
    private_id = str(uuid.uuid4())
    await acked(author, room, "note.create", {"id": private_id, "section": "procedure",
                                              "text": "Call the family first"})
    await phase(http, workshop, "next")
    card = str(uuid.uuid4())
    await acked(author, room, "note.create", {"id": card, "section": "commonalities",
                                              "text": "Shared worry"})
    await author.send({"type": "presence", "room": room, "editing": card})
    await author.send({"type": "drag", "room": room, "id": card, "x": 40, "y": 50})
    await acked(author, room, "note.update", {"id": card, "text": "Shared worry, edited"})
    await acked(author, room, "note.move", {"id": card, "x": 60, "y": 70})
    # A vote (counts out once closed), the group's signals, a plenary cluster.
    workshop_room = f"workshop:{workshop.id}"
    await acked(facilitator, workshop_room, "votes.open", {"per_person": 2})
    await acked(author, room, "vote.cast", {"note_id": card})
    await acked(author, room, "group.ready", {"ready": True})
    await acked(author, room, "group.help", {"on": True})
    await acked(facilitator, workshop_room, "votes.close", {})
    cluster = str(uuid.uuid4())
    await acked(facilitator, workshop_room, "cluster.create", {"id": cluster, "label": "Worry"})
    await acked(facilitator, workshop_room, "cluster.add", {"id": cluster, "note_id": card})
    await phase(http, workshop, "next")
    await acked(author, room, "pick.set", {"key": "topics", "value": []})
    await phase(http, workshop, "next")
    await acked(author, room, "field.set", {"key": "action.type", "value": "Mentoring"})
    # A stale write comes back as a conflict carrying the current value and its writer.
    conflict = await observer.ack(await observer.op(room, "field.set", {
        "key": "action.type", "value": "Other", "base": 0}))
    assert conflict["type"] == "error" and conflict["code"] == "conflict", conflict
    await phase(http, workshop, "next")
    await http.post(f"/api/workshops/{workshop.code}/spotlight", headers=workshop.auth,
                    json={"group_id": other["group_id"]})
    await author.send({"type": "presence", "room": room, "editing": None})
    await settle(author, *watchers)

    # Fresh sockets catch up by snapshot and by replay.
    late = [await connect(server, workshop, other["token"]),
            await connect(server, workshop, workshop.token),
            await connect(server, workshop, workshop.token, role="screen"),
            await connect(server, workshop, other["token"], since=since)]
    labels = ("participant", "facilitator", "screen", "participant snapshot",
              "facilitator snapshot", "screen snapshot", "participant replay")
    seen = {label: frames_text(c) for label, c in zip(labels, (*watchers, *late), strict=True)}

    base = f"/api/workshops/{workshop.code}"
    rest = {"info": await http.get(base),
            "roster": await http.get(f"{base}/roster", headers=workshop.auth),
            "timing": await http.get(f"{base}/export", headers=workshop.auth,
                                     params={"format": "csv", "table": "timing"})}
    for fmt in ("md", "json", "csv"):
        rest[fmt] = await http.get(f"{base}/export", params={"format": fmt},
                                   headers=workshop.auth)
    for response in rest.values():
        assert response.status_code == 200, response.text
    seen.update({label: r.text for label, r in rest.items()})
    docx = await http.get(f"{base}/export", params={"format": "docx"}, headers=workshop.auth)
    assert docx.status_code == 200
    seen["docx"] = docx_text(docx.content)

    own = {"welcome": author.welcome["you"], "roster_ids": [
               m["id"] for g in rest["roster"].json()["groups"] for m in g["members"]],
           "as_seen": [f["data"] for f in observer.frames if f["type"] == "event"
                       and f.get("kind") in ("note.create", "note.update", "note.move")],
           "notes": [f["data"] for f in author.frames
                     if f["type"] == "event" and f.get("kind") == "note.create"],
           "roster": rest["roster"].json(), "presence": [
               f for f in observer.frames if f["type"] == "presence" and f["room"] == room]}
    for client in (author, *watchers, *late):
        await client.close()
    return seen, own


async def test_no_name_of_a_participant_reaches_anyone_else_in_an_anonymous_workshop(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    seen, own = await run_workshop(server, http, anonymous=True)
    assert {label: leaks(text) for label, text in seen.items() if leaks(text)} == {}
    assert OTHER.split()[0].lower() not in json.dumps(own["roster"]).lower()
    # Her own view still knows her and marks her notes as hers.
    assert own["welcome"]["name"] == NAME
    assert own["notes"] and all(n["author"] == own["welcome"]["id"] for n in own["notes"])
    # Others see her notes under one pseudonym, which is not her id nor any in the roster.
    authors = {n["author"] for n in own["as_seen"]}
    assert len(authors) == 1 and len(own["as_seen"]) == 3
    pseudonym = authors.pop()
    assert re.fullmatch(r"a[0-9a-f]{12}", pseudonym)
    assert pseudonym not in own["roster_ids"] and own["welcome"]["id"] in own["roster_ids"]
    # The facilitator tells people apart by number, not by name.
    members = [m["name"] for g in own["roster"]["groups"] for m in g["members"]]
    assert members == ["Participant 1", "Participant 2"]
    # Presence says how many are online, not who.
    last = own["presence"][-1]["members"]
    participants = [m for m in last if m["role"] == "participant"]
    assert len(participants) == 2
    assert [m["name"] for m in participants].count("") == 1


async def test_an_ordinary_workshop_shows_names_where_the_scanner_looks(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    seen, own = await run_workshop(server, http, anonymous=False)
    # Every channel that carries people names her; the public info and the timing never do.
    assert {label for label, text in seen.items() if leaks(text) == list(PARTS)} \
        == set(seen) - {"info", "timing"}
    assert [m["name"] for g in own["roster"]["groups"] for m in g["members"]] == [OTHER, NAME]


async def test_the_workshop_says_whether_it_is_anonymous(http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http, groups=1)
    assert (await http.get(f"/api/workshops/{workshop.code}")).json()["anonymous"] is False
    anonymous = await create_workshop(http, groups=1, anonymous=True)
    assert (await http.get(f"/api/workshops/{anonymous.code}")).json()["anonymous"] is True


@pytest.mark.parametrize("value", ["yes", 2, None])
async def test_anonymous_must_be_a_boolean(http: httpx.AsyncClient, value: Any) -> None:
    response = await http.post("/api/workshops", json={"template": "activity-2",
                                                       "anonymous": value})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def viewer(person: str = "p2", anonymous: bool = True) -> Principal:
    role = "participant" if person.startswith("p") else "facilitator"
    return Principal(person, role, "Viewer", 1, anonymous=anonymous, pseudonym_key="k" * 32)


def test_redaction_keeps_group_names_and_the_viewers_own_and_nothing_changes_when_named() -> None:
    roster = {"groups": [{"id": 7, "name": "Group 1", "room": "group:7", "ready": ["p1"],
                          "members": [{"id": "p1", "name": NAME}, {"id": "p2", "name": OTHER}]}]}
    seen = anonymity.redact_roster(roster, viewer("p2"))
    assert seen["groups"][0]["name"] == "Group 1"
    assert seen["groups"][0]["members"] == [{"id": "p1", "name": "Participant 1"},
                                            {"id": "p2", "name": OTHER}]
    assert roster["groups"][0]["members"][0]["name"] == NAME  # the stored data is untouched
    assert anonymity.redact_roster(roster, viewer("p2", anonymous=False)) is roster

    note = {"id": "n1", "author": "p1", "author_name": NAME, "lane": "p1", "text": "t"}
    mine = anonymity.redact(note, viewer("p1"))
    assert mine == note
    theirs = anonymity.redact(note, viewer("facilitator"))
    assert theirs["author_name"] == "" and theirs["author"] == theirs["lane"] != "p1"
    group_lane = anonymity.redact(dict(note, lane=""), viewer("p2"))
    assert group_lane["lane"] == ""
    field = {"key": "k", "value": "v", "by": "p1", "by_name": NAME}
    assert anonymity.redact(field, viewer("p2")) == {"key": "k", "value": "v", "by": "",
                                                     "by_name": ""}
    assert anonymity.redact({"by": "facilitator", "by_name": "Facilitator"}, viewer("p2")) \
        == {"by": "facilitator", "by_name": "Facilitator"}
    assert anonymity.redact({"author_name": NAME}, viewer("p2")) == {"author_name": ""}


def test_presence_in_an_anonymous_workshop_counts_people_and_names_only_the_viewer() -> None:
    members = [{"id": "p1", "name": NAME, "role": "participant", "editing": "n1"},
               {"id": "p2", "name": OTHER, "role": "participant", "editing": None},
               {"id": "facilitator", "name": "Facilitator", "role": "facilitator",
                "editing": None}]
    assert anonymity.redact_members(members, viewer("p2")) == [
        {"id": "", "name": "", "role": "participant", "editing": "n1"}, members[1], members[2]]
    assert anonymity.redact_members(members, viewer("p2", anonymous=False)) is members


def test_pseudonyms_differ_between_workshops_and_people() -> None:
    one, two = anonymity.new_key(), anonymity.new_key()
    assert anonymity.pseudonym(one, "p1") == anonymity.pseudonym(one, "p1")
    assert anonymity.pseudonym(one, "p1") != anonymity.pseudonym(two, "p1")
    assert anonymity.pseudonym(one, "p1") != anonymity.pseudonym(one, "p2")


async def test_exports_number_people_as_the_facilitators_roster_does(
    http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http, groups=2, anonymous=True)
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    first, second = (g["id"] for g in info["groups"])
    # Joining order differs from group order: the second group's member joined first.
    await join(http, workshop.code, NAME, group_id=second)
    await join(http, workshop.code, OTHER, group_id=first)
    roster = (await http.get(f"/api/workshops/{workshop.code}/roster",
                             headers=workshop.auth)).json()
    report = (await http.get(f"/api/workshops/{workshop.code}/export",
                             params={"format": "json"}, headers=workshop.auth)).json()
    live = [[m["name"] for m in g["members"]] for g in roster["groups"]]
    assert live == [["Participant 2"], ["Participant 1"]]
    assert [g["members"] for g in report["groups"]] == live
