"""A workshop's default language.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Workshops made before languages speak English, as they always did.
    op.add_column("workshop", sa.Column("language", sa.String(8), nullable=False,
                                        server_default="en"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005: batch mode would copy the table.
    op.drop_column("workshop", "language")
