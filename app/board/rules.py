"""What each board op means: pure functions from the state an op needs to its change.

Nothing here reads or writes: app.board.service reads what a rule asks for, calls it
inside the op's transaction and stores the :class:`Change` it returns. A rule that
refuses raises :class:`app.errors.OpError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from app.errors import OpError
from app.phases.templates import Section, Template
from app.principal import Principal
from app.protocol.client import (
    FieldSet,
    NoteCreate,
    NoteDelete,
    NoteMove,
    NoteReorder,
    NoteUpdate,
    PickSet,
)
from app.protocol.limits import BOARD_HEIGHT, BOARD_WIDTH

NOTE_KINDS = {"steps": "step", "cards": "card", "pairs": "pair"}
# A note's size on the board (the page draws every note this size, long text clamped),
# and the gap the reveal leaves between notes.
NOTE_WIDTH = 260
NOTE_HEIGHT = 150
NOTE_GAP = 30
LANE_WIDTH = NOTE_WIDTH + NOTE_GAP
ROW_HEIGHT = NOTE_HEIGHT + NOTE_GAP
REVEAL_LEFT = 30
REVEAL_TOP = 50
Note = dict[str, Any]


class BoardContext(NamedTuple):
    """What the current phase allows on a board."""

    template: Template
    writable: frozenset[str]
    private_sections: frozenset[str]
    max_notes: int


class Change(NamedTuple):
    """An op's event (kind, data, who alone may see it) and the writes that make it."""

    kind: str
    data: dict[str, Any]
    private_to: str | None = None
    insert: Note | None = None
    # (note id, changed columns) for each note the op changes.
    updates: tuple[tuple[str, dict[str, Any]], ...] = ()
    delete: str | None = None
    # (key, value) of the field the op sets.
    field: tuple[str, Any] | None = None


def writable_section(ctx: BoardContext, key: str, kinds: tuple[str, ...]) -> Section:
    """The section ``key``, if it takes this kind of change now."""
    section = ctx.template.section(key)
    if section is None:
        raise OpError("invalid", f"There is no section called {key!r} in this activity.")
    if section.kind not in kinds:
        raise OpError("invalid", f"{section.title!r} does not take this kind of change.")
    if key not in ctx.writable:
        raise OpError("locked", f"{section.title!r} is not open for writing in this phase.")
    return section


def steps_lane(ctx: BoardContext, who: Principal, section_key: str) -> str | None:
    """The lane whose steps a new note in this section continues (its author's while it
    is private), or None if the section does not number its notes."""
    section = writable_section(ctx, section_key, tuple(NOTE_KINDS))
    if section.kind != "steps":
        return None
    return who.id if _is_private(ctx, who, section) else ""


def create_note(who: Principal, data: NoteCreate, ctx: BoardContext, *, note_id: str,
                note_count: int, id_taken: bool, lane_size: int, now: float) -> Change:
    """A new note; ``lane_size``: how many step notes its lane holds already (see
    steps_lane)."""
    section = writable_section(ctx, data.section, tuple(NOTE_KINDS))
    if note_count >= ctx.max_notes:
        raise OpError("too_large", f"This board is full: it holds at most {ctx.max_notes} notes.")
    if id_taken:
        # Whoever's note has it, here or anywhere (visible to the sender or not): the same
        # answer as any unusable id, so it reveals nothing about notes the sender cannot see.
        raise OpError("invalid", "This note id cannot be used; choose another (or send none).")
    private = _is_private(ctx, who, section)
    note = {
        "id": note_id, "section": section.key, "kind": NOTE_KINDS[section.kind],
        "text": data.text, "answer": data.answer, "actors": _unique(data.actors),
        "step": lane_size + 1 if section.kind == "steps" else None,
        "lane": who.id if private else "", "x": data.x, "y": data.y,
        "colour": data.colour or "yellow", "author": who.id, "author_name": who.name,
        "private": private, "version": 1, "created_at": now, "updated_at": now,
    }
    return Change("note.create", note, who.id if private else None, insert=note)


def update_note(who: Principal, data: NoteUpdate, ctx: BoardContext, note: Note | None,
                now: float) -> Change:
    found = _visible_note(data.id, who, ctx, note, data.base)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True, exclude={"id", "base"}).items()
               if v is not None}
    if "actors" in changes:
        changes["actors"] = _unique(changes["actors"])
    return _edit(found, changes, now, "note.update")


def move_note(who: Principal, data: NoteMove, ctx: BoardContext, note: Note | None,
              now: float) -> Change:
    found = _visible_note(data.id, who, ctx, note, data.base)
    return _edit(found, {"x": data.x, "y": data.y}, now, "note.move")


def delete_note(who: Principal, data: NoteDelete, ctx: BoardContext, note: Note | None,
                lane: list[Note], now: float) -> Change:
    """``lane``: the note's lane in step order, if it is a step note."""
    return remove_note(_visible_note(data.id, who, ctx, note, data.base), lane, now)


def remove_note(note: Note, lane: list[Note], now: float) -> Change:
    """A note's deletion, the rest of its lane renumbered, whatever the phase: what
    ``note.delete`` does once allowed, and what erasing its author does."""
    result = dict(note, deleted=True)
    updates: tuple[tuple[str, dict[str, Any]], ...] = ()
    if note["step"] is not None:
        rest = [n for n in lane if n["id"] != note["id"]]
        result["renumbered"], updates = _renumber(rest, now)
    return Change("note.delete", result, _private_to(note), delete=note["id"],
                  updates=updates)


def reorder_note(who: Principal, data: NoteReorder, ctx: BoardContext, note: Note | None,
                 lane: list[Note], now: float) -> Change:
    found = _visible_note(data.id, who, ctx, note, data.base)
    if found["step"] is None:
        raise OpError("invalid", "Only numbered step notes can be reordered.")
    rest = [n for n in lane if n["id"] != found["id"]]
    position = min(data.step, len(rest) + 1) - 1
    rest.insert(position, found)
    renumbered, updates = _renumber(rest, now)
    # The moved note's own row: its new step (if it changed) and a new version.
    others = tuple(u for u in updates if u[0] != found["id"])
    moved = dict(found, step=position + 1, version=found["version"] + 1, updated_at=now)
    own = {"step": moved["step"], "version": moved["version"], "updated_at": now}
    return Change("note.reorder", dict(moved, renumbered=renumbered), _private_to(found),
                  updates=(*others, (found["id"], own)))


def set_field(who: Principal, data: FieldSet, ctx: BoardContext,
              current: dict[str, Any] | None, now: float) -> Change:
    """``current``: the field as stored (None if never set)."""
    section_key, field_key = data.key.split(".", 1)
    section = writable_section(ctx, section_key, ("form",))
    if all(f.key != field_key for f in section.fields):
        raise OpError("invalid", f"{section.title!r} has no field called {field_key!r}.")
    _check_base(data.key, data.base, current)
    return _put_field("field.set", who, data.key, data.value, current, now)


def set_pick(who: Principal, data: PickSet, ctx: BoardContext,
             current: dict[str, Any] | None, now: float) -> Change:
    section = writable_section(ctx, data.key, ("pick",))
    allowed = {o.value for o in section.options}
    choice = _unique(data.value)
    unknown = [v for v in choice if v not in allowed]
    if unknown:
        raise OpError("invalid", f"{unknown[0]!r} is not one of the choices.")
    limit = section.choose or len(section.options)
    if len(choice) > limit:
        raise OpError("invalid", f"Choose at most {limit}: unpick one before picking another.")
    _check_base(data.key, data.base, current)
    return _put_field("pick.set", who, data.key, choice, current, now)


def reveal_private_notes(hidden: list[Note], now: float) -> Change | None:
    """Make these private notes shared, laid out in one lane per author (None: none).

    Each section gets its own layout: the authors' lanes side by side from the left, each
    lane one note under another in step order, a note's height and a gap apart, so no two
    revealed notes overlap while the lanes fit the board (past its bounds they are capped
    at the edge).
    """
    if not hidden:
        return None
    lanes: dict[str, dict[str, list[Note]]] = {}
    for note in hidden:
        lanes.setdefault(note["section"], {}).setdefault(note["author"], []).append(note)
    places: dict[str, tuple[int, int]] = {}
    for authors in lanes.values():
        for column, lane in enumerate(authors.values()):
            lane.sort(key=lambda n: (n["step"] is None, n["step"] or 0, n["created_at"]))
            x = min(REVEAL_LEFT + column * LANE_WIDTH, BOARD_WIDTH - NOTE_WIDTH)
            for row, note in enumerate(lane):
                places[note["id"]] = (x, min(REVEAL_TOP + row * ROW_HEIGHT,
                                             BOARD_HEIGHT - NOTE_HEIGHT))
    revealed = []
    updates = []
    for note in hidden:
        x, y = places[note["id"]]
        changes = {"private": False, "x": x, "y": y, "version": note["version"] + 1,
                   "updated_at": now}
        updates.append((note["id"], changes))
        revealed.append(dict(note, **changes))
    return Change("notes.reveal", {"notes": revealed}, updates=tuple(updates))


def field_view(key: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored field as clients see it."""
    return {"key": key, "value": row["value"], "version": row["version"],
            "by": row["updated_by"], "by_name": row["updated_by_name"], "at": row["updated_at"]}


def _is_private(ctx: BoardContext, who: Principal, section: Section) -> bool:
    return section.key in ctx.private_sections and who.role == "participant"


def _visible_note(note_id: str, who: Principal, ctx: BoardContext, note: Note | None,
                  base: int | None = None) -> Note:
    """The note an op targets, if the sender may see and change it; with ``base``, only
    while it is still at that version."""
    # Someone else's private note is reported missing, so its existence does not leak.
    if note is None or note["id"] != note_id \
            or (note["private"] and not who.may_see(note["author"])):
        raise OpError("not_found", f"There is no note {note_id!r} on this board.")
    writable_section(ctx, note["section"], tuple(NOTE_KINDS))
    if base is not None and note["version"] != base:
        raise OpError("conflict", "Someone changed this note in the meantime; here is their "
                      "version.", current=dict(note))
    return note


def _edit(note: Note, changes: dict[str, Any], now: float, kind: str) -> Change:
    changes.update(version=note["version"] + 1, updated_at=now)
    return Change(kind, dict(note, **changes), _private_to(note),
                  updates=((note["id"], changes),))


def _renumber(lane: list[Note], now: float
              ) -> tuple[dict[str, int], tuple[tuple[str, dict[str, Any]], ...]]:
    """Steps 1, 2, 3 … in this order: the numbering, and the rows whose step changes."""
    numbering = {}
    updates = []
    for position, note in enumerate(lane, start=1):
        numbering[note["id"]] = position
        if note["step"] != position:
            updates.append((note["id"], {"step": position, "version": note["version"] + 1,
                                         "updated_at": now}))
    return numbering, tuple(updates)


def _put_field(kind: str, who: Principal, key: str, value: Any,
               current: dict[str, Any] | None, now: float) -> Change:
    row = {"value": value, "version": 1 if current is None else int(current["version"]) + 1,
           "updated_by": who.id, "updated_by_name": who.name, "updated_at": now}
    return Change(kind, field_view(key, row), field=(key, row))


def _check_base(key: str, base: int | None, current: dict[str, Any] | None) -> None:
    if base is None:
        return
    version = 0 if current is None else int(current["version"])
    if version != base:
        view = None if current is None else field_view(key, current)
        raise OpError("conflict", "Someone changed this in the meantime; here is their version.",
                      current=view)


def _private_to(note: Note) -> str | None:
    return str(note["author"]) if note["private"] else None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
