"""A bulk import's search entries: every row found, the same text as a rebuilt index, and `verify` passing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records.indexing import rebuild_in
from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.core.search.query import search

HEADER = "City,State,Partner City,Province,Country,Year,Status,Native name,Notes\n"
# Values that index form changes: apostrophes inside and at the ends of words, combining marks (alone, too),
# Chinese, Korean and Greek, a character beyond the basic plane, brackets and a dash inside names.
AWKWARD_ROWS = (
    "Coeur d'Alene,ID,Xi'an,Shaanxi,China,1990,active,西安,O'Brien's note\n"
    "Zu\u0308rich Falls,OR,Ha\u0301mburg,,Germany,,active,\u0301,\n"
    "Sioux Falls,SD,Potsdam,Brandenburg,Germany,2001,suspended,,chats 'quoted'\n"
    "Dayton,OH,ΑΘΗΝΑΣ,Attica,Greece,1999,active,Αθήνας,ΟΔΟΣ\n"
    "Tacoma,WA,Busan,,South Korea,,active,부산 (釜山),\n"
    "Provo,UT,Hanover – North,Lower Saxony,Germany,,active,𠀋 (x),{braces} 100%\n"
    "Fort 'Leading,AK,Trailing' Bay,,,,,,\u0645\u064e\u0631\u062d\u0628\u0627\n"
)


@pytest.fixture
def bulk_from_five_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Takes the bulk path (indexes built after the rows) for small tables too, so that the test stays quick."""
    from desktop_app.core.db import bulk

    monkeypatch.setattr(bulk, "DEFER_INDEXES_FROM_ROWS", 5)


def _stored_entries(db: Database) -> list[tuple[object, ...]]:
    """Each search entry's record and stored text, in record order."""
    with db.reading() as session:
        if db.is_sqlite:
            statement = (
                "SELECT e.record_kind, e.record_id, e.segment, t.title, t.body FROM search_entry e "
                "JOIN search_text t ON t.rowid = e.id ORDER BY e.record_kind, e.record_id, e.segment"
            )
        else:
            statement = (
                "SELECT record_kind, record_id, segment, title, body, document::text FROM search_entry "
                "ORDER BY record_kind, record_id, segment"
            )
        return [tuple(row) for row in session.execute(text(statement))]


@pytest.mark.usefixtures("bulk_from_five_rows")
def test_an_imported_table_is_indexed_as_a_rebuild_would_index_it(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    plain_rows = "".join(
        f"Town {number % 3},OH,Partner {number},Anhui,China,1990,active,合肥,\n" for number in range(8)
    )
    table.write_text(HEADER + AWKWARD_ROWS + plain_rows, encoding="utf-8")
    import_file(db, table)
    imported = _stored_entries(db)
    assert sum(entry[0] == "partnership" for entry in imported) == 15
    with db.writing() as session:
        rebuild_in(session)
    assert _stored_entries(db) == imported


@pytest.mark.usefixtures("bulk_from_five_rows")
def test_every_row_of_a_bulk_import_is_found_and_verify_passes(db: Database, tmp_path: Path) -> None:
    table = tmp_path / "partnerships.csv"
    rows = [f"Town {number % 4},OH,Partner{number}q,Anhui,China,1990,active,合肥,\n" for number in range(40)]
    table.write_text(HEADER + "".join(rows), encoding="utf-8")
    import_file(db, table)
    for number in range(40):
        (found,) = search(db, f"partner{number}q")
        assert found["record_kind"] == "partnership"
        assert found["title"] == f"Town {number % 4}, OH – Partner{number}q (合肥), China"
    assert verify_database(db).ok
