"""Bulk inserts of plain tuples (COPY on PostgreSQL, the driver's executemany elsewhere) for imports of many rows."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, func, literal, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..errors import UserError

# Dates go to SQLite as ISO text, as SQLAlchemy's Date type stores them (an explicit adapter: the default one is
# deprecated). Only exact dates: datetimes keep their own conversion.
sqlite3.register_adapter(dt.date, dt.date.isoformat)
# Below this many rows an import keeps the indexes up to date row by row.
DEFER_INDEXES_FROM_ROWS = 10_000


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    same: Mapping[str, Any] | None = None,
) -> None:
    """Inserts rows whose values stand in the order of ``columns``, with the values of ``same`` in every row; the
    table's other columns take their defaults.

    In the session's transaction: on PostgreSQL one COPY of the rows (where the table allows it), elsewhere one
    executemany of the driver with the values common to all rows written into the statement once. Errors come as
    SQLAlchemy's, so the caller's transaction turns them into a plain sentence as for any other write.
    """
    if not rows:
        return
    common = _common_values(table, columns, same)
    if session.get_bind().dialect.name == "postgresql" and _takes_copy(session, table.name):
        _copy_rows(session, table, columns, rows, common)
    else:
        _execute_many(session, table, columns, rows, common)


def _common_values(table: Table, columns: Sequence[str], same: Mapping[str, Any] | None) -> dict[str, Any]:
    """``same``, with the scalar default of each column that neither the rows nor ``same`` give."""
    common = dict(same or {})
    for column in table.columns:
        default = column.default
        if column.name not in columns and column.name not in common and default is not None and default.is_scalar:
            common[column.name] = default.arg  # type: ignore[attr-defined]
    return common


def _execute_many(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]], common: dict[str, Any]
) -> None:
    dialect = session.get_bind().dialect
    literals = {
        name: literal(value, table.c[name].type).compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string
        for name, value in common.items()
    }
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    if marker == "%s":  # a literal per cent sign, beside the driver's own markers
        literals = {name: value.replace("%", "%%") for name, value in literals.items()}
    names = [*columns, *literals]
    values = [*[marker] * len(columns), *literals.values()]
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(values)})"
    session.connection().exec_driver_sql(statement, rows)


def _takes_copy(session: Session, table_name: str) -> bool:
    """Whether rows may go into the PostgreSQL table by COPY: the server refuses COPY FROM into a table under
    row-level security, where they go in by INSERT, under its policies."""
    secured = session.execute(
        text("SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(:name)"), {"name": table_name}
    ).scalar()
    return secured is False


def _copy_rows(
    session: Session, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]], common: dict[str, Any]
) -> None:
    """The rows, each followed by the common values, in one COPY on the session's connection (its transaction)."""
    dialect = session.get_bind().dialect
    tail = tuple(_bound(table.c[name].type, value, dialect) for name, value in common.items())
    statement = f"COPY {table.name} ({', '.join([*columns, *common])}) FROM STDIN"
    with _driver_errors(statement), _copying(session, statement) as copy:
        write = copy.write_row
        if tail:
            for row in rows:
                write(row + tail)
        else:
            for row in rows:
                write(row)


def _bound(column_type: Any, value: Any, dialect: Any) -> Any:
    """A value as SQLAlchemy would bind it for a column of that type (what the driver then sends)."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


@contextmanager
def _copying(session: Session, statement: str) -> Iterator[Any]:
    """A psycopg ``Copy`` of ``statement`` (COPY ... FROM STDIN) on the session's connection, in its transaction."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        yield copy


@contextmanager
def _driver_errors(statement: str) -> Iterator[None]:
    """psycopg's errors of a statement run on the driver's own connection, raised as SQLAlchemy raises them."""
    import psycopg

    try:
        yield
    except psycopg.Error as error:
        raise DBAPIError.instance(statement, None, error, psycopg.Error) from error


def reserve_ids(session: Session, table: Table, count: int) -> Sequence[int]:
    """``count`` new ids, ascending and above the table's highest, for rows inserted next in this transaction.

    The caller holds the write lock on SQLite (BEGIN IMMEDIATE). On PostgreSQL the table is locked here against
    other writers until the transaction ends, and its sequence kept ahead of the ids, so that no row the server
    numbers later takes one of them.
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE"))
    first = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    ids = range(first, first + count)
    if not postgresql or not count:
        return ids
    sequence, may_move = session.execute(
        text("SELECT name, has_sequence_privilege(name, 'UPDATE') FROM pg_get_serial_sequence(:table, 'id') AS name"),
        {"table": table.name},
    ).one()
    if not may_move:
        return _drawn_ids(session, table.name, sequence, count, first)
    session.execute(text("SELECT setval(:sequence, :last)"), {"sequence": sequence, "last": ids[-1]})
    return ids


def _drawn_ids(session: Session, table_name: str, sequence: str, count: int, first: int) -> Sequence[int]:
    """``count`` ids drawn from the sequence with nextval, the only move of a sequence a clerk's account may make
    (setval needs the right to change it): the numbers an ordinary insert would have taken, gaps and all."""
    drawn = sorted(
        session.execute(
            text("SELECT nextval(:sequence) FROM generate_series(1, :count)"), {"sequence": sequence, "count": count}
        ).scalars()
    )
    if drawn[0] < first:
        raise UserError(
            f"The server's numbering of the {table_name} records is behind the records themselves, which only "
            "the records' administrator may put right; ask them to run this import."
        )
    return range(drawn[0], drawn[-1] + 1) if drawn[-1] - drawn[0] == count - 1 else drawn


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collection paused while a bulk import builds and writes its rows.

    A table of 100,000 rows becomes a million small objects in no cycle, and each automatic collection would walk
    them all again: a sixth of the import's time. Reference counting still frees them as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def roomy_cache(session: Session, mebibytes: int) -> Iterator[None]:
    """A larger page cache for this connection (SQLite) while a bulk write runs, so that its pages are written once.

    With the default cache of 2 MB, a transaction that changes more pages than that writes them out to the
    write-ahead log early and again later; the cache is given back afterwards. Durability is untouched.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{mebibytes * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


@contextmanager
def indexes_built_after(session: Session, tables: Sequence[Table], rows: int) -> Iterator[None]:
    """Drops the secondary indexes of the tables that ``rows`` new rows would more than double, and builds them
    again once the rows are in: sorting all the rows once costs much less than placing each in every index.

    SQLite only, where this is part of the transaction: no other connection ever sees the tables without them,
    and unique constraints are kept throughout. When the body raises, the indexes are not built here: the caller's
    transaction must roll back (``Database.writing`` does), which brings them back as they were.
    """
    if session.get_bind().dialect.name != "sqlite" or rows < DEFER_INDEXES_FROM_ROWS:
        yield
        return
    connection = session.connection()
    deferred: list[tuple[str, str]] = []
    for table in tables:
        if int(connection.exec_driver_sql(f"SELECT count(*) FROM {table.name}").scalar_one()) >= rows:
            continue
        deferred.extend(
            connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table.name,),
            ).all()
        )
    for name, _ in deferred:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, statement in deferred:
        connection.exec_driver_sql(statement)
