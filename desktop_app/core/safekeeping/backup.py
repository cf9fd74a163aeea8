"""Consistent copies of the SQLite database through its online backup API, checked after writing; rotation."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..clock import utc_now_text
from ..errors import UserError
from ..host.paths import DataLocation, create_private_file, ensure_private_dir, make_private_file, sqlite_readonly_uri

log = logging.getLogger("desktop_app.backup")

MANUAL = "manual"
AUTOMATIC = "automatic"
BEFORE_RESTORE = "before-restore"
SETTINGS_FILE_NAME = "settings.json"
BACKUPS_FOLDER_KEY = "backups_folder"
AUTOMATIC_INTERVAL = dt.timedelta(days=1)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
_NAME = re.compile(r"^records-(\d{8}T\d{6})Z-(.+)\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where it is, when it was made (UTC ISO text), why, and its size in bytes."""

    path: str
    created_at: str
    reason: str
    size: int

    @property
    def manual(self) -> bool:
        return self.reason == MANUAL


# ----- writing a copy --------------------------------------------------------------------------------------


def online_backup(source: Path, destination: Path) -> Path:
    """Copies a live database consistently (never a file copy), checks the copy, and returns its path."""
    ensure_private_dir(destination.parent)
    # Named for this process: two copies of the program starting together may both make the automatic backup.
    partial = destination.with_name(f"{destination.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        create_private_file(partial)
        with (
            contextlib.closing(sqlite3.connect(sqlite_readonly_uri(source), uri=True)) as src,
            contextlib.closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode = DELETE")
            result = dst.execute("PRAGMA integrity_check").fetchone()
        if not result or result[0] != "ok":
            raise UserError("The backup copy failed its check, so it was not kept; the records are unchanged.")
        make_private_file(partial)
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The backup could not be written: {_sqlite_reason(exc)}.") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The backup could not be written to {destination}: {exc.strerror or exc}.") from exc
    except UserError:
        partial.unlink(missing_ok=True)
        raise
    return destination


def _sqlite_reason(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full"
    if "not a database" in text or "malformed" in text:
        return "the database file is damaged"
    if "locked" in text or "busy" in text:
        return "the records stayed busy in another copy of the program"
    if "readonly" in text or "unable to open" in text:
        return "the folder cannot be written"
    return str(exc)


def timestamped_name(reason: str) -> str:
    """A backup file name that sorts by time, e.g. ``records-20261128T223000Z-before-migration.sqlite3``."""
    stamp = utc_now_text()[:19].replace("-", "").replace(":", "") + "Z"
    return f"records-{stamp}-{reason}.sqlite3"


def records_sqlite_file(location: DataLocation) -> Path:
    """The records' SQLite file; a sentence for records kept on a database server."""
    path = location.sqlite_path
    if path is None:
        raise UserError(
            "These records are on a database server: back them up to a checked SQLite copy with "
            "sister-city-records --database URL backup FILE, or with the server's own tools (pg_dump)."
        )
    return path


def create_backup(location: DataLocation, destination: Path | None = None, reason: str = MANUAL) -> BackupInfo:
    """Writes a checked copy of the records to ``destination`` (a file or folder) or the backups folder.

    Backups written into the backups folder are rotated afterwards; manual ones are never deleted.
    """
    source = records_sqlite_file(location)
    if not source.is_file():
        raise UserError(f"There are no records at {source} to back up yet.")
    target = backup_path(location, destination, reason)
    online_backup(source, target)
    problem = why_not_ours(target, check_pages=False)  # online_backup has just run the full integrity check
    if problem:
        target.unlink(missing_ok=True)
        raise UserError(f"The backup copy failed its check ({problem}), so it was not kept.")
    return finish_backup(location, target, reason)


def backup_path(location: DataLocation, destination: Path | None, reason: str) -> Path:
    """Where a backup goes: a new timestamped file in the backups folder or in the folder ``destination``, or the
    file ``destination`` itself, never the records' own file."""
    folder = backups_folder(location)
    try:
        if destination is None:
            return _unique(folder / timestamped_name(reason))
        destination = Path(destination).expanduser()
        target = _unique(destination / timestamped_name(reason)) if destination.is_dir() else destination
        records = location.sqlite_path
        if records is not None and target.resolve() == records.resolve():
            raise UserError("A backup cannot be written over the records themselves; choose another file.")
    except OSError as exc:
        raise UserError(f"The backup cannot be written to {destination}: {exc.strerror or exc}.") from exc
    return target


def finish_backup(location: DataLocation, target: Path, reason: str) -> BackupInfo:
    """Writes the manifest beside a checked backup and, when it went to the backups folder, rotates the backups."""
    from .backup_manifest import write_manifest  # loads the audit keys: not for reading when a backup is due

    write_manifest(target)
    if target.parent.resolve() == backups_folder(location).resolve():
        rotate_backups(location)
    return _info(target, reason)


def _unique(path: Path) -> Path:
    candidate, counter = path, 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
    return candidate


def _info(path: Path, reason: str | None = None) -> BackupInfo:
    match = _NAME.match(path.name)
    stat = path.stat()
    if match:
        stamp = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        found_reason = re.sub(r"-\d+$", "", match.group(2))
    else:
        stamp = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
        found_reason = MANUAL
    return BackupInfo(
        path=str(path),
        created_at=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        reason=reason or found_reason,
        size=stat.st_size,
    )


# ----- where backups go ----------------------------------------------------------------------------------------
# The choice is kept in a small settings file in the data folder, not in the database: the backups must be found
# when the database itself is damaged or is being replaced by one of them.


def _settings_path(location: DataLocation) -> Path:
    return location.data_dir / SETTINGS_FILE_NAME


def _read_settings(location: DataLocation) -> dict[str, str]:
    try:
        loaded = json.loads(_settings_path(location).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def backups_folder(location: DataLocation) -> Path:
    """The folder automatic and manual backups go to: the clerk's choice, or the data folder's backups/."""
    chosen = _read_settings(location).get(BACKUPS_FOLDER_KEY)
    return Path(chosen) if chosen else location.backups_dir


def set_backups_folder(location: DataLocation, folder: Path | None) -> Path:
    """Keeps backups in ``folder`` from now on (None: back to the data folder's backups/); returns the folder."""
    settings = _read_settings(location)
    if folder is None:
        settings.pop(BACKUPS_FOLDER_KEY, None)
    else:
        folder = Path(folder).expanduser()
        try:
            folder = folder.resolve()
            if folder.exists() and not folder.is_dir():
                raise UserError(f"{folder} is a file, not a folder.")
            ensure_private_dir(folder)
            probe = folder / ".write-check"
            create_private_file(probe)
            probe.unlink()
        except OSError as exc:
            raise UserError(f"Backups cannot be written to {folder}: {exc.strerror or exc}.") from exc
        settings[BACKUPS_FOLDER_KEY] = str(folder)
    ensure_private_dir(location.data_dir)
    path = _settings_path(location)
    partial = path.with_name(path.name + ".partial")
    try:
        create_private_file(partial)
        partial.write_text(json.dumps(settings, indent=2), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserError(f"The choice of backup folder could not be saved: {exc.strerror or exc}.") from exc
    return backups_folder(location)


# ----- listing, rotation, automatic backups --------------------------------------------------------------------


def list_backups(location: DataLocation) -> list[BackupInfo]:
    """The backups in the backups folder, newest first."""
    folder = backups_folder(location)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if _NAME.match(path.name) and path.is_file():
            with contextlib.suppress(OSError):
                found.append(_info(path))
    return sorted(found, key=lambda info: (info.created_at, info.path), reverse=True)


def backups_to_keep(backups: list[BackupInfo]) -> set[str]:
    """Paths kept by rotation: the newest, every manual one, and the newest of each of the last 7 days,
    4 weeks and 12 months that have backups."""
    ordered = sorted(backups, key=lambda info: (info.created_at, info.path), reverse=True)
    keep = {info.path for info in ordered[:1]} | {info.path for info in ordered if info.manual}
    automatic = [info for info in ordered if not info.manual]
    for limit, bucket in (
        (KEEP_DAILY, lambda d: d.date().isoformat()),
        (KEEP_WEEKLY, lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"),
        (KEEP_MONTHLY, lambda d: d.strftime("%Y-%m")),
    ):
        seen: set[str] = set()
        for info in automatic:
            key = bucket(_parse_time(info.created_at))
            if key not in seen and len(seen) < limit:
                seen.add(key)
                keep.add(info.path)
    return keep


def rotate_backups(location: DataLocation) -> list[str]:
    """Deletes the automatic backups rotation does not keep; returns their paths."""
    from .backup_manifest import MANIFEST_SUFFIX

    backups = list_backups(location)
    keep = backups_to_keep(backups)
    removed = []
    for info in backups:
        if info.path not in keep:
            try:
                Path(info.path).unlink()
                Path(info.path + MANIFEST_SUFFIX).unlink(missing_ok=True)
                removed.append(info.path)
            except OSError:
                log.warning("an old backup could not be deleted during rotation")
    return removed


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return _parse_time(utc_now_text())


def automatic_backup_due(location: DataLocation) -> bool:
    """Whether the records are a SQLite file with something in it whose newest backup is more than a day old."""
    source = location.sqlite_path
    if source is None or not source.is_file() or source.stat().st_size == 0:
        return False
    backups = list_backups(location)
    return not backups or _now() - _parse_time(backups[0].created_at) >= AUTOMATIC_INTERVAL


def automatic_backup_if_due(location: DataLocation) -> BackupInfo | None:
    """Backs the records up when the newest backup is more than a day old; None when not due or not possible.

    A backup that cannot be written (full disk, folder gone) is logged and does not stop the program opening.
    """
    if not automatic_backup_due(location):
        return None
    try:
        info = create_backup(location, reason=AUTOMATIC)
    except UserError as exc:
        log.warning("automatic backup not made: %s", exc.message)
        return None
    log.info("automatic backup written: %s", Path(info.path).name)
    return info


# ----- checking a database file --------------------------------------------------------------------------------

OUR_TABLES = frozenset({"alembic_version", "partnership", "partner", "jurisdiction", "audit_event"})


def why_not_ours(path: Path, *, check_pages: bool = True) -> str | None:
    """Why ``path`` is not a sound database of this program (None when it is), without changing it."""
    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return "it is not a database file"
        with contextlib.closing(sqlite3.connect(sqlite_readonly_uri(path), uri=True)) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables >= OUR_TABLES:
                return "it is not a Sister City Records database"
            if check_pages and connection.execute("PRAGMA quick_check").fetchone() != ("ok",):
                return "it is damaged"
    except OSError as exc:
        return f"it cannot be read: {exc.strerror or exc}"
    except sqlite3.Error:
        return "it is damaged or not a database file"
    return None


def latest_good_backup(location: DataLocation) -> BackupInfo | None:
    """The newest backup that is a sound database of this program, to offer when the records are damaged."""
    for info in list_backups(location):
        if why_not_ours(Path(info.path)) is None:
            return info
    return None
