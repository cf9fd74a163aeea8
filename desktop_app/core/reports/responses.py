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
from ..records.audit import append_event, event_soundness
from ..records.indexing import index_record_in
from ..records.inquiries import builtin_inquiry_id
from ..records.kinds import INQUIRY, RESPONSE
from ..records.plain import Record, to_plain
from ..records.service import create_in, load, update_in
from . import facts as letter_facts
from . import named_values
from .archival import archival_copy, pdfa_2b_problems
from .document import Letter, replace_texts, texts
from .evidence_topics import bears_on
from .gather import gather, participant_names_in, require_home
from .layout import render_letter
from .named_values import named_values as named_value_descriptions
from .narratives import default_closing, default_introduction
from .pdf_finish import finish_pdf
from .personal_data import name_hits, redact
from .printed import printed_content
from .wording import compose, jurisdiction_display

__all__ = [
    "check_issued",
    "create_draft",
    "evidence",
    "get_response",
    "issue",
    "issue_event",
    "issued_pdf",
    "latest_draft_id",
    "latest_response",
    "letter_in",
    "letter_pdf",
    "list_responses",
    "named_value_descriptions",
    "readiness",
    "recorded_head",
    "render_pdf",
    "response_inquiry",
    "set_answer",
    "set_letter",
    "set_withheld",
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
        }
        for question in inquiry.questions
    ]
    record["withheld_evidence"] = vocab.split_words(response.withheld_evidence)
    record["withheld_reason"] = response.withheld_reason
    record["issued_at"] = response.issued_at
    return record


def response_inquiry(response: models.Response) -> models.Inquiry:
    from sqlalchemy.orm import object_session

    session = object_session(response)
    assert session is not None
    inquiry: models.Inquiry = load(session, INQUIRY, response.inquiry_id)
    return inquiry


def _answers_snapshot(response: models.Response) -> list[dict[str, Any]]:
    return [
        {"question_id": a.question_id, "narrative": a.narrative}
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
        raise UserError("The built-in letter of October 8, 2020 is missing; name an inquiry with --inquiry.")
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
        # The records' answer is written for each question; the narrative is for the clerk's own words.
        response.answers.append(models.ResponseAnswer(question_id=question.id, narrative=""))
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


def set_letter(
    db: Database,
    response_id: int,
    changes: Mapping[str, Any],
    actor: str | None = None,
    *,
    expected_version: int | None = None,
) -> Record:
    """Changes the letter's date, signatory, introduction, closing or optional recipients of a draft.

    With ``expected_version`` the change is saved only over that version of the response: any other raises
    RecordConflict, in the same transaction as the save, and nothing is saved.
    """
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
        actor = actor or current_actor()
        return response_plain(update_in(session, RESPONSE, response_id, changes, actor, expected_version))


def set_answer(db: Database, response_id: int, question_id: int, *, narrative: str, actor: str | None = None) -> Record:
    """Sets a draft's narrative for one question: the clerk's own words, before what the records hold."""
    narrative = named_values.clean_text(narrative)
    named_values.check_text(narrative)
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
            answer = models.ResponseAnswer(question_id=question_id, narrative="")
            response.answers.append(answer)
        answer.narrative = narrative
        session.flush()
        index_record_in(session, "response", response.id)
        _audit_answers(session, response, actor, before=before)
        return response_plain(response)


def _withheld_snapshot(response: models.Response) -> dict[str, Any]:
    return {"withheld_evidence": response.withheld_evidence, "withheld_reason": response.withheld_reason}


def set_withheld(
    db: Database,
    response_id: int,
    *,
    withhold: Iterable[str] = (),
    put_back: Iterable[str] = (),
    reason: str | None = None,
    actor: str | None = None,
) -> Record:
    """Withholds evidence from a draft's letter, or puts it back ("kind:id" as 'evidence' lists it), and/or
    sets the reason the letter gives for what it withholds."""
    adding = {ref.strip() for ref in withhold if ref and ref.strip()}
    removing = {ref.strip() for ref in put_back if ref and ref.strip()}
    actor = actor or current_actor()
    with db.writing() as session:
        response = _load_response(session, response_id)
        _refuse_unless_draft(response)
        if adding:
            offered = {item["ref"] for item in _catalogue(session, response)}
            unknown = sorted(adding - offered)
            if unknown:
                raise UserError(
                    f"{unknown[0]} is not evidence this letter offers; 'evidence {response_id}' lists what is."
                )
        before = _withheld_snapshot(response)
        refs = (set(vocab.split_words(response.withheld_evidence)) | adding) - removing
        response.withheld_evidence = " ".join(sorted(refs, key=_ref_order))
        if reason is not None:
            response.withheld_reason = " ".join(named_values.clean_text(reason).split())
        after = _withheld_snapshot(response)
        if after != before:
            session.flush()
            append_event(
                session,
                actor=actor,
                action="set_withheld",
                record_kind="response",
                record_id=response.id,
                before=before,
                after=after,
            )
        return response_plain(response)


def _ref_order(ref: str) -> tuple[str, int]:
    kind, _, number = ref.partition(":")
    return kind, int(number) if number.isdigit() else 0


def _catalogue(session: Session, response: models.Response) -> list[dict[str, Any]]:
    """Every piece of evidence the letter offers, withheld or not, in appendix order."""
    gathered = gather(session, response, response.issued_on or today())
    withheld = gathered.withheld
    gathered.withheld = frozenset()  # the catalogue offers everything, withheld or not
    everything = letter_facts.build(session, gathered)
    found: list[dict[str, Any]] = []
    catalogues = (
        everything.partnerships,
        everything.agreements,
        everything.activities,
        everything.oversight,
        everything.policies,
    )
    for catalogue in catalogues:
        for item in catalogue.items:
            found.append(
                {
                    "ref": item.ref,
                    "appendix": catalogue.letter,
                    "section": catalogue.what.capitalize(),
                    "description": item.description,
                    "excluded": item.ref in withheld,
                    "topics": sorted(item.topics),
                    "attachment_ids": list(item.attachment_ids),
                }
            )
    if everything.participants:
        found.append(
            {
                "ref": "counts:participants",
                "appendix": "F",
                "section": "Participants",
                "description": f"Counts of the {everything.participants_total} participants by visa category, "
                "sponsor and vetting step",
                "excluded": "counts:participants" in withheld,
                "topics": ["visa_programs"],
                "attachment_ids": [],
            }
        )
    for _, attachment_id, concerns in everything.enclosures:
        row = everything.gathered.attachments[attachment_id]
        ref = f"attachment:{attachment_id}"
        found.append(
            {
                "ref": ref,
                "appendix": "G",
                "section": "Enclosed documents",
                "description": f"{row.title} (concerns {concerns})",
                "excluded": ref in withheld,
                "topics": [],
                "attachment_ids": [attachment_id],
            }
        )
    return found


def evidence(db: Database, response_id: int) -> list[dict[str, Any]]:
    """Per question, the evidence its answer draws on ("kind:id" refs), each marked withheld or not.

    What is withheld is withheld from the whole letter: the same item under two questions is one item.
    """
    with db.reading() as session:
        response = _load_response(session, response_id)
        catalogue = _catalogue(session, response)
        inquiry = response_inquiry(response)
        result: list[dict[str, Any]] = []
        for question in inquiry.questions:
            topics = set(vocab.split_words(question.topics))
            items = [item for item in catalogue if bears_on(item["appendix"], item["topics"], topics)]
            result.append({"question_id": question.id, "position": question.position, "items": items})
        return result


def letter_evidence(db: Database, response_id: int) -> list[dict[str, Any]]:
    """Every piece of evidence the letter offers, in appendix order, each marked withheld or not."""
    with db.reading() as session:
        return _catalogue(session, _load_response(session, response_id))


# ----- the PDF, issuing, superseding, checking ------------------------------------------------------------------


def _created(response: models.Response) -> dt.datetime | None:
    if not response.issued_at:
        return None
    return dt.datetime.fromisoformat(response.issued_at.replace("Z", "+00:00"))


def letter_in(session: Session, response: models.Response, on: dt.date) -> tuple[Letter, letter_facts.Facts]:
    """The response's letter made from the records as they are now, as of a date, and the facts it rests on."""
    gathered = gather(session, response, on)
    facts = letter_facts.build(session, gathered)
    # A draft is dated by its letter date, so that the same records and date still give the same bytes.
    created = _created(response) or dt.datetime.combine(gathered.letter_date, dt.time(0), tzinfo=dt.UTC)
    letter = compose(facts, created)
    if response.issued_on is not None:
        # An issued letter never prints a participant's name: it was checked, or redacted, when it was issued.
        names = participant_names_in(session)
        if names:
            letter = replace_texts(letter, lambda text: redact(text, names)[0])
    return letter, facts


def letter_pdf(letter: Letter, audit_head: tuple[int, str] | None = None) -> bytes:
    """The letter's PDF; an issued one names in its keywords the audit trail's last event when it was issued, so
    the letter itself anchors the trail: anyone holding it can ask whether that event is still the same."""
    keywords = "sister-city partnerships; oversight inquiry response"
    if audit_head is not None:
        keywords += f"; audit trail at issue: event {audit_head[0]}, SHA-256 {audit_head[1]}"
    return finish_pdf(
        render_letter(letter),
        title=letter.title,
        author=letter.letterhead_title,
        subject=letter.subject,
        keywords=keywords,
        created=letter.created,
    )


def _render_in(session: Session, response: models.Response, on: dt.date) -> bytes:
    """The letter from the records as they are now; an issued one with the audit head it was issued with."""
    head = recorded_head(issue_event(session, response.id)[0]) if response.status != "draft" else None
    return letter_pdf(letter_in(session, response, on)[0], head)


def _trail_head(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(models.AuditEvent.seq, models.AuditEvent.hash).order_by(models.AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row is not None else None


def recorded_head(after: dict[str, Any] | None) -> tuple[int, str] | None:
    """The audit trail's last event when the letter was issued, as its issue event recorded it."""
    head = after.get("audit_head") if after else None
    if isinstance(head, dict) and isinstance(head.get("seq"), int) and isinstance(head.get("hash"), str):
        return head["seq"], head["hash"]
    return None


def render_pdf(db: Database, response_id: int) -> bytes:
    """The response's letter as PDF bytes, from the records as they are now (a draft is marked as such)."""
    with db.reading() as session:
        response = _load_response(session, response_id)
        return _render_in(session, response, response.issued_on or today())


def _document_hits(session: Session, attachment_ids: Iterable[int], names: list[str]) -> list[dict[str, str]]:
    if not names:
        return []
    hits: list[dict[str, str]] = []
    rows = session.execute(
        select(
            models.Attachment.id,
            models.Attachment.title,
            models.Attachment.original_name,
            models.Attachment.extracted_text,
        )
        .where(models.Attachment.id.in_(list(attachment_ids)))
        .order_by(models.Attachment.id)
    )
    for attachment_id, title, file_name, text in rows:
        found = name_hits([(f"the enclosed document {title or file_name}", text or "")], names)
        if found:
            hits.append({"ref": f"attachment:{attachment_id}", "where": found[0].where, "excerpt": found[0].excerpt})
    return hits


def _readiness_in(session: Session, response: models.Response) -> dict[str, Any]:
    letter, facts = letter_in(session, response, response.letter_date or today())
    names = participant_names_in(session)
    in_letter = name_hits(texts(letter), names) if names else []
    home = facts.gathered.home
    signatory = response.signatory_name.strip() or home.signatory_name.strip() or home.clerk_name.strip()
    return {
        "unconfirmed": len(facts.unconfirmed),
        "withheld": len(facts.withheld),
        "reason_missing": bool(facts.withheld) and not response.withheld_reason.strip(),
        "signatory_missing": not signatory,
        "name_hits": [{"where": hit.where, "excerpt": hit.excerpt} for hit in in_letter],
        "document_hits": _document_hits(session, [a for _, a, _ in facts.enclosures], names),
        "warnings": [w for answer in letter.answers for w in answer.warnings] + list(letter.other_warnings),
    }


def readiness(db: Database, response_id: int) -> dict[str, Any]:
    """What stands in the way of issuing a draft, and what the letter flags, for the window and the command line."""
    with db.reading() as session:
        return _readiness_in(session, _load_response(session, response_id))


def issue(
    db: Database,
    response_id: int,
    actor: str | None = None,
    *,
    acknowledge_unconfirmed: bool = False,
    redact_names: bool = False,
) -> Record:
    """Freezes a draft: its PDF is stored with its SHA-256, and a PDF/A-2b archival copy beside it.

    Refused, with a sentence saying what to do, while the letter withholds evidence without a reason, states
    unconfirmed partnerships without the clerk's acknowledgment, or prints a participant's name (unless the clerk
    asks for names to be redacted); both the acknowledgment and any redaction are recorded in the audit trail.
    """
    actor = actor or current_actor()
    with db.writing() as session:
        response = _load_response(session, response_id)
        _refuse_unless_draft(response)
        home = require_home(session)
        ready = _readiness_in(session, response)
        if ready["signatory_missing"]:
            raise UserError(
                "Say who signs the letter before issuing it: give the signatory's name and title "
                '(respond --signatory-name "NAME" --signatory-title "TITLE").'
            )
        if ready["reason_missing"]:
            raise UserError(
                f"The letter withholds {ready['withheld']} item(s) of evidence; give the reason it states before "
                f'issuing it (withhold {response_id} --reason "REASON").'
            )
        if ready["unconfirmed"] and not acknowledge_unconfirmed:
            raise UserError(
                f"{ready['unconfirmed']} partnership(s) in this letter come from a public list and are unconfirmed; "
                "confirm them in the records, or issue with --acknowledge-unconfirmed to send the letter saying so."
            )
        if ready["document_hits"]:
            hit = ready["document_hits"][0]
            raise UserError(
                f"{hit['where'][0].upper()}{hit['where'][1:]} names a recorded participant (“{hit['excerpt']}”); "
                f"withhold it from the letter (withhold {response_id} {hit['ref']}) before issuing."
            )
        if ready["name_hits"] and not redact_names:
            hit = ready["name_hits"][0]
            more = len(ready["name_hits"]) - 1
            also = f", and {more} more place(s)" if more else ""
            raise UserError(
                f"The letter names a recorded participant in {hit['where']} (“{hit['excerpt']}”){also}; edit the "
                "text, or issue with --redact-names to print [name withheld] in its place."
            )
        before = to_plain(RESPONSE, response)
        issued_on = today()
        if response.letter_date is None:
            response.letter_date = issued_on
        response.status = "issued"
        response.issued_on = issued_on
        response.issued_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        session.flush()
        letter, facts = letter_in(session, response, issued_on)
        audit_head = _trail_head(session)
        data = letter_pdf(letter, audit_head)
        created = _created(response)
        assert created is not None  # set just above
        archival = archival_copy(
            data, title=letter.title, author=letter.letterhead_title, subject=letter.subject, created=created
        )
        problems = pdfa_2b_problems(archival)
        if problems:
            raise UserError(f"The archival copy of the letter could not be made: {problems[0]}")
        stem = f"response-{response.id}-{response.letter_date.isoformat()}"
        title = f"Response of {jurisdiction_display(home)} of {response.letter_date.isoformat()}"
        attachment = _store_pdf(session, data, f"{stem}.pdf", title, actor, response.id, "issued_letter")
        archive = _store_pdf(
            session,
            archival,
            f"{stem}-archival-PDF-A-2b.pdf",
            f"{title} (archival copy, PDF/A-2b)",
            actor,
            response.id,
            "archival_copy",
        )
        response.pdf_attachment_id = attachment.id
        response.pdf_sha256 = attachment.sha256
        session.flush()
        superseded = _mark_superseded(session, response, actor)
        append_event(
            session,
            actor=actor,
            action="issue",
            record_kind="response",
            record_id=response.id,
            before=before,
            after={
                **to_plain(RESPONSE, response),
                "archival_sha256": archive.sha256,
                "acknowledged_unconfirmed": ready["unconfirmed"] if acknowledge_unconfirmed else 0,
                "redacted": [hit["where"] for hit in ready["name_hits"]],
                "supersedes": superseded,
                "audit_head": {"seq": audit_head[0], "hash": audit_head[1]} if audit_head else None,
                "printed": printed_content(session, letter, facts),
            },
        )
        return response_plain(response)


def _store_pdf(
    session: Session, data: bytes, name: str, title: str, actor: str, response_id: int, role: str
) -> models.Attachment:
    sha256, size = store_bytes(session, data)
    attachment = add_attachment_in(
        session, sha256=sha256, size=size, original_name=name, title=title, media_type="application/pdf", actor=actor
    )
    attachment.is_record = True
    link_in(session, attachment.id, "response", response_id, actor, role=role)
    read_text_in(session, attachment.id)
    return attachment


def _mark_superseded(session: Session, response: models.Response, actor: str) -> int | None:
    """Once the new letter is issued, the one it supersedes is marked superseded, in the same transaction."""
    if response.supersedes_id is None:
        return None
    old = session.get(models.Response, response.supersedes_id)
    if old is None or old.status != "issued":
        return None
    before = to_plain(RESPONSE, old)
    old.status = "superseded"
    session.flush()
    append_event(
        session,
        actor=actor,
        action="supersede",
        record_kind="response",
        record_id=old.id,
        before=before,
        after={**to_plain(RESPONSE, old), "superseded_by": response.id},
    )
    return old.id


def supersede(db: Database, response_id: int, actor: str | None = None) -> Record:
    """A new draft copying an issued response's letter, answers and what it withholds.

    The issued letter stays issued, and is marked superseded only when the new one is issued.
    """
    actor = actor or current_actor()
    with db.writing() as session:
        old = _load_response(session, response_id)
        if old.status != "issued":
            raise UserError(f"Only an issued response can be superseded; response {response_id} is {old.status}.")
        pending = session.scalars(
            select(models.Response.id).where(
                models.Response.supersedes_id == old.id,
                models.Response.status == "draft",
                models.Response.deleted_at.is_(None),
            )
        ).first()
        if pending is not None:
            raise UserError(f"Draft response {pending} already supersedes response {response_id}; continue that one.")
        new = create_draft_in(session, old.inquiry_id, actor)
        for name in ("signatory_name", "signatory_title", "include_optional_recipients", "introduction", "closing"):
            setattr(new, name, getattr(old, name))
        new.supersedes_id = old.id
        new.withheld_evidence = old.withheld_evidence
        new.withheld_reason = old.withheld_reason
        copied = {a.question_id: a for a in old.answers}
        for answer in new.answers:
            if answer.question_id in copied:
                answer.narrative = copied[answer.question_id].narrative
        session.flush()
        index_record_in(session, "response", new.id)
        _audit_answers(
            session,
            new,
            actor,
            extra={"supersedes_id": old.id, **to_plain(RESPONSE, new), **_withheld_snapshot(new)},
        )
        return response_plain(new)


def check_issued(db: Database, response_id: int) -> dict[str, Any]:
    """Regenerates an issued response and compares it, and the stored PDF, with the fingerprint the audit trail
    recorded when it was issued; says too whether the response's own copy of that fingerprint still matches it.

    ``audit_sha256`` is None when the audit trail holds no issue of the response; the letters are then compared
    with the response's own copy.
    """
    with db.reading() as session:
        response = _load_response(session, response_id)
        issue_after, issue_seq = issue_event(session, response.id)
        audit_sha256 = _fingerprint_of(issue_after)
        head = recorded_head(issue_after)
        if audit_sha256 is None and (response.status == "draft" or not response.pdf_sha256):
            raise UserError(f"Response {response_id} is a draft; only an issued response has a fingerprint to check.")
        expected = audit_sha256 or response.pdf_sha256
        on = response.issued_on or response.letter_date or today()
        regenerated = letter_pdf(letter_in(session, response, on)[0], head)
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
            "audit_sound": event_soundness(session, issue_seq) if issue_seq is not None else None,
            "audit_head": list(head) if head else None,
            "head_intact": _head_intact(session, head),
        }


def issue_event(session: Session, response_id: int) -> tuple[dict[str, Any] | None, int | None]:
    """What the audit trail recorded at the response's latest issue event (None when there is none), and its
    number."""
    import json

    row = session.execute(
        select(models.AuditEvent.after_json, models.AuditEvent.seq)
        .where(
            models.AuditEvent.record_kind == "response",
            models.AuditEvent.record_id == response_id,
            models.AuditEvent.action == "issue",
        )
        .order_by(models.AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, None
    try:
        after = json.loads(row.after_json) if row.after_json else None
    except ValueError:
        after = None
    return (after if isinstance(after, dict) else {}), row.seq


def _fingerprint_of(after: dict[str, Any] | None) -> str | None:
    """The letter's fingerprint as the issue event recorded it."""
    fingerprint = after.get("pdf_sha256") if after else None
    return fingerprint if isinstance(fingerprint, str) and fingerprint else None


def _head_intact(session: Session, head: tuple[int, str] | None) -> bool | None:
    """Whether the audit event the letter names as the trail's head at issue is still the same (None: none named)."""
    if head is None:
        return None
    found = session.execute(select(models.AuditEvent.hash).where(models.AuditEvent.seq == head[0])).scalar()
    return found == head[1]
