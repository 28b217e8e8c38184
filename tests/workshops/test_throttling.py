"""Quotas and throttles, on a real server with a fake clock: workshops per address, the
organiser key, the lock-out of join-code guessers (REST and socket hellos), the op rate of
a participant across all of their sockets, the cap on their sockets, and who the client is
behind a proxy. Nothing here sleeps: the throttles run on the app's injected clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from conftest import (
    Client,
    FakeClock,
    RunningServer,
    Workshop,
    create_workshop,
    join,
    phase,
    running_server,
)

from app.client_address import TrustedProxies
from app.throttle import MissBackoff, WindowLimit

ATTACKER = {"X-Forwarded-For": "203.0.113.9"}
PARTICIPANT = {"X-Forwarded-For": "198.51.100.7"}
ORGANISER = {"X-Forwarded-For": "192.0.2.1"}
PROXY = ["127.0.0.1"]  # the test client's peer, as a proxy in front of the server
NOWHERE = "ZZZZZZ"  # a well-formed code no workshop has


async def create(http: httpx.AsyncClient, headers: dict[str, str] | None = None
                 ) -> httpx.Response:
    return await http.post("/api/workshops", json={"template": "activity-2", "groups": 1},
                           headers=headers)


def refused(response: httpx.Response) -> str:
    """The 429's message, after checking its status, code and Retry-After."""
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "rate_limited"
    message: str = body.get("message") or body["detail"]
    assert message.startswith("Too many") and "Try again" in message
    return response.headers["Retry-After"]


async def test_the_twenty_first_workshop_in_an_hour_is_refused_per_address(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, trusted_proxies=PROXY) as server, \
            server.http() as http:
        limits = (await http.get("/api/limits")).json()
        assert limits["workshops_per_address"] == 20
        assert limits["workshops_window_seconds"] == 3600
        for n in range(20):
            clock.advance(60)  # one a minute: the first is 20 minutes old at the 21st
            assert (await create(http, ORGANISER)).status_code == 201, n
        assert refused(await create(http, ORGANISER)) == str(3600 - 19 * 60)
        # Behind the trusted proxy, another address has its own count.
        assert (await create(http, PARTICIPANT)).status_code == 201
        # Refused attempts count too; the window slides: one more a minute after the first.
        clock.advance(3600 - 19 * 60 - 1)
        assert refused(await create(http, ORGANISER)) == "1"
        clock.advance(1)
        assert (await create(http, ORGANISER)).status_code == 201
        assert refused(await create(http, ORGANISER)) == "60"
        clock.advance(3600)
        assert (await create(http, ORGANISER)).status_code == 201


async def test_x_forwarded_for_is_ignored_from_a_peer_that_is_not_a_trusted_proxy(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, workshops_per_address=2) as server, \
            server.http() as http:
        assert (await create(http, ORGANISER)).status_code == 201
        assert (await create(http, PARTICIPANT)).status_code == 201
        # A made-up X-Forwarded-For does not make a new address: the peer is the client.
        refused(await create(http, {"X-Forwarded-For": "192.0.2.200"}))
        refused(await create(http))


def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy() -> None:
    proxies = TrustedProxies(["10.0.0.0/8", "127.0.0.1"])
    assert proxies.client("127.0.0.1", ["6.6.6.6, 203.0.113.9, 10.1.2.3"]) == "203.0.113.9"
    assert proxies.client("127.0.0.1", ["6.6.6.6", "203.0.113.9"]) == "203.0.113.9"
    assert proxies.client("127.0.0.1", []) == "127.0.0.1"
    assert proxies.client("192.0.2.7", ["203.0.113.9"]) == "192.0.2.7"  # not a proxy of ours
    assert proxies.client("10.0.0.1", ["10.0.0.2"]) == "10.0.0.2"  # all trusted: the first
    # IPv6 counts per /64: one subscriber usually has a whole one.
    assert proxies.client("2001:db8::1", []) == proxies.client("2001:db8::ffff", []) \
        == "2001:db8::/64"
    assert TrustedProxies([]).client("127.0.0.1", ["203.0.113.9"]) == "127.0.0.1"
    with pytest.raises(ValueError, match="not an IP"):
        TrustedProxies(["10.0.0.0/8", "proxy.local"])


async def test_with_an_organiser_key_creating_needs_it_and_the_limits_say_so(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock, organiser_key="blue-heron-42") as server, \
            server.http() as http:
        assert (await http.get("/api/limits")).json()["organiser_key_required"] is True
        missing = await create(http)
        assert missing.status_code == 401 and "X-Organiser-Key" in missing.text
        wrong = await create(http, {"X-Organiser-Key": "blue-heron-41"})
        assert wrong.status_code == 403 and wrong.json()["code"] == "forbidden"
        assert "organiser key" in wrong.text
        right = await create(http, {"X-Organiser-Key": "blue-heron-42"})
        assert right.status_code == 201
    async with running_server(database_url, clock) as server, server.http() as http:
        assert (await http.get("/api/limits")).json()["organiser_key_required"] is False
        assert (await create(http)).status_code == 201


async def _facilitated(server: RunningServer) -> Workshop:
    async with server.http() as http:
        response = await create(http, ORGANISER)
        assert response.status_code == 201
        body = response.json()
        return Workshop(body["code"], body["id"], body["facilitator_token"], body)


@contextlib.asynccontextmanager
async def _behind_proxy(database_url: str, clock: FakeClock
                        ) -> AsyncIterator[tuple[RunningServer, httpx.AsyncClient, Workshop]]:
    """A server behind a trusted proxy, a client of it, and a workshop an organiser made."""
    async with running_server(database_url, clock, trusted_proxies=PROXY) as server, \
            server.http() as http:
        yield server, http, await _facilitated(server)


async def test_join_code_guessing_backs_off_exponentially_and_spares_everyone_else(
    database_url: str, clock: FakeClock
) -> None:
    async with _behind_proxy(database_url, clock) as (_, http, workshop):
        real = f"/api/workshops/{workshop.code}"
        for n in range(5):  # five misses are free
            missed = await http.get(f"/api/workshops/{NOWHERE[:-1]}{'23456'[n]}", headers=ATTACKER)
            assert missed.status_code == 404
        # The sixth (a join this time) still looks, and locks the address out for 1 s.
        sixth = await http.post(f"/api/workshops/{NOWHERE}/participants", json={"name": "X"},
                                headers=ATTACKER)
        assert sixth.status_code == 404
        # Locked out, even for a code that exists: a 200 would tell the guesser.
        assert refused(await http.get(real, headers=ATTACKER)) == "1"
        assert refused(await http.post(f"{real}/participants", json={"name": "X"},
                                       headers=ATTACKER)) == "1"
        # Meanwhile a real participant from another address looks the code up and joins.
        assert (await http.get(real, headers=PARTICIPANT)).status_code == 200
        joined = await http.post(f"{real}/participants", json={"name": "Ana"},
                                 headers=PARTICIPANT)
        assert joined.status_code == 201
        # Someone whose token opens the workshop is never locked out, on any address.
        roster = await http.get(f"{real}/roster", headers={**ATTACKER, **workshop.auth})
        assert roster.status_code == 200
        # Each further miss doubles the lock-out: 2 s, 4 s, 8 s…
        waits = []
        for wait in (1, 2, 4, 8):
            clock.advance(wait)
            assert (await http.get(f"/api/workshops/{NOWHERE}", headers=ATTACKER)
                    ).status_code == 404
            waits.append(int(refused(await http.get(real, headers=ATTACKER))))
        assert waits == [2, 4, 8, 16]
        # After the lock-out, a hit works and costs nothing.
        clock.advance(16)
        assert (await http.get(real, headers=ATTACKER)).status_code == 200
        assert (await http.post(f"{real}/participants", json={"name": "Bo"},
                                headers=ATTACKER)).status_code == 201
        # The lock-out is capped (5 min), and forgotten 15 min after the last miss.
        for _ in range(12):
            clock.advance(300)
            await http.get(f"/api/workshops/{NOWHERE}", headers=ATTACKER)
        assert refused(await http.get(real, headers=ATTACKER)) == "300"
        clock.advance(300 + 900)
        assert (await http.get(f"/api/workshops/{NOWHERE}", headers=ATTACKER)
                ).status_code == 404
        assert (await http.get(real, headers=ATTACKER)).status_code == 200


async def _hello(server: RunningServer, code: str, token: str,
                 headers: dict[str, str]) -> tuple[dict[str, Any], int, str]:
    """Open a socket, say hello; returns the first frame and the close code and reason."""
    async with websockets.connect(server.ws_url(code), additional_headers=headers,
                                  close_timeout=2) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token, "since": {}}))
        first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if first["type"] == "welcome":
            return first, 0, ""
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None
    return first, closed.value.rcvd.code, closed.value.rcvd.reason


async def test_socket_hellos_with_bad_codes_are_throttled_too(
    database_url: str, clock: FakeClock
) -> None:
    async with _behind_proxy(database_url, clock) as (server, http, workshop):
        ana = await join(http, workshop.code, "Ana")
        for _ in range(6):  # the sixth starts a 1 s lock-out
            frame, code, _ = await _hello(server, NOWHERE, "guess", ATTACKER)
            assert (frame["code"], code) == ("forbidden", 4401)
        frame, code, reason = await _hello(server, NOWHERE, "guess", ATTACKER)
        assert (frame["code"], code) == ("rate_limited", 4429)
        assert "Try again in 1 second" in frame["message"] and "wrong codes" in reason
        # The same lock-out holds over REST: one per address, whatever the door.
        refused(await http.get(f"/api/workshops/{workshop.code}", headers=ATTACKER))
        # A token that opens the workshop opens it, from the attacker's address too.
        assert (await _hello(server, workshop.code, ana["token"], ATTACKER))[1] == 0
        assert (await _hello(server, workshop.code, workshop.token, PARTICIPANT))[1] == 0
        clock.advance(1)
        assert (await _hello(server, NOWHERE, "guess", ATTACKER))[1] == 4401


async def _ops(client: Client, room: str, count: int) -> list[str]:
    """Send ``count`` note creations and return each one's answer (ack or an error code)."""
    op_ids = [await client.op(room, "note.create", {"section": "challenges", "text": "x"})
              for _ in range(count)]
    answers = []
    for op_id in op_ids:
        reply = await client.ack(op_id)
        answers.append("ack" if reply["type"] == "ack" else reply["code"])
    return answers


async def test_ten_sockets_with_one_token_share_one_op_bucket(
    database_url: str, clock: FakeClock
) -> None:
    # Ten sockets allowed here, to show that they do not multiply the rate.
    async with running_server(database_url, clock, sockets_per_participant=10) as server, \
            server.http() as http:
        workshop = await create_workshop(http, groups=1)
        ana = await join(http, workshop.code, "Ana")
        bo = await join(http, workshop.code, "Bo")
        for action in ("start", "next"):
            await phase(http, workshop, action)
        room = f"group:{ana['group_id']}"
        sockets = [await Client.connect(server, workshop.code, ana["token"]) for _ in range(10)]
        answers = [a for per_socket in await asyncio.gather(
            *(_ops(s, room, 20) for s in sockets)) for a in per_socket]
        # 200 sent, the clock standing still: the burst (60) and no more, across all ten.
        assert answers.count("ack") == 60
        assert answers.count("rate_limited") == 140
        # Someone else's bucket is their own.
        bo_socket = await Client.connect(server, workshop.code, bo["token"])
        assert await _ops(bo_socket, room, 5) == ["ack"] * 5
        # One second later: 20 more (ops_per_second), whichever socket sends them.
        clock.advance(1)
        answers = await _ops(sockets[3], room, 15) + await _ops(sockets[7], room, 10)
        assert answers == ["ack"] * 20 + ["rate_limited"] * 5
        for client in [*sockets, bo_socket]:
            await client.close()


async def test_a_sixth_socket_closes_the_oldest_with_4429(
    database_url: str, clock: FakeClock
) -> None:
    async with running_server(database_url, clock) as server, server.http() as http:
        workshop = await create_workshop(http, groups=1)
        ana = await join(http, workshop.code, "Ana")
        assert (await http.get("/api/limits")).json()["sockets_per_participant"] == 5
        sockets = []
        for _ in range(5):
            sockets.append(await Client.connect(server, workshop.code, ana["token"]))
            await sockets[-1].synced()
        boss = await Client.connect(server, workshop.code, workshop.token)
        sixth = await Client.connect(server, workshop.code, ana["token"])
        await sixth.synced()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await sockets[0].until(lambda f: False, timeout=5)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            4429, "too many connections for this participant")
        # The other five, and everyone else's, stay open.
        for client in [*sockets[1:], sixth, boss]:
            await client.synced()
        seventh = await Client.connect(server, workshop.code, ana["token"])
        await seventh.synced()
        with pytest.raises(websockets.ConnectionClosed):
            await sockets[1].until(lambda f: False, timeout=5)
        for client in [*sockets[2:], sixth, seventh, boss]:
            await client.synced()
            await client.close()


def test_throttles_forget_addresses_after_their_window_and_stay_bounded() -> None:
    clock = FakeClock()
    created = WindowLimit(2, 60, clock, max_keys=100)
    for n in range(1000):
        assert created.take(f"10.0.{n // 256}.{n % 256}") is None
    assert len(created) <= 100
    assert created.take("a") is None and created.take("a") is None
    assert created.take("a") == 60
    clock.advance(61)
    created.take("b")
    assert created.take("a") is None
    misses = MissBackoff(free=1, first=1, cap=4, window=30, clock=clock, max_keys=100)
    assert [misses.miss("a") for _ in range(5)] == [None, 1, 2, 4, 4]
    for n in range(500):
        misses.miss(f"host-{n}")
    assert len(misses) <= 100
