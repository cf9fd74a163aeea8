"""Where the data lives: a warning for cloud-synced folders; records, backups and logs readable by the owner only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop_app.cli.main import run
from desktop_app.core.host.paths import cloud_sync_service, cloud_sync_warning, resolve_location
from desktop_app.core.records import service as records
from desktop_app.core.safekeeping.backup import create_backup
from desktop_app.core.safekeeping.opening import open_database


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/Users/clerk/Library/Mobile Documents/com~apple~CloudDocs/Records", "iCloud Drive"),
        ("/Users/clerk/Library/CloudStorage/Dropbox/records", "Dropbox"),
        ("/home/clerk/Dropbox/records", "Dropbox"),
        ("/Users/clerk/Library/CloudStorage/OneDrive-CityOfDayton/records", "OneDrive"),
        ("/Users/clerk/Library/CloudStorage/GoogleDrive-clerk@example.org/My Drive/records", "Google Drive"),
        ("/Volumes/GoogleDrive/My Drive/records", "Google Drive"),
        ("/home/clerk/Box/records", "Box"),
        ("/home/clerk/pCloud Drive/records", "pCloud"),
        ("/home/clerk/OneDrive - City of Dayton/records", "OneDrive"),
    ],
)
def test_cloud_synced_folders_are_recognised(path: str, service: str) -> None:
    assert cloud_sync_service(path) == service
    warning = cloud_sync_warning(path)
    assert warning is not None and service in warning and "not synced" in warning


def test_a_folder_named_by_the_onedrive_variables_is_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OneDriveCommercial", str(tmp_path / "Work Files"))
    assert cloud_sync_service(tmp_path / "Work Files" / "records") == "OneDrive"
    assert cloud_sync_service(tmp_path / "Elsewhere") is None


@pytest.mark.parametrize("path", ["/home/clerk/.local/share/SisterCityRecords", "C:/Users/clerk/AppData/Local/Records"])
def test_ordinary_folders_get_no_warning(path: str) -> None:
    assert cloud_sync_warning(path) is None


def test_init_warns_about_a_synced_folder(tmp_path: Path) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    assert run(["--data-dir", str(tmp_path / "Dropbox" / "records"), "init"], out, err) == 0
    assert "Warning:" in out.getvalue() and "Dropbox" in out.getvalue()


@pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX matter")
def test_records_backups_and_logs_are_readable_by_their_owner_only(
    tmp_path: Path, sqlite_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = os.umask(0o022)  # a typical, permissive umask: the program must not rely on it
    try:
        location = resolve_location(tmp_path / "data")
        db, _ = open_database(location)
        records.create(db, "partner", {"name": "Hefei"})
        assert location.sqlite_path is not None
        wal = location.sqlite_path.with_name(location.sqlite_path.name + "-wal")
        shm = location.sqlite_path.with_name(location.sqlite_path.name + "-shm")
        assert wal.exists() and shm.exists()
        backup = Path(create_backup(location).path)
        import io

        run(["--data-dir", str(location.data_dir), "version"], io.StringIO(), io.StringIO())
        log_file = location.logs_dir / "sister-city-records.log"
        db.dispose()
        for path in (location.sqlite_path, wal, shm, backup, log_file):
            if path.exists():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert log_file.exists()
        for folder in (location.data_dir, location.backups_dir, location.logs_dir):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    finally:
        os.umask(previous)
