"""A record's files as plain data, read with SQL text: what list_attachments gives for one record, without the ORM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..db.row_source import RowSource
from ..records.plain_rows import stored_flag
from ..wording import describe_size
from .names import display_name

# The attachment's columns attachment_plain reads, in its order.
ATTACHMENT_FIELDS = (
    "id",
    "title",
    "original_name",
    "sha256",
    "size",
    "media_type",
    "text_state",
    "text_note",
    "page_count",
    "extracted_text",
    "is_record",
    "supersedes_id",
    "superseded_by_id",
    "added_by",
    "created_at",
    "updated_at",
    "deleted_at",
)
_ATTACHMENT_COLUMNS = ", ".join(ATTACHMENT_FIELDS)


def record_files(rows: RowSource, kind_name: str, record_id: int) -> list[dict[str, Any]]:
    """The files of one record not in the trash, oldest first, each with its links, as list_attachments gives them
    (``kind_name``: the kind's own name, as links keep it)."""
    found = rows.rows(
        f"SELECT {_ATTACHMENT_COLUMNS} FROM attachment WHERE deleted_at IS NULL AND id IN"
        " (SELECT attachment_id FROM attachment_link WHERE record_kind = :kind AND record_id = :id) ORDER BY id",
        {"kind": kind_name, "id": record_id},
    )
    if not found:
        return []  # most records have none: the file types' words are not loaded for them
    links: dict[int, list[dict[str, Any]]] = {row[0]: [] for row in found}
    for attachment_id, record_kind, linked_id, role in rows.rows(
        "SELECT attachment_id, record_kind, record_id, role FROM attachment_link WHERE attachment_id IN :ids"
        " ORDER BY id",
        {"ids": list(links)},
    ):
        links[attachment_id].append({"record_kind": record_kind, "record_id": linked_id, "role": role})
    return [attachment_plain(row, links[row[0]]) for row in found]


def attachment_title(rows: RowSource, attachment_id: int) -> str | None:
    """An attachment's title as a clerk reads it, or None when there is no such attachment."""
    found = rows.rows("SELECT title FROM attachment WHERE id = :id", {"id": attachment_id})
    return display_name(found[0][0]) if found else None


def attachment_plain(values: Sequence[Any], links: list[dict[str, Any]]) -> dict[str, Any]:
    """An attachment as plain data, from its ``ATTACHMENT_FIELDS`` values in that order and its links: what every
    reading of attachments gives, through the ORM or not."""
    from .detect import describe_media_type
    from .extract import state_label

    stored = dict(zip(ATTACHMENT_FIELDS, values, strict=True))
    return {
        "id": stored["id"],
        "title": stored["title"],
        "display_title": display_name(stored["title"]),
        "original_name": stored["original_name"],
        "display_name": display_name(stored["original_name"]),
        "sha256": stored["sha256"],
        "size": stored["size"],
        "size_text": describe_size(stored["size"]),
        "media_type": stored["media_type"],
        "media_label": describe_media_type(stored["media_type"]),
        "text_state": stored["text_state"],
        "text_state_label": state_label(stored["text_state"]),
        "text_note": stored["text_note"],
        "page_count": stored["page_count"],
        "text_length": len(stored["extracted_text"] or ""),
        "is_record": stored_flag(stored["is_record"]),
        "supersedes_id": stored["supersedes_id"],
        "superseded_by_id": stored["superseded_by_id"],
        "added_by": stored["added_by"],
        "created_at": stored["created_at"],
        "updated_at": stored["updated_at"],
        "deleted_at": stored["deleted_at"],
        "links": links,
    }
