"""Projector screens: a device with its own read-only token, paired with a workshop by a
short code that the facilitator types.

A new screen belongs to no workshop and shows a pairing code (six characters from the
join codes' alphabet) that is valid for PAIRING_SECONDS and can be used once. Pairing binds
it to the facilitator's workshop; unpairing takes it away again and closes its sockets.
Only the token's SHA-256 is stored. At most MAX_WAITING screens wait unpaired: creating
one drops those whose time is up, then the oldest. The store functions run inside their
caller's transaction; ScreenService runs each in one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher
from app.principal import screen_principal_id, workshop_room
from app.schema import screens, workshops
from app.workshops.codes import new_code, normalise_code
from app.workshops.tokens import hash_token, new_token

PAIRING_SECONDS = 15 * 60
MAX_WAITING = 1000
MAX_CODE_ATTEMPTS = 20
UNPAIRED_REASON = "this screen was unpaired"

Clock = Callable[[], float]


def create_screen(conn: Connection, now: float,
                  max_waiting: int = MAX_WAITING) -> tuple[dict[str, Any], str]:
    """A new screen waiting to be paired; returns (its row, its token)."""
    waiting = screens.c.workshop_id.is_(None)
    conn.execute(delete(screens).where(waiting, screens.c.expires_at < now))
    # Room for one more: the oldest waiting screens go first.
    keep = (select(screens.c.id).where(waiting).order_by(screens.c.id.desc())
            .limit(max_waiting - 1))
    count = conn.execute(select(func.count()).select_from(screens).where(waiting)).scalar_one()
    if count >= max_waiting:
        conn.execute(delete(screens).where(waiting, screens.c.id.not_in(keep.scalar_subquery())))
    for _ in range(MAX_CODE_ATTEMPTS):
        code = new_code()
        taken = conn.execute(select(screens.c.id).where(screens.c.pairing_code == code))
        if taken.first() is None:
            break
    else:  # pragma: no cover - at most MAX_WAITING of 31^6 codes are taken
        raise OpError("conflict", "Could not find a free pairing code; try again.")
    token = new_token()
    result = conn.execute(insert(screens).values(
        token_hash=hash_token(token), pairing_code=code, expires_at=now + PAIRING_SECONDS,
        workshop_id=None, created_at=now, paired_at=None, last_seen=None))
    key = result.inserted_primary_key
    assert key is not None
    row = get_screen(conn, int(key[0]))
    assert row is not None
    return row, token


def get_screen(conn: Connection, screen_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(screens).where(screens.c.id == screen_id)).mappings().first()
    return None if row is None else dict(row)


def find_by_token(conn: Connection, token: str) -> dict[str, Any] | None:
    """The screen this token belongs to, with its workshop's code (None while unpaired)."""
    query = (select(screens, workshops.c.code.label("workshop_code"))
             .outerjoin(workshops, workshops.c.id == screens.c.workshop_id)
             .where(screens.c.token_hash == hash_token(token)))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def paired_workshop(conn: Connection, screen_id: int) -> int | None:
    """The workshop this screen is paired with now; None if none (or no such screen)."""
    query = select(screens.c.workshop_id).where(screens.c.id == screen_id)
    found = conn.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def pair(conn: Connection, workshop_id: int, typed_code: str, now: float) -> int:
    """Pair the screen waiting with this code with the workshop; spends the code.

    Returns the screen's id; OpError ``not_found`` if no screen waits with that code now.
    """
    code = normalise_code(typed_code)
    found = None if code is None else conn.execute(
        select(screens.c.id).where(screens.c.pairing_code == code,
                                   screens.c.workshop_id.is_(None),
                                   screens.c.expires_at >= now)).scalar_one_or_none()
    if found is not None:
        # The WHERE again: of two facilitators typing the same code, one pairs.
        result = conn.execute(update(screens).where(screens.c.id == found,
                                                    screens.c.pairing_code == code,
                                                    screens.c.workshop_id.is_(None))
                              .values(workshop_id=workshop_id, paired_at=now,
                                      pairing_code=None, expires_at=None))
        if result.rowcount == 1:
            return int(found)
    raise OpError("not_found", f"No screen is waiting with the pairing code {typed_code!r}. "
                  f"A code works once, for {PAIRING_SECONDS // 60} minutes: check it, or "
                  "reload the screen page for a new one.")


def unpair(conn: Connection, workshop_id: int, screen_id: int, now: float) -> None:
    """Take the screen away from the workshop; its token opens nothing from now on and is
    dropped after PAIRING_SECONDS."""
    result = conn.execute(update(screens).where(screens.c.id == screen_id,
                                                screens.c.workshop_id == workshop_id)
                          .values(workshop_id=None, paired_at=None, pairing_code=None,
                                  expires_at=now + PAIRING_SECONDS))
    if result.rowcount != 1:
        raise OpError("not_found", f"This workshop has no screen {screen_id}.")


def list_paired(conn: Connection, workshop_id: int) -> list[dict[str, Any]]:
    query = (select(screens.c.id, screens.c.paired_at, screens.c.last_seen)
             .where(screens.c.workshop_id == workshop_id).order_by(screens.c.id))
    return [dict(row) for row in conn.execute(query).mappings().all()]


def touch(conn: Connection, screen_id: int, now: float) -> None:
    conn.execute(update(screens).where(screens.c.id == screen_id).values(last_seen=now))


class ScreenService:
    def __init__(self, db: Database, publisher: Publisher, clock: Clock) -> None:
        self._db = db
        self._publisher = publisher
        self._clock = clock

    async def create(self) -> tuple[dict[str, Any], str]:
        """A new screen waiting to be paired: (its row, its token)."""
        now = self._clock()
        return await self._db.write(lambda conn: create_screen(conn, now))

    async def find(self, token: str) -> dict[str, Any] | None:
        """The screen with this token and its workshop's code, or None."""
        return await self._db.read(lambda conn: find_by_token(conn, token))

    async def pair(self, workshop: dict[str, Any], code: str) -> int:
        now = self._clock()
        return await self._db.write(lambda conn: pair(conn, workshop["id"], code, now))

    async def unpair(self, workshop: dict[str, Any], screen_id: int) -> None:
        """Unpair the screen and close its sockets (close code 4401) in every process."""
        now = self._clock()
        await self._db.write(lambda conn: unpair(conn, workshop["id"], screen_id, now))
        await self._publisher.revoke(workshop_room(workshop["id"]),
                                     [screen_principal_id(screen_id)], UNPAIRED_REASON)

    async def paired(self, workshop: dict[str, Any]) -> list[dict[str, Any]]:
        return await self._db.read(lambda conn: list_paired(conn, workshop["id"]))
