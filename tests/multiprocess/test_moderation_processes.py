"""Moderation across two server processes (PostgreSQL and Redis): what the facilitator does
on one process closes or moves the sockets concerned on the other, as deleting a
workshop (4410) and unpairing a screen (4401) do."""

from __future__ import annotations

import httpx
import pytest
import websockets
from conftest import create_workshop, join
from test_two_processes import Process, connect, http, processes, redis_url  # noqa: F401


async def closed_code(client: object) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await client.recv(timeout=5)  # type: ignore[attr-defined]
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_remove_move_and_revoke_on_one_process_reach_the_sockets_on_the_other(
    processes: list[Process], http: httpx.AsyncClient,  # noqa: F811
) -> None:
    a, b = processes
    http.base_url = httpx.URL(a.base_url)
    workshop = await create_workshop(http, groups=2)
    ann = await join(http, workshop.code, "Ann")
    cy = await join(http, workshop.code, "Cy")
    co = (await http.post(f"/api/workshops/{workshop.code}/facilitators", json={},
                          headers=workshop.auth)).json()
    ann_b = await connect(b, workshop.code, ann["token"])
    cy_b = await connect(b, workshop.code, cy["token"])
    co_b = await connect(b, workshop.code, co["token"])
    for client in (ann_b, cy_b, co_b):
        await client.synced()
    base = f"/api/workshops/{workshop.code}"
    response = await http.patch(f"{base}/participants/{ann['participant_id']}",
                                json={"group_id": cy["group_id"]}, headers=workshop.auth)
    assert response.status_code == 200
    # Moved on process a, switched in place on process b: the new group's snapshot follows.
    moved = await ann_b.until(lambda f: f["type"] == "rooms", timeout=10)
    assert f"group:{cy['group_id']}" in moved["rooms"]
    snapshot = await ann_b.until(lambda f: f["type"] == "snapshot", timeout=10)
    assert snapshot["room"] == f"group:{cy['group_id']}"
    response = await http.delete(f"{base}/participants/{cy['participant_id']}",
                                 headers=workshop.auth)
    assert response.status_code == 204
    assert await closed_code(cy_b) == 4403
    response = await http.delete(f"{base}/facilitators/{co['id']}", headers=workshop.auth)
    assert response.status_code == 204
    assert await closed_code(co_b) == 4401
    # The moved participant lands in the new group on either process.
    again = await connect(b, workshop.code, ann["token"])
    assert f"group:{cy['group_id']}" in again.welcome["rooms"]
    await again.close()
