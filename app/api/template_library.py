"""Saving, changing, exporting and deleting facilitators' own templates (app.workshops.library).

A body is a template file: TOML (application/toml or text/plain) or JSON. Saving answers the
template's key (read access: whoever has it may read it) and an edit token (change and
delete); the token is stored only hashed and travels only in the Authorization header.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.api.deps import ServicesDep, bearer
from app.api.responses import errors
from app.api.throttling import CreationAllowed
from app.errors import FieldError
from app.http import error_response
from app.phases import authoring
from app.phases.templates import Template
from app.services import Services
from app.workshops.library import EditRefused

router = APIRouter(prefix="/api/templates", tags=["templates"])
# Served before app.api.templates, whose /api/templates/{key} would take "{key}.toml";
# ``router`` after it, so that a 405 on /api/templates names the list's GET.
export_router = APIRouter(prefix="/api/templates", tags=["templates"])

TemplateKey = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
EditToken = Annotated[str, Depends(bearer("the template's edit token"))]
# A template file in the body; the schema only says which media types are read.
_BODY = {"requestBody": {"required": True, "content": {
    "application/toml": {"schema": {"type": "string"}},
    "text/plain": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}}}}}
SAVE_ERRORS = errors(401, 403, 413, 422, 429)
EDIT_ERRORS = errors(401, 403, 404, 413, 422, 429)


class Saved(BaseModel):
    key: str
    edit_token: str


class Checked(BaseModel):
    """A file read for the editor: the template as data, and what is wrong with it."""

    template: dict[str, Any]
    fields: list[FieldError]


def _problem(exc: authoring.TemplateProblem) -> JSONResponse:
    return error_response("invalid", exc.message, 422, _fields(exc))


def _fields(exc: authoring.TemplateProblem) -> list[FieldError]:
    return [FieldError(loc=["body", *loc], message=message) for loc, message in exc.problems]


async def _read(request: Request) -> dict[str, Any]:
    return authoring.parse(await request.body(), request.headers.get("content-type", ""))


@router.post("", status_code=201, response_model=Saved, responses=SAVE_ERRORS,
             openapi_extra=_BODY, dependencies=[CreationAllowed])
async def save_template(request: Request, services: ServicesDep) -> Saved | JSONResponse:
    """Save a new template (counted against the address's creations, like a workshop)."""
    try:
        template, token = await services.library.create(await _read(request))
    except authoring.TemplateProblem as exc:
        return _problem(exc)
    return Saved(key=template.key, edit_token=token)


@router.post("/check", response_model=Checked, responses=errors(413, 422, 429),
             openapi_extra=_BODY)
async def check_template(request: Request) -> Checked | JSONResponse:
    """Read a file as the editor imports it, saving nothing: 422 only when it is not TOML
    (or JSON) at all; otherwise the data, with every problem located in ``fields``."""
    try:
        raw = await _read(request)
    except authoring.TemplateProblem as exc:
        return _problem(exc)
    try:
        authoring.check(raw, "imported")
        problems: list[FieldError] = []
    except authoring.TemplateProblem as exc:
        problems = _fields(exc)
    return Checked(template=raw, fields=problems)


@export_router.get("/{key}.toml", response_class=Response, responses={
    **errors(404, 422, 429), 200: {"description": "The template as a TOML file",
                                   "content": {"application/toml": {"schema": {
                                       "type": "string"}}}}})
async def export_template(key: TemplateKey, services: ServicesDep) -> Response:
    """The template as a TOML file to keep, share or import again."""
    template = await _find(services, key)
    body = authoring.to_toml(template.model_dump(mode="json", exclude_defaults=True))
    return Response(body, media_type="application/toml", headers={
        "Content-Disposition": f'attachment; filename="{template.key}.toml"'})


@router.put("/{key}", response_model=Saved, responses=EDIT_ERRORS, openapi_extra=_BODY)
async def replace_template(key: TemplateKey, request: Request, services: ServicesDep,
                           token: EditToken) -> Saved | JSONResponse:
    """Replace a saved template with the body. Workshops already made from it keep their own
    copy, unchanged."""
    try:
        raw = await _read(request)
        await services.library.replace(key, token, raw)
    except authoring.TemplateProblem as exc:
        return _problem(exc)
    except EditRefused as exc:
        raise _refused(exc) from None
    return Saved(key=key, edit_token=token)


@router.delete("/{key}", status_code=204, responses=errors(401, 403, 404, 422, 429))
async def delete_template(key: TemplateKey, services: ServicesDep,
                          token: EditToken) -> Response:
    """Delete a saved template; workshops made from it keep their own copy."""
    try:
        await services.library.delete(key, token)
    except EditRefused as exc:
        raise _refused(exc) from None
    return Response(status_code=204)


def _refused(exc: EditRefused) -> HTTPException:
    return HTTPException(401, detail=exc.message, headers={"WWW-Authenticate": "Bearer"})


async def _find(services: Services, key: str) -> Template:
    template = await services.library.find(key)
    if template is None:
        raise HTTPException(404, detail=f"There is no template called {key!r}.")
    return template
