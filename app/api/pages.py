"""The HTML pages: static files from web/, one per role, with strict security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

WEB_DIR = Path(__file__).resolve().parent.parent.parent / "web"
router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / name, media_type="text/html",
                        headers={"Cache-Control": "no-cache"})


@router.get("/")
async def home() -> FileResponse:
    return _page("index.html")


@router.get("/j/{code}")
async def join_link(code: str) -> FileResponse:
    return _page("index.html")


@router.get("/create")
async def create() -> FileResponse:
    return _page("create.html")


@router.get("/w/{code}")
async def board(code: str) -> FileResponse:
    return _page("board.html")


@router.get("/w/{code}/facilitate")
async def facilitate(code: str) -> FileResponse:
    return _page("facilitate.html")


@router.get("/w/{code}/screen")
async def screen(code: str) -> FileResponse:
    return _page("screen.html")


@router.get("/screen")
async def any_screen() -> FileResponse:
    """The projector on any browser: it shows a pairing code until the facilitator pairs it."""
    return _page("screen.html")


@router.get("/pair")
async def pair_screen() -> FileResponse:
    """The facilitator's side of a pairing link (/pair?code=…), opened from the screen's QR."""
    return _page("pair.html")


@router.get("/w/{code}/handout")
async def handout(code: str) -> FileResponse:
    """The printable handout (facilitator: it reads the report with the key in this browser)."""
    return _page("handout.html")


@router.get("/privacy")
async def privacy() -> FileResponse:
    """What is stored, for how long, who sees it, and how to erase it (linked from every page)."""
    return _page("privacy.html")
