"""The data lifecycle: what a participant's erasure does to their notes, per workshop.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshop", sa.Column("erase_notes", sa.String(16), nullable=False,
                                        server_default="keep_anonymous"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): copying the table, as batch mode would, is
    # refused while other tables' foreign keys point at it.
    op.drop_column("workshop", "erase_notes")
