"""Moving records in and out of a shared PostgreSQL server: move-to, and a server's backups and restores.

A clerk's file is moved in, a server is backed up to a checked SQLite copy, and a backup is restored into a server
database; every row and audit event is copied as it is.

Records come into a server database only when it holds none: one just set up by server-init (whose built-in inquiry
gives way to the copy's), or an empty one, which server-init sets up first. The rows are written in one transaction,
checked again there (every row, the audit chain and its seals), and committed only when the checks pass; the audit
trail's head is then anchored for the server's address.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..db.engine import Database, translate_database_errors
from ..db.migrate import upgrade_database
from ..db.models import AuditEvent, Inquiry, InquiryQuestion
from ..db.schema_head import SCHEMA_HEAD
from ..errors import UserError
from ..host.audit_anchor import Anchor, write_anchor
from ..host.paths import (
    DataLocation,
    create_private_file,
    ensure_private_dir,
    resolve_location,
    shown_database_url,
    sqlite_readonly_uri,
)
from ..records.audit import count_events, verify_chain
from ..records.indexing import rebuild_in
from .backup import MANUAL, BackupInfo, backup_path, finish_backup
from .opening import open_database
from .restore_backup import RestoreInfo, check_backup_file, copy_consistently
from .row_copy import Progress, ShouldStop, copied_tables, copy_rows, count_rows, set_sequences_past_ids
from .schema_check import check_schema, refusal
from .seals import anchor_problems, seal_problems
from .server import require_postgresql, server_init
from .verify import integrity_problems

log = logging.getLogger("desktop_app.moving")

# What a database just set up by server-init holds: the built-in inquiry, its questions and the events adding them.
_SETUP_EVENTS = ("create", "set_questions")


@dataclass(frozen=True)
class MoveInfo:
    """What a move into a server did: the database (password hidden), whether its tables and roles were made
    there, the rows copied per table, and the counts a clerk checks first."""

    database: str
    set_up: bool
    rows: dict[str, int]
    audit_events: int
    partnerships: int
    attachments: int


# ----- into a server -------------------------------------------------------------------------------------------


def move_to_server(
    location: DataLocation, url: str, *, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> MoveInfo:
    """Copies the clerk's SQLite records (``location``) into the PostgreSQL database at ``url``, which must hold no
    records; the file is left as it was. Refused with a sentence when anything is not right, leaving the server
    database holding no records (an empty one stays set up)."""
    require_postgresql(url)
    if location.sqlite_path is None:
        raise UserError(
            "move-to copies records kept in a file on this computer onto a server; these records are on a server "
            "already. Name the file with --data-dir or --database FILE."
        )
    source, _ = open_database(location, create=False, automatic_backup=False)
    try:
        problems = integrity_problems(source, quick=True)
        anchor_issues, anchor = anchor_problems(location.database_url)
        problems += anchor_issues
        if problems:
            raise UserError(
                f"The records cannot be moved while their checks fail ({problems[0].rstrip('.')}); "
                "run verify to see everything. Nothing was changed."
            )
        return load_into_server(source.engine, url, anchor, progress=progress, should_stop=should_stop)
    finally:
        source.dispose()


def restore_into_server(
    location: DataLocation,
    source: Path,
    *,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> RestoreInfo:
    """Loads the backup ``source`` into the server database of ``location`` after checking it as every restore
    does; only into a database that holds no records. A backup of an older version is brought up to date first
    (in a copy: the file itself is never changed)."""
    url = location.database_url
    require_postgresql(url)
    source = Path(source).expanduser()
    revision, _events, _partnerships = check_backup_file(source)
    ensure_private_dir(location.data_dir)
    with tempfile.TemporaryDirectory(prefix=".restoring-", dir=location.data_dir) as folder:
        staging = Path(folder) / "records.sqlite3"
        copy_consistently(source, staging)
        staged, _ = open_database(resolve_location(folder, str(staging)), create=False, automatic_backup=False)
        try:
            moved = load_into_server(staged.engine, url, None, progress=progress, should_stop=should_stop)
        finally:
            staged.dispose()
    log.info("a backup was restored into a server database (revision %s)", revision)
    return RestoreInfo(moved.database, str(source), None, revision, moved.audit_events, moved.partnerships)


def load_into_server(
    source_engine: Engine,
    url: str,
    source_anchor: Anchor | None,
    *,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> MoveInfo:
    """Copies every row of the records behind ``source_engine`` (at the program's revision) into the server
    database at ``url`` in one transaction; checks the audit trail there (against ``source_anchor`` when given)
    before committing, then anchors it for ``url``."""
    shown = shown_database_url(url) or "The server database"
    target = Database(url)
    try:
        set_up = _set_up_if_empty(target, url)
        with (
            translate_database_errors(),
            source_engine.connect() as source,
            source.begin(),
            target.engine.connect() as connection,
            connection.begin(),
        ):
            _prepare(connection, shown)
            rows = copy_rows(source, connection, progress=progress, should_stop=should_stop)
            set_sequences_past_ids(connection)
            head, sealed_from, events = _index_and_check(connection, rows, source_anchor)
    finally:
        target.dispose()
    if head is not None:
        write_anchor(url, head[0], head[1], sealed_from if sealed_from is not None else head[0] + 1)
    log.info("records loaded into a server database: %d audit events", events)
    return MoveInfo(shown, set_up, rows, events, rows.get("partnership", 0), rows.get("attachment", 0))


def _set_up_if_empty(target: Database, url: str) -> bool:
    """Sets an empty database up as server-init does (tables, roles, rights); True when it did.

    That set-up is kept when the copy then fails: the database holds no records, and the move can be run again.
    """
    with translate_database_errors(), target.engine.connect() as connection:
        empty = not _tables(connection)
    if empty:
        server_init(url)
    return empty


def _tables(connection: Connection) -> set[str]:
    return set(
        connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars()
    )


def _prepare(connection: Connection, shown: str) -> None:
    """Makes the database ready to take the records: empties it of what server-init wrote.

    Refuses, changing nothing, a database that holds records or anything that is not this program's.
    """
    tables = _tables(connection)
    if not {"alembic_version", "audit_event"} <= tables:
        raise UserError(
            f"{shown} does not hold Sister City Records (it holds {len(tables)} table(s)); use an empty database. "
            "Nothing was changed."
        )
    check = check_schema(connection)
    if check.differences:
        raise UserError(refusal("The records on the server", check.differences, "nothing was changed", plural=True))
    if check.revision != SCHEMA_HEAD:
        raise UserError(
            f"The records on the server are at version {check.revision}, this program's at {SCHEMA_HEAD}; open "
            "them once with this program as the account that set the server up, then try again. Nothing was changed."
        )
    # Clerks' writes wait until the records are in (they take this lock to append to the audit trail).
    connection.execute(text("LOCK TABLE audit_event IN EXCLUSIVE MODE"))
    if _holds_records(connection):
        raise UserError(
            f"{shown} already holds records, so nothing was copied into it and nothing was changed; use a database "
            "that holds none (an empty one, or one just set up with server-init)."
        )
    _require_owner(connection)
    _clear_setup(connection)


def _holds_records(connection: Connection) -> bool:
    """Whether the database holds anything beyond what server-init writes (the built-in inquiry)."""
    builtin = select(Inquiry.id).where(Inquiry.builtin_key.is_not(None))
    beyond_setup = {
        "inquiry": Inquiry.builtin_key.is_(None),
        "inquiry_question": InquiryQuestion.inquiry_id.not_in(builtin),
        "audit_event": ~(
            (AuditEvent.record_kind == "inquiry")
            & AuditEvent.action.in_(_SETUP_EVENTS)
            & AuditEvent.record_id.in_(builtin)
        ),
    }
    for table in copied_tables():
        statement = select(1).select_from(table)
        if table.name in beyond_setup:
            statement = statement.where(beyond_setup[table.name])
        if connection.execute(statement.limit(1)).first() is not None:
            return True
    return False


def _require_owner(connection: Connection) -> None:
    """The copied trail names other accounts; the server lets only the owner of the tables write such events."""
    session_user, owner = connection.execute(
        text("SELECT session_user::text, relowner::regrole::text FROM pg_class WHERE oid = 'audit_event'::regclass")
    ).one()
    if session_user != owner:
        raise UserError(
            f"Records are moved in with the account that set the server up ({owner}), the only one the server lets "
            "write audit events made by others; nothing was changed."
        )


def _clear_setup(connection: Connection) -> None:
    """Removes what server-init wrote (the built-in inquiry, its questions, events and search entry)."""
    for table in reversed(copied_tables()):
        if table.name != "audit_event":
            connection.execute(table.delete())
    connection.execute(text("DELETE FROM search_entry"))
    # The guards refuse DELETE of an event; the owner empties the trail of the set-up's events at once instead.
    connection.execute(text("TRUNCATE audit_event"))


def _index_and_check(
    connection: Connection, rows: dict[str, int], anchor: Anchor | None
) -> tuple[tuple[int, str] | None, int | None, int]:
    """Fills the search index, then checks the copy in the open transaction: every row there, the audit chain and
    its seals sound. Returns the trail's head, its first sealed event and its length."""
    with Session(bind=connection) as session:
        rebuild_in(session)
        session.flush()
        problems = [problem.message for problem in verify_chain(session)]
        problems += seal_problems(session, anchor, unknown_keys_are_problems=False)
        events = count_events(session)
        head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        first_sealed = session.execute(select(func.min(AuditEvent.seq)).where(AuditEvent.seal != "")).scalar()
    missing = _missing_rows(count_rows(connection), rows)
    if missing:
        problems.insert(0, missing)
    if problems:
        raise UserError(
            f"The copy on the server did not pass its check ({problems[0].rstrip('.')}), so nothing was kept there."
        )
    return (
        (int(head.seq), str(head.hash)) if head is not None else None,
        int(first_sealed) if first_sealed is not None else None,
        events,
    )


def _missing_rows(found: dict[str, int], expected: dict[str, int]) -> str | None:
    for name, count in expected.items():
        if found.get(name) != count:
            return f"the table {name} holds {found.get(name)} rows where {count} were copied"
    return None


# ----- out of a server -----------------------------------------------------------------------------------------


def back_up_server(
    location: DataLocation,
    destination: Path | None = None,
    reason: str = MANUAL,
    *,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> BackupInfo:
    """Writes a checked SQLite copy of the server's records (as one consistent snapshot) to ``destination`` (a file
    or folder) or the backups folder, with its manifest; a restore takes it back into an empty server database or
    onto a computer as a file."""
    url = location.database_url
    require_postgresql(url)
    target = backup_path(location, destination, reason)
    ensure_private_dir(target.parent)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    server = Database(url)
    try:
        expected = _write_copy(server.engine, partial, progress, should_stop)
        _check_copy(partial, expected, url)
        os.replace(partial, target)
    except OSError as exc:
        raise UserError(f"The backup could not be written to {target}: {exc.strerror or exc}.") from exc
    finally:
        server.dispose()
        for leftover in (partial, *(partial.with_name(partial.name + end) for end in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return finish_backup(location, target, reason)


def _write_copy(
    server: Engine, partial: Path, progress: Progress | None, should_stop: ShouldStop | None
) -> dict[str, int]:
    """The program's schema in a new SQLite file, filled from one read-only snapshot of the server; returns how
    many rows each table held in that snapshot."""
    create_private_file(partial)
    copy = Database("sqlite:///" + str(partial))
    try:
        upgrade_database(copy.write_engine)
        with translate_database_errors(), server.connect() as source:
            source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with source.begin():
                revision = source.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if revision != SCHEMA_HEAD:
                    raise UserError(
                        f"The records on the server are at version {revision}, this program's at {SCHEMA_HEAD}; "
                        "back them up with the program of their version. Nothing was written."
                    )
                expected = count_rows(source)
                with copy.write_engine.begin() as target:
                    copy_rows(source, target, progress=progress, should_stop=should_stop)
                    with Session(bind=target) as session:
                        rebuild_in(session)
                        session.flush()
    finally:
        copy.dispose()
    # One file, as every backup is: the write-ahead log is folded in and left behind.
    with contextlib.closing(sqlite3.connect(partial)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    return expected


def _check_copy(path: Path, expected: dict[str, int], url: str) -> None:
    """The copy's own integrity, its schema, every row there, and its audit chain and seals sound."""
    problems: list[str] = []
    try:
        with contextlib.closing(sqlite3.connect(sqlite_readonly_uri(path), uri=True)) as connection:
            if [row[0] for row in connection.execute("PRAGMA integrity_check")] != ["ok"]:
                problems.append("it failed the integrity check")
        engine = create_engine("sqlite:///" + sqlite_readonly_uri(path) + "&uri=true")
        try:
            with engine.connect() as connection:
                check = check_schema(connection)
                if check.differences or check.revision != SCHEMA_HEAD:
                    problems.append("its schema is not the program's")
                missing = _missing_rows(count_rows(connection), expected)
                if missing:
                    problems.append(missing)
            _issues, anchor = anchor_problems(url)
            with Session(engine) as session:
                problems += [problem.message for problem in verify_chain(session)]
                problems += seal_problems(session, anchor, unknown_keys_are_problems=False)
        finally:
            engine.dispose()
    except (sqlite3.Error, SQLAlchemyError) as exc:
        problems.append(f"it could not be read back ({type(exc).__name__})")
    if problems:
        raise UserError(f"The backup copy failed its check ({problems[0].rstrip('.')}), so it was not kept.")
