"""Records as plain data: the dict a record becomes, what the audit trail keeps of it, and its one-line name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .kinds import PARTNERSHIP, RESPONSE, Kind

Record = dict[str, Any]


PERSONAL_DATA_MARK = "[personal data withheld]"


def to_plain(kind: Kind, obj: Any, *, include_personal: bool = True) -> Record:
    """A record as plain data: its id, times, version, fields, and the names a list shows beside it."""
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
