"""Bulk inserts of plain tuples through the driver's executemany, for imports of many rows in one transaction."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, func, literal, select, text
from sqlalchemy.orm import Session

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

    One executemany of the driver, in the session's transaction: no per-row statement building, and the values
    common to all rows written into the statement once. Errors come as SQLAlchemy's, so the caller's transaction
    turns them into a plain sentence as for any other write.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    common = dict(same or {})
    for column in table.columns:
        default = column.default
        if column.name not in columns and column.name not in common and default is not None and default.is_scalar:
            common[column.name] = default.arg  # type: ignore[attr-defined]
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


def reserve_ids(session: Session, table: Table, count: int) -> range:
    """``count`` ids after the highest in the table, for rows inserted next in this transaction.

    The caller holds the write lock on SQLite (BEGIN IMMEDIATE); on PostgreSQL the table is locked here against
    other writers until the transaction ends, and its sequence moved past the reserved ids.
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"LOCK TABLE {table.name} IN EXCLUSIVE MODE"))
    first = int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
    ids = range(first, first + count)
    if postgresql and count:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {ids[-1]})"))
    return ids


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
