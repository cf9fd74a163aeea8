"""The SQLite search index stores text without combining marks, so words written with vowel signs are found.

Arabic vowel signs and Hebrew points ended a word in the index while a query drops them, so such words were not
found. Entries whose text is not plain ASCII are written again as ``index_text`` gives them; PostgreSQL's index
was already built from folded words and needs nothing.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    from desktop_app.core.search.text import index_text, unspace_cjk

    last_rowid = 0
    while True:
        rows = connection.execute(
            text("SELECT rowid, title, body FROM search_text WHERE rowid > :last ORDER BY rowid LIMIT :batch"),
            {"last": last_rowid, "batch": BATCH},
        ).all()
        if not rows:
            return
        changed = []
        for rowid, title, body in rows:
            if title.isascii() and body.isascii():
                continue
            # The stored text is already spaced around CJK characters: unspace it so it is not spaced twice.
            new_title, new_body = index_text(unspace_cjk(title)), index_text(unspace_cjk(body))
            if (new_title, new_body) != (title, body):
                changed.append({"rowid": rowid, "title": new_title, "body": new_body})
        if changed:
            connection.execute(
                text("UPDATE search_text SET title = :title, body = :body WHERE rowid = :rowid"), changed
            )
        last_rowid = rows[-1][0]


def downgrade() -> None:
    """The marks dropped from the index are not needed to find anything; the entries stay as they are."""
