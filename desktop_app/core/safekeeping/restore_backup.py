"""Puts a backup back in place of the records, after checking it and backing the current records up."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..clock import utc_now_text
from ..db.engine import BUSY_TIMEOUT_MS
from ..db.migrate import known_revisions
from ..errors import UserError
from ..host.paths import DataLocation, create_private_file, ensure_private_dir, make_private_file, sqlite_readonly_uri
from ..records.audit import count_events, verify_chain
from .backup import BEFORE_RESTORE, backups_folder, create_backup, records_sqlite_file, timestamped_name, why_not_ours
from .backup_manifest import manifest_problem
from .schema_check import check_schema, refusal
from .seals import SEALED_SINCE, anchor_as_they_are, seal_problems

log = logging.getLogger("desktop_app.restore")


@dataclass(frozen=True)
class RestoreInfo:
    """What a restore did: the file put back, the records it replaced and the copy kept of them."""

    database: str
    restored_from: str
    safety_backup: str | None
    revision: str
    audit_events: int
    partnerships: int


def check_backup_file(source: Path) -> tuple[str, int, int]:
    """Checks that ``source`` is a sound backup this program can use, without changing it.

    Returns its schema revision, number of audit events and partnerships; raises UserError with the reason.
    """
    source = Path(source).expanduser()
    try:
        if not source.is_file():
            raise UserError(f"There is no backup file at {source}.")
        with source.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise UserError(f"The backup file {source} cannot be read: {exc.strerror or exc}.") from exc
    if head != b"SQLite format 3\x00":
        raise UserError(
            f"{source.name} is not a Sister City Records backup (it is not a database file); nothing was changed."
        )
    problem = why_not_ours(source, check_pages=False)
    if problem:
        raise UserError(f"{source.name} cannot be restored: {problem}; nothing was changed.")
    checked = _check_copy(source, source.name)  # names what is wrong inside before saying that something is
    problem = manifest_problem(source)
    if problem:
        raise UserError(f"{source.name} cannot be restored: {problem}; nothing was changed.")
    return checked


def _whole_pages(connection: sqlite3.Connection, path: Path) -> bool:
    """Whether the file is exactly as long as the pages its header counts (a cut within the last of large pages
    can pass the integrity check)."""
    page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    page_count = int(connection.execute("PRAGMA page_count").fetchone()[0])
    return page_count * page_size == path.stat().st_size


def _check_copy(path: Path, shown_name: str) -> tuple[str, int, int]:
    try:
        with contextlib.closing(sqlite3.connect(sqlite_readonly_uri(path), uri=True)) as connection:
            results = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            whole = _whole_pages(connection, path)
    except sqlite3.Error as exc:
        raise UserError(f"{shown_name} cannot be restored: it is damaged ({exc}); nothing was changed.") from exc
    if results != ["ok"]:
        raise UserError(f"{shown_name} cannot be restored: it failed the integrity check; nothing was changed.")
    if not whole:
        raise UserError(f"{shown_name} cannot be restored: it is cut short or has bytes added; nothing was changed.")
    engine = create_engine("sqlite:///" + sqlite_readonly_uri(path) + "&uri=true")
    try:
        revision = _check_schema(engine, shown_name)
        with Session(engine) as session:
            problems = [problem.message for problem in verify_chain(session)]
            if revision >= SEALED_SINCE:
                problems += seal_problems(session, None, unknown_keys_are_problems=False)
            events = count_events(session)
            partnerships = int(session.execute(text("SELECT count(*) FROM partnership")).scalar_one())
    except SQLAlchemyError as exc:
        raise UserError(f"{shown_name} cannot be restored: it could not be read ({exc}); nothing was changed.") from exc
    finally:
        engine.dispose()
    if problems:
        raise UserError(
            f"{shown_name} cannot be restored: its audit trail does not verify ({problems[0].rstrip('.')}). "
            "Nothing was changed."
        )
    return revision, events, partnerships


def _check_schema(engine: Engine, shown_name: str) -> str:
    """The backup's revision, once its schema is found to be exactly the program's at that revision.

    Read before any of its tables: a view in place of a table could make a read endless.
    """
    try:
        with engine.connect() as connection:
            check = check_schema(connection)
    except SQLAlchemyError as exc:
        raise UserError(f"{shown_name} cannot be restored: it could not be read ({exc}); nothing was changed.") from exc
    if check.differences:
        raise UserError(refusal("The backup", check.differences, "it was not restored", plural=False))
    if check.revision is None:
        raise UserError(f"{shown_name} cannot be restored: its version is not recorded; nothing was changed.")
    if check.revision not in known_revisions():
        raise UserError(
            f"{shown_name} was written by a newer version of Sister City Records; install that version (or newer) "
            "to restore it. Nothing was changed."
        )
    return check.revision


def restore_backup(location: DataLocation, source: Path) -> RestoreInfo:
    """Replaces the records with the backup ``source`` after checking it; the current records are backed up first.

    Refuses with a sentence, changing nothing, when the file is not a sound backup of this or an older version.
    The window must close its own database connections first; no other copy of the program may hold the folder.
    """
    live = records_sqlite_file(location)
    source = Path(source).expanduser()
    if _same_file(source, live):
        raise UserError("That file is the records themselves; choose a backup file to restore.")
    check_backup_file(source)
    ensure_private_dir(live.parent)
    staging = live.with_name(live.name + ".restoring")
    try:
        copy_consistently(source, staging)
        revision, events, partnerships = _check_copy(staging, source.name)
        safety = _back_up_current(location, live)
        _put_in_place(staging, live)
    finally:
        for leftover in (staging, staging.with_name(staging.name + "-journal")):
            leftover.unlink(missing_ok=True)
    from .opening import open_database  # brings an older backup up to date (backing it up first)

    db, _ = open_database(location, create=False)
    try:
        anchor_as_they_are(db)
    finally:
        db.dispose()
    log.info("records restored from a backup (revision %s, %d audit events)", revision, events)
    return RestoreInfo(str(live), str(source), safety, revision, events, partnerships)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


def copy_consistently(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    try:
        create_private_file(target)
        with (
            contextlib.closing(sqlite3.connect(sqlite_readonly_uri(source), uri=True)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise UserError(f"{source.name} could not be read for restoring ({exc}); nothing was changed.") from exc
    except OSError as exc:
        raise UserError(f"The backup could not be prepared for restoring: {exc.strerror or exc}.") from exc


def _back_up_current(location: DataLocation, live: Path) -> str | None:
    """A checked backup of the records about to be replaced, or a plain copy of them when they are damaged."""
    if not live.exists() or live.stat().st_size == 0:
        return None
    if why_not_ours(live) is None:
        return create_backup(location, reason=BEFORE_RESTORE).path
    # Damaged records cannot pass through the backup API's check; keep their bytes as they are.
    folder = backups_folder(location)
    ensure_private_dir(folder)
    kept = folder / ("damaged-" + timestamped_name(BEFORE_RESTORE))
    try:
        for suffix in ("", "-wal"):
            original = live.with_name(live.name + suffix)
            if original.exists():
                copy = kept.with_name(kept.name + suffix)
                shutil.copyfile(original, copy)
                make_private_file(copy)
    except OSError as exc:
        raise UserError(f"The damaged records could not be kept before restoring: {exc.strerror or exc}.") from exc
    log.warning("the damaged records were kept as %s before restoring", kept.name)
    return str(kept)


def _match_page_size(staged: sqlite3.Connection, target: sqlite3.Connection, live: Path) -> None:
    """Rewrites the staged copy with the live file's page size when they differ (a backup from before the program
    gave new files larger pages): SQLite copies into a file in WAL mode only at that file's own page size."""
    if live.stat().st_size == 0:
        return
    wanted = int(target.execute("PRAGMA page_size").fetchone()[0])
    if int(staged.execute("PRAGMA page_size").fetchone()[0]) != wanted:
        staged.execute(f"PRAGMA page_size = {wanted}")
        staged.execute("VACUUM")


def _put_in_place(staging: Path, live: Path) -> None:
    """Writes the checked copy into the live file in one transaction, through SQLite, so its WAL stays consistent."""
    try:
        with (
            contextlib.closing(sqlite3.connect(staging)) as src,
            contextlib.closing(sqlite3.connect(live, timeout=BUSY_TIMEOUT_MS / 1000)) as dst,
        ):
            _match_page_size(src, dst, live)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            if dst.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise UserError("The restored records failed their check; the copy made before restoring is kept.")
        for suffix in ("", "-wal", "-shm"):
            make_private_file(live.with_name(live.name + suffix))
        return
    except sqlite3.DatabaseError as exc:
        if "not a database" not in str(exc) and "malformed" not in str(exc):
            raise UserError(f"The backup could not be put in place: {exc}.") from exc
    # The live file is too damaged for SQLite to write into: swap the file itself. No connection is open (the
    # instance lock is held), and the old -wal/-shm go first so their pages cannot be replayed onto the new file.
    replacement = live.with_name(live.name + ".replacement")
    shutil.copyfile(staging, replacement)
    make_private_file(replacement)
    for suffix in ("-wal", "-shm"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    os.replace(replacement, live)
    log.info("damaged records replaced whole at %s", utc_now_text())
