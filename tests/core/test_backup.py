"""Backups: checked copies through the online backup API, private files, the backups folder, rotation."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop_app.core.db.engine import Database
from desktop_app.core.errors import UserError
from desktop_app.core.host.paths import DataLocation
from desktop_app.core.records import service as records
from desktop_app.core.records.kinds import kind_named
from desktop_app.core.safekeeping.backup import (
    BackupInfo,
    automatic_backup_if_due,
    backups_folder,
    backups_to_keep,
    create_backup,
    latest_good_backup,
    list_backups,
    rotate_backups,
    set_backups_folder,
)
from desktop_app.core.safekeeping.opening import open_database

pytestmark = pytest.mark.usefixtures("sqlite_only")


def add_partner(db: Database, name: str) -> int:
    return int(records.create(db, "partner", {"name": name, "country_name": "China"})["id"])


def partner_names(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM partner ORDER BY id")]


def test_a_backup_is_a_checked_private_copy_of_the_committed_records(db: Database, location: DataLocation) -> None:
    add_partner(db, "Hefei")
    info = create_backup(location)
    path = Path(info.path)
    assert path.parent == location.backups_dir
    assert info.reason == "manual" and info.manual and info.size == path.stat().st_size
    assert partner_names(path) == ["Hefei"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(location.backups_dir.stat().st_mode) == 0o700
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not list(location.backups_dir.glob("*.partial"))


def test_a_backup_taken_during_an_open_write_holds_only_what_was_committed(
    db: Database, location: DataLocation
) -> None:
    add_partner(db, "Hefei")
    with db.writing() as session:
        records.create_in(session, kind_named("partner"), {"name": "Not yet committed"}, "clerk")
        session.flush()
        info = create_backup(location)
    assert partner_names(Path(info.path)) == ["Hefei"]


def test_a_backup_to_a_named_file_or_folder(db: Database, location: DataLocation, tmp_path: Path) -> None:
    target = tmp_path / "usb" / "copy.sqlite3"
    target.parent.mkdir()
    assert create_backup(location, target).path == str(target)
    in_folder = Path(create_backup(location, target.parent).path)
    assert in_folder.parent == target.parent and in_folder.name.startswith("records-")
    with pytest.raises(UserError, match="over the records themselves"):
        create_backup(location, location.sqlite_path)


def test_the_clerk_can_choose_the_backups_folder(db: Database, location: DataLocation, tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    assert set_backups_folder(location, chosen) == chosen.resolve()
    info = create_backup(location)
    assert Path(info.path).parent == chosen.resolve()
    assert [b.path for b in list_backups(location)] == [info.path]
    settings = location.data_dir / "settings.json"
    assert stat.S_IMODE(settings.stat().st_mode) == 0o600
    assert set_backups_folder(location, None) == location.backups_dir
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        set_backups_folder(location, tmp_path / "a-file")


def fake(created_at: str, reason: str = "automatic") -> BackupInfo:
    return BackupInfo(path=f"/b/{created_at}-{reason}", created_at=created_at, reason=reason, size=1)


def test_rotation_keeps_7_daily_4_weekly_12_monthly_the_newest_and_every_manual_one() -> None:
    import datetime as dt

    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    automatic = [fake((start + dt.timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")) for n in range(800)]
    extra_same_day = fake((start + dt.timedelta(days=799, hours=-1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    manual = fake("2024-01-05T12:00:00Z", "manual")
    keep = backups_to_keep([*automatic, extra_same_day, manual])
    newest = automatic[-1]
    assert newest.path in keep and manual.path in keep
    assert extra_same_day.path not in keep  # not the newest of its day
    days = {info.created_at[:10] for info in automatic if info.path in keep}
    assert {info.created_at[:10] for info in automatic[-7:]} <= days
    months = {info.created_at[:7] for info in automatic if info.path in keep}
    assert len(months) == 12
    assert len(keep) <= 1 + 7 + 4 + 12 + 1
    assert automatic[0].path not in keep


def test_rotation_deletes_files_but_never_a_manual_backup(db: Database, location: DataLocation) -> None:
    folder = location.backups_dir
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"records-2024{month:02d}01T090000Z-automatic.sqlite3" for month in range(1, 13)]
    names += [f"records-2025{month:02d}01T090000Z-automatic.sqlite3" for month in range(1, 13)]
    names.append("records-20230101T090000Z-manual.sqlite3")
    for name in names:
        (folder / name).write_bytes(b"")
    removed = {Path(path).name for path in rotate_backups(location)}
    assert removed == set(names[:12])
    assert (folder / "records-20230101T090000Z-manual.sqlite3").exists()


def test_an_automatic_backup_is_made_when_the_last_is_older_than_a_day(
    location: DataLocation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", "2026-03-01T08:00:00.000000Z")
    db, result = open_database(location)
    assert result.automatic_backup_path is None  # a new database has nothing to back up
    add_partner(db, "Hefei")
    db.dispose()
    db, result = open_database(location)
    db.dispose()
    assert result.automatic_backup_path and "automatic" in result.automatic_backup_path
    monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", "2026-03-02T07:59:00.000000Z")
    assert automatic_backup_if_due(location) is None
    monkeypatch.setenv("SISTER_CITY_RECORDS_NOW", "2026-03-02T08:01:00.000000Z")
    later = automatic_backup_if_due(location)
    assert later is not None and later.created_at == "2026-03-02T08:01:00Z"
    assert [b.reason for b in list_backups(location)] == ["automatic", "automatic"]


def test_an_automatic_backup_that_cannot_be_written_does_not_stop_the_program(
    db: Database, location: DataLocation, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    (location.data_dir / "settings.json").write_text(json.dumps({"backups_folder": str(blocker / "sub")}))
    assert backups_folder(location) == blocker / "sub"
    assert automatic_backup_if_due(location) is None


def test_the_latest_good_backup_skips_damaged_ones(db: Database, location: DataLocation) -> None:
    add_partner(db, "Hefei")
    good = create_backup(location)
    damaged = location.backups_dir / "records-29990101T000000Z-automatic.sqlite3"
    damaged.write_bytes(Path(good.path).read_bytes()[:8192])
    assert list_backups(location)[0].path == str(damaged)
    found = latest_good_backup(location)
    assert found is not None and found.path == good.path


def test_a_backup_of_damaged_records_is_refused(db: Database, location: DataLocation, tmp_path: Path) -> None:
    db.dispose()
    assert location.sqlite_path is not None
    location.sqlite_path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    with pytest.raises(UserError):
        create_backup(location, tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()


def test_a_database_server_is_not_backed_up_here(tmp_path: Path) -> None:
    server = DataLocation(tmp_path, "postgresql+psycopg://somewhere/records")
    with pytest.raises(UserError, match="pg_dump"):
        create_backup(server)
