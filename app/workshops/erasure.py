"""A participant erases themselves (GDPR Art. 17): "leave and erase me".

In one transaction: their participant row (name and hashed token) is deleted; their name is
replaced by REMOVED_NAME on every note they wrote and every field they last set, and in every
event of the workshop's log that carries it (note and field events, rosters), so neither a
snapshot nor a replay shows it again; their notes stay, anonymous, or are deleted, as the
workshop's ``erase_notes`` says. Every change others see is an ordinary event (``note.update``
with the new author name, ``note.delete`` with the lane renumbered, ``field.set`` or
``pick.set``, ``roster``), so open boards update live. A deleted note's text and tags are
blanked in the log too.

The participant's id (``p<n>``) stays on what they wrote: it names no one once their row is
gone. The caller closes their sockets (ERASED_REASON).
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, bindparam, delete, select, update

from app import eventlog
from app.board import rules
from app.board import store as board_store
from app.board.rules import Change
from app.errors import OpError
from app.eventlog import StoredEvent
from app.principal import participant_id, workshop_room
from app.schema import events, fields, notes, participants, rooms, workshops
from app.workshops import store

REMOVED_NAME = "Removed participant"
ERASED_REASON = "you left this workshop and your data was erased"
EraseNotes = Literal["keep_anonymous", "delete"]
ERASE_MODES: tuple[EraseNotes, ...] = ("keep_anonymous", "delete")

_SET_EVENT_DATA = (update(events).where(events.c.id == bindparam("event_id"))
                   .values(data=bindparam("new_data")))


def erase_participant(conn: Connection, workshop_id: int, member: int,
                      now: float) -> list[StoredEvent]:
    """Erase participant ``member`` from the workshop; returns the events to publish.

    OpError ``not_found`` if they are not (or no longer) in it.
    """
    # The workshop's row lock first, as every op takes it (shared): no op of theirs is
    # half-way while their name is taken out.
    mode = conn.execute(select(workshops.c.erase_notes).where(workshops.c.id == workshop_id)
                        .with_for_update()).scalar_one_or_none()
    if mode is None:
        raise OpError("not_found", "There is no such workshop.")
    removed = conn.execute(delete(participants).where(participants.c.id == member,
                                                      participants.c.workshop_id == workshop_id))
    if removed.rowcount != 1:
        raise OpError("not_found", "You are not a participant of this workshop (any more).")
    who = participant_id(member)
    names = list(conn.execute(select(rooms.c.name).where(rooms.c.workshop_id == workshop_id)
                              .order_by(rooms.c.name)).scalars())
    gone = {row for row in conn.execute(select(notes.c.id).where(
        notes.c.room.in_(names), notes.c.author == who)).scalars()} if mode == "delete" else set()
    scrub_log(conn, names, who, gone)
    published: list[StoredEvent] = []
    for room in names:
        if room.startswith("group:"):
            published += _erase_in_room(conn, room, who, mode == "delete", now)
    published.append(eventlog.append_next(conn, workshop_room(workshop_id), "roster",
                                          store.roster(conn, workshop_id), op_id=None, by=who,
                                          at=now))
    return published


def _erase_in_room(conn: Connection, room: str, who: str, delete_notes: bool,
                   now: float) -> list[StoredEvent]:
    seq = eventlog.lock_room(conn, room)
    changes: list[Change] = []
    theirs = conn.execute(select(notes.c.id).where(notes.c.room == room, notes.c.author == who)
                          .order_by(notes.c.created_at, notes.c.id)).scalars().all()
    for note_id in theirs:
        # Read again each time: deleting one of their steps renumbers the rest of its lane.
        note = board_store.get_note(conn, room, note_id)
        assert note is not None
        note["author_name"] = REMOVED_NAME
        private_to = who if note["private"] else None
        if delete_notes:
            lane = [] if note["step"] is None else \
                board_store.lane_notes(conn, room, note["section"], note["lane"])
            change = rules.remove_note(dict(note, text="", answer="", actors=[]), lane, now)
        else:
            # The content is the same, so the version is too: an edit open on it goes on.
            change = Change("note.update", note, private_to,
                            updates=((note_id, {"author_name": REMOVED_NAME}),))
        board_store.apply_change(conn, room, change)
        changes.append(change)
    for key, row in board_store.room_fields(conn, room).items():
        if row["by"] != who:
            continue
        conn.execute(update(fields).where(fields.c.room == room, fields.c.key == key)
                     .values(updated_by_name=REMOVED_NAME))
        kind = "field.set" if "." in key else "pick.set"
        changes.append(Change(kind, dict(row, by_name=REMOVED_NAME)))
    published = []
    for change in changes:
        seq += 1
        published.append(eventlog.append_event(conn, room, seq, change.kind, change.data,
                                               op_id=None, by=who,
                                               private_to=change.private_to, at=now))
    return published


def scrub_log(conn: Connection, room_names: list[str], who: str, gone: set[str]) -> int:
    """Take ``who``'s name out of every event of these rooms, and the text of the notes in
    ``gone`` (about to be deleted); returns how many events changed."""
    rows = conn.execute(select(events.c.id, events.c.data)
                        .where(events.c.room.in_(room_names))).all()
    changed = []
    for event_id, data in rows:
        clean = _scrub(data, who, gone)
        if clean != data:
            changed.append({"event_id": event_id, "new_data": clean})
    if changed:
        conn.execute(_SET_EVENT_DATA, changed)
    return len(changed)


def _scrub(value: Any, who: str, gone: set[str]) -> Any:
    """``value`` with ``who``'s name replaced wherever it is attached to their id: a note's
    ``author_name``, a field's ``by_name``, a roster member's ``name``."""
    if isinstance(value, list):
        return [_scrub(item, who, gone) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _scrub(item, who, gone) for key, item in value.items()}
    if out.get("author") == who and "author_name" in out:
        out["author_name"] = REMOVED_NAME
    if out.get("by") == who and "by_name" in out:
        out["by_name"] = REMOVED_NAME
    if out.get("id") == who and "name" in out:
        out["name"] = REMOVED_NAME
    if out.get("id") in gone and "text" in out:
        out.update({key: blank for key, blank in (("text", ""), ("answer", ""), ("actors", []))
                    if key in out})
    return out
