"""Property-based fuzz of the REST API against its own OpenAPI schema (Schemathesis).

A real server runs; every operation in ``/openapi.json`` gets a bounded number of generated
requests, valid ones and invalid ones, with a fixed seed. Paths get a real workshop's code
most of the time (else what Schemathesis made up), and the Authorization header the
facilitator's, a participant's or a screen's token, or a made-up one. Every answer must be
no 5xx, a status the operation declares, with a declared content type and a body that
matches its schema (errors: the one error shape). Invalid input must be refused (4xx).

Schemathesis calls the server with blocking requests, so it runs in a worker thread while
the server serves on the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import requests
import schemathesis
from conftest import FakeClock, running_server
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis import checks as known_checks

# Generated requests per operation and generation mode. About 30 operations: the whole
# test stays well under a minute.
EXAMPLES = 25
CHECKS: list[Any] = [known_checks.not_a_server_error, known_checks.status_code_conformance,
                     known_checks.content_type_conformance,
                     known_checks.response_schema_conformance]
# Whose token the Authorization header carries: the facilitator's most often, as most
# operations are the facilitator's.
TOKENS = ("facilitator", "participant", "facilitator", "screen", "facilitator", "made up")


class Credentials:
    """A fresh workshop (with a participant and a paired screen) for each operation, so what
    one operation did (deleting it, starting its phases) does not hide the next."""

    def __init__(self, session: requests.Session, base_url: str) -> None:
        self._session, self._base_url = session, base_url
        self.code = ""
        self.tokens: dict[str, str] = {}

    def renew(self) -> None:
        created = self._post("/api/workshops", {"template": "activity-2", "groups": 2})
        self.code = created["code"]
        joined = self._post(f"/api/workshops/{self.code}/participants", {"name": "Fuzz"})
        screen = self._post("/api/screens", None)
        auth = {"Authorization": f"Bearer {created['facilitator_token']}"}
        self._post(f"/api/workshops/{self.code}/screens",
                   {"pairing_code": screen["pairing_code"]}, auth)
        self.tokens = {"facilitator": created["facilitator_token"],
                       "participant": joined["token"], "screen": screen["token"]}

    def _post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        response = self._session.post(self._base_url + path, json=body, headers=headers,
                                      timeout=10)
        assert response.status_code in (201, 204), response.text
        return response.json() if response.content else None


def fuzz_operation(operation: Any, mode: GenerationMode, base_url: str,
                   session: requests.Session, credentials: Credentials) -> None:
    checks = list(CHECKS)
    if mode == GenerationMode.NEGATIVE:
        checks.append(known_checks.negative_data_rejection)  # invalid input must be a 4xx

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
              report_multiple_bugs=False)
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: st.DataObject) -> None:
        if case.path_parameters and "code" in case.path_parameters \
                and data.draw(st.integers(0, 3), label="use a real code") > 0:
            case.path_parameters["code"] = credentials.code
        headers = {}
        who = TOKENS[data.draw(st.integers(0, len(TOKENS) - 1), label="token")]
        if who in credentials.tokens:
            headers["Authorization"] = f"Bearer {credentials.tokens[who]}"
        response = case.call(base_url=base_url, session=session, headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    run()


def fuzz(base_url: str, raw_schema: dict[str, Any], report: Callable[[str], None]) -> None:
    schema = schemathesis.openapi.from_dict(raw_schema)
    session = requests.Session()
    credentials = Credentials(session, base_url)
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            credentials.renew()
            try:
                fuzz_operation(operation, mode, base_url, session, credentials)
            except Unsatisfiable:
                pass  # nothing to make invalid (no parameters, or only free strings)
            # Schemathesis reports failures as a BaseExceptionGroup: every operation is
            # fuzzed, and all failures reported together.
            except (Exception, BaseExceptionGroup) as exc:
                report(f"{operation.label} ({mode.value}): {exc}")


async def test_every_operation_answers_as_the_schema_says(database_url: str,
                                                         clock: FakeClock) -> None:
    # Rate limits are the throttling tests' business: here every request must reach the app.
    async with running_server(database_url, clock, code_misses_free=10**9,
                              workshops_per_address=10**9) as server:
        async with server.http() as http:
            raw_schema = (await http.get("/openapi.json")).json()
        failures: list[str] = []
        await asyncio.to_thread(fuzz, server.base_url, raw_schema, failures.append)
    assert failures == [], "\n\n".join(failures)
