"""The REST contract for workshops, joining and group management, on a real server."""

from __future__ import annotations

import re

import httpx
from conftest import FakeClock, create_workshop, join, running_server

from app.workshops.codes import ALPHABET


async def test_health_answers_ok(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert (await http.get("/readyz")).json() == {"status": "ready"}


async def test_templates_list_both_activities_with_their_minutes(http: httpx.AsyncClient) -> None:
    templates = {t["key"]: t for t in (await http.get("/api/templates")).json()}
    assert [p["minutes"] for p in templates["activity-2"]["phases"]] == [10, 15, 15, 20, None]
    assert [p["minutes"] for p in templates["activity-3"]["phases"]] == [10, 15, 15, None]
    assert templates["activity-2"]["minutes_total"] == 60
    assert templates["activity-3"]["minutes_total"] == 40


async def test_created_workshop_has_a_readable_code_urls_and_public_info(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, groups=3, title="  Spring training  ")
    assert re.fullmatch(f"[{ALPHABET}]{{6}}", workshop.code)
    assert not set("01OIL") & set(workshop.code)
    urls = workshop.data["urls"]
    assert urls["join"].endswith(f"/j/{workshop.code}")
    assert urls["facilitate"].endswith(f"/w/{workshop.code}/facilitate")
    assert workshop.token not in str(urls)
    info = (await http.get(f"/api/workshops/{workshop.code.lower()}")).json()
    assert info["title"] == "Spring training"
    assert info["template"] == "activity-2"
    assert info["state"] == "lobby"
    assert [g["name"] for g in info["groups"]] == ["Group 1", "Group 2", "Group 3"]
    assert "facilitator_token" not in str(info) and workshop.token not in str(info)


async def test_two_participants_are_balanced_into_different_groups(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, groups=2)
    first = await join(http, workshop.code, "  Ann  ")
    second = await join(http, workshop.code, "Bob")
    assert first["group_id"] != second["group_id"]
    assert first["token"] != second["token"]
    roster = (await http.get(f"/api/workshops/{workshop.code}/roster",
                             headers=workshop.auth)).json()
    names = {m["name"] for g in roster["groups"] for m in g["members"]}
    assert names == {"Ann", "Bob"}


async def test_facilitator_calls_need_the_facilitator_token(http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http)
    person = await join(http, workshop.code, "Ann")
    url = f"/api/workshops/{workshop.code}/phase"
    assert (await http.post(url, json={"action": "start"})).status_code == 401
    wrong = {"Authorization": "Bearer not-a-token"}
    assert (await http.post(url, json={"action": "start"}, headers=wrong)).status_code == 401
    as_participant = {"Authorization": f"Bearer {person['token']}"}
    response = await http.post(url, json={"action": "start"}, headers=as_participant)
    assert response.status_code == 403
    assert (await http.get(f"/api/workshops/{workshop.code}")).json()["state"] == "lobby"
    response = await http.post(url, json={"action": "start"}, headers=workshop.auth)
    assert response.status_code == 200 and response.json()["status"] == "running"


async def test_facilitator_renames_groups_changes_their_number_and_moves_people(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    base = f"/api/workshops/{workshop.code}"
    groups = (await http.get(base)).json()["groups"]
    r = await http.patch(f"{base}/groups/{groups[1]['id']}", json={"name": "Tutors"},
                         headers=workshop.auth)
    assert r.status_code == 200, r.text
    r = await http.patch(f"{base}/participants/{ann['participant_id']}",
                         json={"group_id": groups[1]["id"]}, headers=workshop.auth)
    assert r.status_code == 200
    tutors = next(g for g in r.json()["groups"] if g["name"] == "Tutors")
    assert [m["name"] for m in tutors["members"]] == ["Ann"]
    r = await http.put(f"{base}/groups", json={"count": 4}, headers=workshop.auth)
    assert len(r.json()["groups"]) == 4
    r = await http.put(f"{base}/groups", json={"count": 1}, headers=workshop.auth)
    assert [len(g["members"]) for g in r.json()["groups"]] == [1]
    await http.post(f"{base}/phase", json={"action": "start"}, headers=workshop.auth)
    r = await http.put(f"{base}/groups", json={"count": 3}, headers=workshop.auth)
    assert r.status_code == 409 and "before the start" in r.json()["message"]


async def test_bad_input_gets_a_clear_error_and_writes_nothing(http: httpx.AsyncClient) -> None:
    r = await http.post("/api/workshops", json={"template": "nope"})
    assert r.status_code == 422 and "Unknown template 'nope'" in r.json()["message"]
    for groups in (0, 21):
        r = await http.post("/api/workshops", json={"template": "activity-2", "groups": groups})
        assert r.status_code == 422 and "groups" in r.json()["message"]
    r = await http.post("/api/workshops", json={"template": "activity-2",
                                                "minutes": {"individual": 0}})
    assert r.status_code == 422
    r = await http.post("/api/workshops", content=b"{not json",
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    r = await http.post("/api/workshops", content=b"x" * 70_000,
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    r = await http.post("/api/workshops", json={"template": "activity-2", "title": "T\x00"})
    assert r.status_code == 422 and "title" in r.json()["message"]

    workshop = await create_workshop(http)
    for name in ("", "   ", "x" * 41, "B\x00b"):
        r = await http.post(f"/api/workshops/{workshop.code}/participants", json={"name": name})
        assert r.status_code == 422 and "name" in r.json()["message"]
    r = await http.post(f"/api/workshops/{workshop.code}/participants",
                        json={"name": "Ann", "group_id": 999999})
    assert r.status_code == 404
    roster = (await http.get(f"/api/workshops/{workshop.code}/roster",
                             headers=workshop.auth)).json()
    assert all(not g["members"] for g in roster["groups"])
    r = await http.get("/api/workshops/ZZZZZZ")
    assert r.status_code == 404 and "ZZZZZZ" in r.json()["message"]


async def test_pages_are_served_with_a_strict_content_security_policy(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http)
    for path in ("/", f"/j/{workshop.code}", "/create", f"/w/{workshop.code}",
                 f"/w/{workshop.code}/facilitate", f"/w/{workshop.code}/screen"):
        r = await http.get(path)
        assert r.status_code == 200, path
        assert "text/html" in r.headers["content-type"]
        assert "script-src 'self'" in r.headers["content-security-policy"]
    qr = await http.get(f"/api/workshops/{workshop.code}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content


async def test_limits_and_the_phase_view_tell_clients_what_the_server_enforces(
    database_url: str, clock: FakeClock,
) -> None:
    async with running_server(database_url, clock, max_groups=4) as server, \
            server.http() as http:
        limits = (await http.get("/api/limits")).json()
        assert limits["max_groups"] == 4 and limits["max_text"] == 500
        assert limits["phase_actions"] == ["start", "pause", "resume", "extend", "next",
                                           "previous"]
        r = await http.post("/api/workshops", json={"template": "activity-2", "groups": 5})
        assert r.status_code == 422 and "4 groups" in r.json()["message"]
        workshop = await create_workshop(http, groups=4)
        info = (await http.get(f"/api/workshops/{workshop.code}")).json()
        assert info["server_now"] == clock.now
        assert info["phase"]["actions"] == ["start"]
        started = (await http.post(f"/api/workshops/{workshop.code}/phase",
                                   json={"action": "start"}, headers=workshop.auth)).json()
        assert started["actions"] == ["pause", "extend", "next"]

