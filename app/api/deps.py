"""Request dependencies shared by the REST endpoints: the services and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request

from app.api.throttling import workshop_or_miss
from app.auth import bearer_token, is_facilitator
from app.errors import OpError
from app.principal import FACILITATOR_ID, co_facilitator_id
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


@dataclass(frozen=True)
class Actor:
    """A facilitator acting on a workshop: the lead (``facilitator``) or a co-facilitator."""

    workshop: dict[str, Any]
    id: str

    @property
    def lead(self) -> bool:
        return self.id == FACILITATOR_ID


async def require_facilitator(
        workshop: WorkshopDep, services: ServicesDep,
        token: Annotated[str, Depends(bearer("the facilitator token"))]) -> Actor:
    """The lead facilitator's or a co-facilitator's token; 403 for any other credential.
    Every facilitator route depends on this one check."""
    if is_facilitator(workshop, token):
        return Actor(workshop, FACILITATOR_ID)
    co = await services.moderation.find_co_facilitator(workshop, token)
    if co is not None:
        return Actor(workshop, co_facilitator_id(co["id"]))
    if await services.workshops.find_participant(workshop, token) is not None:
        raise HTTPException(403, detail="Only the facilitator may do this.")
    if await services.screens.find(token) is not None:
        # A valid credential without the right: 403, never 401.
        raise OpError("forbidden", "A screen's token is read-only: it cannot do what the "
                      "facilitator does.")
    raise HTTPException(401, detail="This token is not valid for this workshop.",
                        headers={"WWW-Authenticate": "Bearer"})


ActorDep = Annotated[Actor, Depends(require_facilitator)]


async def facilitator_workshop(actor: ActorDep) -> dict[str, Any]:
    """The workshop, for a facilitator (lead or co-facilitator)."""
    return actor.workshop


async def require_lead(actor: ActorDep) -> dict[str, Any]:
    """The workshop, for its lead facilitator only: a co-facilitator gets 403."""
    if not actor.lead:
        raise OpError("forbidden", "Only the workshop's lead facilitator may do this, not a "
                      "co-facilitator.")
    return actor.workshop


FacilitatorDep = Annotated[dict[str, Any], Depends(facilitator_workshop)]
LeadDep = Annotated[dict[str, Any], Depends(require_lead)]
