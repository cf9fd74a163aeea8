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
    # Plain ALTER TABLE (SQLite 3.35 and later drop columns in place): a batch copy of the table would rewrite its
    # definition with the constraints in whatever order they were read, unlike the definition a new database gets.
    op.add_column("response", sa.Column("withheld_evidence", sa.Text(), nullable=False, server_default=""))
    op.add_column("response", sa.Column("withheld_reason", sa.Text(), nullable=False, server_default=""))
    op.add_column("response", sa.Column("issued_at", sa.String(32), nullable=True))
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
    op.drop_column("response_answer", "excluded_evidence")


def downgrade() -> None:
    op.add_column("response_answer", sa.Column("excluded_evidence", sa.Text(), nullable=False, server_default=""))
    op.drop_column("response", "issued_at")
    op.drop_column("response", "withheld_reason")
    op.drop_column("response", "withheld_evidence")
