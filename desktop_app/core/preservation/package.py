"""Writes the verifiable package of an issued response: a BagIt bag, as a folder or a zip, whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import APP_NAME
from ..clock import today
from ..db import models
from ..db.engine import Database
from ..errors import Stopped, UserError
from ..files.store import iter_content
from ..records.kinds import RESPONSE
from ..records.service import load
from ..wording import plural
from .audit_extract import audit_extract_in, extract_json
from .bag_files import BagWriter, Digests
from .readme import readme_text
from .zip_files import write_zip

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

LETTER = "letter.pdf"
ARCHIVAL = "letter-archival-PDF-A-2b.pdf"
RESPONSE_JSON = "response.json"
AUDIT_EXTRACT = "audit-extract.json"
# The tag files besides the payload: bagit.txt, bag-info.txt, two manifests, two tag manifests, README.txt.
TAG_FILE_COUNT = 7


@dataclass(frozen=True)
class _Target:
    """Where the package goes, and whether as a zip."""

    path: Path
    as_zip: bool


def write_package(
    db: Database,
    response_id: int,
    out: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, Any]:
    """Writes the package of an issued response to ``out``: a zip when it ends in .zip, else a new or empty folder.

    It is written under a temporary name beside ``out`` and renamed only when whole, so a stopped or failed run
    leaves nothing behind. Returns where it went, its bag's name, how many files and bytes it holds, the letter's
    SHA-256 and how many documents it encloses.
    """
    target = _target(Path(out))
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.path.name}.", suffix=".partial", dir=target.path.parent))
    try:
        bag_folder = scratch / "bag"
        bag_folder.mkdir()
        written = _write_bag(db, response_id, bag_folder, progress, cancelled)
        files = len(written.payload) + TAG_FILE_COUNT
        size = sum(d.size for d in written.payload.values()) + _tag_bytes(bag_folder)
        if target.as_zip:
            partial_zip = scratch / "package.zip"
            write_zip(bag_folder, written.name, partial_zip, cancelled)
            size = partial_zip.stat().st_size
            _check_not_cancelled(cancelled)
            os.replace(partial_zip, target.path)
        else:
            _check_not_cancelled(cancelled)
            if target.path.is_dir():
                target.path.rmdir()  # empty, as checked; the whole bag takes its place
            os.rename(bag_folder, target.path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "path": str(target.path),
        "bag": written.name,
        "zip": target.as_zip,
        "files": files,
        "bytes": size,
        "letter_sha256": written.letter_sha256,
        "enclosures": written.enclosures,
        "enclosures_known": written.enclosures_known,
    }


def _target(out: Path) -> _Target:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"The folder {folder} does not exist; create it first or name another place.")
    as_zip = out.suffix.lower() == ".zip"
    if out.is_dir():
        if as_zip or any(out.iterdir()):
            raise UserError(f"{out} is a folder that is not empty; name a new or empty folder, or a new .zip file.")
        return _Target(out, as_zip=False)
    if out.exists() or out.is_symlink():
        raise UserError(f"{out} already exists; name a new folder or a new .zip file, so nothing is overwritten.")
    return _Target(out, as_zip)


def _tag_bytes(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.iterdir() if entry.is_file())


def _check_not_cancelled(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise Stopped("Stopped; no package was written.")


# ----- the bag's content ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Written:
    name: str
    payload: dict[str, Digests]
    letter_sha256: str
    enclosures: int
    enclosures_known: bool  # False when the records changed since the issue, so they no longer tell what it enclosed


def _write_bag(
    db: Database, response_id: int, folder: Path, progress: Progress | None, cancelled: Cancelled | None
) -> _Written:
    from .snapshot import response_snapshot  # read only when a package is made

    with db.reading() as session:
        response = _issued_response(session, response_id)
        letter_sha256 = response.pdf_sha256
        snapshot = response_snapshot(session, response_id)
        issue_after, issue_seq = _issue_event(session, response_id)
        enclosures = snapshot.get("enclosures") or []
        archival = _archival_copy(session, response_id)
        total = 4 + len(enclosures) + TAG_FILE_COUNT
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        writer = BagWriter(folder)
        _add_stored(writer, session, LETTER, response.pdf_sha256, "the issued letter", cancelled)
        step()
        _add_stored(writer, session, ARCHIVAL, archival.sha256, "the letter's archival copy", cancelled)
        step()
        for enclosure in enclosures:
            relative = str(enclosure["path"]).removeprefix("data/")
            _add_stored(writer, session, relative, enclosure["sha256"], f"the enclosed {enclosure['title']}", cancelled)
            step()
        cited = _cited_records(session, response, issue_after, archival.id, enclosures)
        extract = audit_extract_in(session, cited, issue_seq)
        writer.add_text(AUDIT_EXTRACT, extract_json(extract))
        step()
        writer.add_text(RESPONSE_JSON, json.dumps(snapshot, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        step()
    name = f"response-{response_id}-{snapshot['response']['letter_date']}"
    writer.finish(_bag_info(snapshot, len(enclosures)), readme_text(snapshot, extract, writer.payload))
    for _ in range(TAG_FILE_COUNT):
        step()
    known = snapshot.get("enclosures") is not None
    return _Written(name, dict(writer.payload), letter_sha256, len(enclosures), known)


def _issued_response(session: Session, response_id: int) -> models.Response:
    response: models.Response = load(session, RESPONSE, response_id)
    if response.deleted_at:
        raise UserError(f"Response {response_id} is in the trash; restore it before packaging it.")
    if response.status == "draft" or not response.pdf_sha256:
        raise UserError(f"Response {response_id} is a draft; only an issued letter can be packaged. Issue it first.")
    return response


def _issue_event(session: Session, response_id: int) -> tuple[dict[str, Any], int]:
    """What the issue event recorded, and its number; refused when the audit trail holds none."""
    from ..reports.responses import issue_event

    after, seq = issue_event(session, response_id)
    if seq is None:
        raise UserError(
            f"The audit trail holds no record of the issue of response {response_id}, so no package can vouch for "
            "its letter; run 'verify'."
        )
    return after or {}, int(seq)


def _archival_copy(session: Session, response_id: int) -> models.Attachment:
    attachment = session.scalars(
        select(models.Attachment)
        .join(models.AttachmentLink, models.AttachmentLink.attachment_id == models.Attachment.id)
        .where(
            models.AttachmentLink.record_kind == "response",
            models.AttachmentLink.record_id == response_id,
            models.AttachmentLink.role == "archival_copy",
        )
        .order_by(models.Attachment.id.desc())
        .limit(1)
    ).first()
    if attachment is None:
        raise UserError(f"The archival copy (PDF/A) of response {response_id} is missing; run 'verify'.")
    return attachment


def _add_stored(
    writer: BagWriter, session: Session, relative: str, sha256: str, what: str, cancelled: Cancelled | None
) -> None:
    digests = writer.add(relative, _stopping(iter_content(session, sha256), cancelled))
    if digests.sha256 != sha256:
        raise UserError(
            f"The stored copy of {what} no longer matches its fingerprint; run 'verify' and restore a backup."
        )


def _stopping(chunks: Iterable[bytes], cancelled: Cancelled | None) -> Iterator[bytes]:
    for chunk in chunks:
        _check_not_cancelled(cancelled)
        yield chunk


def _cited_records(
    session: Session,
    response: models.Response,
    issue_after: dict[str, Any],
    archival_id: int,
    enclosures: list[dict[str, Any]],
) -> list[tuple[str, int]]:
    """Every record the issued letter cites, as (kind, id): its items, its enclosures, the inquiry, itself.

    The items are those its issue event recorded; a letter issued before issue events recorded them is read again
    from the records (its package then holds the events of records it may not have cited: more, never fewer).
    """
    cited = [("response", response.id), ("inquiry", response.inquiry_id), ("attachment", archival_id)]
    if response.pdf_attachment_id is not None:
        cited.append(("attachment", response.pdf_attachment_id))
    printed = issue_after.get("printed")
    refs = printed.get("cited") if isinstance(printed, dict) else None
    if not isinstance(refs, list):
        refs = _items_read_again(session, response)
    cited += [(kind, int(number)) for kind, _, number in (str(ref).partition(":") for ref in refs)]
    cited += [("attachment", int(str(e["ref"]).partition(":")[2])) for e in enclosures]
    return cited


def _items_read_again(session: Session, response: models.Response) -> list[str]:
    from ..reports import facts as letter_facts
    from ..reports.gather import gather

    assert response.issued_on is not None  # an issued response
    facts = letter_facts.build(session, gather(session, response, response.issued_on))
    refs = [item.ref for catalogue in letter_facts.catalogues(facts) for item in catalogue.items]
    return refs + [f"attachment:{attachment_id}" for _, attachment_id, _ in facts.enclosures]


def _bag_info(snapshot: dict[str, Any], enclosed: int) -> list[tuple[str, str]]:
    from ... import __version__

    city = snapshot["city"]["display"]
    response = snapshot["response"]
    return [
        ("Source-Organization", city),
        ("Bagging-Date", today().isoformat()),
        (
            "External-Description",
            f"The response letter of {city} dated {response['letter_date']} (response {response['id']}), its "
            f"archival PDF/A-2b copy, {plural(enclosed, 'enclosed document')}, and the extract of the audit trail "
            "that records its issue.",
        ),
        ("Bag-Software-Agent", f"{APP_NAME} {__version__}"),
    ]
