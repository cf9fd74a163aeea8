"""Fixity: re-hashes every stored content and names the attachments and records a damaged one belongs to."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import models


def fixity_problems(session: Session) -> tuple[list[str], int]:
    """Sentences for every stored content whose bytes no longer match its SHA-256; and how many were checked."""
    problems: list[str] = []
    checked = 0
    blobs = session.execute(
        select(models.Blob.id, models.Blob.sha256, models.Blob.size, models.Blob.chunk_count).where(
            models.Blob.sha256.is_not(None)
        )
    ).all()
    for blob_id, sha256, size, chunk_count in blobs:
        checked += 1
        digest = hashlib.sha256()
        length = 0
        chunks = 0
        for (data,) in session.execute(
            select(models.BlobChunk.data).where(models.BlobChunk.blob_id == blob_id).order_by(models.BlobChunk.seq)
        ).yield_per(4):
            digest.update(data)
            length += len(data)
            chunks += 1
        if digest.hexdigest() != sha256 or length != size or chunks != chunk_count:
            problems.append(_describe_damage(session, sha256 or "", size, length))
    for attachment_id, sha256 in session.execute(
        select(models.Attachment.id, models.Attachment.sha256).where(
            models.Attachment.sha256.not_in(select(models.Blob.sha256).where(models.Blob.sha256.is_not(None)))
        )
    ):
        problems.append(f"Attachment {attachment_id}: its stored content ({sha256[:12]}…) is missing.")
    for package_id, sha256 in session.execute(
        select(models.ReceivedPackage.id, models.ReceivedPackage.package_sha256).where(
            models.ReceivedPackage.package_sha256.not_in(
                select(models.Blob.sha256).where(models.Blob.sha256.is_not(None))
            )
        )
    ):
        problems.append(f"Received package {package_id}: its stored file ({sha256[:12]}…) is missing.")
    return problems, checked


def _describe_damage(session: Session, sha256: str, size: int, length: int) -> str:
    what = "has changed" if length == size else f"has {length} bytes instead of {size}"
    owners = []
    for attachment in session.scalars(select(models.Attachment).where(models.Attachment.sha256 == sha256)):
        links = session.execute(
            select(models.AttachmentLink.record_kind, models.AttachmentLink.record_id).where(
                models.AttachmentLink.attachment_id == attachment.id
            )
        ).all()
        belongs = ", ".join(f"{kind} {record_id}" for kind, record_id in links) or "no record"
        owners.append(f"attachment {attachment.id} \u201c{attachment.title}\u201d (linked to {belongs})")
    for package_id, city, name in session.execute(
        select(
            models.ReceivedPackage.id, models.ReceivedPackage.city_display, models.ReceivedPackage.original_name
        ).where(models.ReceivedPackage.package_sha256 == sha256)
    ):
        owners.append(f"received package {package_id} from {city} (\u201c{name}\u201d)")
    whose = "; ".join(owners) or "no attachment"
    return (
        f"The stored file {sha256[:12]}… {what}; it no longer matches its SHA-256 fingerprint. "
        f"It belongs to {whose}. Restore a backup made before the damage."
    )
