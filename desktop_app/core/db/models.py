"""SQLAlchemy 2 typed models for every record kind; portable between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RecordMixin:
    """Columns every record kind has: id, creation and change times (UTC ISO text), the trash mark, and the version.

    The version starts at 1 and every saved change raises it by one: SQLAlchemy writes each UPDATE as
    ``... WHERE version = <the version read>``, so a change saved over a newer version of the record changes no
    row and is refused (StaleDataError), instead of silently overwriting what another clerk saved.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    deleted_at: Mapped[str | None] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Jurisdiction(RecordMixin, Base):
    """A US city, county or state: the clerk's own (is_home) or one named in the bundled public list."""

    __tablename__ = "jurisdiction"
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2), default="")
    kind: Mapped[str] = mapped_column(String(20), default="city")
    is_home: Mapped[bool] = mapped_column(Boolean, default=False)
    clerk_name: Mapped[str] = mapped_column(String(200), default="")
    clerk_title: Mapped[str] = mapped_column(String(200), default="")
    mayor_name: Mapped[str] = mapped_column(String(200), default="")
    mayor_title: Mapped[str] = mapped_column(String(200), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    postal_address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    logo_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))

    __table_args__ = (Index("ix_jurisdiction_name_state", "name", "state"),)


class Partner(RecordMixin, Base):
    """The foreign community: romanized and native name, region, country, level."""

    __tablename__ = "partner"
    name: Mapped[str] = mapped_column(String(200))
    native_name: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    country_name: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(20), default="city")

    __table_args__ = (Index("ix_partner_name_country", "name", "country_code"),)


class Partnership(RecordMixin, Base):
    """A jurisdiction's tie with a partner, with its kind, status and provenance."""

    __tablename__ = "partnership"
    # No index of its own: the unique pair (jurisdiction_id, partner_id, kind) begins with it (revision 0014).
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="sister_city")
    # No index of its own: ix_partnership_list_status (status, deleted_at, id) begins with it (revision 0014).
    status: Mapped[str] = mapped_column(String(20), default="active")
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    established_year: Mapped[int | None] = mapped_column(Integer)
    council_resolution_number: Mapped[str] = mapped_column(String(100), default="")
    council_resolution_on: Mapped[dt.date | None] = mapped_column(Date)
    recognised_by_sci: Mapped[bool] = mapped_column(Boolean, default=False)
    intermediaries: Mapped[str] = mapped_column(Text, default="")
    counterpart_contacts: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(Text, default="")
    last_reviewed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)

    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="joined")
    partner: Mapped[Partner] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("jurisdiction_id", "partner_id", "kind", name="uq_partnership_pair"),)


class StatusChange(Base):
    """One entry of a partnership's status history; written with every status change."""

    __tablename__ = "status_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    changed_on: Mapped[dt.date] = mapped_column(Date)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    evidence_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    recorded_at: Mapped[str] = mapped_column(String(32))


class Agreement(RecordMixin, Base):
    """A signed instrument of a partnership, with its clause checklist and publication."""

    __tablename__ = "agreement"
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="agreement")
    title: Mapped[str] = mapped_column(String(300))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    signed_at: Mapped[str] = mapped_column(String(200), default="")
    signatories: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    term: Mapped[str] = mapped_column(String(100), default="")
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    languages: Mapped[str] = mapped_column(String(200), default="")
    authoritative_language: Mapped[str] = mapped_column(String(100), default="")
    binding: Mapped[bool] = mapped_column(Boolean, default=False)
    has_termination_clause: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_period: Mapped[str] = mapped_column(String(100), default="")
    political_clause: Mapped[str] = mapped_column(Text, default="")
    restricts_speech: Mapped[bool] = mapped_column(Boolean, default=False)
    restricts_curriculum: Mapped[bool] = mapped_column(Boolean, default=False)
    confidentiality: Mapped[bool] = mapped_column(Boolean, default=False)
    funding_obligations: Mapped[bool] = mapped_column(Boolean, default=False)
    data_sharing: Mapped[bool] = mapped_column(Boolean, default=False)
    clause_notes: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(String(200), default="")
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    public_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Activity(RecordMixin, Base):
    """An exchange, delegation, event or gift under a partnership, with its funding."""

    __tablename__ = "activity"
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    participant_count: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    funding_city_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    funding_nonprofit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    funding_foreign_government_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    funding_private_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    foreign_government_involvement: Mapped[str] = mapped_column(Text, default="")
    gifts_given: Mapped[str] = mapped_column(Text, default="")
    gifts_received: Mapped[str] = mapped_column(Text, default="")
    gifts_value_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")


class Participant(RecordMixin, Base):
    """A person in an activity, for the visa question; the name is optional personal data."""

    __tablename__ = "participant"
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(30), default="delegate")
    nationality: Mapped[str] = mapped_column(String(100), default="")
    visa_category: Mapped[str] = mapped_column(String(30), default="unknown", index=True)
    program_sponsor: Mapped[str] = mapped_column(String(200), default="")
    invitation_letter_issued: Mapped[bool] = mapped_column(Boolean, default=False)
    invitation_letter_on: Mapped[dt.date | None] = mapped_column(Date)
    vetting_steps: Mapped[str] = mapped_column(String(300), default="")


class Policy(RecordMixin, Base):
    """A mechanism the jurisdiction has: ordinance, council policy, code of conduct, procedure, training."""

    __tablename__ = "policy"
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    adopted_on: Mapped[dt.date | None] = mapped_column(Date)
    adopted_by: Mapped[str] = mapped_column(String(200), default="")
    reference_number: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[str] = mapped_column(String(200), default="")


class OversightAction(RecordMixin, Base):
    """A review, assessment, briefing or other oversight done on a partnership or program-wide."""

    __tablename__ = "oversight_action"
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    action_on: Mapped[dt.date] = mapped_column(Date, index=True)
    officer: Mapped[str] = mapped_column(String(200), default="")
    topics: Mapped[str] = mapped_column(String(200), default="")
    finding: Mapped[str] = mapped_column(Text, default="")
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    status: Mapped[str] = mapped_column(String(10), default="closed", index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    follow_up: Mapped[str] = mapped_column(Text, default="")


class Inquiry(RecordMixin, Base):
    """A letter or request asking the jurisdiction questions about its partnerships."""

    __tablename__ = "inquiry"
    builtin_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    from_whom: Mapped[str] = mapped_column(Text, default="")
    to_whom: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    optional_recipients: Mapped[str] = mapped_column(Text, default="")
    salutation: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    questions: Mapped[list[InquiryQuestion]] = relationship(
        order_by="InquiryQuestion.position", cascade="all, delete-orphan", lazy="selectin"
    )


class InquiryQuestion(Base):
    """One question of an inquiry, in order, with the topics its evidence is drawn from."""

    __tablename__ = "inquiry_question"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(String(200), default="")
    short_title: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (UniqueConstraint("inquiry_id", "position", name="uq_inquiry_question_position"),)


class Response(RecordMixin, Base):
    """The jurisdiction's answer to an inquiry: a draft, then issued (frozen) with its PDF's fingerprint."""

    __tablename__ = "response"
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    letter_date: Mapped[dt.date | None] = mapped_column(Date)
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    include_optional_recipients: Mapped[bool] = mapped_column(Boolean, default=False)
    introduction: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    pdf_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"))
    # Space-separated "kind:id" references of evidence the clerk withholds from the letter, and why.
    withheld_evidence: Mapped[str] = mapped_column(Text, default="")
    withheld_reason: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[str | None] = mapped_column(String(32))  # UTC ISO time of issue: the PDF's creation date

    answers: Mapped[list[ResponseAnswer]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ResponseAnswer(Base):
    """A response's answer to one question: the clerk's narrative."""

    __tablename__ = "response_answer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("inquiry_question.id"))
    narrative: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_response_answer_question"),)


class Blob(Base):
    """A distinct file content; its bytes live in chunks. ``sha256`` is set once all chunks are written."""

    __tablename__ = "blob"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    stored_at: Mapped[str] = mapped_column(String(32))


class BlobChunk(Base):
    """One chunk of a blob's bytes, in order."""

    __tablename__ = "blob_chunk"
    blob_id: Mapped[int] = mapped_column(ForeignKey("blob.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(RecordMixin, Base):
    """A stored file: its content's SHA-256, original name (text only, never a path), text state, versions."""

    __tablename__ = "attachment"
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    original_name: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger)
    added_by: Mapped[str] = mapped_column(String(200), default="")
    text_state: Mapped[str] = mapped_column(String(20), default="pending")
    text_note: Mapped[str] = mapped_column(Text, default="")
    page_count: Mapped[int | None] = mapped_column(Integer)
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    is_record: Mapped[bool] = mapped_column(Boolean, default=False)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"), index=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))


class AttachmentLink(Base):
    """Ties an attachment to any record (partnership, agreement, activity, policy, oversight action, response)."""

    __tablename__ = "attachment_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), index=True)
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(30), default="document")
    linked_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_attachment_link_record", "record_kind", "record_id"),
        UniqueConstraint("attachment_id", "record_kind", "record_id", "role", name="uq_attachment_link"),
    )


class AuditEvent(Base):
    """An append-only, hash-chained entry of the audit trail; the database refuses UPDATE and DELETE."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer)
    before_json: Mapped[str] = mapped_column(Text, default="")
    after_json: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "KEYID:HMAC" of the hash with the key of the computer that wrote it; empty for events written before 0009.
    seal: Mapped[str] = mapped_column(String(100), default="", server_default="")

    __table_args__ = (Index("ix_audit_event_record", "record_kind", "record_id"),)


class LawRule(RecordMixin, Base):
    """A state-law rule a clerk added or corrected (shipped rules are files that never change); trashed: withdrawn."""

    __tablename__ = "law_rule"
    rule_id: Mapped[str] = mapped_column(String(64), unique=True)
    supersedes: Mapped[str] = mapped_column(String(64), default="")
    body_json: Mapped[str] = mapped_column(Text)


class TerminationStep(Base):
    """One step of ending a partnership under a state law (resolution, notices, ...), with its date and evidence."""

    __tablename__ = "termination_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(30))
    done_on: Mapped[dt.date] = mapped_column(Date)
    evidence_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[str] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("partnership_id", "rule_id", "step", name="uq_termination_step"),)


class Setting(Base):
    """A program setting kept with the records (e.g. the letterhead choice), as text."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ReceivedPackage(Base):
    """The package of an issued response received from a city, kept as received: its bytes are a stored blob, and
    the database refuses UPDATE and DELETE."""

    __tablename__ = "received_package"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[str] = mapped_column(String(32))
    received_by: Mapped[str] = mapped_column(String(200))
    city_display: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(2))
    response_title: Mapped[str] = mapped_column(Text)
    letter_date: Mapped[dt.date | None] = mapped_column(Date)
    issued_at: Mapped[str | None] = mapped_column(String(32))
    letter_sha256: Mapped[str] = mapped_column(String(64))
    package_sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), unique=True)
    package_size: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(Text)
    response_json: Mapped[str] = mapped_column(Text)  # the package's data/response.json, as received
