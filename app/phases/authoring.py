"""Templates written by facilitators: read from TOML or JSON, checked as the built-in files are
(the one model in app.phases.templates, plus what only a hand-written file gets wrong), with
every problem located at the field it concerns, and written back as TOML for export.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from app.phases.templates import Template
from app.protocol.limits import MAX_TITLE

# A heading anywhere else in a template: long enough for any real one, short enough to show.
MAX_HEADING = 200

Loc = list[str | int]

# A model-level message -> the field of that object it is about (so the editor can show it
# next to that field rather than at the top of the section or phase).
_FIELD_OF_MESSAGE = (
    ("needs options", "options"),
    ("needs choose", "choose"),
    ("form section needs fields", "fields"),
    ("two column titles", "columns"),
    ("needs minutes", "minutes"),
    ("no writable sections", "sections"),
    ("may hold a vote", "vote"),
    ("always reveals", "reveal"),
)
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


class TemplateProblem(Exception):
    """A template that cannot be saved: a sentence, and each problem located in the body."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        first_loc, first = problems[0]
        where = ".".join(str(p) for p in first_loc) or "template"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = f"{where}: {first}{more}"
        super().__init__(message if message.endswith(".") else message + ".")
        self.message = str(self)
        self.problems = problems


def parse(body: bytes, content_type: str) -> dict[str, Any]:
    """The template as data, from a TOML (application/toml, text/plain) or JSON body."""
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateProblem([([], "the file is not UTF-8 text")]) from None
    if media in ("application/toml", "text/plain", "text/x-toml"):
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise TemplateProblem([([], _toml_message(str(exc)))]) from None
    if media == "application/json" or media.endswith("+json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise TemplateProblem([([], f"not valid JSON ({exc})")]) from None
        if not isinstance(data, dict):
            raise TemplateProblem([([], "a template is a JSON object")])
        return data
    raise TemplateProblem([([], "send the template as application/toml, text/plain or "
                                "application/json")])


def _toml_message(error: str) -> str:
    found = _TOML_AT.search(error)
    if found is None:
        return f"not valid TOML: {error}"
    reason = _TOML_AT.sub("", error).strip()
    return f"not valid TOML at line {found[1]}, column {found[2]}: {reason}"


def check(raw: Mapping[str, Any], key: str) -> Template:
    """The template under ``key`` (the server names saved templates, whatever the file says),
    or TemplateProblem listing every problem found."""
    data = {**raw, "key": key}
    data.setdefault("source", "")
    try:
        template = Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateProblem([_located(err, data) for err in exc.errors()]) from None
    problems = _hand_written_problems(template)
    if problems:
        raise TemplateProblem(problems)
    return template


def _located(err: Any, data: Mapping[str, Any]) -> tuple[Loc, str]:
    loc: Loc = [p for p in err.get("loc", ()) if isinstance(p, str | int)]
    message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
    if err.get("type") == "value_error":
        for fragment, field in _FIELD_OF_MESSAGE:
            if fragment in message:
                return [*loc, field], message
        if not loc:
            return _template_level(message, data), message
    return loc, message


def _template_level(message: str, data: Mapping[str, Any]) -> Loc:
    """Where a whole-template problem lies, from the data the model refused."""
    phases = [p if isinstance(p, dict) else {} for p in data.get("phases") or []]
    sections = [s if isinstance(s, dict) else {} for s in data.get("sections") or []]
    if "section keys must be unique" in message:
        return _second_of(sections, "sections")
    if "phase keys must be unique" in message:
        return _second_of(phases, "phases")
    named = re.match(r"phase '([^']*)' (names unknown section|votes on)", message)
    if named:
        index = next((i for i, p in enumerate(phases) if p.get("key") == named[1]), 0)
        return ["phases", index, "sections" if named[2].startswith("names") else "vote"]
    if "the last phase" in message:
        return ["phases", max(len(phases) - 1, 0), "mode"] if phases else ["phases"]
    if "only the last phase" in message:
        index = next((i for i, p in enumerate(phases[:-1]) if p.get("mode") == "plenary"), 0)
        return ["phases", index, "mode"]
    return ["translations"] if data.get("translations") else []


def _second_of(items: list[dict[str, Any]], where: str) -> Loc:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        if item.get("key") in seen:
            return [where, index, "key"]
        seen.add(item.get("key"))
    return [where]


def _hand_written_problems(template: Template) -> list[tuple[Loc, str]]:
    """What the built-in files never do but a hand-written one may: a blank or overlong
    title, a section that no phase lets anyone write in, two fields or options under one
    key."""
    problems = _titles(template)
    used = {key for phase in template.phases for key in phase.sections}
    for i, section in enumerate(template.sections):
        if section.key not in used:
            problems.append((["sections", i, "key"],
                             f"no phase uses the section {section.key!r}: make it writable "
                             "in a phase or remove it"))
        for name, keys in (("fields", [f.key for f in section.fields]),
                           ("options", [o.value for o in section.options])):
            twice = [k for k, n in Counter(keys).items() if n > 1]
            if twice:
                index = len(keys) - 1 - keys[::-1].index(twice[0])
                problems.append((["sections", i, name, index],
                                 f"{twice[0]!r} is used twice in this section"))
    return problems


def _titles(template: Template) -> list[tuple[Loc, str]]:
    # The template's title becomes a workshop's (at most MAX_TITLE characters, in any language).
    named: list[tuple[Loc, str, int]] = [(["title"], template.title, MAX_TITLE)]
    named += [(["translations", lang, "title"], texts.title, MAX_TITLE)
              for lang, texts in template.translations.items() if texts.title is not None]
    named += [(["sections", i, "title"], s.title, MAX_HEADING)
              for i, s in enumerate(template.sections)]
    named += [(["phases", i, "title"], p.title, MAX_HEADING) for i, p in enumerate(template.phases)]
    named += [(["sections", i, "fields", j, "label"], f.label, MAX_HEADING)
              for i, s in enumerate(template.sections) for j, f in enumerate(s.fields)]
    problems: list[tuple[Loc, str]] = []
    for loc, text, limit in named:
        if not text.strip():
            problems.append((loc, "needs a title" if loc[-1] == "title" else "needs a label"))
        elif len(text) > limit:
            problems.append((loc, f"at most {limit} characters"))
    return problems


def to_toml(data: Mapping[str, Any]) -> str:
    """``data`` (a template as JSON-like values) as a TOML document."""
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).strip("\n") + "\n"


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(lines: list[str], path: list[str], table: Mapping[str, Any]) -> None:
    for key, value in table.items():
        if value is not None and not isinstance(value, dict) and not _is_tables(value):
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        header = ".".join(_key(k) for k in [*path, key])
        if isinstance(value, dict) and value:
            lines += ["", f"[{header}]"]
            _table(lines, [*path, key], value)
        elif _is_tables(value):
            for item in value:
                lines += ["", f"[[{header}]]"]
                _table(lines, [*path, key], item)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _multiline(value) if "\n" in value else _string(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None)
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _escape(text: str, keep: str = "") -> str:
    out = []
    for char in text:
        if char in keep:
            out.append(char)
        elif char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _string(text: str) -> str:
    return '"' + _escape(text) + '"'


def _multiline(text: str) -> str:
    # The newline right after the opening quotes is not part of the string.
    return '"""\n' + _escape(text, keep="\n") + '"""'
