"""Bulk inserts of an import: every value kept exactly, refusals as plain sentences, a clerk's rights on a server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from desktop_app.core.db import models
from desktop_app.core.db.bulk import insert_rows, reserve_ids
from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.interchange.importing import import_file
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.server import add_user, server_init
from desktop_app.core.safekeeping.verify import verify_database
from desktop_app.core.search.query import search

from ..conftest import TEST_DATABASE_URL

# Text that a bulk format could take for something else: tabs, backslashes, the text form of NULL, a per cent sign,
# quotes, a new line, and characters beyond ASCII.
AWKWARD_NOTES = ("tab\there", "back\\slash \\N", "\\N", "100% 'quoted' \"too\"", "line\nbreak", "Zürich 合肥 𠀋")


def _partnership_ids(db: Database) -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(models.Partnership.id).order_by(models.Partnership.id)))


def _write_table(path: Path, notes: tuple[str, ...]) -> Path:
    lines = ["City,State,Partner City,Country,Year,Established,Notes"]
    for number, note in enumerate(notes):
        quoted = '"' + note.replace('"', '""') + '"'
        lines.append(f"Town {number},OH,Partner {number},China,1990,1990-05-0{number % 9 + 1},{quoted}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    return path


def test_every_value_and_default_of_a_bulk_import_is_kept_exactly(db: Database, tmp_path: Path) -> None:
    import_file(db, _write_table(tmp_path / "partnerships.csv", AWKWARD_NOTES))
    imported = {row["partner_name"]: row for row in records.list_records(db, "partnerships")}
    for number, note in enumerate(AWKWARD_NOTES):
        row = records.get(db, "partnership", imported[f"Partner {number}"]["id"])
        assert row["notes"] == note
        assert str(row["established_on"]) == f"1990-05-0{number % 9 + 1}"
        assert row["confirmed"] is True
        assert row["recognised_by_sci"] is False
        assert row["kind"] == "sister_city"
    # The same defaults as a partnership entered by hand.
    by_hand = records.create(
        db,
        "partnership",
        {
            "jurisdiction_id": imported["Partner 0"]["jurisdiction_id"],
            "partner_id": imported["Partner 1"]["partner_id"],
        },
    )
    first = records.get(db, "partnership", imported["Partner 0"]["id"])
    for column in ("version", "intermediaries", "counterpart_contacts", "last_reviewed_on", "deleted_at"):
        assert first[column] == records.get(db, "partnership", by_hand["id"])[column], column
    assert [hit["record_id"] for hit in search(db, "slash")] == [imported["Partner 1"]["id"]]
    assert verify_database(db).ok


def test_a_row_the_database_refuses_is_a_plain_sentence_and_nothing_is_kept(db: Database) -> None:
    partner, partnership = models.Partner.__table__, models.Partnership.__table__
    now = "2024-01-01T00:00:00Z"
    with pytest.raises(UserError) as refused, db.writing() as session:
        ids = reserve_ids(session, partner, 2)
        insert_rows(session, partner, ("id", "name"), [(ids[0], "Hefei"), (ids[1], "Xi'an")], {"created_at": now})
        missing_jurisdiction = 999_999
        insert_rows(
            session,
            partnership,
            ("jurisdiction_id", "partner_id"),
            [(missing_jurisdiction, ids[0])],
            {"created_at": now, "updated_at": now},
        )
    assert "Traceback" not in str(refused.value)
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(partner)).scalar_one() == 0


# ----- on a shared server, as a clerk ------------------------------------------------------------------------------

needs_server = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs a PostgreSQL server (TEST_DATABASE_URL)")


@pytest.fixture
def clerk_url(location: DataLocation) -> Iterator[str]:
    """The emptied test database set up with server-init, and the address of a new clerk's login on it."""
    owner = location.database_url
    server_init(owner)
    name = f"test_clerk_{uuid.uuid4().hex[:10]}"
    add_user(owner, name, "clerk", "secret")
    yield make_url(owner).set(username=name, password="secret").render_as_string(hide_password=False)
    engine = create_engine(owner)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.execute(text(f"DROP ROLE {name}"))
    engine.dispose()


def _import_as(url: str, folder: Path, table: Path) -> Database:
    db, _ = open_database(resolve_location(folder, url))
    import_file(db, table)
    return db


@needs_server
def test_a_clerk_imports_a_table_and_later_records_take_the_next_ids(clerk_url: str, tmp_path: Path) -> None:
    table = _write_table(tmp_path / "partnerships.csv", AWKWARD_NOTES)
    db = _import_as(clerk_url, tmp_path / "clerk", table)
    try:
        imported = _partnership_ids(db)
        assert len(imported) == len(AWKWARD_NOTES)
        assert imported == list(range(imported[0], imported[0] + len(imported)))
        partnership = records.list_records(db, "partnerships")[0]
        later = records.create(
            db,
            "partnership",
            {"jurisdiction_id": partnership["jurisdiction_id"], "partner_id": 1, "kind": "friendship_city"},
        )
        assert later["id"] > imported[-1]
        assert verify_database(db).ok
    finally:
        db.dispose()


@needs_server
def test_rows_go_in_by_insert_into_a_table_under_row_level_security(
    clerk_url: str, location: DataLocation, tmp_path: Path
) -> None:
    db, _ = open_database(resolve_location(tmp_path / "clerk", clerk_url))
    # A policy on the partners, put there while the records are open: the server refuses COPY into such a table
    # for any account a policy binds, so its rows go in by INSERT.
    engine = create_engine(location.database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE POLICY every_row ON partner USING (true) WITH CHECK (true)"))
        connection.execute(text("ALTER TABLE partner ENABLE ROW LEVEL SECURITY"))
    engine.dispose()
    try:
        import_file(db, _write_table(tmp_path / "partnerships.csv", AWKWARD_NOTES))
        assert len(_partnership_ids(db)) == len(AWKWARD_NOTES)
        assert {row["partner_name"] for row in records.list_records(db, "partnerships")} == {
            f"Partner {number}" for number in range(len(AWKWARD_NOTES))
        }
    finally:
        db.dispose()
