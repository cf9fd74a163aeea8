"""What a letter withholds is kept once per response, with the clerk's reason; an issued letter keeps its time.

The evidence left out used to be kept per answer; the letter now lists each item once, in an appendix, so what it
withholds is the union of what its answers left out, moved onto the response. The reason is empty until the clerk
gives it: a letter that withholds anything cannot be issued without one.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("response") as batch:
        batch.add_column(sa.Column("withheld_evidence", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("withheld_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("issued_at", sa.String(32), nullable=True))
    connection = op.get_bind()
    withheld: dict[int, set[str]] = {}
    for response_id, refs in connection.execute(
        text("SELECT response_id, excluded_evidence FROM response_answer WHERE excluded_evidence <> ''")
    ):
        withheld.setdefault(response_id, set()).update(refs.split())
    for response_id, refs in sorted(withheld.items()):
        connection.execute(
            text("UPDATE response SET withheld_evidence = :refs WHERE id = :id"),
            {"refs": " ".join(sorted(refs)), "id": response_id},
        )
    with op.batch_alter_table("response_answer") as batch:
        batch.drop_column("excluded_evidence")


def downgrade() -> None:
    with op.batch_alter_table("response_answer") as batch:
        batch.add_column(sa.Column("excluded_evidence", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("response") as batch:
        batch.drop_column("issued_at")
        batch.drop_column("withheld_reason")
        batch.drop_column("withheld_evidence")
