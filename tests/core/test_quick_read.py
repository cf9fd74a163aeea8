"""The command line's quick read path: the same answers as the ordinary way, or no quick reader where they could
differ, and records of another schema refused in the same words."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url

from desktop_app.core.db.engine import Database
from desktop_app.core.db.quick_read import (
    QuickReader,
    expand_lists,
    open_quick_reader,
    psycopg_arguments,
    pyformat,
)
from desktop_app.core.errors import UserError
from desktop_app.core.files import attach_files
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.parties import set_home_jurisdiction
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.search import query as search_module


@pytest.fixture
def filled(db: Database, location: DataLocation, tmp_path: Path) -> Database:
    """Records with a partnership, policies and an attachment linked to the partnership, backed up today."""
    home = set_home_jurisdiction(db, "Columbus", "OH")
    partner = records.create(db, "partner", {"name": "Hefei", "native_name": "合肥", "country_name": "China"})
    partnership = records.create(db, "partnership", {"jurisdiction_id": home["id"], "partner_id": partner["id"]})
    for number in range(4):
        records.create(db, "policy", {"kind": "ordinance", "title": f"Lantern rule {number}", "summary": "lanterns"})
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("Minutes of the lantern festival committee, with 50% of the budget agreed.", encoding="utf-8")
    attach_files(db, [minutes], "partnership", partnership["id"], title="Festival minutes")
    if location.sqlite_path is not None:
        create_backup(location)
    return db


def change(db: Database, *statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_both_paths_give_the_same_page(filled: Database, reader: QuickReader, monkeypatch: pytest.MonkeyPatch) -> None:
    for words in ("lantern", "festival minutes", "Hefei", "nothing-like-this", "合肥"):
        assert search_module.search_page_in(reader, words) == search_module.search_page(filled, words), words
    attachment = search_module.search_page_in(reader, "budget")["results"]
    assert [(hit["record_kind"], [owner["record_kind"] for owner in hit["belongs_to"]]) for hit in attachment] == [
        ("attachment", ["partnership"])
    ]
    monkeypatch.setattr(search_module, "RANK_LIMIT", 2)
    newest = search_module.search_page_in(reader, "lanterns", limit=3, offset=1)
    assert newest["ordered_by"] == "newest"
    assert newest == search_module.search_page(filled, "lanterns", limit=3, offset=1)


def test_a_query_without_words_gets_the_same_sentence(filled: Database, reader: QuickReader) -> None:
    with pytest.raises(UserError) as ordinary:
        search_module.search_page(filled, " « ")
    with pytest.raises(UserError) as quick:
        search_module.search_page_in(reader, " « ")
    assert quick.value.message == ordinary.value.message


def test_the_quick_reader_reads_only(reader: QuickReader) -> None:
    assert reader.rows("SELECT count(*) FROM policy") == [(4,)]
    with pytest.raises(reader.errors):
        reader.rows("DELETE FROM policy")


def test_records_needing_a_migration_go_the_ordinary_way(filled: Database, location: DataLocation) -> None:
    change(filled, "UPDATE alembic_version SET version_num = '0012'")
    assert open_quick_reader(location) is None


def test_records_missing_a_built_in_inquiry_go_the_ordinary_way(filled: Database, location: DataLocation) -> None:
    change(filled, "UPDATE inquiry SET builtin_key = NULL")
    assert open_quick_reader(location) is None


def test_a_backup_due_sends_the_command_the_ordinary_way(
    db: Database, location: DataLocation, sqlite_only: None
) -> None:
    assert open_quick_reader(location) is None  # new records, never backed up
    create_backup(location)
    opened = open_quick_reader(location)
    assert opened is not None
    opened.close()


def test_records_of_another_schema_are_refused_in_the_same_words(filled: Database, location: DataLocation) -> None:
    change(filled, "CREATE INDEX ix_policy_title_extra ON policy (title)")
    with pytest.raises(UserError) as ordinary:
        open_database(location, create=False)
    assert "ix_policy_title_extra" in ordinary.value.message
    if location.sqlite_path is None:
        # A server's records are refused by the ordinary way, which may first name what else they are not.
        assert open_quick_reader(location) is None
        return
    with pytest.raises(UserError) as quick:
        open_quick_reader(location)
    assert quick.value.message == ordinary.value.message


@pytest.mark.parametrize("content", [b"", b"This is not a database, only some words in a file."])
def test_a_file_that_is_not_records_goes_the_ordinary_way(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "records.sqlite3").write_bytes(content)
    (folder / "records.sqlite3").chmod(0o600)
    location = DataLocation(folder, f"sqlite:///{folder / 'records.sqlite3'}")
    assert open_quick_reader(location) is None
    assert open_quick_reader(DataLocation(folder, f"sqlite:///{folder / 'none.sqlite3'}")) is None


def test_a_file_open_to_others_goes_the_ordinary_way(
    filled: Database, location: DataLocation, sqlite_only: None
) -> None:
    assert location.sqlite_path is not None
    location.sqlite_path.chmod(0o644)
    assert open_quick_reader(location) is None


def test_parameters_are_written_as_psycopg_takes_them() -> None:
    sql = "SELECT relname::text FROM t WHERE a = :first AND b LIKE '50%' AND c IN :ids AND d = x\\:y"
    written, values = expand_lists(sql, {"first": 1, "ids": [7, 8]})
    assert values == {"first": 1, "ids_0": 7, "ids_1": 8}
    assert pyformat(written) == (
        "SELECT relname::text FROM t WHERE a = %(first)s AND b LIKE '50%%' AND c IN (%(ids_0)s, %(ids_1)s) AND d = x:y"
    )
    assert expand_lists("SELECT 1 WHERE a IN :none", {"none": []}) == ("SELECT 1 WHERE a IN (NULL)", {})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://clerk:p%40ss:w%20rd@db.example.org:5433/city_records",
        "postgresql+psycopg://clerk@db.example.org/city_records?sslmode=require&connect_timeout=10",
        "postgresql+psycopg://clerk:secret@[::1]:5432/records",
        "postgresql+psycopg:///records?host=/run/postgresql",
        "postgresql+psycopg://clerk@/records",
    ],
)
def test_the_address_is_read_as_the_engine_reads_it(url: str) -> None:
    dialect = PGDialect_psycopg()  # type: ignore[no-untyped-call]
    _arguments, engine_arguments = dialect.create_connect_args(make_url(url))  # type: ignore[no-untyped-call]
    engine_arguments.pop("context", None)
    quick = psycopg_arguments(url)
    if quick is not None:
        assert quick == engine_arguments
    else:  # only an address SQLAlchemy reads in a way of its own is left to it
        assert "host" in make_url(url).query


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://a@b/c?sslmode=require&sslmode=disable", "postgresql+psycopg://a@b:port/c", "mysql://a@b/c"],
)
def test_an_unusual_address_goes_the_ordinary_way(url: str) -> None:
    assert psycopg_arguments(url) is None


def test_a_server_that_cannot_be_reached_is_reported_in_the_same_words(tmp_path: Path) -> None:
    location = DataLocation(tmp_path, "postgresql+psycopg://clerk@127.0.0.1:1/records?connect_timeout=2")
    with pytest.raises(UserError) as ordinary:
        open_database(location, create=False)
    with pytest.raises(UserError) as quick:
        open_quick_reader(location)
    assert quick.value.message == ordinary.value.message
