"""Opening records kept on a shared PostgreSQL server: its address without the password, and plain failures.

The password travels beside the details, never inside any text the program shows or logs: the address is built
with SQLAlchemy's ``URL.create`` and shown with the password masked. Every way a connection can fail gets one
sentence (the same the command line gives for the same server, see ``describe_database_error``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from ..db.engine import Database, translate_database_errors
from ..db.schema_head import SCHEMA_HEAD
from ..errors import UserError
from ..host.paths import DataLocation
from ..host.server_passwords import ServerAccount
from .opening import OpenResult, open_database, server_records_refusal

DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
DEFAULT_SSLMODE = "prefer"
# libpq's names, from never encrypting to encrypting and checking the certificate and the server's name.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
CONNECT_TIMEOUT_SECONDS = 10
NO_DRIVER = "This installation cannot connect to a PostgreSQL server: its driver (psycopg) is missing."


@dataclass(frozen=True)
class SharedServer:
    """Where shared records are and who opens them; nothing secret (the password is always passed beside it)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    sslmode: str = DEFAULT_SSLMODE

    def checked(self) -> SharedServer:
        """The same details with spaces trimmed; a UserError names the first that cannot be right."""
        server = replace(self, host=self.host.strip(), database=self.database.strip(), user=self.user.strip())
        for label, value in (("server's address", server.host), ("database", server.database), ("user", server.user)):
            if not value:
                raise UserError(f"Give the {label}.")
            if "\x00" in value or (label != "database" and any(character.isspace() for character in value)):
                raise UserError(f"The {label} cannot hold spaces or control characters.")
        if not 0 < server.port < 65536:
            raise UserError("The port is a number from 1 to 65535 (PostgreSQL's usual one is 5432).")
        if server.sslmode not in SSL_MODES:
            raise UserError(f"The security setting must be one of {', '.join(SSL_MODES)}.")
        return server

    @property
    def account(self) -> ServerAccount:
        """The key under which this computer's keychain may keep the password."""
        return ServerAccount(self.host, self.port, self.database, self.user)

    def url(self, password: str | None = None, *, timeout_seconds: int = CONNECT_TIMEOUT_SECONDS) -> URL:
        """The SQLAlchemy address; libpq gives up on a server that does not answer within ``timeout_seconds``."""
        return URL.create(
            DRIVER,
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
            query={"sslmode": self.sslmode, "connect_timeout": str(max(2, int(timeout_seconds)))},
        )

    @property
    def shown_url(self) -> str:
        """The address as it may be shown or logged: it never holds a password."""
        return self.url().render_as_string(hide_password=True)

    @property
    def description(self) -> str:
        """Which records these are, in words: 'db.example.org / city_records as jsmith'."""
        where = self.host if self.port == DEFAULT_PORT else f"{self.host}:{self.port}"
        return f"{where} / {self.database} as {self.user}"

    def location(
        self, password: str | None, data_dir: Path, *, timeout_seconds: int = CONNECT_TIMEOUT_SECONDS
    ) -> DataLocation:
        """Where the program finds these records; the logs and anything local stay in ``data_dir``."""
        url = self.url(password, timeout_seconds=timeout_seconds)
        return DataLocation(data_dir, url.render_as_string(hide_password=False))


def shared_server_of(url: str) -> SharedServer | None:
    """The server, database and user of a PostgreSQL address (None for a SQLite file or an unreadable address)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "postgresql":
        return None
    sslmode = str(parsed.query.get("sslmode", DEFAULT_SSLMODE))
    return SharedServer(
        parsed.host or "localhost",
        parsed.database or "",
        parsed.username or "",
        parsed.port or DEFAULT_PORT,
        sslmode if sslmode in SSL_MODES else DEFAULT_SSLMODE,
    )


@dataclass(frozen=True)
class ServerCheck:
    """What a successful check found: the revision of the records' schema, and whether it is the program's own."""

    server: SharedServer
    revision: str
    current: bool


@dataclass(frozen=True)
class SharedRecords:
    """Records opened on a server, ready for the window to take in place of its own."""

    server: SharedServer
    location: DataLocation
    db: Database
    opened: OpenResult


def check_shared_server(
    server: SharedServer, password: str | None, timeout_seconds: int = CONNECT_TIMEOUT_SECONDS
) -> ServerCheck:
    """Connects once and reads whether the database holds records this program opens; changes nothing.

    Each failure is a UserError with one sentence: the server cannot be reached, the user or password is refused,
    there is no such database, it is empty (to be set up with server-init), it holds something else, it holds a
    newer program's records, or the encryption (TLS) asked for and the server's do not match.
    """
    server = server.checked()
    if password and "\x00" in password:
        raise UserError("The password cannot hold a NUL character.")
    engine = _engine(server.url(password, timeout_seconds=timeout_seconds))
    try:
        with translate_database_errors(), engine.connect() as connection:
            refused = server_records_refusal(connection)
            if refused is not None:
                raise UserError(refused)
            revision = str(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one())
    finally:
        engine.dispose()
    return ServerCheck(server, revision, revision == SCHEMA_HEAD)


def open_shared_records(
    server: SharedServer,
    password: str | None,
    data_dir: Path,
    *,
    timeout_seconds: int = CONNECT_TIMEOUT_SECONDS,
) -> SharedRecords:
    """Checks the server, then opens its records as the window and the command line do (never setting one up)."""
    checked = check_shared_server(server, password, timeout_seconds).server
    location = checked.location(password, data_dir, timeout_seconds=timeout_seconds)
    db, opened = open_database(location, create=False, automatic_backup=False)
    return SharedRecords(checked, location, db, opened)


def _engine(url: URL) -> Engine:
    """An engine that keeps no connection once the check is done."""
    try:
        return create_engine(url, poolclass=NullPool, hide_parameters=True)
    except ImportError as exc:
        raise UserError(NO_DRIVER) from exc
