"""Engine and sessions: SQLite pragmas (WAL, foreign keys, full sync), one writer at a time, plain errors."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

from ..errors import UserError
from .change_feed import WriteLog, announce, follow_audit_events

BUSY_TIMEOUT_MS = 15_000
NEW_FILE_PAGE_SIZE = 65536  # bytes: the largest page SQLite allows
WRITE_OPTION = "sister_city_write"


def create_database_engine(url: str) -> Engine:
    """An engine for a SQLite file (with the pragmas) or a PostgreSQL URL."""
    try:
        if url.startswith("sqlite"):
            # hide_parameters: an error's text (which may be logged) never carries the values, e.g. a name.
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)
            _configure_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        from ..host.paths import shown_database_url

        # Never the address as given: it may carry a password.
        shown = shown_database_url(url)
        if shown is None:
            raise UserError("The database address given cannot be read as an address, so it was not opened.") from exc
        raise UserError(f"The database address {shown} is not one the program can open.") from exc
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Set before WAL, it takes effect in a new, empty file only. Large pages cut the system calls of
            # writing and checkpointing a large attachment sixteenfold; an older file keeps its pages.
            cursor.execute(f"PRAGMA page_size = {NEW_FILE_PAGE_SIZE}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock when it begins, so two writers queue on the busy timeout
        # instead of failing half-way with "database is locked".
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


# Why a PostgreSQL server refused or never answered a connection, in the words the window and command line share.
SERVER_UNREACHABLE = (
    "The database server cannot be reached; check its address and port, and that it is running and lets this "
    "computer connect."
)
SERVER_REFUSED_LOGIN = (
    "The server refused the user name or password; check both (the records' administrator adds users with "
    "server-add-user)."
)
SERVER_HAS_NO_SUCH_DATABASE = "The server has no database of that name; check the database's name."
SERVER_REFUSED_DATABASE = (
    "The server does not let this user open that database from this computer; ask the records' administrator."
)
SERVER_BUSY = "The server is not taking connections just now (it is starting, stopping or full); try again soon."
SERVER_WITHOUT_TLS = (
    "The server does not offer an encrypted (TLS) connection, which the chosen security setting requires; choose "
    "a setting that allows an unencrypted one only if the network is trusted, or ask the records' administrator."
)
SERVER_REQUIRES_TLS = (
    "The server does not let this user in from this computer without encryption (TLS); choose a security "
    "setting that encrypts, or ask the records' administrator."
)
SERVER_CERTIFICATE_UNCHECKED = (
    "The server's certificate could not be checked (this computer does not trust it, or it names another "
    "server); ask the records' administrator, or choose a setting that does not check it."
)

# Words only libpq's and psycopg's connection failures carry: a failure while working is never read as one.
_CONNECTING = ("connection to server", "connection failed", "failed to resolve host", "could not translate host")
_CONNECTION_SENTENCES = (
    (("does not support ssl", "ssl was required", "ssl is not enabled"), SERVER_WITHOUT_TLS),
    (("certificate", "root cert"), SERVER_CERTIFICATE_UNCHECKED),
    (("no encryption",), SERVER_REQUIRES_TLS),
    (("password", "authentication failed", "role "), SERVER_REFUSED_LOGIN),
    (("does not exist",), SERVER_HAS_NO_SUCH_DATABASE),  # a missing role was named just above
    (("permission denied for database", "connect privilege", "no pg_hba.conf entry"), SERVER_REFUSED_DATABASE),
    (("too many", "starting up", "shutting down", "in recovery mode"), SERVER_BUSY),
)


def describe_connection_failure(exc: BaseException) -> str | None:
    """The sentence for a PostgreSQL server that refused or never answered a connection; None for other errors."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if not any(words in text for words in _CONNECTING) and "timeout expired" not in text:
        return None
    # After "failed:" comes the server's (or libpq's) reason; the address before it could hold any word.
    reason = text.rsplit("failed:", 1)[-1]
    for words, sentence in _CONNECTION_SENTENCES:
        if any(word in reason for word in words):
            return sentence
    return SERVER_UNREACHABLE


def describe_database_error(exc: BaseException) -> str:
    """A sentence a clerk understands for a database failure."""
    connecting = describe_connection_failure(exc)
    if connecting is not None:
        return connecting
    text = str(getattr(exc, "orig", exc) or exc).lower()
    if "locked" in text or "busy" in text:
        return (
            "The records are busy in another copy of the program or another command; "
            "please wait for it to finish and try again."
        )
    if "not a database" in text or "file is encrypted" in text:
        return "The database file is not a Sister City Records database (or it is damaged)."
    if "readonly" in text or "read-only" in text:
        return "The database is read-only here, so nothing can be changed; check the file's permissions."
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return "The disk is full, so the change was not saved; free some space and try again."
    if "unable to open" in text:
        return "The database file cannot be opened; check that its folder exists and can be written."
    if "malformed" in text or "corrupt" in text:
        return "The database file is damaged. Restore the latest backup (see the Help on backups)."
    if "permission denied" in text or "must be owner" in text:
        return (
            "Your account on the records' server may not make this change (a reader's account only reads); "
            "ask the records' administrator for the right account."
        )
    if "could not connect" in text or "connection refused" in text or "connection" in text:
        return SERVER_UNREACHABLE
    from ..host.paths import hide_passwords

    # The first line only: PostgreSQL adds a DETAIL line that quotes the row's values (personal data among them).
    # A driver refusing its connection string may quote it, password and all.
    first_line = hide_passwords((str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0])
    return "The database could not complete the operation: " + first_line.rstrip(".") + "."


class Database:
    """An engine and the two kinds of unit of work over it: reads, and writes that hold the write lock."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        self._sessionmakers: tuple[sessionmaker[Session], sessionmaker[Session]] | None = None
        self.writes = WriteLog()  # lets a listener of these records tell this Database's own writes

    def _sessions(self) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
        """The read and write session factories, made on first use: the ORM is not loaded until a session is."""
        if self._sessionmakers is None:
            from sqlalchemy.orm import sessionmaker

            writer = sessionmaker(self._write_engine, expire_on_commit=False)
            follow_audit_events(writer)
            self._sessionmakers = (sessionmaker(self.engine, expire_on_commit=False), writer)
        return self._sessionmakers

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def write_engine(self) -> Engine:
        """The engine whose transactions begin by taking the write lock (BEGIN IMMEDIATE on SQLite)."""
        return self._write_engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with translate_database_errors(), self._sessions()[0]() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def reading_rows(self) -> Iterator[Connection]:
        """A plain connection for reading (SQL expressions, no ORM), in one transaction; rolled back at the end."""
        with translate_database_errors(), self.engine.connect() as connection:
            yield connection  # the transaction begun by the first statement is rolled back when the connection closes

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction that commits at the end, or rolls back whole on any error.

        When it changed records it announces so just before it commits (see change_feed), so that other clerks'
        open pages refresh; on PostgreSQL the server delivers the announcement only if the commit succeeds.
        """
        written = None
        try:
            with translate_database_errors(), self._sessions()[1]() as session, session.begin():
                yield session
                written = announce(session, self.writes)
                if written is not None:
                    self.writes.add(*written)
        except BaseException:
            if written is not None:
                self.writes.discard(*written)
            raise

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def translate_database_errors() -> Iterator[None]:
    """Turns the driver's errors into UserError sentences."""
    try:
        yield
    except (OperationalError, DatabaseError) as exc:
        raise UserError(describe_database_error(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise UserError(describe_database_error(exc)) from exc
    except Exception as exc:
        if _saved_meanwhile(exc):
            raise UserError(CHANGED_MEANWHILE) from exc
        raise


CHANGED_MEANWHILE = (
    "Someone else saved this record while the change was being saved, so the change was not saved; "
    "look at the record again and repeat the change if it is still needed."
)


def _saved_meanwhile(exc: BaseException) -> bool:
    """Whether the ORM found a row changed by another transaction under its version check (StaleDataError).

    The ORM is looked up only if loaded: when it is not, no session ran and it cannot have raised it.
    """
    orm_errors = sys.modules.get("sqlalchemy.orm.exc")
    return orm_errors is not None and isinstance(exc, orm_errors.StaleDataError)
