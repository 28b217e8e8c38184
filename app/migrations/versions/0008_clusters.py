"""The plenary's cross-group clusters.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshop", sa.Column("cluster_view", sa.String(16), nullable=False,
                                        server_default="boards"))
    op.create_table(
        "cluster",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workshop_id", sa.Integer(), nullable=False, index=True),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "cluster_note",
        sa.Column("cluster_id", sa.String(36), primary_key=True),
        sa.Column("note_id", sa.String(36), primary_key=True),
        sa.Column("room", sa.String(40), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("cluster_note")
    op.drop_table("cluster")
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005.
    op.drop_column("workshop", "cluster_view")
