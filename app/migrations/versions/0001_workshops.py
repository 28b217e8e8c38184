"""Workshops, groups and participants.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("template", sa.String(60), nullable=False),
        sa.Column("facilitator_token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("minutes", sa.JSON, nullable=False),
        sa.Column("auto_advance", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phase_index", sa.Integer, nullable=False),
        sa.Column("ends_at", sa.Float, nullable=True),
        sa.Column("remaining", sa.Float, nullable=True),
        sa.Column("phase_version", sa.Integer, nullable=False),
        sa.Column("warned", sa.Boolean, nullable=False),
        sa.Column("spotlight", sa.Integer, nullable=True),
    )
    op.create_index("ix_workshop_code", "workshop", ["code"], unique=True)
    op.create_table(
        "workshop_group",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_workshop_group_workshop_id", "workshop_group", ["workshop_id"])
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=False),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("workshop_group.id"), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_participant_workshop_id", "participant", ["workshop_id"])
    op.create_index("ix_participant_group_id", "participant", ["group_id"])
    op.create_index("ix_participant_token_hash", "participant", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_table("participant")
    op.drop_table("workshop_group")
    op.drop_table("workshop")
