"""Attaching a file to a record in one transaction, with progress and a way to stop, and writing a copy back out."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from .clock import current_actor
from .db import models
from .db.engine import Database
from .errors import UserError
from .files.store import add_attachment_in, link_in, store_stream, write_out_in
from .listing import attachment_plain
from .records.kinds import kind_named
from .records.service import load

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


class Stopped(UserError):
    """The user stopped the work; nothing was stored."""

    def __init__(self) -> None:
        super().__init__("The file was not attached: the work was stopped, and nothing was stored.")


def detect_media_type(head: bytes, name: str) -> str:
    """The media type from the file's first bytes, else from its name."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


class _WatchedReader:
    """Reads a file for the store while reporting progress and honouring a request to stop."""

    def __init__(self, handle: BinaryIO, total: int, on_progress: Progress | None, should_stop: ShouldStop | None):
        self._handle = handle
        self._total = total
        self._done = 0
        self._on_progress = on_progress
        self._should_stop = should_stop

    def read(self, size: int = -1) -> bytes:
        if self._should_stop is not None and self._should_stop():
            raise Stopped()
        data = self._handle.read(size)
        self._done += len(data)
        if self._on_progress is not None:
            self._on_progress(self._done, self._total)
        return data


def attach_file(
    db: Database,
    path: Path,
    record_kind: str,
    record_id: int,
    *,
    title: str = "",
    on_progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Stores a file and links it to a record, all in one transaction; returns the attachment as plain data."""
    actor = actor or current_actor()
    path = Path(path)
    if not path.is_file():
        raise UserError(f"There is no file at {path}.")
    kind = kind_named(record_kind)
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise UserError(f"The file {path.name} cannot be read: {exc.strerror or exc}.") from exc
    with handle, db.writing() as session:
        owner = load(session, kind, record_id)
        if owner.deleted_at:
            raise UserError(f"{kind.label} {record_id} is in the trash; restore it before attaching files to it.")
        head = handle.read(16)
        handle.seek(0)
        reader: Any = _WatchedReader(handle, size, on_progress, should_stop)
        sha256, stored_size = store_stream(session, reader)
        attachment = add_attachment_in(
            session,
            sha256=sha256,
            size=stored_size,
            original_name=path.name,
            title=title.strip() or path.stem,
            media_type=detect_media_type(head, path.name),
            actor=actor,
        )
        link_in(session, attachment.id, kind.name, record_id, actor)
        return attachment_plain(attachment)


def write_copy(db: Database, attachment_id: int, destination: Path) -> Path:
    """Writes a stored file out, checked against its SHA-256."""
    with db.reading() as session:
        attachment = session.get(models.Attachment, attachment_id)
        if attachment is None:
            raise UserError(f"There is no file with number {attachment_id}.")
        return write_out_in(session, attachment.sha256, Path(destination))


def read_bytes(db: Database, attachment_id: int, size_limit: int = 200 * 1024 * 1024) -> bytes:
    """A stored file's bytes, for a preview; refuses files larger than the limit."""
    from .files.store import iter_content

    with db.reading() as session:
        attachment = session.get(models.Attachment, attachment_id)
        if attachment is None:
            raise UserError(f"There is no file with number {attachment_id}.")
        if attachment.size > size_limit:
            raise UserError("This file is too large to preview here; open it in the system's viewer instead.")
        return b"".join(iter_content(session, attachment.sha256))
