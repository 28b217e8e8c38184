"""Workshops, groups and participants in the database.

Functions run inside their caller's transaction. Those that change what others see
append a ``roster`` event to the workshop room and return it for publishing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import eventlog
from app.errors import OpError
from app.eventlog import StoredEvent
from app.i18n import DEFAULT_LANGUAGE, translate
from app.i18n.catalogue import parse_language
from app.phases.templates import Template
from app.principal import group_room, participant_id, workshop_room
from app.protocol import anonymity
from app.schema import groups, participants, rooms, workshops
from app.workshops import signals
from app.workshops.codes import new_code
from app.workshops.join_lock import JoinLocked
from app.workshops.tokens import hash_token, new_token

MAX_CODE_ATTEMPTS = 20


def create_workshop(conn: Connection, template: Template, title: str,
                    group_count: int, minutes: dict[str, int], auto_advance: bool,
                    now: float, *, anonymous: bool = False,
                    language: str = "en") -> tuple[dict[str, Any], str]:
    """Create a workshop with its groups and rooms; returns (row, facilitator token)."""
    timed = {p.key for p in template.timed_phases}
    unknown = sorted(set(minutes) - timed)
    if unknown:
        raise OpError("invalid", f"{template.title!r} has no timed phase called {unknown[0]!r}.")
    token = new_token()
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_code()
        taken = conn.execute(select(workshops.c.id).where(workshops.c.code == code))
        if taken.first() is None:
            break
    else:  # pragma: no cover - 31^6 codes make this practically unreachable
        raise OpError("conflict", "Could not find a free join code; try again.")
    try:
        result = conn.execute(insert(workshops).values(
            code=code, title=title or template.title, template=template.key,
            facilitator_token_hash=hash_token(token), created_at=now, minutes=minutes,
            auto_advance=auto_advance, status="lobby", phase_index=-1, ends_at=None,
            remaining=None, phase_version=0, warned=False, spotlight=None,
            erase_notes="keep_anonymous", anonymous=anonymous,
            pseudonym_key=anonymity.new_key() if anonymous else None, language=language,
        ))
    except IntegrityError as exc:  # pragma: no cover - lost a race for the same code
        raise OpError("conflict", "Could not reserve a join code; try again.") from exc
    workshop_id = _new_id(result)
    eventlog.create_room(conn, workshop_room(workshop_id), workshop_id)
    for position in range(group_count):
        _add_group(conn, workshop_id, position, language)
    row = get_workshop(conn, workshop_id)
    assert row is not None
    return row, token


def get_workshop(conn: Connection, workshop_id: int) -> dict[str, Any] | None:
    query = select(workshops).where(workshops.c.id == workshop_id)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def find_workshop(conn: Connection, code: str) -> dict[str, Any] | None:
    query = select(workshops).where(workshops.c.code == code)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def find_participant(conn: Connection, workshop_id: int,
                     token: str) -> dict[str, Any] | None:
    query = select(participants).where(participants.c.token_hash == hash_token(token),
                                       participants.c.workshop_id == workshop_id)
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def participant_group(conn: Connection, participant: int) -> int | None:
    """The participant's group now; None if there is no such participant."""
    query = select(participants.c.group_id).where(participants.c.id == participant)
    group = conn.execute(query).scalar_one_or_none()
    return None if group is None else int(group)


def list_groups(conn: Connection, workshop_id: int) -> list[dict[str, Any]]:
    query = (select(groups).where(groups.c.workshop_id == workshop_id)
             .order_by(groups.c.position))
    return [dict(r) for r in conn.execute(query).mappings().all()]


def roster(conn: Connection, workshop_id: int) -> dict[str, Any]:
    """Groups in order, each with its members in joining order."""
    people = (conn.execute(
        select(participants.c.id, participants.c.name, participants.c.group_id)
        .where(participants.c.workshop_id == workshop_id).order_by(participants.c.id)
    )).all()
    result = []
    for group in list_groups(conn, workshop_id):
        members = [{"id": participant_id(p.id), "name": p.name}
                   for p in people if p.group_id == group["id"]]
        result.append({"id": group["id"], "name": group["name"], "room": group_room(group["id"]),
                       "members": members})
    # Whether new joins are refused (app.workshops.moderation): facilitators show it.
    locked = conn.execute(select(workshops.c.join_locked)
                          .where(workshops.c.id == workshop_id)).scalar_one_or_none()
    return signals.extend_roster(conn, workshop_id, {"groups": result,
                                                     "join_locked": bool(locked)})


def join(conn: Connection, workshop: dict[str, Any], name: str,
         group_id: int | None, now: float) -> tuple[dict[str, Any], str, StoredEvent]:
    """Add a participant, to the given group or the smallest one; returns (row, token, event)."""
    if workshop["status"] == "closed":
        raise OpError("conflict", "This workshop has ended.")
    if workshop.get("join_locked"):
        # Read from the row the caller holds: a lock an instant ago may let one more in.
        raise JoinLocked()
    sizes = _group_sizes(conn, workshop["id"])
    if group_id is None:
        group_id = _smallest(sizes)
    elif group_id not in sizes:
        raise OpError("not_found", f"This workshop has no group {group_id}.")
    token = new_token()
    result = conn.execute(insert(participants).values(
        workshop_id=workshop["id"], group_id=group_id, name=name,
        token_hash=hash_token(token), created_at=now))
    new_id = _new_id(result)
    row = {"id": new_id, "group_id": group_id, "name": name}
    return row, token, _roster_event(conn, workshop["id"], now, by=participant_id(new_id))


def rename_group(conn: Connection, workshop_id: int, group_id: int, name: str,
                 now: float) -> StoredEvent:
    result = conn.execute(update(groups).where(groups.c.id == group_id,
                                               groups.c.workshop_id == workshop_id)
                          .values(name=name))
    if result.rowcount != 1:
        raise OpError("not_found", f"This workshop has no group {group_id}.")
    return _roster_event(conn, workshop_id, now)


def move_participant(conn: Connection, workshop_id: int, pid: int, group_id: int,
                     now: float) -> StoredEvent:
    sizes = _group_sizes(conn, workshop_id)
    if group_id not in sizes:
        raise OpError("not_found", f"This workshop has no group {group_id}.")
    result = conn.execute(update(participants)
                          .where(participants.c.id == pid,
                                 participants.c.workshop_id == workshop_id)
                          .values(group_id=group_id))
    if result.rowcount != 1:
        raise OpError("not_found", f"This workshop has no participant {pid}.")
    return _roster_event(conn, workshop_id, now)


def set_group_count(conn: Connection, workshop: dict[str, Any], count: int,
                    now: float) -> StoredEvent:
    """Add groups, or remove the last ones and rebalance their members; only before start."""
    if workshop["status"] != "lobby":
        raise OpError("conflict", "Groups can only be added or removed before the start.")
    existing = list_groups(conn, workshop["id"])
    for position in range(len(existing), count):
        _add_group(conn, workshop["id"], position, workshop["language"])
    keep = {g["id"] for g in existing[:count]}
    sizes = {g: size for g, size in (_group_sizes(conn, workshop["id"])).items()
             if g in keep}
    for group in existing[count:]:
        members = (conn.execute(select(participants.c.id)
                                .where(participants.c.group_id == group["id"]))).all()
        for member in members:
            target = _smallest(sizes)
            sizes[target] = (sizes[target][0], sizes[target][1] + 1)
            conn.execute(update(participants).where(participants.c.id == member.id)
                         .values(group_id=target))
        conn.execute(delete(rooms).where(rooms.c.name == group_room(group["id"])))
        conn.execute(delete(groups).where(groups.c.id == group["id"]))
    return _roster_event(conn, workshop["id"], now)


def set_settings(conn: Connection, workshop: dict[str, Any], template: Template,
                 minutes: dict[str, int] | None, auto_advance: bool | None,
                 title: str | None, erase_notes: str | None = None,
                 language: str | None = None) -> None:
    changes: dict[str, Any] = {}
    if minutes is not None:
        if workshop["status"] != "lobby":
            raise OpError("conflict", "Minutes can only be changed before the start.")
        timed = {p.key for p in template.timed_phases}
        unknown = sorted(set(minutes) - timed)
        if unknown:
            raise OpError("invalid", f"There is no timed phase called {unknown[0]!r}.")
        changes["minutes"] = {**workshop["minutes"], **minutes}
    if auto_advance is not None:
        changes["auto_advance"] = auto_advance
    if title is not None:
        changes["title"] = title
    if erase_notes is not None:
        changes["erase_notes"] = erase_notes
    if language is not None:
        changes["language"] = language
    if changes:
        conn.execute(update(workshops).where(workshops.c.id == workshop["id"])
                     .values(**changes))


def _new_id(result: Any) -> int:
    return int(result.inserted_primary_key[0])


def _add_group(conn: Connection, workshop_id: int, position: int, language: str) -> None:
    # Named in the workshop's language; the facilitator may rename it.
    name = translate(parse_language(language) or DEFAULT_LANGUAGE, "group.default_name",
                     n=position + 1)
    result = conn.execute(insert(groups).values(workshop_id=workshop_id, name=name,
                                                position=position))
    group_id = _new_id(result)
    eventlog.create_room(conn, group_room(group_id), workshop_id)


def _smallest(sizes: dict[int, tuple[int, int]]) -> int:
    """The group with the fewest members; the first such group on a tie."""
    return min(sizes, key=lambda g: (sizes[g][1], sizes[g][0]))


def _group_sizes(conn: Connection, workshop_id: int) -> dict[int, tuple[int, int]]:
    """group id -> (position, member count)."""
    counts: dict[int, int] = dict((conn.execute(
        select(participants.c.group_id, func.count())
        .where(participants.c.workshop_id == workshop_id).group_by(participants.c.group_id)
    )).all())
    return {g["id"]: (g["position"], int(counts.get(g["id"], 0)))
            for g in list_groups(conn, workshop_id)}


def _roster_event(conn: Connection, workshop_id: int, now: float,
                  by: str = "facilitator") -> StoredEvent:
    return eventlog.append_next(conn, workshop_room(workshop_id), "roster",
                                roster(conn, workshop_id), op_id=None, by=by, at=now)
