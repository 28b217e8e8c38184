"""Activity templates, as clients need them to draw boards and timelines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from app.api.deps import LiveDep
from app.phases.templates import Template

router = APIRouter(prefix="/api/templates", tags=["templates"])


def _describe(template: Template) -> dict[str, Any]:
    return {**template.model_dump(),
            "minutes_total": sum(p.minutes or 0 for p in template.phases)}


@router.get("")
async def list_templates(live: LiveDep) -> list[dict[str, Any]]:
    return [_describe(t) for t in live.templates.values()]


@router.get("/{key}")
async def get_template(key: str, live: LiveDep) -> dict[str, Any]:
    template = live.templates.get(key)
    if template is None:
        raise HTTPException(404, detail=f"There is no template called {key!r}.")
    return _describe(template)
