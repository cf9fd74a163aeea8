"""State laws: the rules a clerk adds or corrects, and the steps of ending a partnership under one.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "law_rule",
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("supersedes", sa.String(length=64), nullable=False),
        sa.Column("body_json", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_rule")),
        sa.UniqueConstraint("rule_id", name=op.f("uq_law_rule_rule_id")),
    )
    op.create_index(op.f("ix_law_rule_deleted_at"), "law_rule", ["deleted_at"], unique=False)
    op.create_table(
        "termination_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("evidence_attachment_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_attachment_id"],
            ["attachment.id"],
            name=op.f("fk_termination_step_evidence_attachment_id_attachment"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_termination_step_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_termination_step")),
        sa.UniqueConstraint("partnership_id", "rule_id", "step", name="uq_termination_step"),
    )
    op.create_index(op.f("ix_termination_step_partnership_id"), "termination_step", ["partnership_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_termination_step_partnership_id"), table_name="termination_step")
    op.drop_table("termination_step")
    op.drop_index(op.f("ix_law_rule_deleted_at"), table_name="law_rule")
    op.drop_table("law_rule")
