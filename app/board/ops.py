"""What each board op means: validation against the template and the phase, then the change.

Functions here read and write through app.board.store inside the caller's transaction
and return a :class:`Change`; the caller assigns its seq and records the event.
"""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from sqlalchemy import Connection

from app.board import store
from app.board.errors import OpError
from app.board.messages import (
    BOARD_HEIGHT,
    BOARD_WIDTH,
    FieldSet,
    NoteCreate,
    NoteDelete,
    NoteMove,
    NoteReorder,
    NoteUpdate,
    PickSet,
)
from app.board.principal import Principal
from app.phases.templates import Section, Template

NOTE_KINDS = {"steps": "step", "cards": "card", "pairs": "pair"}
LANE_WIDTH = 290
NOTE_HEIGHT = 130


class BoardContext(NamedTuple):
    """What the current phase allows on a board, and the note the op names."""

    template: Template
    writable: frozenset[str]
    private_sections: frozenset[str]
    max_notes: int
    # Read with the op's context (app.board.op_context); None if the room has no such note.
    note: dict[str, Any] | None = None


class Change(NamedTuple):
    kind: str
    data: dict[str, Any]
    private_to: str | None = None


def _section(ctx: BoardContext, key: str, kinds: tuple[str, ...]) -> Section:
    section = ctx.template.section(key)
    if section is None:
        raise OpError("invalid", f"There is no section called {key!r} in this activity.")
    if section.kind not in kinds:
        raise OpError("invalid", f"{section.title!r} does not take this kind of change.")
    if key not in ctx.writable:
        raise OpError("locked", f"{section.title!r} is not open for writing in this phase.")
    return section


def _note(note_id: str, who: Principal, ctx: BoardContext) -> dict[str, Any]:
    note = ctx.note
    # Someone else's private note is reported missing, so its existence does not leak.
    if note is None or note["id"] != note_id \
            or (note["private"] and not who.may_see(note["author"])):
        raise OpError("not_found", f"There is no note {note_id!r} on this board.")
    _section(ctx, note["section"], tuple(NOTE_KINDS))
    return note


def create_note(conn: Connection, room: str, who: Principal, data: NoteCreate,
                ctx: BoardContext, now: float) -> Change:
    section = _section(ctx, data.section, tuple(NOTE_KINDS))
    if store.count_notes(conn, room) >= ctx.max_notes:
        raise OpError("too_large", f"This board is full: it holds at most {ctx.max_notes} notes.")
    note_id = data.id or str(uuid.uuid4())
    if data.id is not None and store.note_exists(conn, note_id):
        raise OpError("conflict", "This note id is taken; choose another (or send none).")
    private = section.key in ctx.private_sections and who.role == "participant"
    lane = who.id if private else ""
    step = None
    if section.kind == "steps":
        step = len(store.lane_notes(conn, room, section.key, lane)) + 1
    note = {
        "id": note_id, "section": section.key, "kind": NOTE_KINDS[section.kind],
        "text": data.text, "answer": data.answer, "actors": _unique(data.actors), "step": step,
        "lane": lane, "x": data.x, "y": data.y, "colour": data.colour or "yellow",
        "author": who.id, "author_name": who.name, "private": private, "version": 1,
        "created_at": now, "updated_at": now,
    }
    store.insert_note(conn, room, note)
    return Change("note.create", note, who.id if private else None)


def update_note(conn: Connection, room: str, who: Principal, data: NoteUpdate,
                ctx: BoardContext, now: float) -> Change:
    note = _note(data.id, who, ctx)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"id"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if "actors" in changes:
        changes["actors"] = _unique(changes["actors"])
    return _save(conn, note, changes, now, "note.update")


def move_note(conn: Connection, room: str, who: Principal, data: NoteMove,
              ctx: BoardContext, now: float) -> Change:
    note = _note(data.id, who, ctx)
    return _save(conn, note, {"x": data.x, "y": data.y}, now, "note.move")


def delete_note(conn: Connection, room: str, who: Principal, data: NoteDelete,
                ctx: BoardContext, now: float) -> Change:
    note = _note(data.id, who, ctx)
    store.delete_note(conn, note["id"])
    result = dict(note, deleted=True)
    if note["step"] is not None:
        lane = store.lane_notes(conn, room, note["section"], note["lane"])
        result["renumbered"] = _renumber(conn, lane, now)
    return Change("note.delete", result, _private_to(note))


def reorder_note(conn: Connection, room: str, who: Principal, data: NoteReorder,
                 ctx: BoardContext, now: float) -> Change:
    note = _note(data.id, who, ctx)
    if note["step"] is None:
        raise OpError("invalid", "Only numbered step notes can be reordered.")
    lane = [n for n in store.lane_notes(conn, room, note["section"], note["lane"])
            if n["id"] != note["id"]]
    position = min(data.step, len(lane) + 1) - 1
    lane.insert(position, note)
    renumbered = _renumber(conn, lane, now)
    moved = dict(note, step=position + 1, version=note["version"] + 1, updated_at=now)
    store.update_note(conn, note["id"], {"version": moved["version"], "updated_at": now})
    return Change("note.reorder", dict(moved, renumbered=renumbered), _private_to(note))


def set_field(conn: Connection, room: str, who: Principal, data: FieldSet,
              ctx: BoardContext, now: float) -> Change:
    section_key, field_key = data.key.split(".", 1)
    section = _section(ctx, section_key, ("form",))
    if all(f.key != field_key for f in section.fields):
        raise OpError("invalid", f"{section.title!r} has no field called {field_key!r}.")
    _check_base(conn, room, data.key, data.base)
    view = store.put_field(conn, room, data.key, data.value, by=who.id, by_name=who.name,
                           at=now)
    return Change("field.set", view)


def set_pick(conn: Connection, room: str, who: Principal, data: PickSet,
             ctx: BoardContext, now: float) -> Change:
    section = _section(ctx, data.key, ("pick",))
    allowed = {o.value for o in section.options}
    choice = _unique(data.value)
    unknown = [v for v in choice if v not in allowed]
    if unknown:
        raise OpError("invalid", f"{unknown[0]!r} is not one of the choices.")
    limit = section.choose or len(section.options)
    if len(choice) > limit:
        raise OpError("invalid", f"Choose at most {limit}: unpick one before picking another.")
    _check_base(conn, room, data.key, data.base)
    view = store.put_field(conn, room, data.key, choice, by=who.id, by_name=who.name,
                           at=now)
    return Change("pick.set", view)


def reveal_private_notes(conn: Connection, room: str, now: float) -> Change | None:
    """Make every private note in the room shared, laid out in one lane per author."""
    hidden = store.private_notes(conn, room)
    if not hidden:
        return None
    lanes: dict[str, int] = {}
    for note in hidden:
        lanes.setdefault(note["author"], len(lanes))
    longest = max((n["step"] or 1) for n in hidden)
    spacing = min(NOTE_HEIGHT + 20, (BOARD_HEIGHT - NOTE_HEIGHT - 60) / max(1, longest - 1))
    revealed = []
    for note in hidden:
        lane_index = lanes[note["author"]]
        x = min(30 + lane_index * LANE_WIDTH, BOARD_WIDTH - LANE_WIDTH)
        y = 50 + ((note["step"] or 1) - 1) * spacing
        changes = {"private": False, "x": x, "y": y, "version": note["version"] + 1,
                   "updated_at": now}
        store.update_note(conn, note["id"], changes)
        revealed.append(dict(note, **changes))
    return Change("notes.reveal", {"notes": revealed})


def _save(conn: Connection, note: dict[str, Any], changes: dict[str, Any],
          now: float, kind: str) -> Change:
    changes.update(version=note["version"] + 1, updated_at=now)
    store.update_note(conn, note["id"], changes)
    return Change(kind, dict(note, **changes), _private_to(note))


def _renumber(conn: Connection, lane: list[dict[str, Any]],
              now: float) -> dict[str, int]:
    numbering = {}
    for position, note in enumerate(lane, start=1):
        numbering[note["id"]] = position
        if note["step"] != position:
            store.update_note(conn, note["id"], {"step": position,
                                                       "version": note["version"] + 1,
                                                       "updated_at": now})
    return numbering


def _check_base(conn: Connection, room: str, key: str, base: int | None) -> None:
    if base is None:
        return
    current = store.get_field(conn, room, key)
    version = 0 if current is None else int(current["version"])
    if version != base:
        view = None if current is None else store.field_view(key, current)
        raise OpError("conflict", "Someone changed this in the meantime; here is their version.",
                      current=view)


def _private_to(note: dict[str, Any]) -> str | None:
    return str(note["author"]) if note["private"] else None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
