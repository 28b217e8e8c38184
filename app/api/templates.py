"""Activity templates and limits, as clients need them to draw boards and timelines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from app.api.deps import ServicesDep
from app.api.responses import errors
from app.i18n import Language, negotiate
from app.phases.templates import Template
from app.protocol import limits

router = APIRouter(prefix="/api", tags=["templates"])


def _describe(template: Template, lang: Language) -> dict[str, Any]:
    """The template's texts in ``lang`` (its own language's where it has no translation);
    ``languages`` lists those it has texts in."""
    return {**template.localized(lang).model_dump(exclude={"translations"}),
            "languages": sorted({template.language, *template.translations}),
            "minutes_total": sum(p.minutes or 0 for p in template.phases)}


def _language(request: Request, lang: Language | None) -> Language:
    # A page passes the language its reader chose; a plain client gets Accept-Language's.
    return lang or negotiate(request.headers.get("accept-language"))


@router.get("/templates", responses=errors(422, 429))
async def list_templates(request: Request, services: ServicesDep,
                         lang: Language | None = None) -> list[dict[str, Any]]:
    return [_describe(t, _language(request, lang)) for t in services.templates.values()]


@router.get("/templates/{key}", responses=errors(404, 422, 429))
async def get_template(key: str, request: Request, services: ServicesDep,
                       lang: Language | None = None) -> dict[str, Any]:
    # A built-in, a saved template (t-…) or a workshop's copy (w-…): app.workshops.library.
    template = await services.library.find(key)
    if template is None:
        raise HTTPException(404, detail=f"There is no template called {key!r}.")
    return _describe(template, _language(request, lang))


@router.get("/limits", responses=errors(429))
async def get_limits(services: ServicesDep) -> dict[str, Any]:
    """Every limit the server checks input against, so that forms can say it up front."""
    settings = services.settings
    return {**limits.as_dict(), "max_groups": settings.max_groups,
            "max_notes_per_board": settings.max_notes_per_board,
            # Days a workshop is kept after its last activity (the privacy page says it).
            "retention_days": settings.retention_days,
            # Abuse resistance (README "Limits"): the create page asks for the key when needed.
            "organiser_key_required": settings.organiser_key_required,
            "workshops_per_address": settings.workshops_per_address,
            "workshops_window_seconds": settings.workshops_window_seconds,
            "ops_per_second": settings.ops_per_second, "ops_burst": settings.ops_burst,
            "sockets_per_participant": settings.sockets_per_participant}
