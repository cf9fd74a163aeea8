"""Full-text search index: an FTS5 table on SQLite, a tsvector column on PostgreSQL; filled from the records.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE search_entry ("
            " id INTEGER PRIMARY KEY,"
            " record_kind VARCHAR(30) NOT NULL,"
            " record_id INTEGER NOT NULL,"
            " segment INTEGER NOT NULL DEFAULT 0,"
            " CONSTRAINT uq_search_entry_record UNIQUE (record_kind, record_id, segment))"
        )
        op.execute(
            "CREATE VIRTUAL TABLE search_text USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE search_entry ("
            " id SERIAL PRIMARY KEY,"
            " record_kind VARCHAR(30) NOT NULL,"
            " record_id INTEGER NOT NULL,"
            " segment INTEGER NOT NULL DEFAULT 0,"
            " title TEXT NOT NULL DEFAULT '',"
            " body TEXT NOT NULL DEFAULT '',"
            " document TSVECTOR NOT NULL,"
            " CONSTRAINT uq_search_entry_record UNIQUE (record_kind, record_id, segment))"
        )
        op.execute("CREATE INDEX ix_search_entry_document ON search_entry USING GIN (document)")
    # An upgraded database is searchable at once: every record already there goes into the index.
    from desktop_app.core.records.indexing import rebuild_in

    with Session(bind=connection) as session:
        rebuild_in(session)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_text")
    op.execute("DROP TABLE search_entry")
