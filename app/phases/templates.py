"""Activity templates: data files in ``templates/``, validated when loaded.

A broken template stops start-up with a message naming the file and the field.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

TEMPLATE_DIR = Path(__file__).parent / "templates"

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Mode = Literal["individual", "group", "plenary"]
SectionKind = Literal["steps", "cards", "pick", "form", "pairs"]


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

    @model_validator(mode="after")
    def _timed_unless_plenary(self) -> Phase:
        if self.mode != "plenary" and self.minutes is None:
            raise ValueError("a phase other than plenary needs minutes")
        if self.mode == "plenary" and self.sections:
            raise ValueError("a plenary phase has no writable sections")
        return self


class Template(_Strict):
    key: Key
    title: str
    audience: str
    summary: str
    source: str
    sections: list[Section]
    phases: list[Phase]

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
        if not self.phases or self.phases[-1].mode != "plenary":
            raise ValueError("the last phase must be the plenary")
        if any(p.mode == "plenary" for p in self.phases[:-1]):
            raise ValueError("only the last phase may be a plenary")
        return self

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
