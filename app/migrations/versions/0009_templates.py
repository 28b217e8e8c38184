"""Activity templates authored by facilitators, and workshops' frozen copies of them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_template",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("edit_token_hash", sa.String(64), nullable=True),
        sa.Column("workshop_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_activity_template_workshop_id", "activity_template", ["workshop_id"])


def downgrade() -> None:
    op.drop_table("activity_template")
