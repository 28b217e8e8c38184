"""Languages over a real server: a workshop's default language, templates, errors, reports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
import websockets
from conftest import Client, RunningServer, Workshop, create_workshop, join, phase
from docx import Document


async def info(http: httpx.AsyncClient, code: str) -> dict[str, Any]:
    response = await http.get(f"/api/workshops/{code}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_workshop_speaks_the_language_chosen_at_creation(
        http: httpx.AsyncClient) -> None:
    german = await create_workshop(http, language="de")
    assert (await info(http, german.code))["language"] == "de"


async def test_a_german_workshop_gets_german_default_title_and_group_names(
        http: httpx.AsyncClient) -> None:
    german = await info(http, (await create_workshop(http, language="de", groups=2)).code)
    assert german["title"] == german["template_title"]
    assert german["template_title"].startswith("Was können wir tun")
    assert [g["name"] for g in german["groups"]] == ["Gruppe 1", "Gruppe 2"]
    french = await create_workshop(http, template="activity-3", language="fr", groups=1)
    response = await http.put(f"/api/workshops/{french.code}/groups", json={"count": 2},
                              headers=french.auth)
    assert [g["name"] for g in response.json()["groups"]] == ["Groupe 1", "Groupe 2"]
    english = await info(http, (await create_workshop(http)).code)
    assert english["groups"][0]["name"] == "Group 1"


async def test_without_a_choice_the_language_comes_from_accept_language_else_english(
        http: httpx.AsyncClient) -> None:
    response = await http.post("/api/workshops", json={"template": "activity-3"},
                               headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 201, response.text
    assert (await info(http, response.json()["code"]))["language"] == "fr"
    plain = await create_workshop(http)
    assert (await info(http, plain.code))["language"] == "en"


async def test_an_unknown_language_is_refused_and_nothing_is_created(
        http: httpx.AsyncClient) -> None:
    response = await http.post("/api/workshops", json={"template": "activity-2",
                                                       "language": "it"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["fields"][0]["loc"] == ["body", "language"]


async def test_the_facilitator_changes_the_language_and_only_the_facilitator(
        http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http)
    url = f"/api/workshops/{workshop.code}"
    assert (await http.patch(url, json={"language": "fr"})).status_code == 401
    response = await http.patch(url, json={"language": "fr"}, headers=workshop.auth)
    assert response.status_code == 200, response.text
    assert response.json()["language"] == "fr"
    assert (await http.patch(url, json={"language": "xx"},
                             headers=workshop.auth)).status_code == 422
    assert (await info(http, workshop.code))["language"] == "fr"


async def test_a_template_is_served_in_the_language_asked_for(http: httpx.AsyncClient) -> None:
    german = (await http.get("/api/templates/activity-2", params={"lang": "de"})).json()
    assert german["language"] == "de" and german["languages"] == ["de", "en", "fr"]
    assert german["phases"][0]["title"] == "Einzelarbeit"
    assert german["phases"][0]["minutes"] == 10
    assert german["translation_note"].startswith("Inoffizielle Übersetzung")
    assert "translations" not in german
    french = (await http.get("/api/templates/activity-3",
                             headers={"Accept-Language": "fr-FR"})).json()
    assert french["sections"][1]["columns"] == ["Difficultés identifiées", "Actions proposées"]
    listing = (await http.get("/api/templates", params={"lang": "fr"})).json()
    assert {t["language"] for t in listing} == {"fr"}
    english = (await http.get("/api/templates/activity-2")).json()
    assert english["language"] == "en" and english["translation_note"] == ""
    assert (await http.get("/api/templates/activity-2",
                           params={"lang": "klingon"})).status_code == 422


async def test_rest_errors_are_said_in_the_readers_language_with_the_same_code(
        http: httpx.AsyncClient) -> None:
    missing = await http.get("/api/workshops/ZZZZZZ", headers={"Accept-Language": "de"})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert missing.json()["message"].startswith("Es gibt keinen Workshop mit dem Code")
    french = await http.get("/api/workshops/ZZZZZZ", params={"lang": "fr"})
    assert french.json()["message"].startswith("Il n’y a pas d’atelier avec le code")
    english = await http.get("/api/workshops/ZZZZZZ")
    assert english.json()["message"].startswith("There is no workshop with the code")

    invalid = await http.post("/api/workshops", json={"template": "activity-2", "groups": 0},
                              headers={"Accept-Language": "fr"})
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid"
    assert invalid.json()["message"] == "Saisie non valide (groups)\u00a0: au moins 1."
    assert invalid.json()["fields"][0]["loc"] == ["body", "groups"]

    workshop = await create_workshop(http)
    early = await http.post(f"/api/workshops/{workshop.code}/phase", json={"action": "pause"},
                            headers={**workshop.auth, "Accept-Language": "de-CH"})
    assert early.json()["code"] in ("conflict", "invalid")
    assert early.json()["message"] in ("Es läuft gerade keine Phase.",
                                       "Der Workshop hat noch nicht begonnen.")
    too_big = await http.post("/api/workshops", content=b"x" * 70_000,
                              headers={"Content-Type": "application/json",
                                       "Accept-Language": "de"})
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    assert too_big.json()["message"].startswith("Die Anfrage ist größer als 65.536 Byte")
    nowhere = await http.get("/api/nothing-here", headers={"Accept-Language": "fr"})
    assert nowhere.json() == {"code": "not_found", "message": "Il n’y a rien à cette adresse."}


async def test_socket_errors_are_said_in_the_sockets_language(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http)
    person = await join(http, workshop.code, "Ada")
    room = f"group:{person['group_id']}"
    async with websockets.connect(server.ws_url(workshop.code) + "?lang=de") as ws:
        await ws.send(json.dumps({"type": "hello", "token": person["token"]}))
        assert json.loads(await ws.recv())["type"] == "welcome"
        await ws.send(json.dumps({"type": "op", "op_id": "o1", "room": room,
                                  "kind": "note.update", "data": {"id": "nope-0000", "text": "x"}}))
        error = await _error(ws)
        assert error["code"] == "not_found"
        assert error["message"] == "Diese Notiz gibt es auf diesem Board nicht."
        await ws.send("{not json")
        assert (await _error(ws))["message"] == "Das ist kein gültiges JSON."
    english = await Client.connect(server, workshop.code, person["token"])
    op_id = await english.op(room, "note.update", {"id": "nope-0000", "text": "x"})
    assert (await english.ack(op_id))["message"] == "There is no note 'nope-0000' on this board."
    await english.close()


async def _error(ws: Any) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads(await ws.recv())
        if frame["type"] == "error":
            return frame


async def write_a_board(server: RunningServer, http: httpx.AsyncClient,
                        workshop: Workshop) -> None:
    person = await join(http, workshop.code, "Ada")
    client = await Client.connect(server, workshop.code, person["token"])
    await phase(http, workshop, "start")
    op_id = await client.op(f"group:{person['group_id']}", "note.create", {
        "section": "procedure", "text": "Tutor calls the family", "actors": ["Familie"],
        "x": 10, "y": 10, "step": 1})
    assert (await client.ack(op_id))["type"] == "ack"
    await client.close()


async def export(http: httpx.AsyncClient, workshop: Workshop, fmt: str,
                 **params: str) -> bytes:
    response = await http.get(f"/api/workshops/{workshop.code}/export",
                              params={"format": fmt, **params}, headers=workshop.auth)
    assert response.status_code == 200, response.text
    return response.content


async def test_a_german_workshops_report_is_in_german_in_every_format(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http, language="de", title="Fachtag")
    await write_a_board(server, http, workshop)

    md = (await export(http, workshop, "md")).decode()
    assert "- Aktivität: Was können wir tun, wenn wir glauben" in md
    assert "- Datum: 15. Januar 2027" in md  # the test clock's day, written out in German
    assert "## Zeitablauf" in md and "| Phase | Geplant | Tatsächlich | Beginn |" in md
    assert "| Einzelarbeit | 10 Min. |" in md
    assert "### Verfahren zur Begleitung abbruchgefährdeter Lernender" in md
    assert "Mitglieder: Ada" in md and "_Nichts geschrieben._" in md
    assert "1. Tutor calls the family (Familie)" in md  # what people wrote stays as written

    doc = Document(io.BytesIO(await export(http, workshop, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Zeitablauf" in paragraphs and "Mitglieder: Ada" in paragraphs
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["Wer", "Schritt", "Was geschieht", "Akteure"] in headers
    assert doc.core_properties.language == "de"

    rows = list(csv.reader(io.StringIO((await export(http, workshop, "csv")).decode())))
    assert rows[0] == ["Gruppe", "Abschnitt", "Art", "Verfasser", "Schritt", "Text", "Antwort",
                       "Akteure"]
    assert rows[1][1] == "Verfahren zur Begleitung abbruchgefährdeter Lernender"
    timing = list(csv.reader(io.StringIO(
        (await export(http, workshop, "csv", table="timing")).decode())))
    assert timing[0][:3] == ["phase", "key", "mode"]  # column names programs read stay
    assert timing[1][0] == "Einzelarbeit"

    report = json.loads(await export(http, workshop, "json"))
    assert report["workshop"]["language"] == "de"
    assert report["workshop"]["date"] == "2027-01-15"  # data stays ISO


async def test_the_facilitator_may_ask_for_the_report_in_another_language(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http, language="de")
    await write_a_board(server, http, workshop)
    md = (await export(http, workshop, "md", lang="fr")).decode()
    assert "- Activité: Que faire si nous pensons" in md
    assert "- Date: 15 janvier 2027" in md
    assert "## Déroulement horaire" in md and "| Travail individuel | 10 min |" in md
    assert "Membres\u00a0: Ada" in md
    english = (await export(http, workshop, "md", lang="en")).decode()
    assert "## Timing" in english and "Members: Ada" in english
    assert "- Date: January 15, 2027" in english


async def test_the_phase_view_names_phases_in_the_workshops_language(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http, language="fr")
    view = await phase(http, workshop, "start")
    assert view["title"] == "Travail individuel"
    assert [step["title"] for step in view["timeline"]][-1] == "Plénière"
    person = await join(http, workshop.code, "Ada")
    client = await Client.connect(server, workshop.code, person["token"])
    assert client.welcome["workshop"]["language"] == "fr"
    await client.close()
