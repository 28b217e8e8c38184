"""Dot votes and group signals (ready, help).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshop", sa.Column("advance_when_ready", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.create_table(
        "vote_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workshop_id", sa.Integer(), nullable=False, index=True),
        sa.Column("phase_index", sa.Integer(), nullable=False),
        sa.Column("per_person", sa.Integer(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Float(), nullable=True),
    )
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), nullable=False, index=True),
        sa.Column("room", sa.String(40), nullable=False, index=True),
        sa.Column("note_id", sa.String(36), nullable=False),
        sa.Column("voter", sa.String(40), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_table(
        "group_signal",
        sa.Column("group_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False, index=True),
        sa.Column("help", sa.Boolean(), nullable=False),
        sa.Column("ready", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("group_signal")
    op.drop_table("vote")
    op.drop_table("vote_round")
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005.
    op.drop_column("workshop", "advance_when_ready")
