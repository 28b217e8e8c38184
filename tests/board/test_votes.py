"""Dot votes: budgets, idempotent resends, and counts nobody sees until the vote closes."""

from __future__ import annotations

import httpx
from board_helpers import all_text, connect, events, expect_error, shut, welcome_snapshot
from conftest import RunningServer
from vote_helpers import received, vote, vote_ready, workshop_op


async def test_a_participant_spends_their_budget_on_one_note_and_a_vote_beyond_it_is_refused(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, second) = await vote_ready(server, http)
    room = people.room
    ann = c["ann"]
    assert (await workshop_op(c["facilitator"], people, "votes.open",
                              {"per_person": 2}))["type"] == "ack"
    for _ in range(2):
        assert (await vote(ann, room, "vote.cast", first))["type"] == "ack"
    own = events(ann, room, "vote.cast")[-1]["data"]
    assert own["mine"] == {first: 2} and own["left"] == 0

    refused = await vote(ann, room, "vote.cast", second)
    assert refused["code"] == "invalid"
    assert "used all 2 of your votes" in refused["message"]
    # Taking one back frees a dot for another note.
    assert (await vote(ann, room, "vote.retract", first))["type"] == "ack"
    assert (await vote(ann, room, "vote.cast", second))["type"] == "ack"
    assert events(ann, room, "vote.cast")[-1]["data"]["mine"] == {first: 1, second: 1}
    assert await expect_error(ann, room, "vote.retract", {"note_id": "nosuchnote1"}) == "invalid"
    await shut(*c.values())


async def test_a_resent_vote_is_acknowledged_again_and_counted_once(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, _) = await vote_ready(server, http)
    room = people.room
    await workshop_op(c["facilitator"], people, "votes.open", {"per_person": 3})
    ack = await vote(c["ann"], room, "vote.cast", first, op_id="ann-vote-1")
    again = await vote(c["ann"], room, "vote.cast", first, op_id="ann-vote-1")
    assert again == ack
    await workshop_op(c["facilitator"], people, "votes.close", {})
    result = await received(c["bob"], lambda f: f.get("kind") == "votes.results")
    assert result["data"]["counts"] == {first: 1}
    await shut(*c.values())


async def test_votes_are_refused_while_no_vote_is_open_outside_its_sections_and_by_others(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, second) = await vote_ready(server, http)
    room = people.room
    ann, facilitator = c["ann"], c["facilitator"]
    closed = await vote(ann, room, "vote.cast", first)
    assert closed["code"] == "locked" and closed["message"] == "No vote is open right now."
    refused = await workshop_op(ann, people, "votes.open", {"per_person": 2})
    assert refused["code"] == "forbidden"
    bad = await workshop_op(facilitator, people, "votes.open",
                            {"per_person": 2, "sections": ["topics"]})
    assert bad["code"] == "invalid"
    assert (await workshop_op(facilitator, people, "votes.open",
                              {"per_person": 2, "sections": ["commonalities"]}))["type"] == "ack"
    again = await workshop_op(facilitator, people, "votes.open", {"per_person": 2})
    assert again["code"] == "conflict"
    outside = await vote(ann, room, "vote.cast", second)
    assert outside["code"] == "invalid" and "not part of this vote" in outside["message"]
    assert (await vote(facilitator, room, "vote.cast", first))["code"] == "forbidden"
    # Cy's group cannot vote on Ann's board.
    assert (await vote(c["cy"], room, "vote.cast", first))["code"] == "forbidden"
    too_many = await workshop_op(facilitator, people, "votes.close", {})
    assert too_many["type"] == "ack"
    assert (await workshop_op(facilitator, people, "votes.close", {}))["code"] == "conflict"
    nothing = await ann.op(room, "vote.cast", {"note_id": first, "extra": 1})
    assert (await ann.ack(nothing))["code"] == "invalid"
    await shut(*c.values())


async def test_nobody_but_the_voter_sees_where_votes_went_until_the_vote_closes(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, second) = await vote_ready(server, http)
    room = people.room
    ann, bob, facilitator = c["ann"], c["bob"], c["facilitator"]
    screen = await connect(server, people.workshop, people.workshop.token, role="screen")
    bob_since = dict(bob.seq)
    await workshop_op(facilitator, people, "votes.open", {"per_person": 3})
    for note in (first, first, second):
        await vote(bob, room, "vote.cast", note)
    for client in (ann, facilitator, screen):
        await received(client, lambda f: f.get("kind") == "hidden"
                       and f["seq"] == bob.seq[room])
        await client.synced()
    # Events: only a hidden one, and the roster's total, reach anyone but Bob.
    for client in (ann, facilitator, screen):
        assert not events(client, room, "vote.cast")
        assert first not in all_text(client).split(first, 1)[1]  # only its note.create
        roster = [f for f in events(client, people.workshop_room, "roster")][-1]
        assert roster["data"]["votes"]["cast"] == 3
        assert "counts" not in all_text(client)
    # Snapshots and resync: a fresh connection, or a replay from before the votes.
    late = await connect(server, people.workshop, people.ann["token"])
    view = welcome_snapshot(late, room)["votes"]
    assert view["status"] == "open" and view["mine"] == {} and "counts" not in view
    fac_view = welcome_snapshot(await connect(server, people.workshop, people.workshop.token),
                                room)["votes"]
    assert "counts" not in fac_view and "mine" not in fac_view
    replay = await connect(server, people.workshop, people.ann["token"], since=bob_since)
    assert all(f["kind"] == "hidden" for f in events(replay, room)
               if f["seq"] > bob_since[room] and f["by"] != people.ann["participant_id"]
               and f["kind"].startswith(("vote", "hidden")))
    assert not events(replay, room, "vote.cast")
    # Bob's own snapshot and replay carry his dots.
    bob_again = await connect(server, people.workshop, people.bob["token"])
    assert welcome_snapshot(bob_again, room)["votes"]["mine"] == {first: 2, second: 1}
    bob_replay = await connect(server, people.workshop, people.bob["token"], since=bob_since)
    assert len(events(bob_replay, room, "vote.cast")) == 3
    # REST: the roster and the reports say nothing per note.
    for fmt in ("json", "md", "csv"):
        report = await http.get(f"/api/workshops/{people.workshop.code}/export",
                                params={"format": fmt}, headers=people.workshop.auth)
        assert report.status_code == 200
        assert "Votes" not in report.text and '"votes"' not in report.text
    roster = await http.get(f"/api/workshops/{people.workshop.code}/roster",
                            headers=people.workshop.auth)
    assert first not in roster.text and second not in roster.text

    await workshop_op(facilitator, people, "votes.close", {})
    for client in (ann, facilitator, screen):
        shown = await received(client, lambda f: f.get("kind") == "votes.results"
                               and f["room"] == room)
        assert shown["data"]["counts"] == {first: 2, second: 1}
        assert people.bob["participant_id"] not in str(shown["data"])
    closed = welcome_snapshot(await connect(server, people.workshop, people.cy["token"]),
                              people.other_room)["votes"]
    assert closed["status"] == "closed" and closed["counts"] == {}
    after = welcome_snapshot(await connect(server, people.workshop, people.ann["token"]),
                             room)["votes"]
    assert after["counts"] == {first: 2, second: 1}
    await shut(*c.values(), screen, late, replay, bob_again, bob_replay)


async def test_the_dots_on_a_deleted_note_go_back_to_their_voters(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    people, c, (first, second) = await vote_ready(server, http)
    room = people.room
    await workshop_op(c["facilitator"], people, "votes.open", {"per_person": 2})
    for _ in range(2):
        await vote(c["bob"], room, "vote.cast", first)
    assert (await vote(c["bob"], room, "vote.cast", second))["code"] == "invalid"
    deleted = await c["ann"].op(room, "note.delete", {"id": first})
    assert (await c["ann"].ack(deleted))["type"] == "ack"
    assert (await vote(c["bob"], room, "vote.cast", second))["type"] == "ack"
    assert events(c["bob"], room, "vote.cast")[-1]["data"]["mine"] == {second: 1}
    await workshop_op(c["facilitator"], people, "votes.close", {})
    shown = await received(c["ann"], lambda f: f.get("kind") == "votes.results")
    assert shown["data"]["counts"] == {second: 1}
    await shut(*c.values())
