"""Use cases of a response: draft, edit answers, list evidence, render, issue, supersede, check; plain data out."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocab
from ..clock import current_actor, today
from ..db import models
from ..db.engine import Database
from ..errors import UserError
from ..files.attachments import read_text_in
from ..files.store import add_attachment_in, content_sha256, iter_content, link_in, store_bytes
from ..records.audit import append_event
from ..records.indexing import index_record_in
from ..records.inquiries import builtin_inquiry_id
from ..records.kinds import INQUIRY, RESPONSE
from ..records.plain import Record, to_plain
from ..records.service import create_in, load, update_in
from . import named_values
from .content import evidence_catalogue, gather_letter, jurisdiction_display, require_home
from .letter import render_letter
from .named_values import named_values as named_value_descriptions
from .narratives import default_closing, default_introduction, default_narrative

__all__ = [
    "check_issued",
    "create_draft",
    "evidence",
    "get_response",
    "issue",
    "issued_pdf",
    "latest_draft_id",
    "latest_response",
    "list_responses",
    "named_value_descriptions",
    "render_pdf",
    "set_answer",
    "set_letter",
    "supersede",
]

LETTER_FIELDS = (
    "letter_date",
    "signatory_name",
    "signatory_title",
    "include_optional_recipients",
    "introduction",
    "closing",
)


# ----- plain data ------------------------------------------------------------------------------------------------


def response_plain(response: models.Response) -> Record:
    """A response with its answers, in question order, as plain data."""
    record = to_plain(RESPONSE, response)
    inquiry = response_inquiry(response)
    stored = {answer.question_id: answer for answer in response.answers}
    record["answers"] = [
        {
            "question_id": question.id,
            "position": question.position,
            "short_title": question.short_title,
            "question": question.text,
            "topics": vocab.split_words(question.topics),
            "narrative": stored[question.id].narrative if question.id in stored else "",
            "excluded_evidence": vocab.split_words(stored[question.id].excluded_evidence)
            if question.id in stored
            else [],
        }
        for question in inquiry.questions
    ]
    return record


def response_inquiry(response: models.Response) -> models.Inquiry:
    from sqlalchemy.orm import object_session

    session = object_session(response)
    assert session is not None
    inquiry: models.Inquiry = load(session, INQUIRY, response.inquiry_id)
    return inquiry


def _answers_snapshot(response: models.Response) -> list[dict[str, Any]]:
    return [
        {"question_id": a.question_id, "narrative": a.narrative, "excluded_evidence": a.excluded_evidence}
        for a in sorted(response.answers, key=lambda a: a.question_id)
    ]


def _load_response(session: Session, response_id: int) -> models.Response:
    response: models.Response = load(session, RESPONSE, response_id)
    if response.deleted_at:
        raise UserError(f"Response {response_id} is in the trash; restore it first.")
    return response


def _refuse_unless_draft(response: models.Response) -> None:
    if response.status != "draft":
        raise UserError(
            f"Response {response.id} has been {response.status} and can no longer be changed; "
            "start a new draft that supersedes it."
        )


# ----- drafts ----------------------------------------------------------------------------------------------------


def _resolve_inquiry(db: Database, inquiry_id: int | None) -> int:
    if inquiry_id is not None:
        return inquiry_id
    builtin = builtin_inquiry_id(db)
    if builtin is None:
        raise UserError("The built-in letter of 8 October 2020 is missing; name an inquiry with --inquiry.")
    return builtin


def _audit_answers(
    session: Session,
    response: models.Response,
    actor: str,
    *,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """The audit event of a response's answers; nothing when an edit left them as they were."""
    after = {**(extra or {}), "answers": _answers_snapshot(response)}
    if before is not None and after == before:
        return
    append_event(
        session,
        actor=actor,
        action="set_answers",
        record_kind="response",
        record_id=response.id,
        before=before,
        after=after,
    )


def create_draft_in(session: Session, inquiry_id: int, actor: str) -> models.Response:
    require_home(session)
    inquiry: models.Inquiry = load(session, INQUIRY, inquiry_id)
    if inquiry.deleted_at:
        raise UserError(f"Inquiry {inquiry_id} is in the trash; restore it before answering it.")
    response: models.Response = create_in(
        session,
        RESPONSE,
        {"inquiry_id": inquiry_id, "introduction": default_introduction(), "closing": default_closing()},
        actor,
    )
    for question in inquiry.questions:
        response.answers.append(
            models.ResponseAnswer(
                question_id=question.id, narrative=default_narrative(inquiry.builtin_key, question.position)
            )
        )
    session.flush()
    index_record_in(session, "response", response.id)  # again, now with its narratives
    _audit_answers(session, response, actor)
    return response


def create_draft(db: Database, inquiry_id: int | None = None, actor: str | None = None) -> Record:
    """A new draft response to an inquiry (the 2020 letter by default), with default narratives filled in."""
    target = _resolve_inquiry(db, inquiry_id)
    with db.writing() as session:
        return response_plain(create_draft_in(session, target, actor or current_actor()))


def latest_draft_id(db: Database, inquiry_id: int | None = None) -> int | None:
    """The most recent draft response to an inquiry, if any."""
    target = _resolve_inquiry(db, inquiry_id)
    with db.reading() as session:
        found: int | None = session.execute(
            select(models.Response.id)
            .where(
                models.Response.inquiry_id == target,
                models.Response.status == "draft",
                models.Response.deleted_at.is_(None),
            )
            .order_by(models.Response.id.desc())
            .limit(1)
        ).scalar()
        return found


def latest_response(db: Database, inquiry_id: int | None = None) -> Record | None:
    """The most recent response to an inquiry that is not superseded (a draft or the issued letter), if any."""
    target = _resolve_inquiry(db, inquiry_id)
    with db.reading() as session:
        found = session.scalars(
            select(models.Response)
            .where(
                models.Response.inquiry_id == target,
                models.Response.status != "superseded",
                models.Response.deleted_at.is_(None),
            )
            .order_by(models.Response.id.desc())
            .limit(1)
        ).first()
        return to_plain(RESPONSE, found) if found is not None else None


def issued_pdf(db: Database, response_id: int) -> bytes:
    """The stored PDF of an issued response, checked against its fingerprint."""
    with db.reading() as session:
        response = _load_response(session, response_id)
        if not response.pdf_sha256:
            raise UserError(f"Response {response_id} is a draft and has no issued letter yet.")
        expected = response.pdf_sha256
        data = b"".join(iter_content(session, expected))
    if hashlib.sha256(data).hexdigest() != expected:
        raise UserError(
            f"The stored letter of response {response_id} no longer matches its fingerprint; run 'verify' "
            "and restore a backup."
        )
    return data


def get_response(db: Database, response_id: int) -> Record:
    with db.reading() as session:
        return response_plain(load(session, RESPONSE, response_id))


def list_responses(db: Database, inquiry_id: int | None = None) -> list[Record]:
    with db.reading() as session:
        statement = select(models.Response).where(models.Response.deleted_at.is_(None)).order_by(models.Response.id)
        if inquiry_id is not None:
            statement = statement.where(models.Response.inquiry_id == inquiry_id)
        return [to_plain(RESPONSE, response) for response in session.scalars(statement)]


def set_letter(db: Database, response_id: int, changes: Mapping[str, Any], actor: str | None = None) -> Record:
    """Changes the letter's date, signatory, introduction, closing or optional recipients of a draft."""
    unknown = [name for name in changes if name not in LETTER_FIELDS]
    if unknown:
        raise UserError(f"A response has no setting {unknown[0]!r}; the settings are: {', '.join(LETTER_FIELDS)}.")
    changes = dict(changes)
    for name in ("introduction", "closing", "signatory_name", "signatory_title"):
        if name in changes and changes[name] is not None:
            changes[name] = named_values.clean_text(str(changes[name]))
    for name in ("introduction", "closing"):
        if name in changes and changes[name] is not None:
            named_values.check_text(changes[name])
    with db.writing() as session:
        response = _load_response(session, response_id)
        _refuse_unless_draft(response)
        return response_plain(update_in(session, RESPONSE, response_id, changes, actor or current_actor()))


def set_answer(
    db: Database,
    response_id: int,
    question_id: int,
    *,
    narrative: str | None = None,
    excluded_evidence: Iterable[str] | None = None,
    actor: str | None = None,
) -> Record:
    """Sets a draft's narrative for one question and/or the evidence left out ("kind:id" references)."""
    if narrative is not None:
        narrative = named_values.clean_text(narrative)
        named_values.check_text(narrative)
    refs: list[str] | None = None
    if excluded_evidence is not None:
        refs = sorted({ref.strip() for ref in excluded_evidence if ref and ref.strip()})
        bad = [ref for ref in refs if ":" not in ref or any(c.isspace() for c in ref)]
        if bad:
            raise UserError(f"{bad[0]!r} is not a reference to evidence; references look like policy:3.")
    actor = actor or current_actor()
    with db.writing() as session:
        response = _load_response(session, response_id)
        _refuse_unless_draft(response)
        inquiry = response_inquiry(response)
        if question_id not in {question.id for question in inquiry.questions}:
            raise UserError(f"Question {question_id} is not a question of the inquiry this response answers.")
        before = {"answers": _answers_snapshot(response)}
        answer = next((a for a in response.answers if a.question_id == question_id), None)
        if answer is None:
            answer = models.ResponseAnswer(question_id=question_id, narrative="", excluded_evidence="")
            response.answers.append(answer)
        if narrative is not None:
            answer.narrative = narrative
        if refs is not None:
            answer.excluded_evidence = " ".join(refs)
        session.flush()
        if narrative is not None:
            index_record_in(session, "response", response.id)
        _audit_answers(session, response, actor, before=before)
        return response_plain(response)


def evidence(db: Database, response_id: int) -> list[dict[str, Any]]:
    """Per question, the evidence available with a stable "kind:id" ref, a description and whether it is left out."""
    with db.reading() as session:
        return evidence_catalogue(session, _load_response(session, response_id))


# ----- the PDF, issuing, superseding, checking ------------------------------------------------------------------


def _render_in(session: Session, response: models.Response, on: dt.date) -> bytes:
    return render_letter(gather_letter(session, response, on))


def render_pdf(db: Database, response_id: int) -> bytes:
    """The response's letter as PDF bytes, from the records as they are now (a draft is marked as such)."""
    with db.reading() as session:
        return _render_in(session, _load_response(session, response_id), today())


def issue(db: Database, response_id: int, actor: str | None = None) -> Record:
    """Freezes a draft: its PDF is stored as an attachment with its SHA-256 and the response becomes issued."""
    actor = actor or current_actor()
    with db.writing() as session:
        response = _load_response(session, response_id)
        _refuse_unless_draft(response)
        home = require_home(session)
        if not (response.signatory_name.strip() or home.signatory_name.strip() or home.clerk_name.strip()):
            raise UserError(
                "Say who signs the letter before issuing it: give the signatory's name and title "
                '(respond --signatory-name "NAME" --signatory-title "TITLE").'
            )
        before = to_plain(RESPONSE, response)
        issued_on = today()
        if response.letter_date is None:
            response.letter_date = issued_on
        response.status = "issued"
        response.issued_on = issued_on
        session.flush()
        data = _render_in(session, response, issued_on)
        sha256, size = store_bytes(session, data)
        name = f"response-{response.id}-{response.letter_date.isoformat()}.pdf"
        attachment = add_attachment_in(
            session,
            sha256=sha256,
            size=size,
            original_name=name,
            title=f"Response of {jurisdiction_display(home)} of {response.letter_date.isoformat()}",
            media_type="application/pdf",
            actor=actor,
        )
        attachment.is_record = True
        link_in(session, attachment.id, "response", response.id, actor, role="issued_letter")
        read_text_in(session, attachment.id)
        response.pdf_attachment_id = attachment.id
        response.pdf_sha256 = sha256
        session.flush()
        append_event(
            session,
            actor=actor,
            action="issue",
            record_kind="response",
            record_id=response.id,
            before=before,
            after=to_plain(RESPONSE, response),
        )
        return response_plain(response)


def supersede(db: Database, response_id: int, actor: str | None = None) -> Record:
    """A new draft copying an issued response's letter and answers; the old one is marked superseded."""
    actor = actor or current_actor()
    with db.writing() as session:
        old = _load_response(session, response_id)
        if old.status != "issued":
            raise UserError(f"Only an issued response can be superseded; response {response_id} is {old.status}.")
        before = to_plain(RESPONSE, old)
        new = create_draft_in(session, old.inquiry_id, actor)
        for name in ("signatory_name", "signatory_title", "include_optional_recipients", "introduction", "closing"):
            setattr(new, name, getattr(old, name))
        new.supersedes_id = old.id
        copied = {a.question_id: a for a in old.answers}
        for answer in new.answers:
            if answer.question_id in copied:
                answer.narrative = copied[answer.question_id].narrative
                answer.excluded_evidence = copied[answer.question_id].excluded_evidence
        old.status = "superseded"
        session.flush()
        index_record_in(session, "response", new.id)
        append_event(
            session,
            actor=actor,
            action="supersede",
            record_kind="response",
            record_id=old.id,
            before=before,
            after={**to_plain(RESPONSE, old), "superseded_by": new.id},
        )
        _audit_answers(session, new, actor, extra={"supersedes_id": old.id, **to_plain(RESPONSE, new)})
        return response_plain(new)


def check_issued(db: Database, response_id: int) -> dict[str, Any]:
    """Regenerates an issued response and compares it, and the stored PDF, with the fingerprint the audit trail
    recorded when it was issued; says too whether the response's own copy of that fingerprint still matches it.

    ``audit_sha256`` is None when the audit trail holds no issue of the response; the letters are then compared
    with the response's own copy.
    """
    with db.reading() as session:
        response = _load_response(session, response_id)
        audit_sha256 = _issued_fingerprint(session, response.id)
        if audit_sha256 is None and (response.status == "draft" or not response.pdf_sha256):
            raise UserError(f"Response {response_id} is a draft; only an issued response has a fingerprint to check.")
        expected = audit_sha256 or response.pdf_sha256
        on = response.issued_on or response.letter_date or today()
        regenerated = _render_in(session, response, on)
        regenerated_sha256 = hashlib.sha256(regenerated).hexdigest()
        try:
            stored_sha256 = content_sha256(session, response.pdf_sha256)
        except UserError:
            stored_sha256 = ""  # the letter the response names is not stored
        return {
            "response_id": response.id,
            "status": response.status,
            "pdf_sha256": response.pdf_sha256,
            "audit_sha256": audit_sha256,
            "matches_audit": audit_sha256 is not None and response.pdf_sha256 == audit_sha256,
            "stored_sha256": stored_sha256,
            "stored_intact": stored_sha256 == expected,
            "regenerated_sha256": regenerated_sha256,
            "regenerated_matches": regenerated_sha256 == expected,
        }


def _issued_fingerprint(session: Session, response_id: int) -> str | None:
    """The fingerprint of the letter as the audit trail recorded it at the response's latest issue event, if any."""
    import json

    after_json = session.execute(
        select(models.AuditEvent.after_json)
        .where(
            models.AuditEvent.record_kind == "response",
            models.AuditEvent.record_id == response_id,
            models.AuditEvent.action == "issue",
        )
        .order_by(models.AuditEvent.seq.desc())
        .limit(1)
    ).scalar()
    after = json.loads(after_json) if after_json else None
    fingerprint = after.get("pdf_sha256") if isinstance(after, dict) else None
    return fingerprint if isinstance(fingerprint, str) and fingerprint else None
