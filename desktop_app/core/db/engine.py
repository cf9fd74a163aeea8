"""Engine and sessions: SQLite pragmas (WAL, foreign keys, full sync), one writer at a time, plain errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

from ..errors import UserError

BUSY_TIMEOUT_MS = 15_000
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


def describe_database_error(exc: BaseException) -> str:
    """A sentence a clerk understands for a database failure."""
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
        return "The database server cannot be reached; check its address and that it is running."
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

    def _sessions(self) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
        """The read and write session factories, made on first use: the ORM is not loaded until a session is."""
        if self._sessionmakers is None:
            from sqlalchemy.orm import sessionmaker

            self._sessionmakers = (
                sessionmaker(self.engine, expire_on_commit=False),
                sessionmaker(self._write_engine, expire_on_commit=False),
            )
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
        """One transaction that commits at the end, or rolls back whole on any error."""
        with translate_database_errors(), self._sessions()[1]() as session, session.begin():
            yield session

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
