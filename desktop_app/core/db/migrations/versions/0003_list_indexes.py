"""Indexes for every list's default order and for its filter with that order, so a first screen reads few rows.

A list shows the records not in the trash (deleted_at IS NULL), so each index has deleted_at after the filter's
equality and before the order: the database then reads the first screen straight from the index, without sorting.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, columns): an equality filter if any, deleted_at, the order column, the id that breaks ties.
INDEXES = (
    ("ix_jurisdiction_list_name", "jurisdiction", ("deleted_at", "name", "id")),
    ("ix_jurisdiction_list_kind", "jurisdiction", ("kind", "deleted_at", "name", "id")),
    ("ix_partner_list_name", "partner", ("deleted_at", "name", "id")),
    ("ix_partner_list_level", "partner", ("level", "deleted_at", "name", "id")),
    ("ix_partnership_list_kind", "partnership", ("kind", "deleted_at", "id")),
    ("ix_partnership_list_status", "partnership", ("status", "deleted_at", "id")),
    ("ix_agreement_list_kind", "agreement", ("kind", "deleted_at", "id")),
    ("ix_activity_list_starts_on", "activity", ("deleted_at", "starts_on", "id")),
    ("ix_activity_list_kind", "activity", ("kind", "deleted_at", "starts_on", "id")),
    ("ix_participant_list_role", "participant", ("role", "deleted_at", "id")),
    ("ix_policy_list_adopted_on", "policy", ("deleted_at", "adopted_on", "id")),
    ("ix_policy_list_kind", "policy", ("kind", "deleted_at", "adopted_on", "id")),
    ("ix_oversight_action_list_action_on", "oversight_action", ("deleted_at", "action_on", "id")),
    ("ix_oversight_action_list_kind", "oversight_action", ("kind", "deleted_at", "action_on", "id")),
    ("ix_oversight_action_list_status", "oversight_action", ("status", "deleted_at", "action_on", "id")),
    ("ix_oversight_action_list_risk", "oversight_action", ("risk_level", "deleted_at", "action_on", "id")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
