"""Indexes for the home summary, so it reads index entries instead of oversight rows, whatever their number.

- follow-ups due or overdue: the live actions by due date (the status is in the index, so counting needs no row);
- evidence per question: the live actions' topics, counted per distinct set of topics.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_oversight_action_follow_up", "oversight_action", ("deleted_at", "due_on", "status")),
    ("ix_oversight_action_topics", "oversight_action", ("deleted_at", "topics")),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
