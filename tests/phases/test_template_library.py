"""Templates facilitators save (POST/GET/PUT/DELETE /api/templates): validated as the built-in
files are, changed only with their edit token, and copied into each workshop made from them."""

from __future__ import annotations

import tomllib
from typing import Any

import httpx
import pytest

from app.phases.templates import TEMPLATE_DIR
from tests.conftest import FakeClock, RunningServer, create_workshop, phase, running_server

TOML = {"Content-Type": "application/toml"}

THREE_PHASES = '''
title = "Retro"
audience = "A team"
summary = "What went well, what to change."

[[sections]]
key = "ideas"
kind = "cards"
title = "Ideas"

[[sections]]
key = "top"
kind = "pick"
title = "Top two"
choose = 2
options = [{ value = "one", label = "One" }, { value = "two", label = "Two" },
           { value = "three", label = "Three" }]

[[phases]]
key = "alone"
title = "On your own"
mode = "individual"
minutes = 5
instructions = "Write your ideas."
sections = ["ideas"]

[[phases]]
key = "together"
title = "Together"
mode = "group"
minutes = 10
instructions = "Pick two."
prompts = ["Which two matter most?"]
sections = ["ideas", "top"]

[[phases]]
key = "plenary"
title = "Plenary"
mode = "plenary"
instructions = "Present."
'''


def as_data() -> dict[str, Any]:
    return tomllib.loads(THREE_PHASES)


async def save(http: httpx.AsyncClient, body: str = THREE_PHASES) -> dict[str, Any]:
    response = await http.post("/api/templates", content=body.encode(), headers=TOML)
    assert response.status_code == 201, response.text
    saved: dict[str, Any] = response.json()
    return saved


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_saved_template_reads_back_by_key_and_exports_toml_that_saves_again(
        http: httpx.AsyncClient) -> None:
    saved = await save(http)
    assert saved["key"].startswith("t-") and len(saved["edit_token"]) >= 40
    got = (await http.get(f"/api/templates/{saved['key']}")).json()
    assert got["title"] == "Retro" and [p["key"] for p in got["phases"]] == [
        "alone", "together", "plenary"]
    exported = await http.get(f"/api/templates/{saved['key']}.toml")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/toml")
    assert "attachment" in exported.headers["content-disposition"]
    assert tomllib.loads(exported.text)["sections"][1]["choose"] == 2
    again = await save(http, exported.text)
    assert again["key"] != saved["key"]
    assert (await http.get(f"/api/templates/{again['key']}")).json()["phases"] == got["phases"]


async def test_a_built_in_file_exports_and_a_json_body_saves_too(
        http: httpx.AsyncClient) -> None:
    exported = await http.get("/api/templates/activity-2.toml")
    original = tomllib.loads((TEMPLATE_DIR / "activity-2.toml").read_text())
    assert tomllib.loads(exported.text)["phases"] == [
        {k: v for k, v in p.items()} for p in original["phases"]]
    response = await http.post("/api/templates", json=tomllib.loads(exported.text))
    assert response.status_code == 201, response.text


async def test_saved_templates_are_not_listed_publicly(http: httpx.AsyncClient) -> None:
    saved = await save(http)
    listed = [t["key"] for t in (await http.get("/api/templates")).json()]
    assert saved["key"] not in listed and "activity-2" in listed


def _with(change: Any) -> dict[str, Any]:
    data = as_data()
    change(data)
    return data


BAD = [
    ("unknown section kind", lambda d: d["sections"][0].update(kind="mindmap"),
     ["body", "sections", 0, "kind"]),
    ("phase without minutes", lambda d: d["phases"][1].pop("minutes"),
     ["body", "phases", 1, "minutes"]),
    ("pick 3 of 2", lambda d: d["sections"][1].update(choose=3, options=d["sections"][1][
        "options"][:2]), ["body", "sections", 1, "choose"]),
    ("section no phase uses", lambda d: d["sections"].append(
        {"key": "spare", "kind": "cards", "title": "Spare"}), ["body", "sections", 2, "key"]),
    ("duplicate phase keys", lambda d: d["phases"][1].update(key="alone"),
     ["body", "phases", 1, "key"]),
    ("duplicate section keys", lambda d: d["sections"][1].update(key="ideas"),
     ["body", "sections", 1, "key"]),
    ("duplicate option values", lambda d: d["sections"][1]["options"][2].update(value="one"),
     ["body", "sections", 1, "options", 2]),
    ("unknown section in a phase", lambda d: d["phases"][0].update(sections=["nope"]),
     ["body", "phases", 0, "sections"]),
    ("plenary not last", lambda d: d["phases"].reverse(), ["body", "phases", 2, "mode"]),
    ("blank phase title", lambda d: d["phases"][2].update(title="  "),
     ["body", "phases", 2, "title"]),
    ("title longer than a workshop's", lambda d: d.update(title="x" * 121), ["body", "title"]),
    ("vote outside a group phase", lambda d: d["phases"][0].update(vote={"per_person": 3}),
     ["body", "phases", 0, "vote"]),
    ("vote on a pick section", lambda d: d["phases"][1].update(
        vote={"per_person": 3, "sections": ["top"]}), ["body", "phases", 1, "vote"]),
]


@pytest.mark.parametrize(("change", "loc"), [(c, loc) for _, c, loc in BAD],
                         ids=[name for name, _, _ in BAD])
async def test_a_bad_template_is_refused_with_the_field_located_and_nothing_saved(
        http: httpx.AsyncClient, change: Any, loc: list[Any]) -> None:
    saved = await save(http)
    response = await http.post("/api/templates", json=_with(change))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert loc in [f["loc"] for f in body["fields"]], body
    # The same body as a change: refused, and the saved template stays as it was.
    changed = await http.put(f"/api/templates/{saved['key']}", json=_with(change),
                             headers=bearer(saved["edit_token"]))
    assert changed.status_code == 422
    assert (await http.get(f"/api/templates/{saved['key']}")).json()["phases"][1][
        "minutes"] == 10


async def test_a_changed_list_that_its_translations_no_longer_match_is_located_there(
        http: httpx.AsyncClient) -> None:
    data = tomllib.loads((TEMPLATE_DIR / "activity-2.toml").read_text())
    assert data["translations"]
    data["phases"][0]["prompts"].append("One more question?")
    response = await http.post("/api/templates", json=data)
    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"] == ["body", "translations"]
    del data["translations"]
    assert (await http.post("/api/templates", json=data)).status_code == 201


async def test_toml_syntax_errors_and_duplicate_toml_keys_give_line_and_column(
        http: httpx.AsyncClient) -> None:
    broken = await http.post("/api/templates", content=b'title = "x"\nsummary = \n',
                             headers=TOML)
    assert broken.status_code == 422
    assert "line 2, column" in broken.json()["message"]
    assert broken.json()["fields"][0]["loc"] == ["body"]
    twice = await http.post("/api/templates", content=b'title = "a"\ntitle = "b"\n',
                            headers={"Content-Type": "text/plain"})
    assert twice.status_code == 422 and "line 2" in twice.json()["message"]


async def test_an_upload_over_the_body_limit_is_refused_before_it_is_parsed(
        http: httpx.AsyncClient) -> None:
    huge = b'title = "' + b"x" * (2 * 1024 * 1024) + b'"\n'
    response = await http.post("/api/templates", content=huge, headers=TOML)
    assert response.status_code == 413 and response.json()["code"] == "too_large"


async def test_an_unknown_media_type_is_refused_clearly(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/templates", content=b"<xml/>",
                               headers={"Content-Type": "application/xml"})
    assert response.status_code == 422 and "application/toml" in response.json()["message"]


async def test_check_reads_a_file_for_the_editor_without_saving_it(
        http: httpx.AsyncClient) -> None:
    ok = await http.post("/api/templates/check", content=THREE_PHASES.encode(), headers=TOML)
    assert ok.status_code == 200 and ok.json()["fields"] == []
    bad = await http.post("/api/templates/check",
                          json=_with(lambda d: d["phases"][0].pop("minutes")))
    assert bad.status_code == 200 and bad.json()["template"]["title"] == "Retro"
    assert bad.json()["fields"][0]["loc"] == ["body", "phases", 0, "minutes"]


async def test_only_the_edit_token_changes_or_deletes_a_template(
        http: httpx.AsyncClient) -> None:
    saved = await save(http)
    other = await save(http)
    url = f"/api/templates/{saved['key']}"
    assert (await http.put(url, json=as_data())).status_code == 401
    assert (await http.delete(url)).status_code == 401
    wrong = await http.put(url, json=as_data(), headers=bearer(other["edit_token"]))
    assert wrong.status_code == 401 and wrong.json()["code"] == "forbidden"
    assert (await http.delete(url, headers=bearer("x" * 43))).status_code == 401
    built_in = await http.put("/api/templates/activity-2", json=as_data(),
                              headers=bearer(saved["edit_token"]))
    assert built_in.status_code == 403
    missing = await http.delete("/api/templates/t-0000000000000000",
                                headers=bearer(saved["edit_token"]))
    assert missing.status_code == 404
    assert (await http.get(url)).status_code == 200


async def test_a_workshop_keeps_its_copy_while_the_template_is_edited_and_deleted(
        server: RunningServer, http: httpx.AsyncClient) -> None:
    saved = await save(http)
    workshop = await create_workshop(http, template=saved["key"], minutes={"alone": 3})
    info = (await http.get(f"/api/workshops/{workshop.code}")).json()
    copy_key = info["template"]
    assert copy_key.startswith("w-") and info["template_title"] == "Retro"
    edited = _with(lambda d: (d.update(title="Changed"), d["phases"][1].update(minutes=50)))
    response = await http.put(f"/api/templates/{saved['key']}", json=edited,
                              headers=bearer(saved["edit_token"]))
    assert response.status_code == 200
    assert (await http.get(f"/api/templates/{saved['key']}")).json()["title"] == "Changed"
    started = await phase(http, workshop, "start")
    assert started["key"] == "alone" and started["minutes"] == 3
    deleted = await http.delete(f"/api/templates/{saved['key']}",
                                headers=bearer(saved["edit_token"]))
    assert deleted.status_code == 204
    assert (await http.get(f"/api/templates/{saved['key']}")).status_code == 404
    assert (await http.put(f"/api/templates/{saved['key']}", json=as_data(), headers=bearer(
        saved["edit_token"]))).status_code == 404
    nxt = await phase(http, workshop, "next")
    assert nxt["key"] == "together" and nxt["minutes"] == 10
    copy = (await http.get(f"/api/templates/{copy_key}")).json()
    assert copy["title"] == "Retro" and copy["phases"][1]["minutes"] == 10
    # A workshop's copy is not anyone's to change, and goes with the workshop.
    assert (await http.delete(f"/api/templates/{copy_key}", headers=bearer(
        saved["edit_token"]))).status_code == 403
    gone = await http.delete(f"/api/workshops/{workshop.code}", headers=workshop.auth)
    assert gone.status_code == 204
    assert (await http.get(f"/api/templates/{copy_key}")).status_code == 404


async def test_a_workshop_made_from_a_deleted_template_is_refused(
        http: httpx.AsyncClient) -> None:
    saved = await save(http)
    await http.delete(f"/api/templates/{saved['key']}", headers=bearer(saved["edit_token"]))
    response = await http.post("/api/workshops", json={"template": saved["key"]})
    assert response.status_code == 422 and "deleted" in response.json()["message"]


async def test_another_process_runs_a_workshop_made_from_a_saved_template(
        database_url: str, clock: FakeClock) -> None:
    async with running_server(database_url, clock) as first, first.http() as http:
        saved = await save(http)
        workshop = await create_workshop(http, template=saved["key"])
    # A second server on the same database has never seen the copy: it reads it.
    async with running_server(database_url, clock) as second, second.http() as http:
        info = (await http.get(f"/api/workshops/{workshop.code}")).json()
        assert info["template_title"] == "Retro"
        assert (await phase(http, workshop, "start"))["key"] == "alone"
