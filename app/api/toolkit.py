"""Toolkit endpoints: read and search the intervention types and the monitoring section."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from app.api.responses import PUBLIC_ERRORS, errors
from app.toolkit import entries
from app.toolkit.entries import Entry, Intro

router = APIRouter(prefix="/api/toolkit", tags=["toolkit"])


class ToolkitOut(BaseModel):
    credit: str
    source_url: str
    intro: Intro
    entries: list[Entry]


class EntryOut(BaseModel):
    credit: str
    source_url: str
    entry: Entry


@router.get("", response_model=ToolkitOut, summary="List or search the toolkit",
            responses=PUBLIC_ERRORS)
def list_toolkit(
    q: Annotated[
        str, Query(max_length=200, description="Words that must all appear (case-insensitive).")
    ] = "",
) -> ToolkitOut:
    toolkit = entries.load_toolkit()
    return ToolkitOut(
        credit=toolkit.credit,
        source_url=toolkit.source_url,
        intro=toolkit.intro,
        entries=entries.search(q),
    )


@router.get(
    "/{slug}",
    response_model=EntryOut,
    summary="One toolkit entry",
    responses=errors(404, 422, 429),
)
def get_toolkit_entry(slug: str) -> EntryOut:
    entry = entries.get_entry(slug)
    if entry is None:
        raise HTTPException(404, detail=f"No toolkit entry called '{slug}'.")
    toolkit = entries.load_toolkit()
    return EntryOut(credit=toolkit.credit, source_url=toolkit.source_url, entry=entry)
