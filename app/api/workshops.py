"""REST endpoints for workshops, joining, groups and phases: thin calls into the services."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from app.api.deps import ActorDep, FacilitatorDep, ServicesDep, WorkshopDep
from app.api.links import WorkshopUrls, public_base, workshop_urls
from app.api.moderation import ParticipantPath, member_number
from app.api.responses import (
    CREATE_ERRORS,
    FACILITATOR_ERRORS,
    FACILITATOR_READ_ERRORS,
    JOIN_ERRORS,
    WORKSHOP_ERRORS,
)
from app.api.throttling import CreationAllowed
from app.i18n import Language, negotiate
from app.principal import participant_id, workshop_room
from app.protocol.client import NO_NUL, ExtendSeconds, PhaseBase, RowId, Spotlight
from app.protocol.limits import (
    MAX_GROUP_COUNT,
    MAX_ID,
    MAX_NAME,
    MAX_PHASE_MINUTES,
    MAX_TITLE,
    PhaseAction,
)
from app.workshops import export
from app.workshops.join_lock import JoinLocked

router = APIRouter(prefix="/api/workshops", tags=["workshops"])

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                        max_length=MAX_NAME), NO_NUL]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TITLE), NO_NUL]
Minutes = dict[Annotated[str, StringConstraints(max_length=40)],
               Annotated[int, Field(ge=1, le=MAX_PHASE_MINUTES)]]
# The upper bound is the max_groups setting, checked by the workshop service.
GroupCount = Annotated[int, Field(ge=1, le=MAX_GROUP_COUNT)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateWorkshop(_Body):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"template": "activity-2", "title": "Early leaving, Tuesday", "groups": 3,
         "minutes": {"individual": 8}}]})
    template: Annotated[str, StringConstraints(max_length=60)]
    title: Title | None = None
    groups: GroupCount = 3
    minutes: Minutes = {}
    auto_advance: bool = True
    # No participant's name leaves the server: not to the group, screen, facilitator or exports.
    # Strict: "yes" or 1 must not quietly decide something this important.
    anonymous: StrictBool = False
    # The workshop's default language; without one, the creator's Accept-Language (else en).
    language: Language | None = None


class CreatedWorkshop(BaseModel):
    id: int
    code: str
    facilitator_token: str
    urls: WorkshopUrls


class Join(_Body):
    name: Name
    group_id: RowId | None = None


class Joined(BaseModel):
    participant_id: str
    token: str
    group_id: int


class PhaseRequest(_Body):
    action: PhaseAction
    seconds: ExtendSeconds | None = None
    # The phase version this action was chosen on: if it moved since, 409 conflict.
    base: PhaseBase | None = None


class WorkshopSettings(_Body):
    title: Title | None = None
    minutes: Minutes | None = None
    auto_advance: bool | None = None
    # What a participant's "leave and erase me" does to their notes (app.workshops.erasure).
    erase_notes: Literal["keep_anonymous", "delete"] | None = None
    language: Language | None = None
    # End a group phase as soon as every group with someone online is ready.
    advance_when_ready: bool | None = None


class RenameGroup(_Body):
    name: Name


class GroupCountRequest(_Body):
    count: GroupCount


class MoveParticipant(_Body):
    group_id: RowId


@router.post("", status_code=201, response_model=CreatedWorkshop, responses=CREATE_ERRORS,
             dependencies=[CreationAllowed])
async def create_workshop(body: CreateWorkshop, request: Request,
                          services: ServicesDep) -> CreatedWorkshop:
    """Limited per client address (429 with Retry-After); when the server has an organiser
    key, it must come in the X-Organiser-Key header (missing: 401, wrong: 403)."""
    # A saved template (t-…) is copied into the workshop: later edits never reach it.
    copy = await services.library.copy_for_workshop(body.template)
    row, token = await services.workshops.create(body.template, body.title or "", body.groups,
                                                 body.minutes, body.auto_advance, copy=copy,
                                                 anonymous=body.anonymous,
                                                 language=body.language or negotiate(
                                                     request.headers.get("accept-language")))
    return CreatedWorkshop(id=row["id"], code=row["code"], facilitator_token=token,
                           urls=workshop_urls(public_base(request, services.settings),
                                             row["code"]))


@router.get("/{code}", responses=WORKSHOP_ERRORS)
async def workshop_info(workshop: WorkshopDep, services: ServicesDep) -> dict[str, Any]:
    """Public information: what anyone with the code may see before joining."""
    return await services.workshops.info(workshop)


@router.patch("/{code}", responses=FACILITATOR_ERRORS)
async def update_workshop(body: WorkshopSettings, workshop: FacilitatorDep,
                          services: ServicesDep) -> dict[str, Any]:
    updated = await services.workshops.update_settings(workshop, body.minutes,
                                                       body.auto_advance, body.title,
                                                       erase_notes=body.erase_notes,
                                                       language=body.language)
    if body.advance_when_ready is not None:
        room = workshop_room(updated["id"])
        await services.signals.set_advance(updated["id"], body.advance_when_ready,
                                           lambda: [m.id for m in services.hub.members(room)])
    return await services.workshops.info(updated)


@router.post("/{code}/participants", status_code=201, response_model=Joined,
             responses=JOIN_ERRORS)
async def join_workshop(body: Join, workshop: WorkshopDep, services: ServicesDep) -> Joined:
    """While the facilitator has locked joining: 423 ``locked``."""
    try:
        person, token = await services.workshops.join(workshop, body.name, body.group_id)
    except JoinLocked as exc:
        raise HTTPException(423, detail=exc.message) from None
    return Joined(participant_id=participant_id(person["id"]), token=token,
                  group_id=person["group_id"])


@router.patch("/{code}/participants/{pid}", responses=FACILITATOR_ERRORS)
async def move_participant(pid: ParticipantPath, body: MoveParticipant, actor: ActorDep,
                           services: ServicesDep) -> dict[str, Any]:
    """Move a participant to another group: their private notes go with them, their open
    sockets reconnect at once (4412) into the new group's rooms."""
    await services.moderation.move(actor.workshop, member_number(pid), body.group_id, actor.id)
    return await services.workshops.roster(actor.workshop)


@router.get("/{code}/roster", responses=FACILITATOR_READ_ERRORS)
async def roster(workshop: FacilitatorDep, services: ServicesDep) -> dict[str, Any]:
    return await services.workshops.roster(workshop)


@router.put("/{code}/groups", responses=FACILITATOR_ERRORS)
async def set_group_count(body: GroupCountRequest, workshop: FacilitatorDep,
                          services: ServicesDep) -> dict[str, Any]:
    await services.workshops.set_group_count(workshop, body.count)
    return await services.workshops.roster(workshop)


@router.patch("/{code}/groups/{group_id}", responses=FACILITATOR_ERRORS)
async def rename_group(group_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: RenameGroup,
                       workshop: FacilitatorDep, services: ServicesDep) -> dict[str, Any]:
    await services.workshops.rename_group(workshop, group_id, body.name)
    return await services.workshops.roster(workshop)


@router.post("/{code}/phase", responses=FACILITATOR_ERRORS)
async def phase_action(body: PhaseRequest, actor: ActorDep,
                       services: ServicesDep) -> dict[str, Any]:
    view, _ = await services.phases.act(actor.workshop["id"], body.action, body.seconds,
                                        actor.id, base=body.base)
    return {**view, "server_now": services.clock()}


@router.post("/{code}/spotlight", responses=FACILITATOR_ERRORS)
async def spotlight(body: Spotlight, workshop: FacilitatorDep,
                    services: ServicesDep) -> dict[str, Any]:
    await services.phases.spotlight(workshop["id"], body.group_id)
    return {"group_id": body.group_id}


EXPORT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@router.get("/{code}/export", response_class=Response,
            responses={**FACILITATOR_READ_ERRORS, 200: {
                "description": "The report as a download, in the format asked for",
                "content": {t.partition(";")[0]: {} for t in EXPORT_TYPES.values()}}})
async def export_report(workshop: FacilitatorDep, services: ServicesDep,
                        format: Literal["md", "json", "csv", "docx"] = "md",
                        names: bool = True,
                        table: Literal["notes", "timing"] = "notes",
                        lang: Language | None = None) -> Response:
    """The workshop report for the facilitator: md, json (full board state), csv or docx.
    Every format holds the timing record; as CSV it is a table of its own: ``table=timing``.
    Headings and the activity's texts are in ``lang``, by default the workshop's language."""
    report = await services.workshops.report(workshop, names, lang)
    body: str | bytes
    if format == "json":
        body = json.dumps(report, ensure_ascii=False, indent=2)
    elif format == "csv":
        body = export.timing_csv(report) if table == "timing" else export.to_csv(report)
    elif format == "docx":
        body = export.to_docx(report)
    else:
        body = export.to_markdown(report)
    part = "-timing" if format == "csv" and table == "timing" else ""
    filename = f"flipchart-{workshop['code']}{part}.{format}"
    return Response(body, media_type=EXPORT_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
