"""Moderation endpoints (app.workshops.moderation_service): remove a participant, lock
joining, and the lead facilitator's co-facilitators. Moving someone is
``PATCH /api/workshops/{code}/participants/{id}`` (app.api.workshops)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from app.api.deps import ActorDep, LeadDep, ServicesDep
from app.api.responses import FACILITATOR_ERRORS, FACILITATOR_READ_ERRORS
from app.errors import OpError
from app.protocol.client import NO_NUL
from app.protocol.limits import MAX_ID, MAX_NAME

router = APIRouter(prefix="/api/workshops", tags=["moderation"])

# A participant's id as the roster gives it (``p12``) or its number alone.
ParticipantPath = Annotated[str, Path(pattern=r"^p?[0-9]{1,10}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NAME), NO_NUL]


def member_number(pid: str) -> int:
    """The participant's row id; not_found beyond what a row id can be."""
    number = int(pid.removeprefix("p"))
    if not 1 <= number <= MAX_ID:
        raise OpError("not_found", f"This workshop has no participant {pid}.")
    return number


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LockRequest(_Body):
    locked: bool


class LockState(BaseModel):
    join_locked: bool


class NewCoFacilitator(_Body):
    # Who it is for, shown in the list (e.g. "Maria"); optional.
    label: Label = ""


class CoFacilitator(BaseModel):
    id: int
    label: str
    created_at: float


class CreatedCoFacilitator(CoFacilitator):
    # Shown once: only its hash is stored.
    token: str


@router.delete("/{code}/participants/{pid}", status_code=204, response_class=Response,
               responses=FACILITATOR_READ_ERRORS)
async def remove_participant(pid: ParticipantPath, actor: ActorDep,
                             services: ServicesDep) -> None:
    """Remove a participant: their token stops working at once and their open sockets close
    with 4403 ("the facilitator removed you from this workshop"). What they wrote stays,
    with their name. (A participant leaving by themselves is ``…/participants/me``.)"""
    await services.moderation.remove(actor.workshop, member_number(pid), actor.id)


@router.post("/{code}/lock", response_model=LockState, responses=FACILITATOR_ERRORS)
async def lock_joining(body: LockRequest, actor: ActorDep,
                       services: ServicesDep) -> LockState:
    """Lock (or unlock) joining: while locked, ``POST …/participants`` answers 423
    ``locked``; people already in keep their tokens and can reconnect."""
    await services.moderation.lock(actor.workshop, body.locked, actor.id)
    return LockState(join_locked=body.locked)


@router.post("/{code}/facilitators", status_code=201, response_model=CreatedCoFacilitator,
             responses=FACILITATOR_ERRORS)
async def add_co_facilitator(body: NewCoFacilitator, workshop: LeadDep,
                             services: ServicesDep) -> CreatedCoFacilitator:
    """A co-facilitator key (lead facilitator only). The token is in this answer only: it
    opens the facilitator page (pasted there, never in a link) and can do what the lead
    does except manage co-facilitators and delete the workshop."""
    row, token = await services.moderation.add_co_facilitator(workshop, body.label)
    return CreatedCoFacilitator(**row, token=token)


@router.get("/{code}/facilitators", response_model=list[CoFacilitator],
            responses=FACILITATOR_READ_ERRORS)
async def list_co_facilitators(workshop: LeadDep,
                               services: ServicesDep) -> list[CoFacilitator]:
    return [CoFacilitator(**row) for row in await services.moderation.co_facilitators(workshop)]


@router.delete("/{code}/facilitators/{fid}", status_code=204, response_class=Response,
               responses=FACILITATOR_READ_ERRORS)
async def revoke_co_facilitator(fid: Annotated[int, Path(ge=1, le=MAX_ID)], workshop: LeadDep,
                                services: ServicesDep) -> None:
    """Revoke a co-facilitator key: refused from now on, its open sockets closed at once
    (4401 "this co-facilitator key was revoked")."""
    await services.moderation.revoke_co_facilitator(workshop, fid)
