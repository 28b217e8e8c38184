"""Anonymous workshops: what a viewer may see of other people, redacted at one point a channel.

In an anonymous workshop no participant's name leaves the server to anyone but that
participant. Every channel that carries people (events and snapshots on the socket, presence
and drags, REST rosters, the exports) passes its data through ``redact`` (or ``redact_roster``,
``redact_members``) for the viewer it is built for:

- a participant's name (``author_name``, ``by_name``, ``updated_by_name``, a person's
  ``name``) is blanked unless it is the viewer's own (a facilitator's stays); roster
  members are numbered "Participant 1, 2 …" in joining order instead (the facilitator
  still needs to tell entries apart to move people);
- an author or lane id (``author``, ``lane``) becomes a pseudonym: a keyed hash with the
  workshop's secret key, stable (a person's notes stay in one lane) but not linkable to the
  roster's ids, so the roster's joining order cannot tie notes to a person;
- which participant did something (``by``, ``updated_by``) is blanked.

Exports (``report_view``) show the facilitator's numbered roster and write every
participant's note as by "Participant".

The viewer's own notes keep their real author id, so the browser still marks them "yours".
The database keeps names and ids: the server's own rules (private notes, erasure,
moderation) work as before.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from app.principal import FACILITATOR_ID, Principal

_PERSON = re.compile(r"p[0-9]+")
# Keys whose value names who wrote something: become the author's pseudonym.
_AUTHOR_KEYS = ("author", "lane")
# Keys whose value says who did something: blanked.
_ACTOR_KEYS = ("by", "updated_by")
# A name and the id key that says whose it is.
# How an export writes an anonymous author.
REPORT_AUTHOR = "Participant"
_NAME_OF = {"author_name": "author", "by_name": "by", "updated_by_name": "updated_by",
            "name": "id"}


def new_key() -> str:
    """A workshop's secret pseudonym key (stored on the workshop, never sent)."""
    return secrets.token_hex(16)


def pseudonym(key: str, person: str) -> str:
    """A person's stable, unlinkable stand-in id in one workshop."""
    digest = hmac.new(key.encode("ascii"), person.encode("utf-8"), hashlib.sha256)
    return "a" + digest.hexdigest()[:12]


def is_person(value: Any) -> bool:
    return isinstance(value, str) and _PERSON.fullmatch(value) is not None


def mentions(value: Any, person: str) -> bool:
    """Whether ``person``'s id appears anywhere in ``value`` (then its view is their own)."""
    if isinstance(value, dict):
        return any(v == person or mentions(v, person) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, person) for v in value)
    return False


def redact(value: Any, viewer: Principal) -> Any:
    """``value`` as ``viewer`` may see it (unchanged outside anonymous workshops)."""
    if not viewer.anonymous:
        return value
    return _redact(value, viewer)


def _redact(value: Any, viewer: Principal) -> Any:
    if isinstance(value, list):
        return [_redact(v, viewer) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _redact(v, viewer) for k, v in value.items()}
    for name_key, id_key in _NAME_OF.items():
        if name_key in out and isinstance(out[name_key], str):
            owner = value.get(id_key)
            # A facilitator's name may show; a plain "name" is a person's only beside a
            # person's id (groups have names); a name whose owner is not said is blanked.
            if (is_person(owner) and owner != viewer.id) \
                    or (owner is None and name_key != "name"):
                out[name_key] = ""
    for key in _AUTHOR_KEYS:
        person = value.get(key)
        if isinstance(person, str) and is_person(person) and person != viewer.id:
            out[key] = pseudonym(viewer.pseudonym_key, person)
    for key in _ACTOR_KEYS:
        if is_person(value.get(key)) and value.get(key) != viewer.id:
            out[key] = ""
    return out


def redact_roster(roster: dict[str, Any], viewer: Principal) -> dict[str, Any]:
    """A roster with everyone but the viewer numbered "Participant N" in joining order."""
    if not viewer.anonymous:
        return roster
    people = sorted((m["id"] for g in roster.get("groups", []) for m in g.get("members", [])
                     if is_person(m.get("id"))), key=lambda p: int(p[1:]))
    number = {person: position for position, person in enumerate(people, start=1)}
    out: dict[str, Any] = _redact(roster, viewer)
    for group in out.get("groups", []):
        for member in group.get("members", []):
            if member.get("id") in number and member["id"] != viewer.id:
                member["name"] = f"Participant {number[member['id']]}"
    return out


def redact_members(members: list[dict[str, Any]], viewer: Principal) -> list[dict[str, Any]]:
    """Presence: who is online becomes how many; the viewer still finds their own entry."""
    if not viewer.anonymous:
        return members
    return [m if m.get("id") == viewer.id or not is_person(m.get("id"))
            else dict(m, id="", name="") for m in members]


def facilitator_view(workshop: dict[str, Any]) -> Principal:
    """The facilitator as a viewer of ``workshop``, for what REST answers and exports show."""
    return Principal(FACILITATOR_ID, "facilitator", "Facilitator", workshop["id"],
                     anonymous=bool(workshop["anonymous"]),
                     pseudonym_key=workshop["pseudonym_key"] or "")


def report_view(workshop: dict[str, Any], roster: dict[str, Any],
                boards: dict[str, dict[str, Any]]
                ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """An anonymous workshop's roster and boards as every export shows them: members
    numbered as on the facilitator's page, each author written "Participant" with no number
    (the roster's numbers follow joining order and must not tie notes to a person)."""
    viewer = facilitator_view(workshop)
    shown: dict[str, dict[str, Any]] = _redact(boards, viewer)
    for board in shown.values():
        for note in board.get("notes", []):
            if note.get("author_name") == "":
                note["author_name"] = REPORT_AUTHOR
    return redact_roster(roster, viewer), shown
