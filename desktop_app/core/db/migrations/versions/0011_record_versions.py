"""Every record carries a version, raised by one with each saved change, so an edit over a newer one is refused.

Two clerks sharing a server may open the same record; whoever saves second saved over a version they never saw.
With the version, each change is written only where the record is still at the version its editor read, and
the program reports a conflict instead of overwriting. Records already kept start at version 1.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables of every record kind as this revision found them.
RECORD_TABLES = (
    "jurisdiction",
    "partner",
    "partnership",
    "agreement",
    "activity",
    "participant",
    "policy",
    "oversight_action",
    "inquiry",
    "response",
    "attachment",
    "law_rule",
)


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0007 and 0009: an upgraded database's definition then equals a new one's, and the
    # server default gives every row already kept its first version.
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in reversed(RECORD_TABLES):
        op.drop_column(table, "version")
