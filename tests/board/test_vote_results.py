"""After a vote closes: counts on every report format (never a voter), and a template
phase's own vote that opens and closes with its phase."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
from board_helpers import cast, create, seat, shut, welcome_snapshot
from conftest import RunningServer, Workshop, phase
from docx import Document
from vote_helpers import received, vote, vote_ready, workshop_op

from app.phases.templates import Template


async def reports(http: httpx.AsyncClient, workshop: Workshop) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fmt in ("md", "json", "csv", "docx"):
        r = await http.get(f"/api/workshops/{workshop.code}/export", params={"format": fmt},
                           headers=workshop.auth)
        assert r.status_code == 200, r.text
        out[fmt] = r.content
    doc = Document(io.BytesIO(out["docx"]))
    out["docx"] = "\n".join([p.text for p in doc.paragraphs] + [
        " | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows])
    out["md"] = out["md"].decode()
    out["csv"] = list(csv.reader(io.StringIO(out["csv"].decode())))
    out["json"] = json.loads(out["json"])
    return out


async def test_every_report_format_gives_each_notes_count_after_the_vote_closes_and_no_voter(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, second) = await vote_ready(server, http)
    room = people.room
    await workshop_op(c["facilitator"], people, "votes.open", {"per_person": 3})
    for who, note in (("ann", first), ("bob", first), ("bob", first), ("ann", second)):
        assert (await vote(c[who], room, "vote.cast", note))["type"] == "ack"
    await workshop_op(c["facilitator"], people, "votes.close", {})
    out = await reports(http, people.workshop)

    votes = out["json"]["votes"]
    assert len(votes) == 1 and votes[0]["per_person"] == 3
    group = votes[0]["groups"][0]
    assert [(n["text"], n["votes"]) for n in group["notes"]] == [
        ("Tutors call home", 3), ("No time in the timetable", 1)]
    assert "Votes: " in out["md"]
    assert "- **3** — Tutors call home" in out["md"]
    assert "- **1** — No time in the timetable" in out["md"]
    rows = [r for r in out["csv"] if r[2] == "votes"]
    assert [(r[4], r[5]) for r in rows] == [("3", "Tutors call home"),
                                            ("1", "No time in the timetable")]
    assert "3 | Tutors call home" in out["docx"]
    assert "1 | No time in the timetable" in out["docx"]
    for text in (out["md"].split("## Votes: ")[1], out["docx"].split("Votes | Note | Section")[-1],
                 json.dumps(votes), json.dumps(rows)):
        assert "Ann" not in text and "Bob" not in text
        assert people.bob["participant_id"] not in text
    assert "voter" not in json.dumps(out["json"]["votes"])
    await shut(*c.values())


def with_vote(template: Template) -> Template:
    """Activity 2 with a vote of 2 dots on challenges in its first group phase."""
    raw = template.model_dump()
    index = next(i for i, p in enumerate(template.phases) if p.mode == "group")
    raw["phases"][index]["vote"] = {"per_person": 2, "sections": ["challenges"]}
    return Template.model_validate(raw)


async def test_a_template_phase_opens_its_own_vote_which_closes_when_the_phase_ends(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    templates = server.services.templates
    original = templates["activity-2"]
    templates["activity-2"] = with_vote(original)  # type: ignore[index]
    try:
        await template_vote(server, http)
    finally:
        templates["activity-2"] = original  # type: ignore[index]


async def template_vote(server: RunningServer, http: httpx.AsyncClient) -> None:
    people = await cast(http, "start", "next")
    ann, bob = await seat(server, people, "ann", "bob")
    room = people.room
    view = welcome_snapshot(ann, room)["votes"]
    assert view["status"] == "open" and view["per_person"] == 2 and view["left"] == 2
    assert view["sections"] == ["challenges"]
    note, _ = await create(ann, room, "challenges", "Timetables")
    other, _ = await create(ann, room, "commonalities", "Tutors")
    assert (await vote(bob, room, "vote.cast", note))["type"] == "ack"
    assert (await vote(bob, room, "vote.cast", other))["code"] == "invalid"

    await phase(http, people.workshop, "next")
    results = await received(ann, lambda f: f.get("kind") == "votes.results")
    assert results["data"]["counts"] == {note: 1}
    assert (await vote(bob, room, "vote.cast", note))["code"] == "locked"
    await shut(ann, bob)
