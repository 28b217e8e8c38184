"""REST endpoints for projector screens: a screen gets its own read-only token and a pairing
code; the facilitator pairs it with the workshop, lists and unpairs its screens.

The screen page then opens the board socket with its own token (docs/protocol.md §2.2).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.api.deps import FacilitatorDep, ServicesDep, bearer
from app.api.links import public_base
from app.api.responses import (
    FACILITATOR_ERRORS,
    FACILITATOR_READ_ERRORS,
    PUBLIC_ERRORS,
    SCREEN_ERRORS,
    errors,
)
from app.errors import OpError
from app.principal import screen_principal_id, workshop_room
from app.workshops.codes import normalise_code
from app.workshops.qr import qr_svg

router = APIRouter(tags=["screens"])


class CreatedScreen(BaseModel):
    id: int
    # Shown on the screen for the facilitator to type; usable once, until expires_at.
    pairing_code: str
    # The screen's own credential: send it as a Bearer token and in the socket's hello.
    token: str
    expires_at: float
    server_now: float


class ScreenStatus(BaseModel):
    id: int
    # The workshop the screen is paired with; null while waiting or after unpairing.
    workshop_code: str | None
    paired_at: float | None
    # While waiting: the code to show and when it stops working; null otherwise (a screen
    # unpaired after use has no code: it asks POST /api/screens for a new one).
    pairing_code: str | None
    expires_at: float | None
    server_now: float


class PairScreen(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pairing_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                   max_length=20)]


class PairedScreen(BaseModel):
    id: int
    paired_at: float
    # When the screen last opened a socket; null if it has not yet.
    last_seen: float | None
    # Whether a socket of the screen is open now.
    online: bool


ScreenId = Annotated[int, Path(ge=1, le=2**53)]


@router.post("/api/screens", status_code=201, response_model=CreatedScreen,
             responses=errors(409, 429))
async def create_screen(services: ServicesDep) -> CreatedScreen:
    """A new screen with its own read-only token and a pairing code, bound to no workshop."""
    row, token = await services.screens.create()
    return CreatedScreen(id=row["id"], pairing_code=row["pairing_code"], token=token,
                         expires_at=row["expires_at"], server_now=services.clock())


@router.get("/api/screens/me", response_model=ScreenStatus, responses=SCREEN_ERRORS)
async def my_screen(token: Annotated[str, Depends(bearer("the screen's token"))],
                    services: ServicesDep) -> ScreenStatus:
    """The screen this token belongs to: its workshop once paired (Bearer: the screen token)."""
    screen = await services.screens.find(token)
    if screen is None:
        raise HTTPException(401, detail="This is not a screen's token, or the screen was "
                            "dropped: create a new screen.",
                            headers={"WWW-Authenticate": "Bearer"})
    now = services.clock()
    waiting = screen["pairing_code"] is not None and screen["expires_at"] >= now
    return ScreenStatus(id=screen["id"], workshop_code=screen["workshop_code"],
                        paired_at=screen["paired_at"],
                        pairing_code=screen["pairing_code"] if waiting else None,
                        expires_at=screen["expires_at"] if waiting else None, server_now=now)


@router.get("/api/screens/pair-qr.svg", response_class=Response,
            responses={**PUBLIC_ERRORS, 200: {"description": "The pairing link as a QR code",
                                              "content": {"image/svg+xml": {}}}})
async def pair_qr(request: Request, services: ServicesDep,
                  code: Annotated[str, Query(min_length=1, max_length=20)]) -> Response:
    """The link that pairs a screen (``<public base>/pair?code=…``) as a QR code, for the
    screen to show beside its code. The code is not a credential (the facilitator's key does
    the pairing), so no token is needed; nothing is looked up, only the code's form checked."""
    pairing_code = normalise_code(code)
    if pairing_code is None:
        raise OpError("invalid", "A pairing code is six letters and digits.")
    url = f"{public_base(request, services.settings)}/pair?code={pairing_code}"
    return Response(qr_svg(url, title="Pair this screen"), media_type="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=300", "Vary": "Host"})


@router.post("/api/workshops/{code}/screens", status_code=204, response_class=Response,
             responses=FACILITATOR_ERRORS)
async def pair_screen(body: PairScreen, workshop: FacilitatorDep,
                      services: ServicesDep) -> None:
    """Pair the screen showing this code with the workshop; the code is then spent."""
    await services.screens.pair(workshop, body.pairing_code)


@router.get("/api/workshops/{code}/screens", response_model=list[PairedScreen],
            responses=FACILITATOR_READ_ERRORS)
async def list_screens(workshop: FacilitatorDep, services: ServicesDep) -> list[PairedScreen]:
    online = {m.id for m in services.hub.members(workshop_room(workshop["id"]))}
    return [PairedScreen(id=s["id"], paired_at=s["paired_at"], last_seen=s["last_seen"],
                         online=screen_principal_id(s["id"]) in online)
            for s in await services.screens.paired(workshop)]


@router.delete("/api/workshops/{code}/screens/{screen_id}", status_code=204,
               response_class=Response, responses=FACILITATOR_READ_ERRORS)
async def unpair_screen(screen_id: ScreenId, workshop: FacilitatorDep,
                        services: ServicesDep) -> None:
    """Unpair the screen: its token stops opening the workshop and its sockets close (4401)."""
    await services.screens.unpair(workshop, screen_id)
