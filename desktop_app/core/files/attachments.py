"""Attachments as the window and the command line use them: attach, link, list, read back, version, declare a record.

Every function takes the Database and returns plain data (dicts); each change is one transaction with its
audit event and its search index entry.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ..clock import current_actor, utc_now_text
from ..db import models
from ..db.engine import Database
from ..errors import Stopped, UserError
from ..host.user_files import regular_file_size
from ..records.audit import append_event
from ..records.indexing import index_record_in
from ..records.kinds import JURISDICTION, KINDS, kind_named
from ..records.parties import home_jurisdiction_in
from ..records.plain import describe
from ..records.plain import to_plain as record_plain
from ..records.service import update_in
from ..wording import describe_size
from . import detect
from .batch import (
    MAX_EXTRACT_BYTES,
    Arrival,
    BlobBatch,
    Content,
    parts_of,
    record_attachments,
    store_content,
    text_fields,
)
from .changes import FileState, changed_while_read, state_of_open_file, state_of_path
from .names import display_name, original_name_of, safe_file_name
from .pool import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S, ExtractionPool
from .record_files import ATTACHMENT_FIELDS, attachment_plain
from .store import (
    DEFAULT_SIZE_LIMIT,
    add_attachment_in,
    link_in,
    log_emptied_after,
    store_stream_with_head,
    write_out_in,
)

SIZE_LIMIT_SETTING = "attachments.size_limit_bytes"
LINKABLE_KINDS = tuple(kind.name for kind in KINDS)

# progress(done, total, what): ``what`` is a short sentence such as "Storing report.pdf".
Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class _Source:
    path: Path
    name: str
    size: int


# ----- plain data ------------------------------------------------------------------------------------------


def to_plain(
    session: Session, attachment: models.Attachment, links: list[tuple[str, int, str]] | None = None
) -> dict[str, Any]:
    """The attachment as plain data; ``links`` (kind, id, role) when the caller has read them already."""
    if links is None:
        links = [
            (kind, record_id, role)
            for kind, record_id, role in session.execute(
                select(models.AttachmentLink.record_kind, models.AttachmentLink.record_id, models.AttachmentLink.role)
                .where(models.AttachmentLink.attachment_id == attachment.id)
                .order_by(models.AttachmentLink.id)
            )
        ]
    values = tuple(getattr(attachment, name) for name in ATTACHMENT_FIELDS)
    return attachment_plain(
        values, [{"record_kind": kind, "record_id": record_id, "role": role} for kind, record_id, role in links]
    )


def _plain_many(session: Session, attachment_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Many attachments as plain data, read with one query for the records and one for their links."""
    records = select(models.Attachment).where(models.Attachment.id.in_(bindparam("ids", expanding=True)))
    their_links = (
        select(
            models.AttachmentLink.attachment_id,
            models.AttachmentLink.record_kind,
            models.AttachmentLink.record_id,
            models.AttachmentLink.role,
        )
        .where(models.AttachmentLink.attachment_id.in_(bindparam("ids", expanding=True)))
        .order_by(models.AttachmentLink.id)
    )
    plain: dict[int, dict[str, Any]] = {}
    for part in parts_of(attachment_ids):
        links: dict[int, list[tuple[str, int, str]]] = {attachment_id: [] for attachment_id in part}
        for attachment_id, kind, record_id, role in session.execute(their_links, {"ids": part}):
            links[attachment_id].append((kind, record_id, role))
        for attachment in session.scalars(records, {"ids": part}):
            plain[attachment.id] = to_plain(session, attachment, links[attachment.id])
    return plain


# ----- checking what the user gave -------------------------------------------------------------------------


def size_limit_of(db: Database) -> int:
    """The largest file that may be attached: the setting when the clerk set one, else 2 GiB."""
    with db.reading() as session:
        value = session.get(models.Setting, SIZE_LIMIT_SETTING)
    if value is not None and value.value.strip().isdigit():
        return int(value.value.strip())
    return DEFAULT_SIZE_LIMIT


def check_source(path: str | os.PathLike[str], size_limit: int) -> _Source:
    """Refuses, with a sentence, anything that is not a readable regular file within the size limit.

    Only ``os.stat`` is used here, so a FIFO, a device or a folder is refused without ever being opened.
    """
    file_path = Path(path)
    shown = display_name(str(path))
    size = regular_file_size(file_path, shown=shown, folder_advice="; choose the files inside it")
    if size > size_limit:
        raise UserError(
            f"The file {shown} ({describe_size(size)}) is larger than the limit of "
            f"{describe_size(size_limit)}, so it was not stored."
        )
    if size == 0:
        raise UserError(f"The file {shown} is empty (0 bytes), so there is nothing to store.")
    if not os.access(file_path, os.R_OK):
        raise UserError(f"The file {shown} cannot be read (permission denied).")
    return _Source(file_path, original_name_of(file_path), size)


def _open_regular(source: _Source) -> Any:
    """Opens without blocking (a file swapped for a FIFO after the check cannot hang) and re-checks it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    shown = display_name(str(source.path))
    try:
        descriptor = os.open(source.path, flags)
    except OSError as exc:
        raise UserError(f"The file {shown} cannot be read: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise UserError(f"{shown} is not an ordinary file, so it was not read.")
    return os.fdopen(descriptor, "rb", buffering=0)


def _target(session: Session, record_kind: str, record_id: int) -> tuple[str, str]:
    """The kind's name and the record's description; refuses a missing or trashed record."""
    if record_kind in ("attachment", "attachments"):
        attachment = session.get(models.Attachment, record_id)
        if attachment is None:
            raise UserError(f"There is no attachment with number {record_id}.")
        return "attachment", attachment.title
    kind = kind_named(record_kind)
    obj: Any = session.get(kind.model, record_id)
    if obj is None:
        raise kind.missing(record_id)
    if obj.deleted_at:
        raise UserError(f"{kind.label} {record_id} is in the trash; restore it before attaching files to it.")
    return kind.name, describe(kind, record_plain(kind, obj))


# ----- attaching -------------------------------------------------------------------------------------------


def attach_files(
    db: Database,
    paths: Sequence[str | os.PathLike[str]],
    to_kind: str,
    to_id: int,
    title: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    actor: str | None = None,
    size_limit: int | None = None,
    extract_timeout: float = DEFAULT_TIMEOUT_S,
    extract_memory_limit: int = DEFAULT_MEMORY_LIMIT,
) -> list[dict[str, Any]]:
    """Stores the files, links them to a record and reads their text, all in one transaction.

    Every path is checked before anything is stored; one bad path refuses the whole set, and so does a file that
    changes while it is being attached (whatever its size). Content already
    stored as an attachment is linked again, not stored twice (its dict has ``already_stored`` True).
    Text is read in child processes while the files are being stored; the records, links, audit events and
    search entries of the whole set are then written with one insert per table. ``progress`` and ``cancel`` are called
    in the caller's thread; ``cancel()`` turning true stops everything and keeps nothing (raises Stopped).
    Returns one dict per path, in order.
    """
    with _attaching(
        db,
        paths,
        to_kind,
        to_id,
        title,
        progress,
        cancel,
        actor=actor or current_actor(),
        size_limit=size_limit,
        extract_timeout=extract_timeout,
        extract_memory_limit=extract_memory_limit,
    ) as (_session, attached):
        return attached


def set_letterhead(db: Database, path: str | os.PathLike[str], *, actor: str | None = None) -> dict[str, Any]:
    """Keeps the image with the home jurisdiction and makes it the letters' letterhead, in one transaction.

    Returns the home jurisdiction as plain data.
    """
    with db.reading() as session:
        home = home_jurisdiction_in(session)
        if home is None:
            raise UserError("Set the city or county first (it is asked on the first run).")
        home_id = home.id
    actor = actor or current_actor()
    with _attaching(db, [path], "jurisdiction", home_id, "Letterhead", actor=actor) as (session, attached):
        updated = update_in(session, JURISDICTION, home_id, {"logo_attachment_id": attached[0]["id"]}, actor)
        return record_plain(JURISDICTION, updated)


@contextmanager
def _attaching(
    db: Database,
    paths: Sequence[str | os.PathLike[str]],
    to_kind: str,
    to_id: int,
    title: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    actor: str,
    size_limit: int | None = None,
    extract_timeout: float = DEFAULT_TIMEOUT_S,
    extract_memory_limit: int = DEFAULT_MEMORY_LIMIT,
) -> Iterator[tuple[Session, list[dict[str, Any]]]]:
    """Attaches as ``attach_files`` says, then yields the open transaction so that the caller can change more in it."""
    if not paths:
        raise UserError("Name at least one file to attach.")
    limit = size_limit if size_limit is not None else size_limit_of(db)
    sources = [check_source(path, limit) for path in paths]
    with db.reading() as session:
        _target(session, to_kind, to_id)  # refuse a wrong record before starting any reader
    total = len(sources)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total * 2, what)

    pool = ExtractionPool(
        timeout=extract_timeout,
        memory_limit=extract_memory_limit,
        on_result=lambda job, _result: step(f"Read the text of {display_name(sources[job].name)}"),
    )
    jobs = [(index, str(source.path)) for index, source in enumerate(sources) if source.size <= MAX_EXTRACT_BYTES]
    pool.start(jobs)
    try:
        with log_emptied_after(db, sum(source.size for source in sources)), db.writing() as session:
            kind_name, _ = _target(session, to_kind, to_id)
            blobs = BlobBatch(session)
            contents = []
            states = []
            for source in sources:
                content, state = _store_one(session, blobs, source, limit, cancel)
                contents.append(content)
                states.append(state)
                step(f"Stored {display_name(source.name)}")
                pool.drain()
            blobs.flush()
            results = pool.wait(cancel)
            if cancel is not None and cancel():
                raise Stopped()
            for source, state in zip(sources, states, strict=True):
                _refuse_if_changed_since(source, state)
            for _ in range(total - len(jobs)):
                step("Skipped reading the text of a very large file")
            arrivals = [
                Arrival(source.name, content, results.get(index))
                for index, (source, content) in enumerate(zip(sources, contents, strict=True))
            ]
            one_title = title if total == 1 else None
            placed = record_attachments(session, arrivals, kind_name, to_id, one_title, actor)
            plain = _plain_many(session, [attachment_id for attachment_id, _ in placed])
            yield session, [{**plain[attachment_id], "already_stored": not is_new} for attachment_id, is_new in placed]
    finally:
        pool.stop()


def _store_one(
    session: Session, blobs: BlobBatch, source: _Source, size_limit: int, cancel: Cancel | None
) -> tuple[Content, FileState]:
    return _read_unchanged(source, lambda stream: store_content(session, blobs, stream, size_limit, cancel))


def _store_whole(session: Session, source: _Source, size_limit: int) -> tuple[Content, FileState]:
    def store(stream: BinaryIO) -> Content:
        sha256, size, head = store_stream_with_head(session, stream, size_limit=size_limit)
        return Content(sha256, size, detect.media_type_of(head))

    return _read_unchanged(source, store)


def _read_unchanged(source: _Source, store: Callable[[BinaryIO], Content]) -> tuple[Content, FileState]:
    """Stores the file's bytes, refusing (before anything is kept) when it changed between its check and the end.

    The size and time of last writing are compared before and after reading, whatever the file's size, so that a
    file still being written (or cut short) is never stored as if whole.
    """
    shown = display_name(str(source.path))
    with _open_regular(source) as stream:
        before = state_of_open_file(stream.fileno())
        if before.size != source.size:
            raise changed_while_read(shown)
        try:
            content = store(stream)
        except OSError as exc:
            raise UserError(
                f"The file {display_name(source.name)} could not be read to the end: {exc.strerror or exc}."
            ) from None
        after = state_of_open_file(stream.fileno())
    if after != before or content.size != before.size:
        raise changed_while_read(shown)
    return content, before


def _refuse_if_changed_since(source: _Source, state: FileState) -> None:
    """Refuses when the file on disk is no longer the one read (its text is read separately, after storing)."""
    if state_of_path(source.path) != state:
        raise changed_while_read(display_name(str(source.path)))


def _apply_text(
    session: Session, attachment: models.Attachment, result: dict[str, Any] | None, source: _Source, now: str
) -> None:
    for key, value in text_fields(result, attachment.sha256, attachment.media_type, source.name).items():
        setattr(attachment, key, value)
    attachment.updated_at = now
    session.flush()


# ----- reading -------------------------------------------------------------------------------------------


def _load(session: Session, attachment_id: int) -> models.Attachment:
    attachment = session.get(models.Attachment, attachment_id)
    if attachment is None:
        raise UserError(f"There is no attachment with number {attachment_id}.")
    return attachment


def get_attachment(db: Database, attachment_id: int, *, with_text: bool = False) -> dict[str, Any]:
    """One attachment as plain data; with_text adds its extracted text."""
    with db.reading() as session:
        attachment = _load(session, attachment_id)
        plain = to_plain(session, attachment)
        if with_text:
            plain["text"] = attachment.extracted_text
        return plain


def list_attachments(
    db: Database,
    record_kind: str | None = None,
    record_id: int | None = None,
    *,
    in_trash: bool = False,
    include_superseded: bool = True,
) -> list[dict[str, Any]]:
    """All attachments, or those of one record, oldest first."""
    statement = select(models.Attachment).order_by(models.Attachment.id)
    statement = statement.where(
        models.Attachment.deleted_at.is_not(None) if in_trash else models.Attachment.deleted_at.is_(None)
    )
    if not include_superseded:
        statement = statement.where(models.Attachment.superseded_by_id.is_(None))
    if record_kind is not None:
        kind_name = "attachment" if record_kind in ("attachment", "attachments") else kind_named(record_kind).name
        linked = select(models.AttachmentLink.attachment_id).where(models.AttachmentLink.record_kind == kind_name)
        if record_id is not None:
            linked = linked.where(models.AttachmentLink.record_id == record_id)
        statement = statement.where(models.Attachment.id.in_(linked))
    with db.reading() as session:
        return [to_plain(session, attachment) for attachment in session.scalars(statement)]


def write_attachment(db: Database, attachment_id: int, destination: str | os.PathLike[str]) -> Path:
    """Writes an attachment's content to a file (or into a folder, under its original name), SHA-256 checked.

    Nothing is written when the stored content no longer matches its fingerprint.
    """
    target = Path(destination)
    with db.reading() as session:
        attachment = _load(session, attachment_id)
        if target.is_dir():
            target = target / safe_file_name(attachment.original_name, f"attachment-{attachment_id}")
        if not target.parent.is_dir():
            raise UserError(f"The folder {display_name(str(target.parent))} does not exist.")
        return write_out_in(session, attachment.sha256, target)


def open_copy_for_viewer(db: Database, attachment_id: int) -> Path:
    """A private copy (in a new folder only the user can read, file mode 0600) to open in the system's viewer."""
    with db.reading() as session:
        attachment = _load(session, attachment_id)
        folder = Path(tempfile.mkdtemp(prefix="sister-city-records-"))
        target = folder / safe_file_name(attachment.original_name, f"attachment-{attachment_id}")
        written = write_out_in(session, attachment.sha256, target)
    os.chmod(written, 0o600)
    return written


# ----- versions and records --------------------------------------------------------------------------------


def add_version(
    db: Database,
    attachment_id: int,
    path: str | os.PathLike[str],
    title: str | None = None,
    *,
    actor: str | None = None,
    extract_timeout: float = DEFAULT_TIMEOUT_S,
) -> dict[str, Any]:
    """Stores a new version that supersedes the attachment; the old one stays, and its links carry over."""
    actor = actor or current_actor()
    limit = size_limit_of(db)
    source = check_source(path, limit)
    pool = ExtractionPool(timeout=extract_timeout)
    pool.start([(0, str(source.path))] if source.size <= MAX_EXTRACT_BYTES else [])
    try:
        with log_emptied_after(db, source.size), db.writing() as session:
            old = _load(session, attachment_id)
            if old.deleted_at:
                raise UserError(f"Attachment {attachment_id} is in the trash; restore it before adding a version.")
            if old.superseded_by_id is not None:
                raise UserError(
                    f"Attachment {attachment_id} is already superseded by attachment {old.superseded_by_id}; "
                    "add the new version to that one."
                )
            content, state = _store_whole(session, source, limit)
            sha256, size = content.sha256, content.size
            if sha256 == old.sha256:
                raise UserError("The new version is the same file as the current one, so nothing was changed.")
            new = add_attachment_in(
                session,
                sha256=sha256,
                size=size,
                original_name=source.name,
                title=(title or "").strip() or old.title,
                media_type=content.media_type,
                actor=actor,
            )
            new.supersedes_id = old.id
            old.superseded_by_id = new.id
            old.updated_at = utc_now_text()
            for kind, record_id, role in session.execute(
                select(
                    models.AttachmentLink.record_kind, models.AttachmentLink.record_id, models.AttachmentLink.role
                ).where(models.AttachmentLink.attachment_id == old.id)
            ).all():
                link_in(session, new.id, kind, record_id, actor, role)
            append_event(
                session,
                actor=actor,
                action="supersede",
                record_kind="attachment",
                record_id=old.id,
                after={"superseded_by_id": new.id, "sha256": sha256},
            )
            extraction = pool.wait().get(0)
            _refuse_if_changed_since(source, state)
            _apply_text(session, new, extraction, source, utc_now_text())
            index_record_in(session, "attachment", new.id)
            return to_plain(session, new)
    finally:
        pool.stop()


def declare_record(db: Database, attachment_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Declares the attachment a record: from now on its content can never be replaced, only superseded."""
    with db.writing() as session:
        attachment = _load(session, attachment_id)
        if attachment.deleted_at:
            raise UserError(f"Attachment {attachment_id} is in the trash; restore it first.")
        if not attachment.is_record:
            attachment.is_record = True
            attachment.updated_at = utc_now_text()
            session.flush()
            append_event(
                session,
                actor=actor or current_actor(),
                action="declare_record",
                record_kind="attachment",
                record_id=attachment.id,
                before={"is_record": False},
                after={"is_record": True, "sha256": attachment.sha256},
            )
        return to_plain(session, attachment)


def replace_content(
    db: Database, attachment_id: int, path: str | os.PathLike[str], *, actor: str | None = None
) -> dict[str, Any]:
    """Replaces the content of an attachment that is not a declared record (a wrong scan, say), audited."""
    actor = actor or current_actor()
    limit = size_limit_of(db)
    source = check_source(path, limit)
    pool = ExtractionPool()
    pool.start([(0, str(source.path))] if source.size <= MAX_EXTRACT_BYTES else [])
    try:
        with log_emptied_after(db, source.size), db.writing() as session:
            attachment = _load(session, attachment_id)
            if attachment.is_record:
                raise UserError(
                    f"Attachment {attachment_id} is a declared record: its content can never be replaced. "
                    "Add a new version instead; the record stays as it is."
                )
            if attachment.superseded_by_id is not None:
                raise UserError(f"Attachment {attachment_id} is an old version; change the current version instead.")
            content, state = _store_whole(session, source, limit)
            sha256, size = content.sha256, content.size
            before = {"sha256": attachment.sha256, "size": attachment.size, "original_name": attachment.original_name}
            attachment.sha256, attachment.size, attachment.original_name = sha256, size, source.name
            attachment.media_type = content.media_type
            attachment.page_count = None
            extraction = pool.wait().get(0)
            _refuse_if_changed_since(source, state)
            _apply_text(session, attachment, extraction, source, utc_now_text())
            append_event(
                session,
                actor=actor,
                action="replace_content",
                record_kind="attachment",
                record_id=attachment.id,
                before=before,
                after={"sha256": sha256, "size": size, "original_name": source.name},
            )
            index_record_in(session, "attachment", attachment.id)
            return to_plain(session, attachment)
    finally:
        pool.stop()


def link_attachment(
    db: Database,
    attachment_id: int,
    record_kind: str,
    record_id: int,
    *,
    actor: str | None = None,
    role: str = "document",
) -> dict[str, Any]:
    """Links an attachment already stored to another record (or again to one it was taken off), audited.

    A link that is there already is left as it is, with no new event.
    """
    with db.writing() as session:
        attachment = _load(session, attachment_id)
        kind_name, _ = _target(session, record_kind, record_id)
        link_in(session, attachment.id, kind_name, record_id, actor or current_actor(), role)
        return to_plain(session, attachment)


def unlink_attachment(
    db: Database, attachment_id: int, record_kind: str, record_id: int, *, actor: str | None = None
) -> dict[str, Any]:
    """Takes an attachment off a record (the file stays stored); a declared record keeps a record it belongs to.

    Every link to that record goes, each with its own audit event; the attachment comes back with ``unlinked``, the
    links taken off (kind, number and role), so that they can be put back with ``link_attachment``.
    """
    kind_name, shown = _kind_and_label(record_kind)
    with db.writing() as session:
        attachment = _load(session, attachment_id)
        links = _links_between(session, attachment.id, kind_name, record_id)
        if not links:
            raise UserError(
                f"Attachment {attachment_id} is not linked to {shown} {record_id}, so there is nothing to unlink."
            )
        if attachment.is_record and not _has_other_links(session, attachment.id, links):
            raise UserError(
                f"Attachment {attachment_id} is a declared record and {shown} {record_id} is the only record "
                "it belongs to; link it to another record before unlinking it from this one."
            )
        actor = actor or current_actor()
        unlinked = [{"record_kind": link.record_kind, "record_id": link.record_id, "role": link.role} for link in links]
        for link, before in zip(links, unlinked, strict=True):
            session.delete(link)
            append_event(
                session, actor=actor, action="unlink", record_kind="attachment", record_id=attachment.id, before=before
            )
        session.flush()
        return {**to_plain(session, attachment), "unlinked": unlinked}


def _links_between(session: Session, attachment_id: int, kind_name: str, record_id: int) -> list[models.AttachmentLink]:
    """The attachment's links to one record, whatever their role, oldest first."""
    return list(
        session.scalars(
            select(models.AttachmentLink)
            .where(
                models.AttachmentLink.attachment_id == attachment_id,
                models.AttachmentLink.record_kind == kind_name,
                models.AttachmentLink.record_id == record_id,
            )
            .order_by(models.AttachmentLink.id)
        )
    )


def _has_other_links(session: Session, attachment_id: int, links: list[models.AttachmentLink]) -> bool:
    others = session.execute(
        select(func.count()).where(
            models.AttachmentLink.attachment_id == attachment_id,
            models.AttachmentLink.id.not_in([link.id for link in links]),
        )
    ).scalar_one()
    return bool(others)


def _kind_and_label(record_kind: str) -> tuple[str, str]:
    """The kind's name as links store it, and how a sentence names it."""
    if record_kind in ("attachment", "attachments"):
        return "attachment", "attachment"
    kind = kind_named(record_kind)
    return kind.name, kind.label.lower()


def trash_attachment(db: Database, attachment_id: int, *, actor: str | None = None) -> dict[str, Any]:
    """Moves an attachment to the trash (its content stays stored and it can be restored)."""
    return _set_trashed(db, attachment_id, True, actor)


def restore_attachment(db: Database, attachment_id: int, *, actor: str | None = None) -> dict[str, Any]:
    return _set_trashed(db, attachment_id, False, actor)


def _set_trashed(db: Database, attachment_id: int, trashed: bool, actor: str | None) -> dict[str, Any]:
    with db.writing() as session:
        attachment = _load(session, attachment_id)
        if bool(attachment.deleted_at) != trashed:
            before = {"deleted_at": attachment.deleted_at}
            attachment.deleted_at = utc_now_text() if trashed else None
            session.flush()
            append_event(
                session,
                actor=actor or current_actor(),
                action="trash" if trashed else "restore",
                record_kind="attachment",
                record_id=attachment.id,
                before=before,
                after={"deleted_at": attachment.deleted_at},
            )
            index_record_in(session, "attachment", attachment.id)
        return to_plain(session, attachment)


def read_text_in(session: Session, attachment_id: int, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Reads (or reads again) the text of an attachment already stored, inside the caller's transaction.

    For content stored with store_bytes and add_attachment_in (a generated PDF, say): the content is written to
    a private temporary file, read by a child process like any attached file, and the index entry is rewritten.
    """
    attachment = _load(session, attachment_id)
    folder = Path(tempfile.mkdtemp(prefix="sister-city-records-"))
    copy = folder / "content"
    try:
        write_out_in(session, attachment.sha256, copy)
        pool = ExtractionPool(timeout=timeout)
        pool.start([(0, str(copy))] if attachment.size <= MAX_EXTRACT_BYTES else [])
        try:
            result = pool.wait().get(0)
        finally:
            pool.stop()
        source = _Source(copy, attachment.original_name, attachment.size)
        _apply_text(session, attachment, result, source, utc_now_text())
        index_record_in(session, "attachment", attachment.id)
    finally:
        copy.unlink(missing_ok=True)
        folder.rmdir()
