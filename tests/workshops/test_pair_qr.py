"""The screen's pairing link as a QR code: /pair?code=… on the public address, for a code of
the right form only; and the pages a screen and a facilitator open to pair."""

from __future__ import annotations

import httpx
from conftest import running_server

from app.workshops.qr import qr_svg


async def test_the_pair_qr_encodes_the_pair_link_on_the_public_address(
    database_url: str,
) -> None:
    public = "https://flipchart.example.org"
    async with running_server(database_url, public_url=public) as server, \
            server.http() as http:
        screen = (await http.post("/api/screens")).json()
        code = screen["pairing_code"]
        qr = await http.get("/api/screens/pair-qr.svg", params={"code": code.lower()})
        assert qr.status_code == 200
        assert qr.headers["content-type"].startswith("image/svg+xml")
        assert qr.content == qr_svg(f"{public}/pair?code={code}", title="Pair this screen")
        # The screen's token is never part of the link.
        assert screen["token"].encode() not in qr.content


async def test_the_pair_qr_refuses_what_cannot_be_a_pairing_code(http: httpx.AsyncClient) -> None:
    for bad in ("", "ABC", "ABCDE0", "https://evil.example/", "x" * 21):
        r = await http.get("/api/screens/pair-qr.svg", params={"code": bad})
        assert r.status_code == 422, bad
        assert r.json()["code"] == "invalid"
    assert (await http.get("/api/screens/pair-qr.svg")).status_code == 422


async def test_the_screen_and_pair_pages_are_served_with_the_strict_policy(
    http: httpx.AsyncClient,
) -> None:
    for path in ("/screen", "/pair?code=ABCDEF", "/pair"):
        r = await http.get(path)
        assert r.status_code == 200, path
        assert "text/html" in r.headers["content-type"]
        assert "script-src 'self'" in r.headers["content-security-policy"]
