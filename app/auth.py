"""Who a token is: the facilitator (or the screen it opens), a participant, or a paired
screen; and which rooms that principal's socket joins. Tokens are compared hashed, in
constant time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app.db import Database
from app.principal import (
    FACILITATOR_ID,
    Principal,
    Role,
    co_facilitator_id,
    group_room,
    participant_id,
    screen_principal_id,
    view_principal_id,
    workshop_room,
)
from app.workshops import moderation, screens, store
from app.workshops.tokens import token_matches


class Authenticator:
    def __init__(self, db: Database, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock

    async def socket_principal(self, code: str, token: str, role: str | None,
                               view: int | None = None
                               ) -> tuple[Principal, dict[str, Any]] | None:
        """The principal this token opens workshop ``code`` as, and the workshop; None if
        it opens nothing. A facilitator's token asking for ``screen`` is the read-only screen;
        a screen's own token opens the workshop it is paired with, read-only, whatever the role.
        A facilitator's (or co-facilitator's) token with ``view`` is a read-only look at that
        group as its participants see it.
        """
        def find(conn: Connection) -> tuple[Principal, dict[str, Any]] | None:
            workshop = store.find_workshop(conn, code)
            if workshop is None:
                return None
            anonymous = bool(workshop["anonymous"])
            key = workshop["pseudonym_key"] or ""
            lead = is_facilitator(workshop, token)
            co = None if lead else moderation.find_co_facilitator(conn, workshop["id"], token)
            if co is not None or (lead and view is not None):
                return _facilitating(conn, workshop, co, role, view)
            if lead:
                kind: Role = "screen" if role == "screen" else "facilitator"
                if kind == "screen":
                    return Principal(f"screen-{workshop['id']}", kind, "Screen", workshop["id"],
                                     anonymous=anonymous, pseudonym_key=key), workshop
                return Principal(FACILITATOR_ID, kind, "Facilitator", workshop["id"],
                                 anonymous=anonymous, pseudonym_key=key), workshop
            person = store.find_participant(conn, workshop["id"], token)
            if person is not None:
                return Principal(participant_id(person["id"]), "participant", person["name"],
                                 workshop["id"], person["group_id"], anonymous, key), workshop
            screen = screens.find_by_token(conn, token)
            if screen is None or screen["workshop_id"] != workshop["id"]:
                return None
            return Principal(screen_principal_id(screen["id"]), "screen", "Screen",
                             workshop["id"], anonymous=anonymous, pseudonym_key=key), workshop

        found = await self._db.read(find)
        screen_id = None if found is None else found[0].screen_id
        if screen_id is not None:
            now = self._clock()
            await self._db.write(lambda conn: screens.touch(conn, screen_id, now))
        return found

    async def moved(self, who: Principal) -> bool:
        """Whether a participant is no longer in the group they authenticated in, a screen
        no longer paired with the workshop it opened, or the workshop no longer there."""
        screen = who.screen_id
        if screen is not None:
            paired = await self._db.read(lambda conn: screens.paired_workshop(conn, screen))
            return paired != who.workshop_id
        co = who.co_facilitator
        if co is not None:
            opens = await self._db.read(lambda conn: moderation.co_facilitator_workshop(conn, co))
            return opens != who.workshop_id
        member = who.member_id
        if member is None:
            # Deleted between the hello and the join: its 4410 went out before this socket
            # was in the room to hear it.
            workshop = await self._db.read(lambda conn: store.get_workshop(conn, who.workshop_id))
            return workshop is None
        group = await self._db.read(lambda conn: store.participant_group(conn, member))
        return group != who.group_id

    async def rooms_for(self, who: Principal) -> list[str]:
        """A participant's: the workshop's and their group's; anyone else's: every room."""
        if who.group_id is not None:
            return [workshop_room(who.workshop_id), group_room(who.group_id)]
        groups = await self._db.read(lambda conn: store.list_groups(conn, who.workshop_id))
        return [workshop_room(who.workshop_id)] + [group_room(g["id"]) for g in groups]


def _facilitating(conn: Connection, workshop: dict[str, Any], co: dict[str, Any] | None,
                  role: str | None, view: int | None
                  ) -> tuple[Principal, dict[str, Any]] | None:
    """A co-facilitator (``co``) or the lead: as facilitator, as the screen, or viewing one
    group read-only as its participants see it (no private notes, no writes)."""
    workshop_id, anonymous = workshop["id"], bool(workshop["anonymous"])
    key = workshop.get("pseudonym_key") or ""
    actor = FACILITATOR_ID if co is None else co_facilitator_id(co["id"])
    name = "Facilitator" if co is None else "Co-facilitator"
    if view is not None:
        if view not in {g["id"] for g in store.list_groups(conn, workshop_id)}:
            return None
        return Principal(view_principal_id(actor, view), "screen", f"{name} (view only)",
                         workshop_id, view, anonymous, key), workshop
    if role == "screen":
        return Principal(f"screen-{workshop_id}", "screen", "Screen", workshop_id,
                         anonymous=anonymous, pseudonym_key=key), workshop
    return Principal(actor, "facilitator", name, workshop_id, anonymous=anonymous,
                     pseudonym_key=key), workshop


def is_facilitator(workshop: dict[str, Any], token: str) -> bool:
    return token_matches(token, workshop["facilitator_token_hash"])


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header; None if there is none."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None
