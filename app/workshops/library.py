"""Saved templates: the ones facilitators write (``t-…``, changed only with their edit token)
and each workshop's frozen copy of the one it was made from (``w-…``).

A workshop refers to its template by key everywhere (``workshop["template"]``), so a copy
is looked up through :class:`TemplateCatalogue`, the same mapping as the built-ins: a copy
never changes, so each process keeps the ones it has used.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from app.db import Database
from app.errors import OpError
from app.phases import authoring
from app.phases.templates import Template
from app.schema import activity_templates as table
from app.workshops.tokens import hash_token, new_token, token_matches

AUTHORED = "t-"
COPY = "w-"
# Copies kept in memory per process (each a few KB); one evicted is read again when needed.
MAX_CACHED_COPIES = 512

Clock = Callable[[], float]


def new_key(prefix: str) -> str:
    # 64 random bits: a key is what lets someone read a template, so it is not guessable.
    return prefix + secrets.token_hex(8)


class TemplateCatalogue(dict[str, Template]):
    """The built-in templates as its items; a workshop's copy found (and kept) on a miss.

    Only built-ins are items, so listing or naming "the templates" never shows a copy.
    """

    def __init__(self, builtins: Mapping[str, Template],
                 load_copy: Callable[[str], Template | None] | None = None) -> None:
        super().__init__(builtins)
        self.load_copy = load_copy
        self._copies: OrderedDict[str, Template] = OrderedDict()

    def __missing__(self, key: str) -> Template:
        copy = self.cached_copy(key)
        if copy is None and key.startswith(COPY) and self.load_copy is not None:
            copy = self.load_copy(key)  # made by another process, or before a restart
            if copy is not None:
                self.remember(copy)
        if copy is None:
            raise KeyError(key)
        return copy

    def cached_copy(self, key: str) -> Template | None:
        copy = self._copies.get(key)
        if copy is not None:
            self._copies.move_to_end(key)
        return copy

    def remember(self, copy: Template) -> None:
        self._copies[copy.key] = copy
        while len(self._copies) > MAX_CACHED_COPIES:
            self._copies.popitem(last=False)


class EditRefused(OpError):
    """No edit token, or not this template's: the route answers 401."""

    def __init__(self) -> None:
        super().__init__("forbidden", "This edit token is not the one for this template. "
                         "Only the browser that saved it (or whoever it gave the token to) "
                         "may change it.")


def row(conn: Connection, key: str) -> dict[str, Any] | None:
    found = conn.execute(select(table).where(table.c.key == key)).mappings().first()
    return None if found is None else dict(found)


def load(conn: Connection, key: str) -> Template | None:
    found = row(conn, key)
    return None if found is None else Template.model_validate(found["body"])


def insert_copy(conn: Connection, copy: Template, workshop_id: int, now: float) -> None:
    """Store a workshop's own copy (in the transaction that creates the workshop)."""
    conn.execute(insert(table).values(key=copy.key, body=_body(copy), edit_token_hash=None,
                                      workshop_id=workshop_id, created_at=now,
                                      updated_at=now))


def delete_copy(conn: Connection, workshop_id: int) -> None:
    """Drop a workshop's copy (if it has one) along with the workshop."""
    conn.execute(delete(table).where(table.c.workshop_id == workshop_id))


def _body(template: Template) -> dict[str, Any]:
    return template.model_dump(mode="json", exclude_defaults=True)


class TemplateLibrary:
    def __init__(self, db: Database, catalogue: TemplateCatalogue, clock: Clock) -> None:
        self._db = db
        self._catalogue = catalogue
        self._clock = clock

    async def find(self, key: str) -> Template | None:
        """Any template by key: built-in, saved or a workshop's copy."""
        builtin = self._catalogue.get(key)
        if builtin is not None:
            return builtin
        if not key.startswith((AUTHORED, COPY)):
            return None
        # Read, not the cache: a copy goes when its workshop is deleted, in any process.
        found = await self._db.read(lambda conn: load(conn, key))
        if found is not None and key.startswith(COPY):
            self._catalogue.remember(found)
        return found

    async def create(self, raw: Mapping[str, Any]) -> tuple[Template, str]:
        """Save a new template; returns it and its edit token (stored only hashed)."""
        template = authoring.check(raw, new_key(AUTHORED))
        token = new_token()
        now = self._clock()
        await self._db.write(lambda conn: conn.execute(insert(table).values(
            key=template.key, body=_body(template), edit_token_hash=hash_token(token),
            created_at=now, updated_at=now)))
        return template, token

    async def replace(self, key: str, token: str, raw: Mapping[str, Any]) -> Template:
        await self._editable(key, token)
        template = authoring.check(raw, key)
        now = self._clock()
        await self._db.write(lambda conn: conn.execute(
            update(table).where(table.c.key == key).values(body=_body(template),
                                                            updated_at=now)))
        return template

    async def delete(self, key: str, token: str) -> None:
        await self._editable(key, token)
        await self._db.write(lambda conn: conn.execute(delete(table).where(table.c.key == key)))

    async def _editable(self, key: str, token: str) -> None:
        if self._catalogue.get(key) is not None or key.startswith(COPY):
            raise OpError("forbidden", "Built-in templates and workshops' own copies cannot "
                          "be changed: duplicate it in the editor and save your own.")
        found = await self._db.read(lambda conn: row(conn, key)) \
            if key.startswith(AUTHORED) else None
        if found is None:
            raise OpError("not_found", f"There is no saved template {key!r}.")
        if not token_matches(token, found["edit_token_hash"] or ""):
            raise EditRefused()

    async def copy_for_workshop(self, key: str) -> Template | None:
        """A fresh copy of saved template ``key`` for a new workshop; None for a built-in
        (a workshop refers to those directly: they change only with a release)."""
        if not key.startswith(AUTHORED):
            return None
        found = await self._db.read(lambda conn: load(conn, key))
        if found is None:
            raise OpError("invalid", f"There is no saved template {key!r}: it may have "
                          "been deleted.")
        copy = found.model_copy(update={"key": new_key(COPY)})
        self._catalogue.remember(copy)
        return copy
