"""Indexes for every list's default order and for its filter with that order, so a first screen reads few rows.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, columns): the order column with the id that breaks ties, after an equality filter if any.
INDEXES = (
    ("ix_jurisdiction_list_name", "jurisdiction", ("name", "id")),
    ("ix_jurisdiction_list_kind", "jurisdiction", ("kind", "name", "id")),
    ("ix_partner_list_name", "partner", ("name", "id")),
    ("ix_partner_list_level", "partner", ("level", "name", "id")),
    ("ix_partnership_list_kind", "partnership", ("kind", "id")),
    ("ix_partnership_list_status", "partnership", ("status", "id")),
    ("ix_agreement_list_kind", "agreement", ("kind", "id")),
    ("ix_activity_list_starts_on", "activity", ("starts_on", "id")),
    ("ix_activity_list_kind", "activity", ("kind", "starts_on", "id")),
    ("ix_participant_list_role", "participant", ("role", "id")),
    ("ix_policy_list_adopted_on", "policy", ("adopted_on", "id")),
    ("ix_policy_list_kind", "policy", ("kind", "adopted_on", "id")),
    ("ix_oversight_action_list_action_on", "oversight_action", ("action_on", "id")),
    ("ix_oversight_action_list_kind", "oversight_action", ("kind", "action_on", "id")),
    ("ix_oversight_action_list_status", "oversight_action", ("status", "action_on", "id")),
    ("ix_oversight_action_list_risk", "oversight_action", ("risk_level", "action_on", "id")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
