"""Moderation: locked joining, removed participants, co-facilitators.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshop", sa.Column("join_locked", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.create_table(
        "co_facilitator",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(40), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_co_facilitator_workshop_id", "co_facilitator", ["workshop_id"])
    op.create_index("ix_co_facilitator_token_hash", "co_facilitator", ["token_hash"],
                    unique=True)


def downgrade() -> None:
    op.drop_table("co_facilitator")
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005.
    op.drop_column("workshop", "join_locked")
