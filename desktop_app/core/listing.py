"""Pages of the audit trail and of the stored files, and the files of one record, as plain data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from . import vocab
from .db import models
from .db.engine import Database

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


def attachment_plain(attachment: models.Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "title": attachment.title,
        "original_name": attachment.original_name,
        "sha256": attachment.sha256,
        "size": attachment.size,
        "media_type": attachment.media_type,
        "text_state": attachment.text_state,
        "text_state_label": vocab.label(vocab.TEXT_STATES, attachment.text_state),
        "page_count": attachment.page_count,
        "added_by": attachment.added_by,
        "created_at": attachment.created_at,
        "deleted_at": attachment.deleted_at,
        "supersedes_id": attachment.supersedes_id,
        "superseded_by_id": attachment.superseded_by_id,
    }


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
        rows = session.scalars(statement.offset(max(0, offset)).limit(limit))
        return [attachment_plain(row) for row in rows]


def files_of(db: Database, record_kind: str, record_id: int) -> list[dict[str, Any]]:
    """The files linked to one record, with the role of each link."""
    statement = (
        select(models.Attachment, models.AttachmentLink.role)
        .join(models.AttachmentLink, models.AttachmentLink.attachment_id == models.Attachment.id)
        .where(
            models.AttachmentLink.record_kind == record_kind,
            models.AttachmentLink.record_id == record_id,
            models.Attachment.deleted_at.is_(None),
        )
        .order_by(models.Attachment.id)
    )
    with db.reading() as session:
        return [{**attachment_plain(attachment), "role": role} for attachment, role in session.execute(statement)]


def get_attachment(db: Database, attachment_id: int) -> dict[str, Any] | None:
    with db.reading() as session:
        attachment = session.get(models.Attachment, attachment_id)
        return attachment_plain(attachment) if attachment is not None else None


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
