"""A room's seq is the highest in its event log: the room row no longer keeps a copy.

Keeping the copy cost every op an UPDATE of the room row and, on SQLite, a page more
written at each commit; the log's (room, seq) index gives the same number in one seek.
Processes running older code write that column: stop them before migrating.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# A room's seq as its event log has it. Written out here, not taken from app.board.store:
# a migration must keep doing what it did when the app's code moves on.
_LOG_SEQ = "COALESCE((SELECT max(event.seq) FROM event WHERE event.room = room.name), 0)"


def upgrade() -> None:
    # The two were always kept equal; a log behind its room (events deleted by hand)
    # would give seqs already handed out to the next events, so refuse it.
    behind = op.get_bind().execute(sa.text(
        f"SELECT name FROM room WHERE seq > {_LOG_SEQ}")).scalars().all()
    if behind:
        raise RuntimeError(f"The event log of room(s) {', '.join(sorted(behind))} ends "
                           "before the room's seq; restore the missing events first.")
    with op.batch_alter_table("room") as batch:
        batch.drop_column("seq")


def downgrade() -> None:
    with op.batch_alter_table("room") as batch:
        batch.add_column(sa.Column("seq", sa.Integer, nullable=False, server_default="0"))
    op.execute(f"UPDATE room SET seq = {_LOG_SEQ}")
    with op.batch_alter_table("room") as batch:
        batch.alter_column("seq", server_default=None)  # as 0002 made it
