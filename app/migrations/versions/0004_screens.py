"""Projector screens: a device with its own read-only token, paired with a workshop.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("pairing_code", sa.String(12), nullable=True),
        sa.Column("expires_at", sa.Float, nullable=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshop.id"), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("paired_at", sa.Float, nullable=True),
        sa.Column("last_seen", sa.Float, nullable=True),
    )
    op.create_index("ix_screen_token_hash", "screen", ["token_hash"], unique=True)
    op.create_index("ix_screen_pairing_code", "screen", ["pairing_code"], unique=True)
    op.create_index("ix_screen_workshop_id", "screen", ["workshop_id"])


def downgrade() -> None:
    op.drop_table("screen")
