"""Inquiries and their ordered questions, including the built-in letter of October 8, 2020."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..clock import current_actor
from ..db import models
from ..db.builtin_keys import BLACKBURN_HAWLEY_KEY, builtin_inquiries_missing
from ..db.engine import Database
from ..errors import UserError, ValidationError
from .audit import append_event
from .fields import parse_value, words
from .indexing import index_record_in
from .kinds import INQUIRY
from .plain import Record, to_plain
from .service import create_in, load, update_in

BLACKBURN_HAWLEY_2020: dict[str, Any] = {
    "subject": "Sister-city partnerships between American and Chinese communities",
    "reference": "Letter of Senators Marsha Blackburn and Josh Hawley to the U.S. Conference of Mayors "
    "of October 8, 2020",
    "sent_on": dt.date(2020, 10, 8),
    "from_whom": "Senator Marsha Blackburn (R-Tenn.) and Senator Josh Hawley (R-Mo.), United States Senate",
    "to_whom": "The Honorable Greg Fischer, President, The United States Conference of Mayors",
    # The senators' Washington offices when they wrote; a clerk can change them on the inquiry.
    "recipients": "The Honorable Marsha Blackburn\nUnited States Senate\n357 Dirksen Senate Office Building\n"
    "Washington, DC 20510\n\n"
    "The Honorable Josh Hawley\nUnited States Senate\n212 Russell Senate Office Building\nWashington, DC 20510",
    "optional_recipients": "The President\nThe United States Conference of Mayors\n"
    "1620 Eye Street NW\nWashington, DC 20006",
    "salutation": "Dear Senator Blackburn and Senator Hawley:",
    "notes": "The letter asks the U.S. Conference of Mayors to reevaluate sister-city partnerships between U.S. "
    "and Chinese communities and asks four questions of member governments.",
}

BLACKBURN_HAWLEY_QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Transparency",
        "How do your governments ensure transparency regarding sister-city partnerships’ contracts and activities?",
        ("transparency",),
    ),
    (
        "Freedom of expression",
        "Through what mechanisms do your governments safeguard freedom of expression within these partnerships?",
        ("free_expression",),
    ),
    (
        "Espionage and economic coercion",
        "What oversight practices do your governments implement to mitigate the risks of foreign espionage and "
        "economic coercion within these partnerships?",
        ("espionage", "economic_coercion"),
    ),
    (
        "Visa programs",
        "What precautions do your governments take to protect against foreign nationals’ potentially "
        "inappropriate use of visa programs to participate in activities relating to these partnerships?",
        ("visa_programs",),
    ),
)

# What earlier versions shipped for the 2020 letter: an inquiry still holding it word for word gets today's text.
_EARLIER_BLACKBURN_HAWLEY = {
    "reference": "Letter of Senators Marsha Blackburn and Josh Hawley to the U.S. Conference of Mayors, 8 October 2020",
    "recipients": "The Honorable Marsha Blackburn\nUnited States Senate\nWashington, DC 20510\n\n"
    "The Honorable Josh Hawley\nUnited States Senate\nWashington, DC 20510",
}

QuestionInput = Mapping[str, Any]
INQUIRY_TOPICS_FIELD = words("topics", "Topics", vocab.TOPICS)


def ensure_builtin_inquiries(session: Session, actor: str | None = None) -> bool:
    """Adds the 2020 letter when the database does not hold it yet; True when it was added."""
    if not builtin_inquiries_missing(session.connection()):
        return False
    questions = [
        {"short_title": title, "text": text, "topics": list(topics)}
        for title, text, topics in BLACKBURN_HAWLEY_QUESTIONS
    ]
    inquiry = create_inquiry_in(session, BLACKBURN_HAWLEY_2020, questions, actor or "Sister City Records")
    inquiry.builtin_key = BLACKBURN_HAWLEY_KEY
    session.flush()
    return True


def refresh_builtin_inquiries(session: Session) -> bool:
    """Brings the 2020 letter's reference and addresses up to date where the clerk has not changed them."""
    inquiry = session.scalars(select(models.Inquiry).where(models.Inquiry.builtin_key == BLACKBURN_HAWLEY_KEY)).first()
    if inquiry is None:
        return False
    changes = {
        name: BLACKBURN_HAWLEY_2020[name]
        for name, earlier in _EARLIER_BLACKBURN_HAWLEY.items()
        if getattr(inquiry, name) == earlier
    }
    if changes:
        update_in(session, INQUIRY, inquiry.id, changes, "Sister City Records")
    return bool(changes)


def _parse_questions(questions: Sequence[QuestionInput]) -> list[dict[str, Any]]:
    if not questions:
        raise ValidationError({"questions": "An inquiry needs at least one question."})
    parsed = []
    for number, question in enumerate(questions, start=1):
        text = str(question.get("text") or "").strip()
        if not text:
            raise ValidationError({"questions": f"Question {number} has no text."})
        topics, problem = parse_value(INQUIRY_TOPICS_FIELD, question.get("topics") or [])
        if problem:
            raise ValidationError({"questions": f"Question {number}: {problem}"})
        parsed.append(
            {
                "position": number,
                "text": text,
                "topics": topics,
                "short_title": str(question.get("short_title") or "").strip()[:100],
            }
        )
    return parsed


def _questions_plain(inquiry: models.Inquiry) -> list[Record]:
    return [
        {
            "id": q.id,
            "position": q.position,
            "text": q.text,
            "topics": q.topics,
            "short_title": q.short_title,
            "topic_labels": [vocab.label(vocab.TOPICS, t) for t in vocab.split_words(q.topics)],
        }
        for q in inquiry.questions
    ]


def inquiry_plain(inquiry: models.Inquiry) -> Record:
    record = to_plain(INQUIRY, inquiry)
    record["builtin_key"] = inquiry.builtin_key
    record["questions"] = _questions_plain(inquiry)
    return record


def create_inquiry_in(
    session: Session, values: Mapping[str, Any], questions: Sequence[QuestionInput], actor: str
) -> models.Inquiry:
    parsed_questions = _parse_questions(questions)
    inquiry: models.Inquiry = create_in(session, INQUIRY, values, actor)
    for question in parsed_questions:
        inquiry.questions.append(models.InquiryQuestion(**question))
    session.flush()
    index_record_in(session, "inquiry", inquiry.id)  # again, now with its questions
    append_event(
        session,
        actor=actor,
        action="set_questions",
        record_kind="inquiry",
        record_id=inquiry.id,
        after={"questions": parsed_questions},
    )
    return inquiry


def create_inquiry(
    db: Database, values: Mapping[str, Any], questions: Sequence[QuestionInput], actor: str | None = None
) -> Record:
    """Enters an inquiry (a state office, a council member, a public-records request) with its questions."""
    with db.writing() as session:
        return inquiry_plain(create_inquiry_in(session, values, questions, actor or current_actor()))


def update_inquiry(
    db: Database,
    inquiry_id: int,
    changes: Mapping[str, Any],
    questions: Sequence[QuestionInput] | None = None,
    actor: str | None = None,
) -> Record:
    """Changes an inquiry's fields and, if given, replaces its questions (only while no response is issued)."""
    actor = actor or current_actor()
    with db.writing() as session:
        inquiry = (
            update_in(session, INQUIRY, inquiry_id, changes, actor) if changes else load(session, INQUIRY, inquiry_id)
        )
        if questions is not None:
            if inquiry.deleted_at:
                raise UserError(f"Inquiry {inquiry_id} is in the trash; restore it before changing its questions.")
            answered = session.execute(
                select(models.Response.id).where(models.Response.inquiry_id == inquiry_id)
            ).first()
            if answered:
                raise UserError("The questions of an inquiry that already has a response cannot be changed.")
            before = {"questions": _questions_plain(inquiry)}
            inquiry.questions.clear()
            session.flush()
            for question in _parse_questions(questions):
                inquiry.questions.append(models.InquiryQuestion(**question))
            session.flush()
            index_record_in(session, "inquiry", inquiry.id)
            append_event(
                session,
                actor=actor,
                action="set_questions",
                record_kind="inquiry",
                record_id=inquiry.id,
                before=before,
                after={"questions": _questions_plain(inquiry)},
            )
        return inquiry_plain(inquiry)


def get_inquiry(db: Database, inquiry_id: int) -> Record:
    with db.reading() as session:
        return inquiry_plain(load(session, INQUIRY, inquiry_id))


def list_inquiries(db: Database, *, in_trash: bool = False) -> list[Record]:
    with db.reading() as session:
        statement = select(models.Inquiry).order_by(models.Inquiry.id)
        statement = statement.where(
            models.Inquiry.deleted_at.is_not(None) if in_trash else models.Inquiry.deleted_at.is_(None)
        )
        return [inquiry_plain(inquiry) for inquiry in session.scalars(statement)]


def builtin_inquiry_id(db: Database) -> int | None:
    with db.reading() as session:
        return session.execute(
            select(models.Inquiry.id).where(models.Inquiry.builtin_key == BLACKBURN_HAWLEY_KEY)
        ).scalar()
