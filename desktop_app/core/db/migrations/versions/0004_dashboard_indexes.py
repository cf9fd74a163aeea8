"""Indexes for the home summary, so it reads index entries instead of oversight rows, whatever their number.

- follow-ups due or overdue: the live actions by due date (the status is in the index, so counting needs no row);
- partnerships without a recent review: each partnership's live actions by date, with their kind;
- evidence per question: the live actions' topics, counted per distinct set of topics.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_oversight_action_follow_up", "oversight_action", ("deleted_at", "due_on", "status")),
    ("ix_oversight_action_review", "oversight_action", ("partnership_id", "deleted_at", "action_on", "kind")),
    ("ix_oversight_action_topics", "oversight_action", ("deleted_at", "topics")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
