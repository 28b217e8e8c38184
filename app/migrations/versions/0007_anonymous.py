"""Anonymous workshops: no participant's name leaves the server.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workshop", sa.Column("anonymous", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.add_column("workshop", sa.Column("pseudonym_key", sa.String(32), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005.
    op.drop_column("workshop", "pseudonym_key")
    op.drop_column("workshop", "anonymous")
