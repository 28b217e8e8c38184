"""Join links and the QR code point where the server really is: the public URL when one
is set, else the address the facilitator's request came in on; loopback is flagged."""

from __future__ import annotations

from conftest import running_server

from app.network import is_loopback_url
from app.workshops.qr import qr_svg


async def test_without_a_public_url_links_follow_the_address_the_request_used(
    database_url: str,
) -> None:
    async with running_server(database_url, public_url=None) as server, \
            server.http() as http:
        made = (await http.post("/api/workshops", json={"template": "activity-2"})).json()
        code = made["code"]
        here = f"http://127.0.0.1:{server.port}"
        assert made["urls"]["join"] == f"{here}/j/{code}"
        link = (await http.get(f"/api/workshops/{code}/join-link")).json()
        assert link["url"] == f"{here}/j/{code}" and link["loopback"] is True
        # Phones need one of the machine's LAN addresses, on the port the server uses.
        for url in link["lan_urls"]:
            assert url.endswith(f":{server.port}/j/{code}") and not is_loopback_url(url)
        # A laptop that opened the page on the LAN address gets that address back.
        lan = {"Host": f"192.168.1.20:{server.port}"}
        link = (await http.get(f"/api/workshops/{code}/join-link", headers=lan)).json()
        assert link == {"url": f"http://192.168.1.20:{server.port}/j/{code}",
                        "loopback": False, "lan_urls": []}
        qr = await http.get(f"/api/workshops/{code}/qr.svg", headers=lan)
        assert qr.content == qr_svg(link["url"])


async def test_a_public_url_wins_over_the_request_address(database_url: str) -> None:
    public = "https://flipchart.example.org"
    async with running_server(database_url, public_url=public) as server, \
            server.http() as http:
        made = (await http.post("/api/workshops", json={"template": "activity-2"})).json()
        code = made["code"]
        assert made["urls"] == {"join": f"{public}/j/{code}",
                                "facilitate": f"{public}/w/{code}/facilitate",
                                "screen": f"{public}/w/{code}/screen"}
        link = (await http.get(f"/api/workshops/{code}/join-link")).json()
        assert link == {"url": f"{public}/j/{code}", "loopback": False, "lan_urls": []}
        assert (await http.get(f"/api/workshops/{code}/qr.svg")).content == qr_svg(link["url"])


async def test_an_unknown_code_has_no_join_link(database_url: str) -> None:
    async with running_server(database_url) as server, server.http() as http:
        assert (await http.get("/api/workshops/ZZZZZZ/join-link")).status_code == 404
