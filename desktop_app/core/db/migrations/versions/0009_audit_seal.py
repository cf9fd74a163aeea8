"""Each audit event carries a seal: the keyed fingerprint of its hash, made with a key kept outside the records.

Events written before this revision keep an empty seal; the trail's anchor outside the records says from which
event on every event must be sealed.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, as in 0007: an upgraded database's definition then equals a new one's.
    op.add_column("audit_event", sa.Column("seal", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("audit_event", "seal")
