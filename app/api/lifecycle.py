"""The data lifecycle's endpoints (app.workshops.lifecycle): the facilitator deletes a workshop
now; a participant leaves and erases themselves. Expired workshops go by themselves
(app.workshops.retention); ``GET /api/limits`` says after how many days."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response

from app.api.deps import LeadDep, ServicesDep, WorkshopDep, bearer
from app.api.responses import errors
from app.auth import is_facilitator
from app.errors import OpError

router = APIRouter(prefix="/api/workshops", tags=["data lifecycle"])


@router.delete("/{code}", status_code=204, response_class=Response,
               responses=errors(401, 403, 404, 422, 429))
async def delete_workshop(workshop: LeadDep, services: ServicesDep) -> None:
    """Delete the workshop now, with everything in it: groups, participants, notes, fields,
    its event log and paired screens. It cannot be undone: download the export first.
    Every socket of the workshop closes with 4410 ("this workshop was deleted"), and the
    code answers 404 from then on."""
    await services.lifecycle.delete(workshop)


@router.delete("/{code}/participants/me", status_code=204, response_class=Response,
               responses=errors(401, 403, 404, 422, 429))
async def erase_me(workshop: WorkshopDep, services: ServicesDep,
                   token: Annotated[str, Depends(bearer("your participant token"))]) -> None:
    """Leave the workshop and erase yourself (Bearer: your participant token). Your name is
    replaced by "Removed participant" everywhere others see it (notes, fields, the roster,
    the event log and the exports); your notes stay anonymous or are deleted, as the
    workshop's ``erase_notes`` says (``GET /api/workshops/{code}``); your token stops
    working and its sockets close with 4401."""
    person = await services.workshops.find_participant(workshop, token)
    if person is None:
        if is_facilitator(workshop, token) or await services.screens.find(token) is not None:
            raise OpError("forbidden", "Only a participant can leave and erase themselves; "
                          "the facilitator deletes the whole workshop instead.")
        raise HTTPException(401, detail="This token is not a participant's of this workshop.",
                            headers={"WWW-Authenticate": "Bearer"})
    await services.lifecycle.erase_participant(workshop, person["id"])
