"""A template's texts in other languages: ``[translations.<lang>]`` tables mirroring the keys.

Every text is optional: what a translation leaves out falls back to the template's own
language. Lists (examples, actors, prompts) are replaced whole, so they must keep their
length; options and form fields are keyed by their value and key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from app.i18n import Language

if TYPE_CHECKING:
    from app.phases.templates import Template


class _Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldTexts(_Texts):
    label: str | None = None
    placeholder: str | None = None


class SectionTexts(_Texts):
    title: str | None = None
    hint: str | None = None
    example: list[str] | None = None
    actors: list[str] | None = None
    # A pick option's label by its value; a form field's texts by its key.
    options: dict[str, str] = {}
    fields: dict[str, FieldTexts] = {}
    columns: tuple[str, str] | None = None


class PhaseTexts(_Texts):
    title: str | None = None
    instructions: str | None = None
    prompts: list[str] | None = None


class TemplateTexts(_Texts):
    # Says whose translation this is (e.g. "not an official Cedefop translation"); pages show it.
    note: str = ""
    title: str | None = None
    audience: str | None = None
    summary: str | None = None
    source: str | None = None
    sections: dict[str, SectionTexts] = {}
    phases: dict[str, PhaseTexts] = {}


def problems(template: Template, lang: str, texts: TemplateTexts) -> list[str]:
    """What in ``texts`` names nothing in ``template`` or changes a list's length."""
    found: list[str] = []
    where = f"translations.{lang}"
    for key, section_texts in texts.sections.items():
        section = template.section(key)
        if section is None:
            found.append(f"{where}.sections: unknown section {key!r}")
            continue
        for name in ("example", "actors"):
            given = getattr(section_texts, name)
            if given is not None and len(given) != len(getattr(section, name)):
                found.append(f"{where}.sections.{key}.{name}: needs "
                             f"{len(getattr(section, name))} entries")
        values = {o.value for o in section.options}
        found += [f"{where}.sections.{key}.options: unknown option {v!r}"
                  for v in section_texts.options if v not in values]
        fields = {f.key for f in section.fields}
        found += [f"{where}.sections.{key}.fields: unknown field {k!r}"
                  for k in section_texts.fields if k not in fields]
    phases = {p.key: p for p in template.phases}
    for key, phase_texts in texts.phases.items():
        phase = phases.get(key)
        if phase is None:
            found.append(f"{where}.phases: unknown phase {key!r}")
        elif phase_texts.prompts is not None and len(phase_texts.prompts) != len(phase.prompts):
            found.append(f"{where}.phases.{key}.prompts: needs {len(phase.prompts)} entries")
    return found


def gaps(template: Template, lang: Language) -> list[str]:
    """Every text of ``template`` that the ``lang`` translation does not give (its own
    language has none)."""
    if lang == template.language:
        return []
    texts = template.translations.get(lang)
    if texts is None:
        return [f"no {lang} translation"]
    missing = [name for name in ("title", "audience", "summary", "source")
               if getattr(texts, name) is None]
    for section in template.sections:
        tr = texts.sections.get(section.key, SectionTexts())
        where = f"sections.{section.key}"
        missing += [f"{where}.{name}" for name in ("title", "hint", "example", "actors")
                    if getattr(section, name) and getattr(tr, name) is None]
        if section.columns and tr.columns is None:
            missing.append(f"{where}.columns")
        missing += [f"{where}.options.{o.value}" for o in section.options
                    if o.value not in tr.options]
        for field in section.fields:
            ft = tr.fields.get(field.key, FieldTexts())
            missing += [f"{where}.fields.{field.key}.{name}" for name in ("label", "placeholder")
                        if getattr(field, name) and getattr(ft, name) is None]
    for phase in template.phases:
        pt = texts.phases.get(phase.key, PhaseTexts())
        missing += [f"phases.{phase.key}.{name}" for name in ("title", "instructions", "prompts")
                    if getattr(phase, name) and getattr(pt, name) is None]
    return missing


def _given(texts: BaseModel, *names: str) -> dict[str, Any]:
    return {n: getattr(texts, n) for n in names if getattr(texts, n) is not None}


def localize(template: Template, lang: Language) -> Template:
    """``template`` with its texts in ``lang`` where it has them (its own where not);
    ``language`` says which was asked for, ``translation_note`` whose translation it is."""
    texts = template.translations.get(lang)
    if texts is None or lang == template.language:
        return template.model_copy(update={"translations": {}})
    sections = []
    for section in template.sections:
        tr = texts.sections.get(section.key)
        if tr is None:
            sections.append(section)
            continue
        options = [o.model_copy(update={"label": tr.options.get(o.value, o.label)})
                   for o in section.options]
        fields = [f.model_copy(update=_given(tr.fields[f.key], "label", "placeholder"))
                  if f.key in tr.fields else f for f in section.fields]
        sections.append(section.model_copy(update={
            **_given(tr, "title", "hint", "example", "actors", "columns"),
            "options": options, "fields": fields}))
    phases = [p.model_copy(update=_given(texts.phases[p.key], "title", "instructions", "prompts"))
              if p.key in texts.phases else p for p in template.phases]
    return template.model_copy(update={
        **_given(texts, "title", "audience", "summary", "source"),
        "sections": sections, "phases": phases, "language": lang,
        "translation_note": texts.note, "translations": {}})
