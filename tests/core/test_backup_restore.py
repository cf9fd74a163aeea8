"""Restore: the file is checked first and refused with a sentence, changing nothing; or it replaces the records."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping.backup import create_backup, list_backups
from desktop_app.core.safekeeping.opening import open_database
from desktop_app.core.safekeeping.restore_backup import check_backup_file, restore_backup
from desktop_app.core.safekeeping.verify import verify_database

pytestmark = pytest.mark.usefixtures("sqlite_only")


def add_partner(db: Database, name: str) -> None:
    records.create(db, "partner", {"name": name, "country_name": "China"})


def names(db: Database) -> list[str]:
    return [row["name"] for row in records.list_records(db, "partner")]


def fingerprint(location: DataLocation) -> dict[str, str]:
    """The bytes of the records and everything beside them (the backups folder included)."""
    result = {}
    for path in sorted(location.data_dir.rglob("*")):
        if path.is_file() and path.suffix != ".log" and path.name != "sister-city-records.lock":
            result[str(path.relative_to(location.data_dir))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


@pytest.fixture
def backup_file(db: Database, location: DataLocation, tmp_path: Path) -> Path:
    add_partner(db, "Hefei")
    path = Path(create_backup(location, tmp_path / "saved.sqlite3").path)
    add_partner(db, "Added after the backup")
    db.dispose()
    return path


def test_restore_puts_the_backup_back_and_keeps_the_records_it_replaced(
    location: DataLocation, backup_file: Path
) -> None:
    info = restore_backup(location, backup_file)
    assert info.safety_backup and "before-restore" in info.safety_backup
    assert info.audit_events > 0
    db, _ = open_database(location, create=False)
    try:
        assert names(db) == ["Hefei"]
        assert verify_database(db).ok
    finally:
        db.dispose()
    with sqlite3.connect(info.safety_backup) as kept:
        assert [row[0] for row in kept.execute("SELECT name FROM partner ORDER BY id")] == [
            "Hefei",
            "Added after the backup",
        ]
    assert location.sqlite_path is not None
    for suffix in ("", "-wal", "-shm"):
        path = location.sqlite_path.with_name(location.sqlite_path.name + suffix)
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(location.sqlite_path.parent.glob("*.restoring*"))


def restore_while_open(location: DataLocation, backup_file: Path) -> None:
    """Restores with a connection open, which sees the backup's records and writes after them."""
    db, _ = open_database(location, create=False)
    try:
        assert len(names(db)) == 2
        restore_backup(location, backup_file)
        assert names(db) == ["Hefei"]
        add_partner(db, "Written after the restore")
        assert verify_database(db).ok
    finally:
        db.dispose()


def test_restore_while_the_records_are_open_is_seen_by_the_open_connection(
    location: DataLocation, backup_file: Path
) -> None:
    restore_while_open(location, backup_file)


def page_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])


def test_records_made_before_large_pages_take_a_newer_backup_while_open(
    location: DataLocation, backup_file: Path
) -> None:
    live = location.sqlite_path
    assert live is not None and page_size(backup_file) == 65536
    with sqlite3.connect(live) as older:  # as a file made with SQLite's default pages is
        older.execute("PRAGMA journal_mode = DELETE")
        older.execute("PRAGMA page_size = 4096")
        older.execute("VACUUM")
        older.execute("PRAGMA journal_mode = WAL")
    restore_while_open(location, backup_file)
    assert page_size(live) == 4096


def test_a_backup_cut_within_its_last_page_is_refused(
    location: DataLocation, backup_file: Path, tmp_path: Path
) -> None:
    cut = tmp_path / "cut.sqlite3"
    content = backup_file.read_bytes()
    for size in (len(content) - 1, len(content) - 100):
        cut.write_bytes(content[:size])
        refuses_and_changes_nothing(location, cut, "cannot be restored")
    cut.write_bytes(content + b"\0" * 512)
    refuses_and_changes_nothing(location, cut, "cannot be restored")


def test_restore_onto_a_new_computer_creates_the_records(backup_file: Path, tmp_path: Path) -> None:
    from desktop_app.core.host.paths import resolve_location

    fresh = resolve_location(tmp_path / "new-computer")
    info = restore_backup(fresh, backup_file)
    assert info.safety_backup is None
    db, _ = open_database(fresh, create=False)
    try:
        assert names(db) == ["Hefei"]
    finally:
        db.dispose()


def refuses_and_changes_nothing(location: DataLocation, source: Path, match: str) -> None:
    before = fingerprint(location)
    with pytest.raises(UserError, match=match) as raised:
        restore_backup(location, source)
    assert "Traceback" not in raised.value.message
    assert fingerprint(location) == before


def test_restore_refuses_a_text_file(location: DataLocation, backup_file: Path, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("These are not records.\n")
    refuses_and_changes_nothing(location, text_file, "not a database file")


def test_restore_refuses_a_truncated_backup(location: DataLocation, backup_file: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.sqlite3"
    content = backup_file.read_bytes()
    for size in (100, 4096, len(content) // 2, len(content) - 4096):
        truncated.write_bytes(content[:size])
        refuses_and_changes_nothing(location, truncated, "cannot be restored|not a")


def test_restore_refuses_a_backup_from_a_newer_version(
    location: DataLocation, backup_file: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(backup_file, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    refuses_and_changes_nothing(location, newer, "newer version")


def test_restore_refuses_a_database_of_another_program(location: DataLocation, tmp_path: Path, db: Database) -> None:
    db.dispose()
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    refuses_and_changes_nothing(location, other, "not a Sister City Records database")


def test_restore_refuses_a_backup_whose_audit_trail_was_altered(
    location: DataLocation, backup_file: Path, tmp_path: Path
) -> None:
    altered = tmp_path / "altered.sqlite3"
    shutil.copyfile(backup_file, altered)
    with sqlite3.connect(altered) as connection:
        (guard,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_event_no_update'").fetchone()
        connection.execute("DROP TRIGGER audit_event_no_update")
        connection.execute("UPDATE audit_event SET actor = 'someone else' WHERE seq = 1")
        connection.execute(guard)  # put back as it was, so that only the altered event tells
    refuses_and_changes_nothing(location, altered, "audit trail does not verify")


def test_restore_refuses_a_missing_file_and_the_records_themselves(location: DataLocation, backup_file: Path) -> None:
    refuses_and_changes_nothing(location, backup_file.with_name("missing.sqlite3"), "no backup file")
    assert location.sqlite_path is not None
    refuses_and_changes_nothing(location, location.sqlite_path, "the records themselves")


def test_restore_over_damaged_records_keeps_their_bytes_and_replaces_them(
    location: DataLocation, backup_file: Path
) -> None:
    assert location.sqlite_path is not None
    damaged_bytes = b"SQLite format 3\x00" + b"\xff" * 9000
    location.sqlite_path.write_bytes(damaged_bytes)
    stale_wal = location.sqlite_path.with_name(location.sqlite_path.name + "-wal")
    stale_wal.write_bytes(b"stale pages that must not come back")
    info = restore_backup(location, backup_file)
    assert info.safety_backup and Path(info.safety_backup).read_bytes() == damaged_bytes
    assert not any(b.path == info.safety_backup for b in list_backups(location))  # never offered as a good backup
    db, _ = open_database(location, create=False)
    try:
        assert names(db) == ["Hefei"]
        assert verify_database(db).ok
    finally:
        db.dispose()


def test_check_backup_file_reports_what_the_backup_holds(backup_file: Path) -> None:
    revision, events, partnerships = check_backup_file(backup_file)
    assert revision and events > 0 and partnerships == 0
