"""Large contents: a chunk the database refuses part way, wherever it falls, stops the attach and keeps nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import Stopped, UserError
from desktop_app.core.files import attach_files, store
from tests.core.test_attach_large import CHUNK, CHUNKS, _readers_left, _stored_counts
from tests.core.test_files import make_partnership

pytestmark = pytest.mark.usefixtures("small_chunks")

SQLITE_REFUSAL = """
CREATE TRIGGER refuse_chunk BEFORE INSERT ON blob_chunk WHEN NEW.seq = {seq}
BEGIN SELECT RAISE(ABORT, 'chunk refused'); END
"""
POSTGRESQL_REFUSAL = (
    """
CREATE FUNCTION refuse_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq = {seq} THEN RAISE EXCEPTION 'chunk refused'; END IF;
    RETURN NEW;
END $$
""",
    "CREATE TRIGGER refuse_chunk BEFORE INSERT ON blob_chunk FOR EACH ROW EXECUTE FUNCTION refuse_chunk()",
)


@pytest.fixture
def partnership(db: Database) -> dict[str, Any]:
    return make_partnership(db)


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    source = tmp_path / "scan.bin"
    source.write_bytes(os.urandom(CHUNKS * CHUNK))
    return source


def _refuse_chunk(db: Database, seq: int) -> None:
    """Makes the database refuse to store the chunk numbered ``seq``, as a server failing part way would."""
    statements = [SQLITE_REFUSAL] if db.is_sqlite else list(POSTGRESQL_REFUSAL)
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement.format(seq=seq)))


def _accept_chunks(db: Database) -> None:
    statement = "DROP TRIGGER refuse_chunk" if db.is_sqlite else "DROP TRIGGER refuse_chunk ON blob_chunk"
    with db.engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize(
    "refused",
    [3, store.PIPELINE_SYNC_CHUNKS - 1, store.PIPELINE_SYNC_CHUNKS, CHUNKS - 1],
    ids=["early", "last before a check", "first after a check", "last chunk"],
)
def test_a_chunk_refused_part_way_keeps_nothing_and_the_next_attach_works(
    db: Database, partnership: dict[str, Any], scan: Path, refused: int
) -> None:
    _refuse_chunk(db, refused)

    with pytest.raises(UserError):
        attach_files(db, [scan], "partnership", partnership["id"])

    assert _stored_counts(db) == (0, 0)
    assert _readers_left() == []
    _accept_chunks(db)
    attached = attach_files(db, [scan], "partnership", partnership["id"])[0]
    assert attached["size"] == CHUNKS * CHUNK
    assert _stored_counts(db) == (1, CHUNKS)


def test_a_stop_part_way_leaves_the_connection_ready_for_the_next_attach(
    db: Database, partnership: dict[str, Any], scan: Path
) -> None:
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) == store.PIPELINE_SYNC_CHUNKS + 5  # once, past a check of the chunks sent

    with pytest.raises(Stopped):
        attach_files(db, [scan], "partnership", partnership["id"], cancel=cancel)

    assert _stored_counts(db) == (0, 0)
    assert _readers_left() == []
    attach_files(db, [scan], "partnership", partnership["id"], cancel=cancel)
    assert _stored_counts(db) == (1, CHUNKS)
