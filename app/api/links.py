"""The links people open: join, facilitate and screen URLs, the join QR code, and whether
phones in the room can reach the join link."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from app.api.deps import ServicesDep, WorkshopDep
from app.api.responses import WORKSHOP_ERRORS
from app.config import Settings
from app.network import is_loopback_url, lan_addresses
from app.workshops.qr import qr_svg

router = APIRouter(prefix="/api/workshops", tags=["workshops"])


class WorkshopUrls(BaseModel):
    join: str
    facilitate: str
    screen: str


class JoinLink(BaseModel):
    url: str
    # True when the link only works on the computer that opened it (127.0.0.1, localhost).
    loopback: bool
    # The same link on each LAN address of the server, for phones in the room.
    lan_urls: list[str]


def public_base(request: Request, settings: Settings) -> str:
    """The configured public URL, or else the address this request came in on, so links
    always point where the server actually is."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def workshop_urls(base: str, code: str) -> WorkshopUrls:
    return WorkshopUrls(join=f"{base}/j/{code}", facilitate=f"{base}/w/{code}/facilitate",
                        screen=f"{base}/w/{code}/screen")


@router.get("/{code}/join-link", responses=WORKSHOP_ERRORS)
async def join_link(request: Request, workshop: WorkshopDep,
                    services: ServicesDep) -> JoinLink:
    """The join link the facilitator shows, the one its QR code encodes."""
    url = workshop_urls(public_base(request, services.settings), workshop["code"]).join
    lan: list[str] = []
    if is_loopback_url(url):
        port = request.url.port
        suffix = f":{port}" if port else ""
        lan = [f"{request.url.scheme}://{address}{suffix}/j/{workshop['code']}"
               for address in lan_addresses()]
    return JoinLink(url=url, loopback=is_loopback_url(url), lan_urls=lan)


@router.get("/{code}/qr.svg", response_class=Response,
            responses={**WORKSHOP_ERRORS, 200: {"description": "The join link as a QR code",
                                                "content": {"image/svg+xml": {}}}})
async def join_qr(request: Request, workshop: WorkshopDep, services: ServicesDep) -> Response:
    """The join link as a QR code; the code is public, so no token is needed."""
    url = workshop_urls(public_base(request, services.settings), workshop["code"]).join
    # Not cached by shared caches: the link depends on the address it was asked on.
    return Response(qr_svg(url), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=300", "Vary": "Host"})
