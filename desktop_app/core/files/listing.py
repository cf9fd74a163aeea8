"""Stored files as the window lists them: a page at a time, filtered; a file's bytes for a preview."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import or_, select

from ..db import models
from ..db.engine import Database
from ..errors import UserError
from .attachments import to_plain as attachment_to_plain
from .store import iter_content

ATTACHMENT_ORDER = ("id", "title", "original_name", "media_type", "size", "created_at", "text_state")


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
