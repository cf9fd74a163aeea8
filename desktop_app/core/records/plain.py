"""Records as plain data: the dict a record becomes, what the audit trail keeps of it, and its one-line name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .kinds import PARTNERSHIP, RESPONSE, Kind

Record = dict[str, Any]


PERSONAL_DATA_MARK = "[personal data withheld]"


def to_plain(kind: Kind, obj: Any, *, include_personal: bool = True) -> Record:
    """A record as plain data: its id, times, version, fields, and the names a list shows beside it.

    `plain_columns` reads the same values straight from a query's columns: what one gives, the other gives too.
    """
    record: Record = {
        "record_kind": kind.name,
        "id": obj.id,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
        "deleted_at": obj.deleted_at,
        "version": obj.version,
    }
    for field in kind.fields:
        if field.personal and not include_personal:
            continue
        record[field.name] = getattr(obj, field.name)
    if kind is PARTNERSHIP:
        record.update(
            jurisdiction_name=obj.jurisdiction.name,
            jurisdiction_state=obj.jurisdiction.state,
            partner_name=obj.partner.name,
            partner_native_name=obj.partner.native_name,
            partner_region=obj.partner.region,
            country_name=obj.partner.country_name,
            country_code=obj.partner.country_code,
        )
    if kind is RESPONSE:
        record.update(
            status=obj.status,
            issued_on=obj.issued_on,
            pdf_sha256=obj.pdf_sha256,
            pdf_attachment_id=obj.pdf_attachment_id,
            supersedes_id=obj.supersedes_id,
        )
    return record


# A partnership's names from its two sides, as to_plain gives them: its key, the side and the side's column.
PARTNERSHIP_SIDES = (
    ("jurisdiction_name", "jurisdiction", "name"),
    ("jurisdiction_state", "jurisdiction", "state"),
    ("partner_name", "partner", "name"),
    ("partner_native_name", "partner", "native_name"),
    ("partner_region", "partner", "region"),
    ("country_name", "partner", "country_name"),
    ("country_code", "partner", "country_code"),
)
_RESPONSE_OWN = ("status", "issued_on", "pdf_sha256", "pdf_attachment_id", "supersedes_id")


def plain_columns(kind: Kind, sides: Mapping[str, Any], *, include_personal: bool = True) -> dict[str, Any]:
    """The columns a query reads a record's plain data from, each under its key in to_plain's order (all but
    record_kind); a partnership's names come from the tables in sides ("jurisdiction", "partner") joined to it.

    Reading rows of values rather than whole objects is what makes a list of thousands of records quick.
    """
    model: Any = kind.model
    columns = {name: getattr(model, name) for name in ("id", "created_at", "updated_at", "deleted_at", "version")}
    for field in kind.fields:
        if include_personal or not field.personal:
            columns[field.name] = getattr(model, field.name)
    if kind is PARTNERSHIP:
        for name, side, column in PARTNERSHIP_SIDES:
            columns[name] = getattr(sides[side], column)
    if kind is RESPONSE:
        for name in _RESPONSE_OWN:
            columns.setdefault(name, getattr(model, name))
    return columns


def plain_from_row(kind: Kind, names: Sequence[str], row: Sequence[Any]) -> Record:
    """A record as plain data from a row read with plain_columns' columns (names: their keys, in order)."""
    record: Record = {"record_kind": kind.name}
    record.update(zip(names, row, strict=True))
    return record


def audit_snapshot(kind: Kind, obj: Any) -> Record:
    """What the audit trail keeps of a record: every field, personal data replaced by a mark.

    Not its version: the trail already tells each change in order, and the events written before records had
    versions must read the same as the ones written since.
    """
    snapshot = to_plain(kind, obj)
    del snapshot["version"]
    for field in kind.fields:
        if field.personal and snapshot.get(field.name):
            snapshot[field.name] = PERSONAL_DATA_MARK
    return snapshot


# The keys of a record describe reads, besides its id.
DESCRIBED_BY = (
    "partner_name",
    "partner_native_name",
    "jurisdiction_name",
    "jurisdiction_state",
    "country_name",
    "title",
    "subject",
    "name",
)


def describe(kind: Kind, record: Mapping[str, Any]) -> str:
    """A one-line name for a record, as used in lists of evidence and in messages."""
    if record.get("partner_name"):
        native = f" ({record['partner_native_name']})" if record.get("partner_native_name") else ""
        return (
            f"{record.get('jurisdiction_name')}, {record.get('jurisdiction_state')} – "
            f"{record['partner_name']}{native}, {record.get('country_name')}"
        )
    for name in ("title", "subject", "name"):
        if record.get(name):
            return str(record[name])
    return f"{kind.label} {record.get('id')}"
