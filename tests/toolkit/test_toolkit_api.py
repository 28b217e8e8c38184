"""The toolkit endpoints, served by a tiny app with only the toolkit router (and the app's
error handler)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException

from app.api.toolkit import router
from app.http import http_error_handler
from app.toolkit.entries import load_toolkit

CREDIT = "Based on Cedefop, VET toolkit for tackling early leaving"
SOURCE_URL = "https://www.cedefop.europa.eu/en/tools/vet-toolkit-tackling-early-leaving"
# Which language the titles and the long texts are in, and whose translation the titles are.
LANGUAGE_KEYS = {"language", "texts_language", "translation_note"}


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    app.add_exception_handler(HTTPException, http_error_handler)  # the app's error shape
    return TestClient(app)


def test_list_returns_credit_intro_and_all_entries(client: TestClient) -> None:
    response = client.get("/api/toolkit")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"credit", "source_url", "intro", "entries", *LANGUAGE_KEYS}
    assert body["credit"] == CREDIT
    assert body["source_url"] == SOURCE_URL
    assert len(body["intro"]["action_areas"]) == 3
    assert len(body["entries"]) == 16
    first = body["entries"][0]
    assert first["slug"] == "flexible-education-and-training-systems"
    assert first["number"] == 1
    assert isinstance(first["what_works"], list)
    assert body["entries"][-1]["slug"] == "monitoring-early-leavers"
    assert body["entries"][-1]["number"] is None


def test_search_filters_and_ranks(client: TestClient) -> None:
    body = client.get("/api/toolkit", params={"q": "Mentoring"}).json()
    assert body["credit"] == CREDIT
    assert body["source_url"] == SOURCE_URL
    assert body["entries"][0]["slug"] == "one-to-one-support-through-coaching-or-mentoring"
    assert client.get("/api/toolkit", params={"q": "nothing-matches-this"}).json()["entries"] == []


def test_one_entry(client: TestClient) -> None:
    response = client.get("/api/toolkit/monitoring-early-leavers")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"credit", "source_url", "entry", *LANGUAGE_KEYS}
    assert body["credit"] == CREDIT
    assert body["source_url"] == SOURCE_URL
    assert body["entry"]["title"] == "Monitoring early leavers"
    assert body["entry"]["kind"] == "section"


def test_unknown_slug_is_404_with_a_plain_message(client: TestClient) -> None:
    response = client.get("/api/toolkit/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found",
                               "message": "No toolkit entry called 'no-such-thing'."}


def test_openapi_documents_the_responses(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/api/toolkit" in schema["paths"]
    assert "/api/toolkit/{slug}" in schema["paths"]
    assert {"ToolkitOut", "EntryOut", "Entry"} <= set(schema["components"]["schemas"])


def test_titles_come_in_the_readers_language_and_the_long_texts_stay_english(
        client: TestClient) -> None:
    german = client.get("/api/toolkit/second-chance-measures", params={"lang": "de"}).json()
    assert german["entry"]["title"] == "Maßnahmen der zweiten Chance"
    assert (german["language"], german["texts_language"]) == ("de", "en")
    assert german["entry"]["summary"].startswith("Routes back into learning")
    assert "inoffizielle Übersetzung" in german["translation_note"]
    french = client.get("/api/toolkit", headers={"Accept-Language": "fr-FR"}).json()
    assert french["intro"]["title"] == "À propos de la boîte à outils"
    assert french["entries"][15]["title"] == "Suivi des décrocheurs"
    english = client.get("/api/toolkit/second-chance-measures").json()
    assert english["entry"]["title"] == "Second chance measures"
    assert (english["language"], english["translation_note"]) == ("en", "")


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_toolkit_title_is_translated(lang: str) -> None:
    toolkit = load_toolkit()
    titles = toolkit.translations[lang].titles  # type: ignore[index]
    assert set(titles) == {e.slug for e in toolkit.entries}
    assert toolkit.translations[lang].intro_title  # type: ignore[index]

