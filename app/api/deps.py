"""Request dependencies shared by the REST endpoints: the live service and who is asking."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request

from app.live import Live
from app.workshops.codes import normalise_code
from app.workshops.tokens import token_matches


def get_live(request: Request) -> Live:
    live: Live = request.app.state.live
    return live


LiveDep = Annotated[Live, Depends(get_live)]


async def get_workshop(code: str, live: LiveDep) -> dict[str, Any]:
    canonical = normalise_code(code)
    workshop = None if canonical is None else await live.find_workshop(canonical)
    if workshop is None:
        raise HTTPException(404, detail=f"There is no workshop with the code {code!r}. "
                            "Check the code and try again.")
    return workshop


WorkshopDep = Annotated[dict[str, Any], Depends(get_workshop)]


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, detail="Send the facilitator token as "
                            "'Authorization: Bearer <token>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


async def require_facilitator(workshop: WorkshopDep, live: LiveDep,
                              token: Annotated[str, Depends(bearer_token)]) -> dict[str, Any]:
    if token_matches(token, workshop["facilitator_token_hash"]):
        return workshop
    person = await live.find_participant(workshop, token)
    if person is not None:
        raise HTTPException(403, detail="Only the facilitator may do this.")
    raise HTTPException(401, detail="This token is not valid for this workshop.",
                        headers={"WWW-Authenticate": "Bearer"})


FacilitatorDep = Annotated[dict[str, Any], Depends(require_facilitator)]
