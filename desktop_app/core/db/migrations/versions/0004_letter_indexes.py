"""Indexes that let the response letter read one jurisdiction's evidence without reading every table in full.

The letter selects oversight actions, agreements and activities by partnership, and participants by activity,
among the records not in the trash. An index on the foreign key alone loses, in SQLite's eyes, to the list
indexes that start with deleted_at, and the whole table is read; with deleted_at after the foreign key these
indexes answer both conditions at once.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, columns): the foreign key, deleted_at, then the order the letter lists them in. The oversight
# index ends with the kind, so the home summary's last review per partnership is read from the index alone.
INDEXES = (
    (
        "ix_oversight_action_partnership_live",
        "oversight_action",
        ("partnership_id", "deleted_at", "action_on", "id", "kind"),
    ),
    ("ix_activity_partnership_live", "activity", ("partnership_id", "deleted_at", "starts_on", "id")),
    ("ix_agreement_partnership_live", "agreement", ("partnership_id", "deleted_at", "id")),
    ("ix_participant_activity_live", "participant", ("activity_id", "deleted_at", "id")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
