"""The HTML pages: static files from web/, one per role, with strict security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"
router = APIRouter(include_in_schema=False)

# Path -> the page it serves (a {code} in the path is read by the page's script).
PAGES = {
    "/": "index.html",
    "/j/{code}": "index.html",
    "/create": "create.html",
    # The template editor: its keys and edit tokens stay in the browser (web/js/editor).
    "/editor": "editor.html",
    "/w/{code}": "board.html",
    "/w/{code}/facilitate": "facilitate.html",
    # The projector: on any browser it shows a pairing code until the facilitator pairs it.
    "/w/{code}/screen": "screen.html",
    "/screen": "screen.html",
    # The facilitator's side of a pairing link (/pair?code=…), opened from the screen's QR.
    "/pair": "pair.html",
    # The printable handout (facilitator: it reads the report with the key in this browser).
    "/w/{code}/handout": "handout.html",
    # What is stored, for how long, who sees it, and how to erase it (linked from every page).
    "/privacy": "privacy.html",
}


def _page(name: str) -> Callable[[], Awaitable[FileResponse]]:
    async def serve() -> FileResponse:
        return FileResponse(WEB_DIR / name, media_type="text/html",
                            headers={"Cache-Control": "no-cache"})
    return serve


for _path, _name in PAGES.items():
    router.add_api_route(_path, _page(_name), methods=["GET"])
