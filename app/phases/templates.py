"""Activity templates: data files in ``templates/``, validated when loaded.

A broken template stops start-up with a message naming the file and the field.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.i18n import Language
from app.phases import translations
from app.phases.translations import TemplateTexts

TEMPLATE_DIR = Path(__file__).parent / "templates"

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Mode = Literal["individual", "group", "plenary"]
SectionKind = Literal["steps", "cards", "pick", "form", "pairs"]
# Sections whose notes can take votes.
VOTABLE_KINDS = ("steps", "cards", "pairs")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Strict):
    key: Key
    label: str
    placeholder: str = ""
    # Where the UI offers ready answers: the group's picks or a cards section's notes.
    suggest_from: str | None = None
    multiline: bool = False


class PickOption(_Strict):
    value: Slug
    label: str


class Section(_Strict):
    key: Key
    kind: SectionKind
    title: str
    hint: str = ""
    example: list[str] = []
    actors: list[str] = []
    choose: int | None = None
    options: list[PickOption] = []
    fields: list[FormField] = []
    columns: tuple[str, str] | None = None

    @model_validator(mode="after")
    def _kind_specific(self) -> Section:
        if self.kind == "pick":
            if not self.options:
                raise ValueError("a pick section needs options")
            if self.choose is None or not 1 <= self.choose <= len(self.options):
                raise ValueError("a pick section needs choose between 1 and the number of options")
        if self.kind == "form" and not self.fields:
            raise ValueError("a form section needs fields")
        if self.kind == "pairs" and self.columns is None:
            raise ValueError("a pairs section needs two column titles")
        return self


class PhaseVote(_Strict):
    """A dot vote that opens when its phase starts and closes when the phase ends."""

    per_person: int = Field(ge=1, le=20)
    # Sections whose notes may be voted on; empty: every note section.
    sections: list[Key] = []


class Phase(_Strict):
    key: Key
    title: str
    mode: Mode
    minutes: int | None = Field(default=None, ge=1, le=120)
    instructions: str
    prompts: list[str] = []
    sections: list[str] = []
    # Toolkit entries to read in this phase (slugs); "picked" means the group's picks.
    reading: list[Slug] = []
    vote: PhaseVote | None = None
    # Whether starting this (group) phase reveals the private notes of the individual work
    # before it; false keeps them their authors' until a later phase that does.
    reveal: bool = True

    @model_validator(mode="after")
    def _timed_unless_plenary(self) -> Phase:
        if self.mode != "plenary" and self.minutes is None:
            raise ValueError("a phase other than plenary needs minutes")
        if self.mode == "plenary" and self.sections:
            raise ValueError("a plenary phase has no writable sections")
        if self.vote is not None and self.mode != "group":
            raise ValueError("only a group phase may hold a vote")
        if self.mode == "plenary" and not self.reveal:
            raise ValueError("the plenary always reveals the private notes")
        return self


class Template(_Strict):
    key: Key
    title: str
    audience: str
    summary: str
    source: str
    sections: list[Section]
    phases: list[Phase]
    # The language the texts above are in, and the same texts in others (app.phases.translations).
    language: Language = "en"
    translations: dict[Language, TemplateTexts] = {}
    # Set on a localized copy: whose translation its texts are (pages show it).
    translation_note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        section_keys = [s.key for s in self.sections]
        if len(set(section_keys)) != len(section_keys):
            raise ValueError("section keys must be unique")
        phase_keys = [p.key for p in self.phases]
        if len(set(phase_keys)) != len(phase_keys):
            raise ValueError("phase keys must be unique")
        for phase in self.phases:
            for key in phase.sections:
                if key not in section_keys:
                    raise ValueError(f"phase {phase.key!r} names unknown section {key!r}")
            for key in phase.vote.sections if phase.vote is not None else []:
                found = self.section(key)
                if found is None or found.kind not in VOTABLE_KINDS:
                    raise ValueError(f"phase {phase.key!r} votes on {key!r}, which is not "
                                     "a section of notes")
        if not self.phases or self.phases[-1].mode != "plenary":
            raise ValueError("the last phase must be the plenary")
        if any(p.mode == "plenary" for p in self.phases[:-1]):
            raise ValueError("only the last phase may be a plenary")
        wrong = [problem for lang, texts in self.translations.items()
                 for problem in translations.problems(self, lang, texts)]
        if wrong:
            raise ValueError("; ".join(wrong))
        return self

    def localized(self, lang: Language) -> Template:
        """This template's texts in ``lang`` where it has them, its own language's where not."""
        return translations.localize(self, lang)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def timed_phases(self) -> list[Phase]:
        return [p for p in self.phases if p.mode != "plenary"]

    def phase_minutes(self, index: int, overrides: dict[str, int]) -> int | None:
        phase = self.phases[index]
        return overrides.get(phase.key, phase.minutes) if phase.minutes is not None else None


class TemplateError(Exception):
    """A template file that cannot be used; the message names the file and the field."""


def load_template(path: Path) -> Template:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path.name}: not valid TOML: {exc}") from exc
    try:
        template = Template.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise TemplateError(f"{path.name}: {problems}") from exc
    if template.key != path.stem:
        raise TemplateError(f"{path.name}: key {template.key!r} must match the file name")
    return template


def load_templates(directory: Path = TEMPLATE_DIR) -> dict[str, Template]:
    return {p.stem: load_template(p) for p in sorted(directory.glob("*.toml"))}


@lru_cache
def builtin_templates() -> dict[str, Template]:
    return load_templates()
