"""The partnership queries by status and by US jurisdiction keep an index after their own indexes went (0014)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from desktop_app.core.db.engine import Database


def _plan(db: Database, query: str) -> str:
    """The plan of ``query`` as the database would run it on a large table (no full read where an index serves)."""
    with db.reading() as session:
        if session.get_bind().dialect.name == "sqlite":
            return " ".join(str(row[3]) for row in session.execute(text("EXPLAIN QUERY PLAN " + query)))
        session.execute(text("SET LOCAL enable_seqscan = off"))
        return " ".join(str(row[0]) for row in session.execute(text("EXPLAIN " + query)))


def test_partnerships_by_status_and_by_us_jurisdiction_are_still_found_through_an_index(db: Database) -> None:
    by_status = _plan(db, "SELECT id FROM partnership WHERE status = 'active' AND deleted_at IS NULL ORDER BY id")
    by_place = _plan(db, "SELECT id FROM partnership WHERE jurisdiction_id = 7 AND deleted_at IS NULL")
    assert "ix_partnership_list_status" in by_status
    assert "(status = " in by_status or "(status=?" in by_status
    assert "jurisdiction_id = 7" in by_place or "(jurisdiction_id=?" in by_place


def test_a_partnership_written_updates_no_index_that_another_begins_with(db: Database) -> None:
    """Each index of the table costs every imported row an entry: none may be only the start of another."""
    indexes = inspect(db.engine).get_indexes("partnership")
    unique = [
        list(constraint["column_names"]) for constraint in inspect(db.engine).get_unique_constraints("partnership")
    ]
    columns = [list(index["column_names"]) for index in indexes] + unique
    redundant = [
        index["name"]
        for index in indexes
        if any(
            other != index["column_names"] and other[: len(index["column_names"])] == index["column_names"]
            for other in columns
        )
    ]
    assert redundant == []
