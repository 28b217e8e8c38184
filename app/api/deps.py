"""Request dependencies shared by the REST endpoints: the services and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request

from app.api.throttling import workshop_or_miss
from app.auth import bearer_token, is_facilitator
from app.errors import OpError
from app.services import Services
from app.workshops.codes import normalise_code


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_workshop(code: str, request: Request, services: ServicesDep) -> dict[str, Any]:
    # A code that finds nothing costs the address (app.api.throttling): guessing is slow.
    workshop = await workshop_or_miss(request, services, normalise_code(code))
    if workshop is None:
        raise HTTPException(404, detail=f"There is no workshop with the code {code!r}. "
                            "Check the code and try again.")
    return workshop


WorkshopDep = Annotated[dict[str, Any], Depends(get_workshop)]


def bearer(whose: str) -> Callable[[str | None], str]:
    """A dependency: the request's bearer token, or 401 asking for ``whose`` token."""
    def token(authorization: Annotated[str | None, Header()] = None) -> str:
        found = bearer_token(authorization)
        if found is None:
            raise HTTPException(401, detail=f"Send {whose} as 'Authorization: Bearer <token>'.",
                                headers={"WWW-Authenticate": "Bearer"})
        return found
    return token


async def require_facilitator(
        workshop: WorkshopDep, services: ServicesDep,
        token: Annotated[str, Depends(bearer("the facilitator token"))]) -> dict[str, Any]:
    if is_facilitator(workshop, token):
        return workshop
    if await services.workshops.find_participant(workshop, token) is not None:
        raise HTTPException(403, detail="Only the facilitator may do this.")
    if await services.screens.find(token) is not None:
        # A valid credential without the right: 403, never 401.
        raise OpError("forbidden", "A screen's token is read-only: it cannot do what the "
                      "facilitator does.")
    raise HTTPException(401, detail="This token is not valid for this workshop.",
                        headers={"WWW-Authenticate": "Bearer"})


FacilitatorDep = Annotated[dict[str, Any], Depends(require_facilitator)]
