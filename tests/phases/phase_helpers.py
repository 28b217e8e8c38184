"""Small helpers shared by the phase tests (REST phase actions and workshop state)."""

from __future__ import annotations

from typing import Any

import httpx
from conftest import RunningServer, Workshop, create_workshop, phase


async def current(http: httpx.AsyncClient, workshop: Workshop) -> dict[str, Any]:
    response = await http.get(f"/api/workshops/{workshop.code}")
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()["phase"]
    return view


async def settings(http: httpx.AsyncClient, workshop: Workshop,
                   **changes: Any) -> httpx.Response:
    return await http.patch(f"/api/workshops/{workshop.code}", json=changes,
                            headers=workshop.auth)


async def start_one_group(server: RunningServer, template: str) -> tuple[Workshop, float]:
    """A one-group workshop of ``template`` with its first phase started; (it, ends_at)."""
    async with server.http() as http:
        workshop = await create_workshop(http, template, groups=1)
        ends_at: float = (await phase(http, workshop, "start"))["ends_at"]
    return workshop, ends_at
