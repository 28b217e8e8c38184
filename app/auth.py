"""Who a token is: the facilitator (or the screen it opens), or a participant; and which
rooms that principal's socket joins. Tokens are compared hashed, in constant time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.db import Database
from app.principal import (
    FACILITATOR_ID,
    Principal,
    Role,
    group_room,
    participant_id,
    workshop_room,
)
from app.workshops import store
from app.workshops.tokens import token_matches


class Authenticator:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def socket_principal(self, code: str, token: str, role: str | None
                               ) -> tuple[Principal, dict[str, Any]] | None:
        """The principal this token opens workshop ``code`` as, and the workshop; None if
        it opens nothing. A facilitator's token asking for ``screen`` is the read-only screen.
        """
        def find(conn: Connection) -> tuple[Principal, dict[str, Any]] | None:
            workshop = store.find_workshop(conn, code)
            if workshop is None:
                return None
            if is_facilitator(workshop, token):
                kind: Role = "screen" if role == "screen" else "facilitator"
                if kind == "screen":
                    return Principal(f"screen-{workshop['id']}", kind, "Screen",
                                     workshop["id"]), workshop
                return Principal(FACILITATOR_ID, kind, "Facilitator", workshop["id"]), workshop
            person = store.find_participant(conn, workshop["id"], token)
            if person is None:
                return None
            return Principal(participant_id(person["id"]), "participant", person["name"],
                             workshop["id"], person["group_id"]), workshop

        return await self._db.read(find)

    async def moved(self, who: Principal) -> bool:
        """Whether a participant is no longer in the group they authenticated in."""
        member = who.member_id
        if member is None:
            return False
        group = await self._db.read(lambda conn: store.participant_group(conn, member))
        return group != who.group_id

    async def rooms_for(self, who: Principal) -> list[str]:
        """A participant's: the workshop's and their group's; anyone else's: every room."""
        if who.group_id is not None:
            return [workshop_room(who.workshop_id), group_room(who.group_id)]
        groups = await self._db.read(lambda conn: store.list_groups(conn, who.workshop_id))
        return [workshop_room(who.workshop_id)] + [group_room(g["id"]) for g in groups]


def is_facilitator(workshop: dict[str, Any], token: str) -> bool:
    return token_matches(token, workshop["facilitator_token_hash"])
