"""What an issued response says, as the package's data/response.json: read from the records, nothing invented."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from sqlalchemy.orm import Session

from ... import APP_NAME
from ..db import models
from ..errors import UserError
from ..records.kinds import RESPONSE
from ..records.service import load
from ..reports.gather import require_home
from ..reports.printed import printed_content
from ..reports.responses import issue_event, letter_in, letter_pdf, recorded_head, response_inquiry

FORMAT = "sister-city-records/response-package"
FORMAT_VERSION = 1
ENCLOSURES_FOLDER = "data/enclosures"
_LONGEST_SAFE_NAME = 80


def response_snapshot(session: Session, response_id: int) -> dict[str, Any]:
    """The data/response.json object of an issued (or since superseded) response.

    The answers, partnerships and enclosures are those the issued letter printed, as its issue event recorded them.
    A letter issued before issue events recorded them is made again from the records: when that gives the issued
    letter byte for byte, they are taken from it; when the records have changed since, they no longer hold what the
    letter printed, and all three are null rather than guessed.
    """
    response: models.Response = load(session, RESPONSE, response_id)
    if response.status == "draft" or not response.pdf_sha256 or response.issued_on is None:
        raise UserError(f"Response {response_id} is a draft; only an issued response can be packaged.")
    home = require_home(session)
    issue_after, issue_seq = issue_event(session, response.id)
    head = recorded_head(issue_after)
    printed = (issue_after or {}).get("printed")
    if not isinstance(printed, dict):
        printed = _printed_by_the_letter_made_again(session, response, head)
    inquiry = response_inquiry(response)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "program": _program(),
        "city": _city(home),
        "response": {
            "id": response.id,
            "title": printed["title"] if printed else _stored_letter_title(session, response),
            "letter_date": _iso(response.letter_date),
            "issued_at": response.issued_at,
            "issued_by": _issuer(session, issue_seq),
            "signatory_name": printed["signatory_name"] if printed else _text(response.signatory_name),
            "signatory_title": printed["signatory_title"] if printed else _text(response.signatory_title),
            "letter_sha256": response.pdf_sha256,
            "archival_sha256": _text((issue_after or {}).get("archival_sha256")),
            "supersedes_response_id": response.supersedes_id,
        },
        "inquiry": {
            "id": inquiry.id,
            "title": _text(inquiry.subject) or _text(inquiry.reference),
            "from": _text(inquiry.from_whom),
            "received_on": _iso(inquiry.received_on),
        },
        "answers": printed["answers"] if printed else None,
        "partnerships": printed["partnerships"] if printed else None,
        "enclosures": _enclosures_in_package(printed["enclosures"]) if printed else None,
        "audit_head": {"seq": head[0], "hash": head[1]} if head else None,
    }


def _printed_by_the_letter_made_again(
    session: Session, response: models.Response, head: tuple[int, str] | None
) -> dict[str, Any] | None:
    """What an older letter printed, when the records still make it byte for byte; None when they no longer do."""
    assert response.issued_on is not None  # an issued response
    letter, facts = letter_in(session, response, response.issued_on)
    if hashlib.sha256(letter_pdf(letter, head)).hexdigest() != response.pdf_sha256:
        return None
    return printed_content(session, letter, facts)


def _enclosures_in_package(enclosures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The enclosures as the package holds them: each with its path under data/enclosures."""
    return [
        {
            "ref": enclosure["ref"],
            "title": enclosure["title"],
            "path": enclosure_path(position, enclosure["file_name"]),
            "sha256": enclosure["sha256"],
            "size": enclosure["size"],
        }
        for position, enclosure in enumerate(enclosures, start=1)
    ]


def enclosure_path(position: int, file_name: str) -> str:
    """Where an enclosed document sits in the package: data/enclosures/NN-<safe ascii name>."""
    return f"{ENCLOSURES_FOLDER}/{position:02d}-{safe_ascii_name(file_name)}"


def safe_ascii_name(file_name: str) -> str:
    """A file name of plain ASCII letters, digits, dots, dashes and underscores, the extension kept."""
    folded = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    stem, dot, extension = folded.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,10}", extension):
        stem, extension = folded, ""
    extension = extension.lower()
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", stem)).strip(".-_")
    stem = stem[: _LONGEST_SAFE_NAME - len(extension) - 1].strip(".-_") or "document"
    return f"{stem}.{extension}" if extension else stem


def _program() -> dict[str, str]:
    from ... import __version__

    return {"name": APP_NAME, "version": __version__}


def _city(home: models.Jurisdiction) -> dict[str, Any]:
    return {
        "name": home.name,
        "state": _text(home.state),
        "display": f"{home.name}, {home.state}" if home.state else home.name,
        "kind": _text(home.kind),
    }


def _stored_letter_title(session: Session, response: models.Response) -> str | None:
    attachment = session.get(models.Attachment, response.pdf_attachment_id) if response.pdf_attachment_id else None
    return _text(attachment.title) if attachment is not None else None


def _issuer(session: Session, issue_seq: int | None) -> str | None:
    if issue_seq is None:
        return None
    event = session.get(models.AuditEvent, issue_seq)
    return _text(event.actor) if event is not None else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: Any) -> str | None:
    """A stored text, or None where the records hold nothing."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()
