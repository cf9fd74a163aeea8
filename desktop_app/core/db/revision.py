"""The schema revision this program ships, and a cheap read of a database's, both without loading Alembic."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from .schema_head import SCHEMA_HEAD


def stored_revisions(engine: Engine) -> list[str] | None:
    """The revisions in the database's alembic_version table, or None when it cannot be read (no table, no file).

    Used only to skip Alembic when the schema is current; anything unexpected goes the careful way through Alembic,
    which also gives the plain error.
    """
    try:
        with engine.connect() as connection:
            return [str(row[0]) for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError:
        return None


def schema_is_current(engine: Engine) -> bool:
    return stored_revisions(engine) == [SCHEMA_HEAD]
