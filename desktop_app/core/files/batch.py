"""Attaching many files at once: contents, attachment records, links and audit events written a batch at a time."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from ..clock import utc_now_text
from ..db import models
from ..errors import Stopped, UserError
from ..records.audit import append_events
from ..records.indexing import index_new_records_in
from ..wording import describe_size
from . import detect
from .store import CHUNK_SIZE, store_stream_with_head

# Files larger than this are stored but not given to the text reader.
MAX_EXTRACT_BYTES = 256 * 1024 * 1024
# Small contents wait in memory up to these limits before they are written with one insert per table.
BATCH_FILES = 500
BATCH_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Content:
    """What was stored of one file: its fingerprint, its size and the media type its first bytes show."""

    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True)
class Arrival:
    """One file of the batch: its original name, what was stored, and what reading its text found."""

    name: str
    content: Content
    extraction: dict[str, Any] | None


class BlobBatch:
    """Contents of one chunk or less, kept until enough have come to write them with one insert per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.waiting: dict[str, bytes] = {}
        self.size = 0

    def add(self, sha256: str, data: bytes) -> None:
        if sha256 in self.waiting:
            return
        self.waiting[sha256] = data
        self.size += len(data)
        if len(self.waiting) >= BATCH_FILES or self.size >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Writes the contents not stored yet; a content already in the database is not stored twice."""
        if not self.waiting:
            return
        shas = list(self.waiting)
        present = set(self.session.scalars(select(models.Blob.sha256).where(_in(models.Blob.sha256)), {"v": shas}))
        new = [sha for sha in shas if sha not in present]
        if new:
            now = utc_now_text()
            self.session.execute(
                insert(models.Blob),
                [
                    {"sha256": sha, "size": len(self.waiting[sha]), "chunk_count": 1 if self.waiting[sha] else 0}
                    | {"stored_at": now}
                    for sha in new
                ],
            )
            statement = select(models.Blob.sha256, models.Blob.id).where(_in(models.Blob.sha256))
            ids = {sha256: blob_id for sha256, blob_id in self.session.execute(statement, {"v": new})}
            chunks = [{"blob_id": ids[sha], "seq": 0, "data": self.waiting[sha]} for sha in new if self.waiting[sha]]
            if chunks:
                self.session.execute(insert(models.BlobChunk), chunks)
        self.waiting.clear()
        self.size = 0


def _in(column: Any) -> Any:
    return column.in_(bindparam("v", expanding=True))


def parts_of(values: Sequence[Any], size: int = BATCH_FILES) -> list[list[Any]]:
    """The distinct values in lists of at most ``size``, so that no query has too many parameters."""
    distinct = list(dict.fromkeys(values))
    return [distinct[start : start + size] for start in range(0, len(distinct), size)]


class _Prefixed:
    """A stream whose first bytes were already read: gives them back first, then reads on."""

    def __init__(self, first: bytes, rest: BinaryIO) -> None:
        self.first = first
        self.rest = rest

    def read(self, size: int) -> bytes:
        if not self.first:
            return self.rest.read(size)
        piece, self.first = self.first[:size], self.first[size:]
        if len(piece) < size:
            piece += self.rest.read(size - len(piece))
        return piece


def store_content(
    session: Session,
    batch: BlobBatch,
    stream: BinaryIO,
    size_limit: int,
    cancel: Callable[[], bool] | None,
) -> Content:
    """Stores a stream's bytes: a small one into the batch, a larger one chunk by chunk straight away."""
    if cancel is not None and cancel():
        raise Stopped()
    data = b""
    while len(data) <= CHUNK_SIZE:
        piece = stream.read(CHUNK_SIZE + 1 - len(data))
        if not piece:
            break
        data += piece
    if len(data) > CHUNK_SIZE:
        sha256, size, head = store_stream_with_head(
            session,
            _Prefixed(data, stream),  # type: ignore[arg-type]
            size_limit=size_limit,
            cancel=cancel,
        )
        return Content(sha256, size, detect.media_type_of(head))
    if len(data) > size_limit:
        raise UserError(f"The file is larger than the limit of {describe_size(size_limit)}, so it was not stored.")
    sha256 = hashlib.sha256(data).hexdigest()
    batch.add(sha256, data)
    return Content(sha256, len(data), detect.media_type_of(data[: detect.HEAD_SIZE]))


def record_attachments(
    session: Session,
    arrivals: Sequence[Arrival],
    kind_name: str,
    record_id: int,
    title: str | None,
    actor: str,
) -> list[tuple[int, bool]]:
    """Creates the attachment records, links, audit events and search entries of a batch of stored files.

    A content already attached (or twice in the batch) gets one attachment record, linked once. Returns, per
    file in order, the attachment's id and whether this batch created it.
    """
    current = select(models.Attachment.id, models.Attachment.sha256).where(
        _in(models.Attachment.sha256),
        models.Attachment.deleted_at.is_(None),
        models.Attachment.superseded_by_id.is_(None),
    )
    existing: dict[str, int] = {}
    for attachment_id, sha256 in sorted(
        row for part in parts_of([a.content.sha256 for a in arrivals]) for row in session.execute(current, {"v": part})
    ):
        existing.setdefault(sha256, attachment_id)
    now = utc_now_text()
    rows: dict[str, dict[str, Any]] = {}
    for arrival in arrivals:
        content = arrival.content
        if content.sha256 in existing or content.sha256 in rows:
            continue
        row: dict[str, Any] = {
            "sha256": content.sha256,
            "size": content.size,
            "original_name": arrival.name,
            "title": (title or "").strip() or arrival.name,
            "media_type": content.media_type,
            "added_by": actor,
            "page_count": None,
            "extracted_text": "",
            "created_at": now,
            "updated_at": now,
        }
        rows[content.sha256] = row | text_fields(arrival.extraction, content.sha256, content.media_type, arrival.name)
    created: dict[str, int] = {}
    if rows:
        ids = session.scalars(
            insert(models.Attachment).returning(models.Attachment.id, sort_by_parameter_order=True),
            list(rows.values()),
        ).all()
        created = dict(zip(rows, ids, strict=True))
    placed = [(existing.get(a.content.sha256) or created[a.content.sha256]) for a in arrivals]
    already = select(models.AttachmentLink.attachment_id).where(
        _in(models.AttachmentLink.attachment_id),
        models.AttachmentLink.record_kind == kind_name,
        models.AttachmentLink.record_id == record_id,
        models.AttachmentLink.role == "document",
    )
    linked = {attachment_id for part in parts_of(placed) for attachment_id in session.scalars(already, {"v": part})}
    links: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    firsts: set[int] = set()
    for arrival, attachment_id in zip(arrivals, placed, strict=True):
        created_row = rows.get(arrival.content.sha256)
        if created_row is not None and attachment_id not in firsts:
            firsts.add(attachment_id)
            after = {key: created_row[key] for key in ("sha256", "size", "original_name", "title", "media_type")}
            events.append(_event(actor, "create", attachment_id, after))
        if attachment_id not in linked:
            linked.add(attachment_id)
            links.append(
                {
                    "attachment_id": attachment_id,
                    "record_kind": kind_name,
                    "record_id": record_id,
                    "role": "document",
                    "linked_at": now,
                }
            )
            after = {"record_kind": kind_name, "record_id": record_id, "role": "document"}
            events.append(_event(actor, "link", attachment_id, after))
    if links:
        session.execute(insert(models.AttachmentLink), links)
    append_events(session, events)
    index_new_records_in(session, "attachment", list(created.values()))
    new_ids = set(created.values())
    seen: set[int] = set()
    answer = []
    for attachment_id in placed:
        answer.append((attachment_id, attachment_id in new_ids and attachment_id not in seen))
        seen.add(attachment_id)
    return answer


def _event(actor: str, action: str, attachment_id: int, after: dict[str, Any]) -> dict[str, Any]:
    return {"actor": actor, "action": action, "record_kind": "attachment", "record_id": attachment_id, "after": after}


def text_fields(result: dict[str, Any] | None, sha256: str, media_type: str, name: str) -> dict[str, Any]:
    """The attachment's columns that reading its text decides (only those it changes)."""
    if result is None:
        return {
            "text_state": "not_read",
            "text_note": f"The file is larger than {describe_size(MAX_EXTRACT_BYTES)}, so its text was not read; "
            "it is stored whole.",
        }
    if result.get("sha256") and result["sha256"] != sha256:
        return {
            "text_state": "unreadable",
            "text_note": "The file changed on disk while it was being attached, so its text was not kept; "
            "the content stored is what was read first.",
        }
    fields: dict[str, Any] = {
        "text_state": result["state"],
        "text_note": result.get("note", ""),
        "page_count": result.get("page_count"),
        "extracted_text": (result.get("text") or "").replace("\x00", ""),
    }
    if result.get("media_type") and media_type in (detect.ZIP, detect.OCTET_STREAM):
        media_type = fields["media_type"] = result["media_type"]
    return fields | _misnamed(media_type, fields["text_state"], name)


_NAMED_TYPES = {".pdf": detect.PDF, ".docx": detect.DOCX}


def _misnamed(media_type: str, text_state: str, name: str) -> dict[str, Any]:
    """A file named .pdf or .docx whose content is something else is flagged, not silently kept as unknown."""
    suffix = Path(name).suffix.lower()
    expected = _NAMED_TYPES.get(suffix)
    if expected is not None and media_type != expected and text_state in ("not_read", "no_text"):
        return {
            "text_state": "unreadable",
            "text_note": f"The file is named {suffix} but its content is not a "
            f"{detect.describe_media_type(expected)} (it looks like a {detect.describe_media_type(media_type)}); "
            "it is stored as received.",
        }
    return {}
