"""Read-only DB-API connections for the command line's read commands, opened without loading SQLAlchemy.

A quick reader is given only when the records are exactly as opening them the ordinary way would leave them:
current schema, no backup due, the built-in inquiries present. Otherwise the caller opens them the ordinary way,
which migrates, backs up, adds what is missing or gives its sentence.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote

from ..errors import UserError
from ..host.paths import DataLocation, sqlite_readonly_uri
from .builtin_keys import builtin_inquiries_missing
from .row_source import Parameters, Rows

# As the engine's: a reader waits this long for a writer's lock instead of failing at once.
BUSY_TIMEOUT_SECONDS = 15

_PSYCOPG_PREFIX = "postgresql+psycopg://"

T = TypeVar("T")

# A ":name" parameter exactly as SQLAlchemy's text() finds one: not "::" (a cast), not after a letter or "\".
_PARAMETER = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)

# The address as SQLAlchemy's make_url reads it.
_ADDRESS = re.compile(
    r"""(?P<name>[\w\+]+)://
        (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
        (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?""",
    re.X,
)


class QuickReader(Rows):
    """One read-only transaction on a bare driver connection, read as a RowSource; close it when done."""

    def __init__(self, connection: Any, dialect: str, errors: tuple[type[BaseException], ...]) -> None:
        super().__init__(dialect, errors)
        self._connection = connection

    def rows(self, sql: str, parameters: Parameters | None = None) -> list[tuple[Any, ...]]:
        statement, values = expand_lists(sql, parameters or {})
        if self._dialect == "postgresql":
            statement = pyformat(statement)
        cursor = self._connection.execute(statement, values)
        return [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        """Ends the transaction (nothing was written) and the connection."""
        try:
            self._connection.rollback()
        except self._errors:
            pass  # a connection already broken has nothing to roll back
        finally:
            self._connection.close()

    def __enter__(self) -> QuickReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def expand_lists(sql: str, parameters: Parameters) -> tuple[str, Parameters]:
    """``IN :ids`` with a list or tuple ``ids`` written out as ``IN (:ids_0, :ids_1, …)``, one parameter each."""
    lists = {name: list(value) for name, value in parameters.items() if isinstance(value, list | tuple)}
    if not lists:
        return sql, parameters
    values = {name: value for name, value in parameters.items() if name not in lists}

    def written_out(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in lists:
            return match.group(0)
        names = [f"{name}_{position}" for position in range(len(lists[name]))]
        values.update(zip(names, lists[name], strict=True))
        return "(" + ", ".join(":" + item for item in names) + ")" if names else "(NULL)"

    return _PARAMETER.sub(written_out, sql), values


def pyformat(sql: str) -> str:
    """SQL text with ``:name`` parameters as psycopg takes them: ``%(name)s``, a literal ``%`` doubled, ``::`` kept."""
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%")).replace("\\:", ":")


def open_quick_reader(location: DataLocation) -> QuickReader | None:
    """A read-only reader of the records at ``location``, or None where opening them the ordinary way could do
    or say anything else (create, migrate, back up, add the built-in inquiries, refuse in its own words).

    Records whose schema is not the program's are refused with the sentence opening them gives.
    """
    from ..safekeeping.backup import automatic_backup_due

    if location.sqlite_path is not None:
        if not _sqlite_file_as_opening_leaves_it(location) or automatic_backup_due(location):
            return None
        reader = sqlite_reader(location.sqlite_path)
    elif location.database_url.startswith(_PSYCOPG_PREFIX):
        reader = _postgresql_reader(location.database_url)
    else:
        return None
    if reader is None:
        return None
    try:
        if ready_as_opening_leaves_them(reader):
            return reader
    except reader.errors:
        pass  # the ordinary way gives the sentence for what went wrong
    except BaseException:
        reader.close()
        raise
    reader.close()
    return None


def ready_as_opening_leaves_them(reader: QuickReader, *, refuse_other_schema: bool = True) -> bool:
    """Whether the records are current and complete, as opening them leaves them. Records of another schema are
    refused in opening's words on SQLite (``refuse_other_schema``); on a server they are left to the ordinary
    way, which may first refuse them for what they are not."""
    from ..safekeeping.schema_check import check_schema, records_refusal
    from .schema_head import SCHEMA_HEAD

    check = check_schema(reader)
    if check.revision != SCHEMA_HEAD:
        return False
    if check.differences:
        if refuse_other_schema and reader.dialect == "sqlite":
            raise UserError(records_refusal(check.differences))
        return False
    return not builtin_inquiries_missing(reader)


def _sqlite_file_as_opening_leaves_it(location: DataLocation) -> bool:
    """A SQLite file of records in an existing data folder, readable by its owner only, as opening leaves it."""
    path = location.sqlite_path
    if path is None or not location.data_dir.is_dir():
        return False
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        return all(_private(path.with_name(path.name + suffix)) for suffix in ("", "-wal", "-shm"))
    except OSError:
        return False


def _private(path: Path) -> bool:
    if os.name != "posix":
        return True
    try:
        return path.stat().st_mode & 0o077 == 0
    except FileNotFoundError:
        return True


def sqlite_reader(path: Path, *, timeout: float = BUSY_TIMEOUT_SECONDS) -> QuickReader | None:
    """A read-only reader of a SQLite file in WAL mode, in one transaction; None for any other file."""
    try:
        connection = sqlite3.connect(sqlite_readonly_uri(path), uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        # The ordinary way puts the file in WAL mode; one that is not yet is left to it.
        if connection.execute("PRAGMA journal_mode").fetchone() != ("wal",):
            connection.close()
            return None
        connection.execute("BEGIN")  # every read of the command sees the same state of the records
    except sqlite3.Error:
        connection.close()
        return None
    return QuickReader(connection, "sqlite", (sqlite3.Error,))


def _postgresql_reader(url: str) -> QuickReader | None:
    """A reader connected as the engine connects (the same address, parameters and options), or None for an
    address read otherwise. A server that refuses the connection is reported in the ordinary way's words."""
    arguments = psycopg_arguments(url)
    if arguments is None:
        return None
    import psycopg

    try:
        connection = psycopg.connect(**arguments)
    except psycopg.Error as exc:
        from .engine import describe_database_error

        raise UserError(describe_database_error(exc)) from exc
    connection.read_only = True
    return QuickReader(connection, "postgresql", (psycopg.Error,))


def psycopg_arguments(url: str) -> dict[str, Any] | None:
    """The keyword arguments SQLAlchemy's psycopg dialect connects with for ``url``; None for an address with
    anything it reads in a way of its own (several hosts, a repeated parameter, a port not a number)."""
    match = _ADDRESS.match(url) if url.startswith(_PSYCOPG_PREFIX) else None
    if match is None:
        return None
    parts = match.groupdict()
    query = parts["query"]
    pairs = parse_qsl(query) if query is not None else []
    options = dict(pairs)
    port = parts["port"]
    if len(options) != len(pairs) or "host" in options or "port" in options or (port and not port.isdigit()):
        return None
    arguments: dict[str, Any] = {
        "host": parts["ipv4host"] or parts["ipv6host"],
        "port": int(port) if port else None,
        "user": unquote(parts["username"]) if parts["username"] is not None else None,
        "password": unquote(parts["password"]) if parts["password"] is not None else None,
        "dbname": unquote(parts["database"]) if parts["database"] is not None else None,
    }
    arguments = {name: value for name, value in arguments.items() if value}
    arguments.update(options)
    return arguments


def quick_answer(location: DataLocation, read: Callable[[QuickReader], T | None]) -> T | None:
    """What ``read`` gives on a quick reader of the records at ``location``. None when there is no quick reader,
    when the driver fails, or when ``read`` gives None: the caller then reads the ordinary way, which gives the
    answer or the sentence for what went wrong."""
    reader = open_quick_reader(location)
    if reader is None:
        return None
    with reader:
        try:
            return read(reader)
        except reader.errors:
            return None
