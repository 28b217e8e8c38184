"""What the storage tests share: a note as stored, and a migrated database with a seed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app.db import Database

NOTE: dict[str, Any] = {
    "id": "n1", "section": "steps", "kind": "step", "text": "Call the family", "answer": "",
    "actors": ["tutor", "parent"], "step": 1, "lane": "", "x": 10.5, "y": 20.0,
    "colour": "yellow", "author": "p1", "author_name": "Ann", "private": True, "version": 1,
    "created_at": 1.5, "updated_at": 1.5}


async def migrated(database_url: str, seed: Callable[[Connection], None]) -> Database:
    """A database at the newest migration, with ``seed`` written to it."""
    database = Database(database_url)
    await database.migrate()
    await database.write(seed)
    return database
