"""Migrations: an empty database is built, an older one upgraded (backed up first), a newer one refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.core.db.engine import Database
from desktop_app.core.db.migrate import current_revision, head_revision, known_revisions, upgrade_database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation, resolve_location
from desktop_app.core.safekeeping.opening import open_database

FIRST_REVISION = "0001"


def test_an_empty_database_is_built_to_the_newest_revision(location: DataLocation) -> None:
    db, result = open_database(location)
    try:
        assert result.created
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_an_older_database_is_upgraded_keeping_its_records(location: DataLocation) -> None:
    location.data_dir.mkdir(parents=True)
    db = Database(location.database_url)
    try:
        upgrade_database(db.engine, target=FIRST_REVISION)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO policy (id, kind, title, adopted_by, reference_number, summary, topics, created_at, "
                    "updated_at) VALUES (7, 'ordinance', 'Sister City Ordinance', '', '', 'kept', '', 'x', 'x')"
                )
            )
    finally:
        db.dispose()
    upgraded, result = open_database(location)
    try:
        assert current_revision(upgraded.engine) == head_revision()
        with upgraded.reading() as session:
            assert session.execute(text("SELECT summary FROM policy WHERE id = 7")).scalar_one() == "kept"
        if head_revision() != FIRST_REVISION:
            assert result.migrated
            if location.sqlite_path is not None:
                assert result.backup_path and Path(result.backup_path).exists()
                with sqlite3.connect(result.backup_path) as backup:
                    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == FIRST_REVISION
    finally:
        upgraded.dispose()


def test_a_database_from_a_newer_program_is_refused_untouched(location: DataLocation) -> None:
    db, _ = open_database(location)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'fffffffffff9'"))
    db.dispose()
    assert "fffffffffff9" not in known_revisions()
    with pytest.raises(UserError, match="newer version"):
        open_database(location)


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(UserError, match="not made by Sister City Records"):
        open_database(resolve_location(tmp_path / "data", str(other)))


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("these are my notes\n" * 10)
    with pytest.raises(UserError, match="not a Sister City Records database"):
        open_database(resolve_location(tmp_path / "data", str(text_file)))
    assert text_file.read_text() == "these are my notes\n" * 10


def test_sqlite_pragmas_are_set(db: Database, sqlite_only: None) -> None:
    with db.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2
        assert session.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000


def test_an_existing_folder_keeps_its_rights(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    db, _ = open_database(resolve_location(tmp_path / "data", str(shared / "records.sqlite3")))
    db.dispose()
    assert shared.stat().st_mode & 0o777 == 0o755
    assert (shared / "records.sqlite3").stat().st_mode & 0o077 == 0
    created = tmp_path / "new" / "deeper"
    db, _ = open_database(resolve_location(created))
    db.dispose()
    assert created.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
