"""Copies every row of the records' tables from one database to another as it is, in foreign-key order, in batches.

The tables and columns are the program's models (the schema at its revision), so whatever columns a revision adds
are copied with the rest. File contents travel a few chunks at a time: memory stays small whatever their size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table, bindparam, func, insert, select, text, update
from sqlalchemy.sql.elements import ColumnElement

from ..db.models import Base
from ..errors import Stopped

# progress(done, total, what): rows copied so far, rows in all, and what is being copied.
Progress = Callable[[int, int, str], None]
ShouldStop = Callable[[], bool]

ROWS_PER_BATCH = 1000
# Rows holding file contents (a chunk is up to 1 MiB) are fetched a few at a time and written in batches of about
# this many bytes.
BINARY_ROWS_PER_FETCH = 8
BINARY_BYTES_PER_BATCH = 16 * 1024 * 1024


def copied_tables() -> list[Table]:
    """The records' tables, each after every table it refers to."""
    return list(Base.metadata.sorted_tables)


def count_rows(connection: Connection) -> dict[str, int]:
    """How many rows each of the records' tables holds."""
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in copied_tables()
    }


@dataclass(frozen=True)
class _LaterReference:
    """A column referring to a row that may not be copied yet (its own table's, as 'superseded by'): written
    empty at first and filled in once every row is there."""

    table: Table
    column: str


def copy_rows(
    source: Connection,
    target: Connection,
    *,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> dict[str, int]:
    """Copies every row of every table from ``source`` into the same (empty) tables of ``target``; returns the rows
    copied per table. Both connections stay in their callers' transactions; ``should_stop()`` turning true ends the
    copy with ``Stopped``."""
    tables = copied_tables()
    total = sum(count_rows(source).values())
    copied: dict[str, int] = {}
    done = 0
    for position, table in enumerate(tables):
        later = _later_references(table, tables[: position + 1])
        filled_in: list[dict[str, Any]] = []
        copied[table.name] = 0
        for batch in _batches(source, table):
            if should_stop is not None and should_stop():
                raise Stopped()
            rows = [_without(row, later, filled_in, table) for row in batch]
            target.execute(insert(table), rows)
            copied[table.name] += len(rows)
            done += len(rows)
            if progress is not None:
                progress(done, total, f"Copying {table.name.replace('_', ' ')}")
        _fill_in(target, table, later, filled_in)
    return copied


def _later_references(table: Table, copied_so_far: list[Table]) -> list[str]:
    """The columns of ``table`` that refer to itself or to a table not copied before it."""
    before = {other.name for other in copied_so_far if other is not table}
    return [
        key.parent.name
        for key in table.foreign_keys
        if key.column.table.name == table.name or key.column.table.name not in before
    ]


def _without(row: Mapping[str, Any], later: list[str], filled_in: list[dict[str, Any]], table: Table) -> dict[str, Any]:
    values = dict(row)
    if not later:
        return values
    keys = {column.name: values[column.name] for column in table.primary_key.columns}
    found = {name: values[name] for name in later if values[name] is not None}
    if found:
        filled_in.append({**{f"key_{name}": value for name, value in keys.items()}, **found})
    for name in later:
        values[name] = None
    return values


def _fill_in(target: Connection, table: Table, later: list[str], filled_in: list[dict[str, Any]]) -> None:
    """Writes the later references once the rows they name are there, one statement per column."""
    key_match: list[ColumnElement[bool]] = [
        column == bindparam(f"key_{column.name}") for column in table.primary_key.columns
    ]
    for name in later:
        rows = [row for row in filled_in if name in row]
        for start in range(0, len(rows), ROWS_PER_BATCH):
            batch = [
                {key: value for key, value in row.items() if key.startswith("key_") or key == name}
                for row in rows[start : start + ROWS_PER_BATCH]
            ]
            target.execute(update(table).where(*key_match).values({name: bindparam(name)}), batch)


def _batches(source: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, a batch at a time, read as a stream."""
    binary = [column.name for column in table.columns if isinstance(column.type, LargeBinary)]
    statement = select(table).order_by(*table.primary_key.columns)
    fetch = BINARY_ROWS_PER_FETCH if binary else ROWS_PER_BATCH
    result = source.execute(statement.execution_options(yield_per=fetch))
    batch: list[dict[str, Any]] = []
    size = 0
    for row in result:
        values = dict(row._mapping)
        batch.append(values)
        size += sum(len(values[name] or b"") for name in binary)
        if len(batch) >= ROWS_PER_BATCH or size >= BINARY_BYTES_PER_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def set_sequences_past_ids(connection: Connection) -> None:
    """On PostgreSQL, moves each table's id sequence past the largest id copied, so new records get new numbers."""
    if connection.dialect.name != "postgresql":
        return
    for table in copied_tables():
        for column in table.primary_key.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column.name}
            ).scalar()
            if sequence is None:
                continue
            largest = connection.execute(select(func.max(column))).scalar()
            connection.execute(
                text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                {"sequence": sequence, "value": largest or 1, "called": largest is not None},
            )
