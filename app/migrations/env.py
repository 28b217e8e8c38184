"""Alembic environment: runs on the connection handed over by app.db.Database.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from app import schema as _schema  # noqa: F401  (registers the tables)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through app.db.Database.migrate (flipchart migrate).")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
