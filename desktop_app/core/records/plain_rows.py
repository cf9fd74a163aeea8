"""Records as plain data read with SQL text, the same text on a quick reader and on the ordinary connection."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..db.row_source import RowSource
from ..errors import UserError
from .kinds import PARTNERSHIP, RESPONSE, Kind
from .plain import PARTNERSHIP_SIDES, Record

Convert = Callable[[Any], Any]

# What SQLite's driver gives for a date column, read as SQLAlchemy's Date type reads it.
_STORED_DATE = re.compile(r"(\d+)-(\d+)-(\d+)")

_RECORD_COLUMNS = ("id", "created_at", "updated_at", "deleted_at", "version")

# The alias each side of a partnership is joined under.
_SIDE_ALIASES = {"jurisdiction": "j", "partner": "p"}
_PARTNERSHIP_JOINS = (
    ' LEFT OUTER JOIN "jurisdiction" AS j ON j.id = t.jurisdiction_id'
    ' LEFT OUTER JOIN "partner" AS p ON p.id = t.partner_id'
)
# A response's own columns beside its fields, with their types.
_RESPONSE_OWN = (
    ("status", "text"),
    ("issued_on", "date"),
    ("pdf_sha256", "text"),
    ("pdf_attachment_id", "int"),
    ("supersedes_id", "int"),
)


def stored_date(value: Any) -> dt.date | None:
    """A date column's value as the ORM gives it: a date (SQLite keeps it as text), or None."""
    if value is None or isinstance(value, dt.date):
        return value
    match = _STORED_DATE.match(value)
    if match is None:
        raise ValueError(f"Couldn't parse date string: {value!r}")
    return dt.date(*map(int, match.groups()))


def stored_flag(value: Any) -> bool | None:
    """A boolean column's value as the ORM gives it (SQLite keeps 0 or 1)."""
    return None if value is None else bool(value)


def _as_is(value: Any) -> Any:
    return value


_CONVERSIONS: dict[str, Convert] = {"date": stored_date, "bool": stored_flag}


@dataclass(frozen=True)
class PlainSelect:
    """The select list and FROM clause that read a kind's plain data, each column's key, and the columns whose
    driver's values are converted to the ORM's (by key)."""

    columns: str
    source: str
    names: tuple[str, ...]
    conversions: tuple[tuple[str, Convert], ...]

    def record(self, kind: Kind, row: Sequence[Any]) -> Record:
        plain: Record = dict(zip(("record_kind", *self.names), (kind.name, *row), strict=True))
        for name, convert in self.conversions:
            plain[name] = convert(plain[name])
        return plain

    def records(self, kind: Kind, rows: list[tuple[Any, ...]]) -> list[Record]:
        keys = ("record_kind", *self.names)
        plain = [dict(zip(keys, (kind.name, *row), strict=True)) for row in rows]
        for name, convert in self.conversions:
            converted: dict[Any, Any] = {None: None}  # a long list holds the same days and flags many times over
            for record in plain:
                value = record[name]
                try:
                    record[name] = converted[value]
                except KeyError:
                    record[name] = converted[value] = convert(value)
        return plain


def plain_select(kind: Kind, *, include_personal: bool = True, only: Collection[str] | None = None) -> PlainSelect:
    """What reads a record of ``kind`` as to_plain gives it, keys in its order (all but record_kind); with
    ``only``, just the keys named there."""
    columns: list[tuple[str, str, Convert]] = [(name, f't."{name}"', _as_is) for name in _RECORD_COLUMNS]
    for field in kind.fields:
        if include_personal or not field.personal:
            columns.append((field.name, f't."{field.name}"', _CONVERSIONS.get(field.type, _as_is)))
    source = f'"{kind.table}" AS t'
    if kind is PARTNERSHIP:
        columns += [(name, f'{_SIDE_ALIASES[side]}."{column}"', _as_is) for name, side, column in PARTNERSHIP_SIDES]
        source += _PARTNERSHIP_JOINS
    if kind is RESPONSE:
        known = {name for name, _, _ in columns}
        columns += [
            (name, f't."{name}"', _CONVERSIONS.get(type_, _as_is)) for name, type_ in _RESPONSE_OWN if name not in known
        ]
    if only is not None:
        columns = [column for column in columns if column[0] in only]
    return PlainSelect(
        ", ".join(sql for _, sql, _ in columns),
        source,
        tuple(name for name, _, _ in columns),
        tuple((name, convert) for name, _, convert in columns if convert is not _as_is),
    )


# A response's own columns a list may be sorted by, beside its fields.
RESPONSE_ORDERS = ("status", "issued_on")


def own_orders(kind: Kind) -> tuple[str, ...]:
    """The kind's own columns a list of it may be sorted by."""
    extra = RESPONSE_ORDERS if kind is RESPONSE else ()
    return ("id", "created_at", "updated_at", *kind.field_names, *extra)


def unsortable(kind: Kind, order_name: str) -> UserError:
    """The sentence for a list asked to be sorted by what it cannot be."""
    return UserError(f"A {kind.label.lower()} list cannot be sorted by {order_name!r}.")


def list_plain(
    rows: RowSource,
    kind: Kind,
    *,
    order_by: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    in_trash: bool = False,
    include_personal: bool = True,
    only: Collection[str] | None = None,
) -> list[Record]:
    """The records of a kind in or out of the trash, ordered by one of its own columns (its default order) then
    number, as list_records gives them when nothing filters the list; with ``only``, just the keys named there
    (a long list of lines reads none of the long texts)."""
    read = plain_select(kind, include_personal=include_personal, only=only)
    order_name = order_by or kind.default_order
    if order_name not in own_orders(kind):
        raise unsortable(kind, order_name)
    direction = " DESC" if descending else ""
    sql = (
        f"SELECT {read.columns} FROM {read.source}"
        f" WHERE t.deleted_at IS {'NOT NULL' if in_trash else 'NULL'}"
        f' ORDER BY t."{order_name}"{direction}, t.id{direction}'
    )
    parameters: dict[str, Any] = {}
    if limit is not None:
        sql += " LIMIT :limit"
        parameters["limit"] = limit
    elif offset > 0 and rows.dialect == "sqlite":
        sql += " LIMIT -1"  # SQLite takes an offset only after a limit
    if offset > 0:
        sql += " OFFSET :offset"
        parameters["offset"] = offset
    return read.records(kind, rows.rows(sql, parameters))


def get_plain(rows: RowSource, kind: Kind, record_id: int, *, include_personal: bool = True) -> Record:
    """One record as records.get gives it, in the trash or not; the same sentence when there is none."""
    read = plain_select(kind, include_personal=include_personal)
    found = rows.rows(f"SELECT {read.columns} FROM {read.source} WHERE t.id = :id", {"id": record_id})
    if not found:
        raise kind.missing(record_id)
    return read.record(kind, found[0])


def status_history_plain(rows: RowSource, partnership_id: int) -> list[Record]:
    """A partnership's changes of status as records.status_history gives them: the status it was entered with
    first whatever day it was entered (later changes may be backdated), then by date."""
    found = rows.rows(
        "SELECT id, changed_on, from_status, to_status, reason, legal_basis, evidence_attachment_id, recorded_at"
        " FROM status_change WHERE partnership_id = :id"
        " ORDER BY from_status IS NOT NULL, changed_on, id",
        {"id": partnership_id},
    )
    return [
        {
            "id": row[0],
            "changed_on": stored_date(row[1]),
            "from_status": row[2],
            "to_status": row[3],
            "reason": row[4],
            "legal_basis": row[5],
            "evidence_attachment_id": row[6],
            "recorded_at": row[7],
        }
        for row in found
    ]
