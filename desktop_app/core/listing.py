"""Pages of the audit trail and of the stored files, a file's bytes for a preview, and partner countries."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import or_, select

from .db import models
from .db.engine import Database
from .errors import UserError
from .files.attachments import to_plain as attachment_to_plain
from .files.store import iter_content

AUDIT_ORDER = ("seq", "occurred_at", "actor", "action", "record_kind")
ATTACHMENT_ORDER = ("id", "title", "original_name", "media_type", "size", "created_at", "text_state")


def audit_page(
    db: Database,
    *,
    offset: int = 0,
    limit: int = 200,
    order_by: str = "seq",
    descending: bool = True,
    record_kind: str = "",
    record_id: int | None = None,
    text: str = "",
) -> list[dict[str, Any]]:
    """One window of audit events (newest first by default), filtered in the database."""
    column = getattr(models.AuditEvent, order_by if order_by in AUDIT_ORDER else "seq")
    statement = select(models.AuditEvent)
    if record_kind:
        statement = statement.where(models.AuditEvent.record_kind == record_kind)
    if record_id is not None:
        statement = statement.where(models.AuditEvent.record_id == record_id)
    if text.strip():
        pattern = f"%{text.strip()}%"
        statement = statement.where(
            or_(models.AuditEvent.actor.ilike(pattern), models.AuditEvent.action.ilike(pattern))
        )
    order = column.desc() if descending else column
    tiebreak = models.AuditEvent.seq.desc() if descending else models.AuditEvent.seq
    statement = statement.order_by(order, tiebreak).offset(max(0, offset)).limit(limit)
    with db.reading() as session:
        return [
            {
                "seq": event.seq,
                "occurred_at": event.occurred_at,
                "actor": event.actor,
                "action": event.action,
                "record_kind": event.record_kind,
                "record_id": event.record_id,
                "hash": event.hash,
            }
            for event in session.scalars(statement)
        ]


def attachments_page(
    db: Database,
    *,
    offset: int = 0,
    limit: int = 200,
    order_by: str = "id",
    descending: bool = False,
    text: str = "",
    in_trash: bool = False,
) -> list[dict[str, Any]]:
    """One window of the stored files, filtered by title or file name in the database."""
    model = models.Attachment
    column = getattr(model, order_by if order_by in ATTACHMENT_ORDER else "id")
    statement = select(model).where(model.deleted_at.is_not(None) if in_trash else model.deleted_at.is_(None))
    if text.strip():
        pattern = f"%{text.strip()}%"
        statement = statement.where(or_(model.title.ilike(pattern), model.original_name.ilike(pattern)))
    order = column.desc() if descending else column
    statement = statement.order_by(order, model.id.desc() if descending else model.id)
    with db.reading() as session:
        rows = session.scalars(statement.offset(max(0, offset)).limit(limit)).all()
        return [attachment_to_plain(session, row) for row in rows]


def attachment_bytes(db: Database, attachment_id: int, size_limit: int = 200 * 1024 * 1024) -> bytes:
    """A stored file's bytes for a preview inside the window, checked against its SHA-256."""
    with db.reading() as session:
        attachment = session.get(models.Attachment, attachment_id)
        if attachment is None:
            raise UserError(f"There is no file with number {attachment_id}.")
        if attachment.size > size_limit:
            raise UserError("This file is too large to preview here; open it in the system's viewer instead.")
        expected = attachment.sha256
        data = b"".join(iter_content(session, expected))
    if hashlib.sha256(data).hexdigest() != expected:
        raise UserError(
            "The stored file no longer matches its fingerprint (SHA-256), so it is not shown; run 'verify' "
            "and restore a backup."
        )
    return data


def partner_countries(db: Database) -> list[tuple[str, str]]:
    """The countries of the partner communities on record, as (code, name), for a list's filter."""
    statement = (
        select(models.Partner.country_code, models.Partner.country_name)
        .where(models.Partner.deleted_at.is_(None))
        .distinct()
        .order_by(models.Partner.country_name)
    )
    with db.reading() as session:
        return [(code or "", name or code or "") for code, name in session.execute(statement) if code or name]
