"""One error shape: every HTTP error is ``{"code", "message"}`` (plus ``"fields"`` on a 422),
the board socket's error frames alike, and every route declares the errors it can return."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import httpx
from conftest import Client, RunningServer, create_workshop, join
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import Mount

from app.api.deps import get_workshop, require_facilitator
from app.config import Settings
from app.errors import ErrorBody
from app.http import STATUS_FOR
from app.main import create_app
from app.protocol.limits import MAX_ID

BEYOND_SQLITE = 2**63  # one more than SQLite's largest integer


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the one error shape, with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    ErrorBody.model_validate(body)
    assert set(body) <= {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"].strip() and body["message"].endswith((".", "?", "!"))
    assert ("fields" in body) == (status == 422), body
    for field in body.get("fields", []):
        assert set(field) == {"loc", "message"} and field["message"]
    return body


async def test_an_id_beyond_what_a_database_holds_is_refused_not_a_server_error(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http)
    base = f"/api/workshops/{workshop.code}"
    person = await join(http, workshop.code, "Ann")

    response = await http.patch(f"{base}/groups/{BEYOND_SQLITE}", json={"name": "Tutors"},
                                headers=workshop.auth)
    body = assert_error(response, 422, "invalid")
    assert body["fields"][0]["loc"] == ["path", "group_id"]
    for bad in (0, -1, MAX_ID + 1, 2**53 + 1, 10**30):
        response = await http.patch(f"{base}/groups/{bad}", json={"name": "Tutors"},
                                    headers=workshop.auth)
        assert_error(response, 422, "invalid")
    # Within bounds, a group that does not exist is simply not found, on either database.
    response = await http.patch(f"{base}/groups/{MAX_ID}", json={"name": "Tutors"},
                                headers=workshop.auth)
    assert_error(response, 404, "not_found")

    for method, path, payload in [
        ("POST", f"{base}/participants", {"name": "Bob", "group_id": BEYOND_SQLITE}),
        ("PATCH", f"{base}/participants/{person['participant_id']}",
         {"group_id": BEYOND_SQLITE}),
        ("POST", f"{base}/spotlight", {"group_id": BEYOND_SQLITE}),
        ("PUT", f"{base}/groups", {"count": BEYOND_SQLITE}),
        ("POST", f"{base}/phase", {"action": "extend", "seconds": BEYOND_SQLITE}),
    ]:
        response = await http.request(method, path, json=payload, headers=workshop.auth)
        body = assert_error(response, 422, "invalid")
        assert body["fields"][0]["loc"][0] == "body", body
    response = await http.delete(f"{base}/screens/{BEYOND_SQLITE}", headers=workshop.auth)
    assert_error(response, 422, "invalid")


async def test_a_body_that_is_not_json_gets_the_error_shape(http: httpx.AsyncClient) -> None:
    workshop = await create_workshop(http)
    for content in (b"{not json", b'{"name": "Ann"', b"\xff\xfe\x00", b"[1, 2"):
        response = await http.post(f"/api/workshops/{workshop.code}/participants",
                                   content=content,
                                   headers={"Content-Type": "application/json"})
        body = assert_error(response, 422, "invalid")
        assert body["message"].startswith("The request body is not valid JSON")
        assert [f["loc"] for f in body["fields"]] == [["body"]]


async def test_a_validation_error_locates_every_problem(http: httpx.AsyncClient) -> None:
    response = await http.post("/api/workshops", json={"groups": "many", "colour": "red"})
    body = assert_error(response, 422, "invalid")
    assert {tuple(f["loc"]) for f in body["fields"]} == {
        ("body", "template"), ("body", "groups"), ("body", "colour")}
    assert "more" in body["message"]


async def test_unknown_addresses_and_methods_get_the_error_shape(
    http: httpx.AsyncClient,
) -> None:
    for path in ("/api/nothing-here", "/nothing", "/static/nothing.js", "/api/templates/%0Ax",
                 "/ws/workshops/ABCDEF"):
        body = assert_error(await http.get(path), 404, "not_found")
        assert body["message"] == "There is nothing at this address."
    response = await http.delete("/api/templates")
    body = assert_error(response, 405, "invalid")
    assert body["message"] == "This address does not accept DELETE requests."
    assert response.headers["allow"] == "GET"
    assert_error(await http.get("/api/workshops/ZZZZZZ"), 404, "not_found")
    assert_error(await http.get("/api/templates/nope"), 404, "not_found")


async def test_refused_tokens_and_big_bodies_get_the_error_shape(
    http: httpx.AsyncClient,
) -> None:
    workshop = await create_workshop(http)
    person = await join(http, workshop.code, "Ann")
    roster = f"/api/workshops/{workshop.code}/roster"
    response = await http.get(roster)
    assert_error(response, 401, "forbidden")
    assert response.headers["www-authenticate"] == "Bearer"
    assert_error(await http.get(roster, headers={"Authorization": "Bearer nope"}), 401,
                 "forbidden")
    assert_error(await http.get(roster, headers={"Authorization": f"Bearer {person['token']}"}),
                 403, "forbidden")
    response = await http.post("/api/workshops", content=b"x" * 70_000,
                               headers={"Content-Type": "application/json"})
    assert_error(response, 413, "too_large")
    response = await http.put(f"/api/workshops/{workshop.code}/groups", json={"count": 50},
                              headers=workshop.auth)
    assert_error(response, 422, "invalid")  # a rule's refusal: fields, empty


async def test_a_bad_frame_on_the_board_socket_gets_the_same_shape(
    server: RunningServer, http: httpx.AsyncClient
) -> None:
    workshop = await create_workshop(http)
    client = await Client.connect(server, workshop.code, workshop.token)
    await client.synced()
    group = next(room for room in client.welcome["rooms"] if room.startswith("group:"))
    op_id = await client.op(group, "note.create", {"section": "commonalities", "x": "left",
                                                   "y": -1})
    error = await client.ack(op_id)
    assert error["type"] == "error" and error["code"] == "invalid"
    assert error["message"].startswith("data.x:")
    assert [f["loc"] for f in error["fields"]] == [["data", "x"], ["data", "y"]]
    ErrorBody.model_validate({k: error[k] for k in ("code", "message", "fields")})
    # An error that no validation made has no fields, as over HTTP.
    op_id = await client.op(group, "note.create", {"section": "nosuch"})
    error = await client.ack(op_id)
    assert error["code"] == "invalid" and "fields" not in error
    await client.close()


# --- every route declares what it can return -------------------------------------------

def _api() -> FastAPI:
    app = create_app(Settings(database_url="sqlite://"), run_scheduler=False)
    mounted = next(r.app for r in app.routes if isinstance(r, Mount))
    assert isinstance(mounted, FastAPI)
    return mounted


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, those of included routers too (FastAPI keeps those in the router
    they were declared in)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def _raised_statuses(function: Any) -> set[int]:
    """The statuses a function's own code raises: HTTPException(4xx) and OpError(code)."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return set()
    statuses = {int(s) for s in re.findall(r"HTTPException\(\s*(\d{3})", source)}
    statuses |= {STATUS_FOR[c] for c in re.findall(r'OpError\(\s*"(\w+)"', source)}
    return statuses


def can_return(route: APIRoute) -> set[int]:
    """The error statuses a route can answer, as far as its declaration and code show (what
    the services raise is the fuzz test's business)."""
    statuses: set[int] = set()
    for dependant in _dependants(route.dependant):
        if dependant.path_params or dependant.query_params or dependant.header_params \
                or dependant.cookie_params or dependant.body_params:
            statuses.add(422)
        if dependant.body_params:
            statuses |= {413, 422}
        if dependant.call is get_workshop:
            statuses.add(404)
        if dependant.call is require_facilitator:
            statuses |= {401, 403}
        statuses |= _raised_statuses(dependant.call)
    return statuses


def test_every_route_declares_the_errors_it_can_return_with_the_one_error_body() -> None:
    api = _api()
    schema = api.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    undeclared, not_the_shape = [], []
    routes = [r for r in api_routes(api.routes) if r.include_in_schema]
    assert len(routes) > 20
    for route in routes:
        for method in route.methods:
            responses = schema["paths"][route.path_format][method.lower()]["responses"]
            missing = can_return(route) - {int(s) for s in responses}
            if missing:
                undeclared.append(f"{method} {route.path_format}: {sorted(missing)}")
            for status, response in responses.items():
                if status.startswith("4"):
                    ref = response.get("content", {}).get("application/json", {}) \
                        .get("schema", {}).get("$ref", "")
                    if ref != "#/components/schemas/ErrorBody":
                        not_the_shape.append(f"{method} {route.path_format} {status}")
    assert undeclared == []
    assert not_the_shape == []


def test_the_error_body_is_documented_once() -> None:
    components = _api().openapi()["components"]["schemas"]
    body = components["ErrorBody"]
    assert set(body["required"]) == {"code", "message"}
    assert set(body["properties"]) == {"code", "message", "fields"}
    assert set(body["properties"]["code"]["enum"]) == set(STATUS_FOR)
    assert set(components["FieldError"]["properties"]) == {"loc", "message"}
