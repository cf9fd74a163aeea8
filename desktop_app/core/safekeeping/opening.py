"""Opens the records: creates the data folder, migrates (backing up first), and adds the built-in inquiry.

A database already at the program's schema is opened without loading Alembic or the record layer: a window
starting over current records pays only for what it shows.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from ..db.builtin_keys import builtin_inquiries_missing
from ..db.engine import Database, translate_database_errors
from ..db.revision import schema_is_current
from ..errors import UserError
from ..host.paths import DataLocation, create_private_file, ensure_private_dir, make_private_file
from .schema_check import Difference, check_schema, records_refusal, shipped_revisions

# Why a database on a server is not records this program opens; the window's "Open shared records" says the same.
SERVER_DATABASE_EMPTY = (
    "The database on the server is empty: the records' administrator must set it up with "
    "'sister-city-records server-init' first."
)
SERVER_DATABASE_NOT_RECORDS = (
    "The database on the server does not hold Sister City Records (it holds other tables), so it was not opened; "
    "check the database's name."
)
SERVER_RECORDS_NEWER = (
    "The records on the server were set up by a newer version of Sister City Records; install that version "
    "(or newer) to open them. Nothing was changed."
)


@dataclass(frozen=True)
class OpenResult:
    """What opening did: whether the database was new, and whether it was migrated (and where the backup is)."""

    created: bool
    migrated: bool
    backup_path: str | None
    automatic_backup_path: str | None = None


def open_database(
    location: DataLocation, *, create: bool = True, automatic_backup: bool = True, refuse_other_schema: bool = True
) -> tuple[Database, OpenResult]:
    """Opens (and if allowed creates or upgrades) the database at ``location``.

    Records whose schema is not exactly the program's at their revision are refused with a sentence naming what
    differs. Only ``verify`` opens them (``refuse_other_schema=False``), to report it with everything else it
    finds: they are then opened as they are, neither upgraded nor written to, nor backed up.

    With ``automatic_backup`` the daily backup copy is made here when due; the window makes it after it has shown
    the records instead (``automatic_backup_if_due``), so that a large file does not delay its first screen.
    """
    sqlite_file = location.sqlite_path
    if sqlite_file is not None:
        if sqlite_file.is_dir():
            raise UserError(f"{sqlite_file} is a folder, not a database file.")
        if not sqlite_file.exists() and not create:
            raise UserError(f"There is no database at {sqlite_file} yet; run 'sister-city-records init' first.")
        if not create and sqlite_file.is_file() and sqlite_file.stat().st_size == 0:
            raise UserError(f"{sqlite_file} is empty; run 'sister-city-records init' first.")
        ensure_private_dir(location.data_dir)
        ensure_private_dir(sqlite_file.parent)
        _refuse_non_sqlite_file(sqlite_file)
        if not sqlite_file.exists():
            _create_private_database_file(sqlite_file)
    db = Database(location.database_url)
    try:
        if sqlite_file is None and not location.is_sqlite:
            _refuse_other_server_database(db, create)
        differences = _schema_differences(db)
        if differences and refuse_other_schema:
            raise UserError(records_refusal(differences))
        if differences:
            return db, OpenResult(False, False, None)
        created, migrated, backup_path = _migrate(db, location, create)
        if sqlite_file is not None:
            for suffix in ("", "-wal", "-shm"):
                make_private_file(sqlite_file.with_name(sqlite_file.name + suffix))
        with translate_database_errors(), db.engine.connect() as connection:
            missing_builtin = builtin_inquiries_missing(connection)
        if missing_builtin:
            from ..records.inquiries import ensure_builtin_inquiries

            with db.writing() as session:
                ensure_builtin_inquiries(session)
        elif migrated:
            from ..records.inquiries import refresh_builtin_inquiries

            with db.writing() as session:
                refresh_builtin_inquiries(session)
    except BaseException:
        db.dispose()
        raise
    automatic = None
    if automatic_backup and not created:
        from .backup import automatic_backup_if_due

        automatic = automatic_backup_if_due(location)
    return db, OpenResult(created, migrated, backup_path, automatic.path if automatic else None)


def _migrate(db: Database, location: DataLocation, create: bool) -> tuple[bool, bool, str | None]:
    if schema_is_current(db.engine):
        return False, False, None
    from ..db.migrate import check_not_newer, head_revision, upgrade_database
    from .backup import backups_folder, online_backup, timestamped_name

    revision = check_not_newer(db.engine)
    if revision is None and not create:
        raise UserError("The database is empty; run 'sister-city-records init' first.")
    backups: list[str] = []

    def backup_before(old_revision: str) -> None:
        if location.sqlite_path is not None:
            name = timestamped_name(f"before-upgrade-from-{old_revision}")
            backups.append(str(online_backup(location.sqlite_path, backups_folder(location) / name)))

    if revision == head_revision():
        return False, False, None
    # The write engine takes the write lock first, so two copies opening a new database at once queue.
    migrated = upgrade_database(db.write_engine, backup_before)
    return revision is None, migrated and revision is not None, backups[0] if backups else None


def server_records_refusal(connection: Connection) -> str | None:
    """Why the PostgreSQL database behind ``connection`` holds no records this program opens (an empty one, other
    tables, or a newer program's records), or None when it holds records of a revision the program knows."""
    tables = set(
        connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
    )
    if not tables:
        return SERVER_DATABASE_EMPTY
    if not {"alembic_version", "audit_event"} <= tables:
        return SERVER_DATABASE_NOT_RECORDS
    revisions = [str(number) for number in connection.scalars(text("SELECT version_num FROM alembic_version"))]
    if len(revisions) != 1:
        return SERVER_DATABASE_NOT_RECORDS
    if revisions[0] not in shipped_revisions(connection.dialect.name):
        return SERVER_RECORDS_NEWER
    return None


def _refuse_other_server_database(db: Database, create: bool) -> None:
    """An empty database is set up only where creating is allowed (init, server-init); anything else not ours is
    refused before the program reads or changes it."""
    with translate_database_errors(), db.engine.connect() as connection:
        refused = server_records_refusal(connection)
    if refused is not None and not (create and refused == SERVER_DATABASE_EMPTY):
        raise UserError(refused)


def _schema_differences(db: Database) -> list[Difference]:
    """How the schema differs from the program's at the database's revision, read before anything else is.

    An extra trigger could silence the audit trail or copy names elsewhere, and a view in place of a table could
    make every read endless: such records are never upgraded or written to.
    """
    with translate_database_errors(), db.engine.connect() as connection:
        return check_schema(connection).differences


def _create_private_database_file(path: Path) -> None:
    """An empty file SQLite takes as a new database, created readable by its owner only (so are its -wal/-shm)."""
    try:
        create_private_file(path)
    except OSError as exc:
        raise UserError(f"The database file {path} cannot be created: {exc.strerror or exc}.") from exc


def _refuse_non_sqlite_file(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with contextlib.suppress(OSError), path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise UserError(
                f"{path.name} is not a Sister City Records database (it is not a SQLite file); nothing was changed."
            )
