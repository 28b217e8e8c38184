"""Toolkit endpoints: read and search the intervention types and the monitoring section."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from app.api.responses import PUBLIC_ERRORS, errors
from app.http import request_language
from app.i18n import Language
from app.toolkit import entries
from app.toolkit.entries import TEXTS_LANGUAGE, Entry, Intro, Toolkit

router = APIRouter(prefix="/api/toolkit", tags=["toolkit"])


class _Languages(BaseModel):
    # Titles are in ``language`` where translated; the long texts are in ``texts_language``
    # (English): a page in another language says so.
    language: Language
    texts_language: Language = TEXTS_LANGUAGE
    translation_note: str = ""


class ToolkitOut(_Languages):
    credit: str
    source_url: str
    intro: Intro
    entries: list[Entry]


class EntryOut(_Languages):
    credit: str
    source_url: str
    entry: Entry


def _localized(request: Request) -> tuple[Toolkit, Language, str]:
    """The toolkit with titles in the reader's language (?lang=, else Accept-Language)."""
    lang = request_language(request)
    toolkit = entries.load_toolkit()
    texts = toolkit.translations.get(lang)
    return toolkit.localized(lang), lang, texts.note if texts else ""


@router.get("", response_model=ToolkitOut, summary="List or search the toolkit",
            responses=PUBLIC_ERRORS)
def list_toolkit(
    request: Request,
    q: Annotated[
        str, Query(max_length=200, description="Words that must all appear (case-insensitive).")
    ] = "",
    lang: Language | None = None,  # read by _localized; declared to be validated and documented
) -> ToolkitOut:
    toolkit, language, note = _localized(request)
    found = [toolkit.entry(e.slug) for e in entries.search(q)]
    return ToolkitOut(
        credit=toolkit.credit,
        source_url=toolkit.source_url,
        intro=toolkit.intro,
        entries=[e for e in found if e is not None],
        language=language, translation_note=note,
    )


@router.get(
    "/{slug}",
    response_model=EntryOut,
    summary="One toolkit entry",
    responses=errors(404, 422, 429),
)
def get_toolkit_entry(slug: str, request: Request,
                      lang: Language | None = None) -> EntryOut:  # read by _localized
    toolkit, language, note = _localized(request)
    entry = toolkit.entry(slug)
    if entry is None:
        raise HTTPException(404, detail=f"No toolkit entry called '{slug}'.")
    return EntryOut(credit=toolkit.credit, source_url=toolkit.source_url, entry=entry,
                    language=language, translation_note=note)
