"""Rooms, notes, fields and the event log.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_room_workshop_id", "room", ["workshop_id"])
    op.create_table(
        "note",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("room", sa.String(40), nullable=False),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("answer", sa.String(500), nullable=False),
        sa.Column("actors", sa.JSON, nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("lane", sa.String(40), nullable=False),
        sa.Column("x", sa.Float, nullable=False),
        sa.Column("y", sa.Float, nullable=False),
        sa.Column("colour", sa.String(16), nullable=False),
        sa.Column("author", sa.String(40), nullable=False),
        sa.Column("author_name", sa.String(40), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_note_room", "note", ["room"])
    op.create_table(
        "board_field",
        sa.Column("room", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(40), nullable=False),
        sa.Column("updated_by_name", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("room", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("op_id", sa.String(64), nullable=True),
        sa.Column("by", sa.String(40), nullable=False),
        sa.Column("private_to", sa.String(40), nullable=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.UniqueConstraint("room", "seq", name="uq_event_room_seq"),
    )
    op.create_index("ix_event_room_op", "event", ["room", "op_id"])


def downgrade() -> None:
    op.drop_table("event")
    op.drop_table("board_field")
    op.drop_table("note")
    op.drop_table("room")
