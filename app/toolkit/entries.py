"""Toolkit entries: loaded from ``content/toolkit.toml``, validated, looked up and searched.

A broken content file raises :class:`ToolkitError` with a message naming the file and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from app.i18n import Language

TOOLKIT_PATH = Path(__file__).parent / "content" / "toolkit.toml"

# The 15 intervention types, in the toolkit's (and Activity 2's) order.
INTERVENTION_SLUGS: tuple[str, ...] = (
    "flexible-education-and-training-systems",
    "improving-vet-image-and-attractiveness",
    "second-chance-measures",
    "building-motivation-to-learn",
    "comprehensive-support-to-tackle-complex-needs",
    "guiding-young-people-to-manage-their-careers",
    "counselling-to-address-barriers-to-learning",
    "one-to-one-support-through-coaching-or-mentoring",
    "tailored-learning-pathways",
    "practical-application-of-theoretical-courses",
    "developing-employability-skills",
    "work-based-learning-and-simulations",
    "community-involvement",
    "inclusive-work-based-learning-environments",
    "validation-of-non-formal-and-informal-learning",
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Kind = Literal["intervention", "section"]
# The language of the summaries, lists and examples: only titles are translated.
TEXTS_LANGUAGE: Language = "en"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Frozen):
    """One intervention type (numbered 1..15) or a section such as monitoring early leavers."""

    slug: Slug
    number: int | None = Field(default=None, ge=1, le=len(INTERVENTION_SLUGS))
    kind: Kind
    title: Text
    summary: Text = Field(description="What it is, in one or two sentences.")
    who: Text = Field(description="Who it helps.")
    what_works: tuple[Text, ...] = Field(min_length=3, max_length=5)
    example: str = Field(default="", description="One example from the source; may be empty.")
    tips: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _numbered_if_intervention(self) -> Entry:
        if self.kind == "intervention" and self.number is None:
            raise ValueError("an intervention needs a number")
        if self.kind == "section" and self.number is not None:
            raise ValueError("a section has no number")
        return self


class Intro(_Frozen):
    """What the toolkit is, its three action areas and how to choose measures."""

    title: Text
    summary: Text
    action_areas: tuple[Text, ...] = Field(min_length=3, max_length=3)
    choosing: Text


class ToolkitTexts(_Frozen):
    """Titles in another language; the long texts have none and stay in English."""

    # Says whose translation the titles are; pages show it.
    note: Text
    intro_title: Text | None = None
    titles: dict[Slug, Text] = {}


class Toolkit(_Frozen):
    credit: Text
    source_url: Annotated[str, Field(pattern=r"^https://")]
    intro: Intro
    entries: tuple[Entry, ...]
    translations: dict[Language, ToolkitTexts] = {}

    @model_validator(mode="after")
    def _consistent(self) -> Toolkit:
        slugs = [e.slug for e in self.entries]
        if len(set(slugs)) != len(slugs):
            raise ValueError("entry slugs must be unique")
        interventions = [e for e in self.entries if e.kind == "intervention"]
        if tuple(e.slug for e in interventions) != INTERVENTION_SLUGS:
            raise ValueError("the interventions must be exactly INTERVENTION_SLUGS, in that order")
        if [e.number for e in interventions] != list(range(1, len(INTERVENTION_SLUGS) + 1)):
            raise ValueError("the interventions must be numbered 1, 2, 3 … in order")
        for lang, texts in self.translations.items():
            unknown = sorted(set(texts.titles) - set(slugs))
            if unknown:
                raise ValueError(f"translations.{lang}.titles: unknown entry {unknown[0]!r}")
        return self

    def localized(self, lang: Language) -> Toolkit:
        """The toolkit with its titles in ``lang`` where they are translated; the long
        texts are English only (TEXTS_LANGUAGE)."""
        texts = self.translations.get(lang)
        if texts is None:
            return self
        entries = tuple(e.model_copy(update={"title": texts.titles.get(e.slug, e.title)})
                        for e in self.entries)
        intro = self.intro.model_copy(update={"title": texts.intro_title or self.intro.title})
        return self.model_copy(update={"entries": entries, "intro": intro})

    def entry(self, slug: str) -> Entry | None:
        return next((e for e in self.entries if e.slug == slug), None)


class ToolkitError(Exception):
    """A toolkit content file that cannot be used; the message names the file and the field."""


def read_toolkit(path: Path) -> Toolkit:
    """Read and validate a toolkit file (uncached; :func:`load_toolkit` is the cached default)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError(f"{path.name}: cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ToolkitError(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        return Toolkit.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(err['loc'], raw)}: {err['msg']}" for err in exc.errors())
        raise ToolkitError(f"{path.name}: {problems}") from exc


def _location(loc: Iterable[int | str], raw: object) -> str:
    """A field path such as ``entries[3] (second-chance-measures).summary``."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            label = f"[{step}]"
            node = node[step] if isinstance(node, list) and step < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("slug"), str):
                label += f" ({node['slug']})"
            parts.append(label)
        else:
            parts.append(f".{step}" if parts else step)
            node = node.get(step) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


@lru_cache(maxsize=1)
def load_toolkit() -> Toolkit:
    """The built-in toolkit, read once."""
    return read_toolkit(TOOLKIT_PATH)


def get_entry(slug: str) -> Entry | None:
    return load_toolkit().entry(slug)


_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _matches(word: str, tokens: list[str]) -> bool:
    """A query word matches a token it starts (``mentor`` finds ``mentoring``)."""
    return any(token.startswith(word) for token in tokens)


# Where a hit counts more: the title, then the summary, then everything else.
_WEIGHTS = {"title": 10, "summary": 3, "who": 1, "what_works": 1, "example": 1, "tips": 1}


def _fields(entry: Entry) -> dict[str, list[str]]:
    return {
        "title": _words(entry.title),
        "summary": _words(entry.summary),
        "who": _words(entry.who),
        "what_works": _words(" ".join(entry.what_works)),
        "example": _words(entry.example),
        "tips": _words(" ".join(entry.tips)),
    }


def search(query: str) -> list[Entry]:
    """Entries containing every word of ``query`` (case-insensitive), most relevant first.

    Title hits come first, then by a weighted score, then in toolkit order.
    An empty query returns every entry in toolkit order.
    """
    entries = load_toolkit().entries
    words = list(dict.fromkeys(_words(query)))
    if not words:
        return list(entries)
    ranked: list[tuple[int, int, int, Entry]] = []
    for index, entry in enumerate(entries):
        fields = _fields(entry)
        title_hits = 0
        score = 0
        for word in words:
            hit_fields = [name for name, tokens in fields.items() if _matches(word, tokens)]
            if not hit_fields:
                break
            title_hits += "title" in hit_fields
            score += sum(_WEIGHTS[name] for name in hit_fields)
        else:
            ranked.append((-title_hits, -score, index, entry))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked]
