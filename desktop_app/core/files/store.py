"""Stores file contents in the database in chunks, once per distinct SHA-256, and reads them back checked."""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..clock import utc_now_text
from ..db import models
from ..db.engine import Database
from ..errors import Stopped, UserError
from ..records.audit import append_event
from ..wording import describe_size
from .detect import HEAD_SIZE

CHUNK_SIZE = 1024 * 1024
# Chunks read and hashed ahead of the one being written; memory stays at a few chunks.
READ_AHEAD = 4
DEFAULT_SIZE_LIMIT = 2 * 1024**3
# On PostgreSQL, chunks sent between two checks that the server stored all those before them.
PIPELINE_SYNC_CHUNKS = 16
# An operation storing at least this much empties SQLite's write-ahead log itself before it returns.
LARGE_WRITE_BYTES = 64 * 1024 * 1024

log = logging.getLogger(__name__)


def store_stream(
    session: Session,
    stream: BinaryIO,
    *,
    size_limit: int = DEFAULT_SIZE_LIMIT,
    cancel: Callable[[], bool] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """Writes a stream's bytes as a blob, chunk by chunk; returns (sha256, size).

    Memory stays at a few chunks whatever the size. When the same content is already stored, the new
    chunks are dropped and the existing blob is used.
    """
    sha256, size, _ = store_stream_with_head(session, stream, size_limit=size_limit, cancel=cancel, on_bytes=on_bytes)
    return sha256, size


def store_stream_with_head(
    session: Session,
    stream: BinaryIO,
    *,
    size_limit: int = DEFAULT_SIZE_LIMIT,
    cancel: Callable[[], bool] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> tuple[str, int, bytes]:
    """As store_stream, also returning the first bytes (for telling the media type).

    The stream is read and hashed on a thread of its own a few chunks ahead, while this thread writes the
    chunks: hashing and the database's writing then take turns on two cores instead of one after the other.
    The digest is of the very chunks written, so the SHA-256 kept is that of the stored bytes. On PostgreSQL the
    chunks are also sent without waiting for each one's answer (see _chunk_writer).
    """
    blob = models.Blob(sha256=None, size=0, chunk_count=0, stored_at=utc_now_text())
    session.add(blob)
    session.flush()
    head = b""
    seq = 0
    connection = session.connection()
    with _ReadAhead(stream, size_limit) as chunks, _chunk_writer(connection, blob.id) as write_chunk:
        for chunk in chunks:
            if cancel is not None and cancel():
                raise Stopped()
            if not head:
                head = chunk[:HEAD_SIZE]
            write_chunk(seq, chunk)
            seq += 1
            if on_bytes is not None:
                on_bytes(len(chunk))
        sha256, size = chunks.digest.hexdigest(), chunks.size
    existing = session.execute(select(models.Blob.id).where(models.Blob.sha256 == sha256)).scalar()
    if existing is not None:
        connection.execute(delete(models.BlobChunk).where(models.BlobChunk.blob_id == blob.id))
        session.delete(blob)
        session.flush()
        return sha256, size, head
    blob.sha256 = sha256
    blob.size = size
    blob.chunk_count = seq
    session.flush()
    return sha256, size, head


ChunkWriter = Callable[[int, bytes], None]


@contextmanager
def _chunk_writer(connection: Connection, blob_id: int) -> Iterator[ChunkWriter]:
    """A function writing one chunk of the blob, in the transaction of ``connection``.

    On PostgreSQL through psycopg the inserts go in pipeline mode: the next chunk is sent while the server still
    stores the one before, instead of the server waiting idle for each round trip. Every insert is still checked:
    a failed one is raised at the latest by the synchronisation that follows it, and leaving the pipeline waits
    for the answer of every chunk sent, so nothing goes on before all of them are known to be stored.
    """
    pipelined = _pipeline_of(connection)
    if pipelined is None:
        yield lambda seq, data: _insert_chunk(connection, blob_id, seq, data)
        return
    import psycopg

    driver, statement = pipelined
    try:
        with driver.cursor() as cursor, driver.pipeline() as pipeline:

            def write(seq: int, data: bytes) -> None:
                cursor.execute(statement, (blob_id, seq, data))
                if seq % PIPELINE_SYNC_CHUNKS == PIPELINE_SYNC_CHUNKS - 1:
                    pipeline.sync()

            yield write
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _pipeline_of(connection: Connection) -> tuple[Any, str] | None:
    """The psycopg connection under ``connection`` and the chunk insert for it, when it can use pipeline mode."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return None
    import psycopg

    if not psycopg.Pipeline.is_supported():
        return None
    table = connection.dialect.identifier_preparer.format_table(models.BlobChunk.__table__)
    return connection.connection.driver_connection, f"INSERT INTO {table} (blob_id, seq, data) VALUES (%s, %s, %b)"


def _insert_chunk(connection: Connection, blob_id: int, seq: int, data: bytes) -> None:
    connection.execute(insert(models.BlobChunk), {"blob_id": blob_id, "seq": seq, "data": data})


@contextmanager
def log_emptied_after(db: Database, size: int) -> Iterator[None]:
    """Around a transaction storing ``size`` bytes: when that is large, the write-ahead log is emptied after it.

    On SQLite every stored page goes to the write-ahead log first and is copied into the database file by a
    checkpoint. SQLite's own checkpoint at the commit copies only what no reader still looks at; this one waits
    (up to the busy timeout) for readers begun before the commit and copies the rest, so that the copy of a large
    content is never left to whoever writes next, and the next writer starts the log again from its beginning.
    """
    yield
    if size >= LARGE_WRITE_BYTES and db.is_sqlite:
        _empty_write_ahead_log(db)


def _empty_write_ahead_log(db: Database) -> None:
    """Checkpoints the whole write-ahead log; the work is committed already, so a failure is logged, not raised.

    RESTART rather than TRUNCATE: the log keeps its length on disk (SQLite removes it when the records close), as
    giving back a log of a gibibyte costs about half a second here, a twentieth of storing it.
    """
    try:
        with db.engine.connect() as connection:
            # On the driver's connection, outside any transaction: a checkpoint cannot run inside one.
            driver = cast(sqlite3.Connection, connection.connection.driver_connection)
            busy, _, _ = driver.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    except Exception as exc:  # housekeeping after the commit must never report the committed work as failed
        log.warning("the write-ahead log could not be emptied after a large write: %s", exc)
        return
    if busy:
        log.info("the write-ahead log was left to a later checkpoint: the records stayed busy")


class _ReadAhead:
    """A stream's chunks, read and hashed on a thread of its own at most READ_AHEAD chunks ahead of the caller.

    Memory stays at a few chunks whatever the size. An error of the reading thread (a read failing, the size
    limit passed) is raised in the caller's thread when it reaches that point of the stream.
    """

    def __init__(self, stream: BinaryIO, size_limit: int) -> None:
        self.stream = stream
        self.size_limit = size_limit
        self.digest = hashlib.sha256()
        self.size = 0
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=READ_AHEAD)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._read_all, name="attachment reader", daemon=True)

    def __enter__(self) -> _ReadAhead:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        while self._thread.is_alive():
            self._drain()
            self._thread.join(0.05)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _read_all(self) -> None:
        try:
            while not self._stopping.is_set():
                chunk = self.stream.read(CHUNK_SIZE)
                if not chunk:
                    break
                self.size += len(chunk)
                if self.size > self.size_limit:
                    raise UserError(
                        f"The file is larger than the limit of {describe_size(self.size_limit)}, so it was not stored."
                    )
                self.digest.update(chunk)
                self._hand_over(chunk)
            self._hand_over(None)
        except BaseException as exc:  # handed to the caller's thread, which raises it
            self._hand_over(exc)

    def _hand_over(self, item: bytes | BaseException | None) -> None:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            return


def store_bytes(session: Session, data: bytes) -> tuple[str, int]:
    """Stores bytes already in memory (a generated PDF, say) the same way."""
    import io

    return store_stream(session, io.BytesIO(data))


def add_attachment_in(
    session: Session,
    *,
    sha256: str,
    size: int,
    original_name: str,
    title: str,
    media_type: str,
    actor: str,
) -> models.Attachment:
    """The attachment record for stored content, with its audit event."""
    now = utc_now_text()
    attachment = models.Attachment(
        sha256=sha256,
        size=size,
        original_name=original_name,
        title=title or original_name,
        media_type=media_type,
        added_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(attachment)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="create",
        record_kind="attachment",
        record_id=attachment.id,
        after={
            "sha256": sha256,
            "size": size,
            "original_name": original_name,
            "title": attachment.title,
            "media_type": media_type,
        },
    )
    return attachment


def link_in(
    session: Session, attachment_id: int, record_kind: str, record_id: int, actor: str, role: str = "document"
) -> models.AttachmentLink:
    """Ties an attachment to a record, once."""
    existing = session.execute(
        select(models.AttachmentLink).where(
            models.AttachmentLink.attachment_id == attachment_id,
            models.AttachmentLink.record_kind == record_kind,
            models.AttachmentLink.record_id == record_id,
            models.AttachmentLink.role == role,
        )
    ).scalar()
    if existing is not None:
        return existing
    link = models.AttachmentLink(
        attachment_id=attachment_id, record_kind=record_kind, record_id=record_id, role=role, linked_at=utc_now_text()
    )
    session.add(link)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="link",
        record_kind="attachment",
        record_id=attachment_id,
        after={"record_kind": record_kind, "record_id": record_id, "role": role},
    )
    return link


def iter_content(session: Session, sha256: str) -> Iterator[bytes]:
    """The stored bytes of a content, chunk by chunk, in order."""
    blob_id = session.execute(select(models.Blob.id).where(models.Blob.sha256 == sha256)).scalar()
    if blob_id is None:
        raise UserError(f"The stored content {sha256[:12]}… is missing from the database.")
    seq = 0
    while True:
        data = (
            session.connection()
            .execute(
                select(models.BlobChunk.data).where(models.BlobChunk.blob_id == blob_id, models.BlobChunk.seq == seq)
            )
            .scalar()
        )
        if data is None:
            return
        yield bytes(data)
        seq += 1


def content_sha256(session: Session, sha256: str) -> str:
    """Re-hashes stored content as it is now."""
    digest = hashlib.sha256()
    for chunk in iter_content(session, sha256):
        digest.update(chunk)
    return digest.hexdigest()


def write_out_in(session: Session, sha256: str, destination: Path) -> Path:
    """Writes stored content to a file, refusing (and leaving no file) when it no longer matches its SHA-256."""
    digest = hashlib.sha256()
    destination = Path(destination)
    try:
        descriptor, partial_name = tempfile.mkstemp(prefix=".partial-", dir=destination.parent)
    except OSError as exc:
        raise UserError(f"The file could not be written to {destination}: {exc.strerror or exc}.") from exc
    partial = Path(partial_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in iter_content(session, sha256):
                digest.update(chunk)
                handle.write(chunk)
        if digest.hexdigest() != sha256:
            raise UserError(
                "The stored file no longer matches its fingerprint (SHA-256), so it was not written "
                "out; run 'verify' and restore a backup."
            )
        os.replace(partial, destination)
    except OSError as exc:
        raise UserError(f"The file could not be written to {destination}: {exc.strerror or exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)
    return destination
