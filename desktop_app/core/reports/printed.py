"""What a letter prints, as plain data: its answers, the partnerships it lists and the documents it encloses."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import vocab
from ..db import models
from . import facts as letter_facts
from .document import AnswerText, Letter


def printed_content(session: Session, letter: Letter, facts: letter_facts.Facts) -> dict[str, Any]:
    """The letter's title, answers, partnerships, enclosures and cited items as printed, and who signs it.

    Recorded in the issue event, so that years later a package says what the letter said even though the records
    have changed since; the event's hash then vouches for it like for everything else it holds.
    """
    inquiry = facts.gathered.inquiry
    return {
        "title": letter.title,
        "signatory_name": _text(letter.signatory_name),
        "signatory_title": _text(letter.signatory_title),
        "answers": [_answer(answer, inquiry) for answer in letter.answers],
        "partnerships": [_partnership(session, item) for item in facts.partnerships.items],
        "enclosures": _enclosures(session, facts),
        # Every item the letter cites (A1, B2 ...), as records: a package holds their audit events.
        "cited": [item.ref for catalogue in letter_facts.catalogues(facts) for item in catalogue.items],
    }


def _answer(answer: AnswerText, inquiry: models.Inquiry) -> dict[str, Any]:
    question = next((q for q in inquiry.questions if q.position == answer.position), None)
    printed = [*answer.paragraphs, *(f"Flagged: {warning}" for warning in answer.warnings)]
    return {
        "number": answer.position,
        "topic": _text(" ".join(vocab.split_words(question.topics))) if question is not None else None,
        "question": answer.question,
        "answer": "\n\n".join(printed),
    }


def _partnership(session: Session, item: letter_facts.Item) -> dict[str, Any]:
    partnership = session.get(models.Partnership, item.record_id)
    assert partnership is not None  # the letter was just made from it
    partner, jurisdiction = partnership.partner, partnership.jurisdiction
    established = partnership.established_on.isoformat() if partnership.established_on else None
    if established is None and partnership.established_year:
        established = f"{partnership.established_year:04d}"  # the records hold the year alone
    return {
        "ref": item.ref,
        "us_jurisdiction": f"{jurisdiction.name}, {jurisdiction.state}" if jurisdiction.state else jurisdiction.name,
        "partner_community": partner.name,
        "partner_native_name": _text(partner.native_name),
        "partner_country": _text(partner.country_name) or _text(partner.country_code),
        "relationship": vocab.label(vocab.PARTNERSHIP_KINDS, partnership.kind).lower(),
        "status": partnership.status,
        "established_on": established,
        "confirmed": bool(partnership.confirmed),
    }


def _enclosures(session: Session, facts: letter_facts.Facts) -> list[dict[str, Any]]:
    """The documents the letter encloses, in its order; those withheld are not enclosed."""
    found: list[dict[str, Any]] = []
    for _, attachment_id, _ in facts.enclosures:
        attachment = session.get(models.Attachment, attachment_id)
        assert attachment is not None  # the letter lists it
        row = facts.gathered.attachments[attachment_id]
        found.append(
            {
                "ref": f"attachment:{attachment_id}",
                "title": row.title,
                "file_name": attachment.original_name or row.title,
                "sha256": attachment.sha256,
                "size": attachment.size,
            }
        )
    return found


def _text(value: Any) -> str | None:
    """A stored text, or None where the records hold nothing."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()
