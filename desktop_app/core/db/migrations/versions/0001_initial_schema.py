"""Initial schema: every record kind, attachments in chunks, and the append-only audit trail.

Revision ID: 0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("before_json", sa.Text(), nullable=False),
        sa.Column("after_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_record", ["record_kind", "record_id"], unique=False)

    op.create_table(
        "blob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blob")),
        sa.UniqueConstraint("sha256", name=op.f("uq_blob_sha256")),
    )
    op.create_table(
        "inquiry",
        sa.Column("builtin_key", sa.String(length=60), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("from_whom", sa.Text(), nullable=False),
        sa.Column("to_whom", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("optional_recipients", sa.Text(), nullable=False),
        sa.Column("salutation", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry")),
        sa.UniqueConstraint("builtin_key", name=op.f("uq_inquiry_builtin_key")),
    )
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiry_deleted_at"), ["deleted_at"], unique=False)

    op.create_table(
        "partner",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("native_name", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("country_name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_partner_name_country", ["name", "country_code"], unique=False)

    op.create_table(
        "policy",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("adopted_by", sa.String(length=200), nullable=False),
        sa.Column("reference_number", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy")),
    )
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_deleted_at"), ["deleted_at"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "attachment",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("text_state", sa.String(length=20), nullable=False),
        sa.Column("text_note", sa.Text(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("extracted_text", sa.Text(), nullable=False),
        sa.Column("is_record", sa.Boolean(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["sha256"], ["blob.sha256"], name=op.f("fk_attachment_sha256_blob")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["attachment.id"], name=op.f("fk_attachment_superseded_by_id_attachment")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["attachment.id"], name=op.f("fk_attachment_supersedes_id_attachment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_supersedes_id"), ["supersedes_id"], unique=False)

    op.create_table(
        "blob_chunk",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["blob_id"], ["blob.id"], name=op.f("fk_blob_chunk_blob_id_blob")),
        sa.PrimaryKeyConstraint("blob_id", "seq", name=op.f("pk_blob_chunk")),
    )
    op.create_table(
        "inquiry_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("short_title", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"], name=op.f("fk_inquiry_question_inquiry_id_inquiry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_question")),
        sa.UniqueConstraint("inquiry_id", "position", name="uq_inquiry_question_position"),
    )
    with op.batch_alter_table("inquiry_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiry_question_inquiry_id"), ["inquiry_id"], unique=False)

    op.create_table(
        "attachment_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("linked_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"], ["attachment.id"], name=op.f("fk_attachment_link_attachment_id_attachment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_link")),
        sa.UniqueConstraint("attachment_id", "record_kind", "record_id", "role", name="uq_attachment_link"),
    )
    with op.batch_alter_table("attachment_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_link_attachment_id"), ["attachment_id"], unique=False)
        batch_op.create_index("ix_attachment_link_record", ["record_kind", "record_id"], unique=False)

    op.create_table(
        "jurisdiction",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("is_home", sa.Boolean(), nullable=False),
        sa.Column("clerk_name", sa.String(length=200), nullable=False),
        sa.Column("clerk_title", sa.String(length=200), nullable=False),
        sa.Column("mayor_name", sa.String(length=200), nullable=False),
        sa.Column("mayor_title", sa.String(length=200), nullable=False),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_title", sa.String(length=200), nullable=False),
        sa.Column("postal_address", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("logo_attachment_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["logo_attachment_id"],
            ["attachment.id"],
            name=op.f("fk_jurisdiction_logo_attachment_id_attachment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdiction")),
    )
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jurisdiction_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index("ix_jurisdiction_name_state", ["name", "state"], unique=False)

    op.create_table(
        "response",
        sa.Column("inquiry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_title", sa.String(length=200), nullable=False),
        sa.Column("include_optional_recipients", sa.Boolean(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("closing", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("pdf_attachment_id", sa.Integer(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["inquiry_id"], ["inquiry.id"], name=op.f("fk_response_inquiry_id_inquiry")),
        sa.ForeignKeyConstraint(
            ["pdf_attachment_id"], ["attachment.id"], name=op.f("fk_response_pdf_attachment_id_attachment")
        ),
        sa.ForeignKeyConstraint(["supersedes_id"], ["response.id"], name=op.f("fk_response_supersedes_id_response")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_inquiry_id"), ["inquiry_id"], unique=False)

    op.create_table(
        "partnership",
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("established_year", sa.Integer(), nullable=True),
        sa.Column("council_resolution_number", sa.String(length=100), nullable=False),
        sa.Column("council_resolution_on", sa.Date(), nullable=True),
        sa.Column("recognised_by_sci", sa.Boolean(), nullable=False),
        sa.Column("intermediaries", sa.Text(), nullable=False),
        sa.Column("counterpart_contacts", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["jurisdiction_id"], ["jurisdiction.id"], name=op.f("fk_partnership_jurisdiction_id_jurisdiction")
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_partnership_partner_id_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
        sa.UniqueConstraint("jurisdiction_id", "partner_id", "kind", name="uq_partnership_pair"),
    )
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partnership_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_partnership_jurisdiction_id"), ["jurisdiction_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partnership_last_reviewed_on"), ["last_reviewed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_partnership_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partnership_status"), ["status"], unique=False)

    op.create_table(
        "response_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("excluded_evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["inquiry_question.id"],
            name=op.f("fk_response_answer_question_id_inquiry_question"),
        ),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], name=op.f("fk_response_answer_response_id_response")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_answer")),
        sa.UniqueConstraint("response_id", "question_id", name="uq_response_answer_question"),
    )
    with op.batch_alter_table("response_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_answer_response_id"), ["response_id"], unique=False)

    op.create_table(
        "activity",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("participant_count", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("funding_city_cents", sa.BigInteger(), nullable=False),
        sa.Column("funding_nonprofit_cents", sa.BigInteger(), nullable=False),
        sa.Column("funding_foreign_government_cents", sa.BigInteger(), nullable=False),
        sa.Column("funding_private_cents", sa.BigInteger(), nullable=False),
        sa.Column("foreign_government_involvement", sa.Text(), nullable=False),
        sa.Column("gifts_given", sa.Text(), nullable=False),
        sa.Column("gifts_received", sa.Text(), nullable=False),
        sa.Column("gifts_value_cents", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_activity_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_partnership_id"), ["partnership_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_starts_on"), ["starts_on"], unique=False)

    op.create_table(
        "agreement",
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signed_at", sa.String(length=200), nullable=False),
        sa.Column("signatories", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("authoritative_language", sa.String(length=100), nullable=False),
        sa.Column("binding", sa.Boolean(), nullable=False),
        sa.Column("has_termination_clause", sa.Boolean(), nullable=False),
        sa.Column("notice_period", sa.String(length=100), nullable=False),
        sa.Column("political_clause", sa.Text(), nullable=False),
        sa.Column("restricts_speech", sa.Boolean(), nullable=False),
        sa.Column("restricts_curriculum", sa.Boolean(), nullable=False),
        sa.Column("confidentiality", sa.Boolean(), nullable=False),
        sa.Column("funding_obligations", sa.Boolean(), nullable=False),
        sa.Column("data_sharing", sa.Boolean(), nullable=False),
        sa.Column("clause_notes", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("public_url", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_agreement_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreement_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "oversight_action",
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("action_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.String(length=200), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_oversight_action_partnership_id_partnership"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_action")),
    )
    with op.batch_alter_table("oversight_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_action_action_on"), ["action_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_oversight_action_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_oversight_action_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_oversight_action_partnership_id"), ["partnership_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oversight_action_status"), ["status"], unique=False)

    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("evidence_attachment_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_attachment_id"],
            ["attachment.id"],
            name=op.f("fk_status_change_evidence_attachment_id_attachment"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"], ["partnership.id"], name=op.f("fk_status_change_partnership_id_partnership")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_change_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "participant",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("nationality", sa.String(length=100), nullable=False),
        sa.Column("visa_category", sa.String(length=30), nullable=False),
        sa.Column("program_sponsor", sa.String(length=200), nullable=False),
        sa.Column("invitation_letter_issued", sa.Boolean(), nullable=False),
        sa.Column("invitation_letter_on", sa.Date(), nullable=True),
        sa.Column("vetting_steps", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"], name=op.f("fk_participant_activity_id_activity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participant_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_participant_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_participant_visa_category"), ["visa_category"], unique=False)

    _create_audit_guards()


def _create_audit_guards() -> None:
    """Makes the database itself refuse UPDATE and DELETE on audit events."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, verb in (("audit_event_no_update", "UPDATE"), ("audit_event_no_delete", "DELETE")):
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$"
        )
        for name, verb in (("audit_event_no_update", "UPDATE"), ("audit_event_no_delete", "DELETE")):
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()"
            )


def _drop_audit_guards() -> None:
    dialect = op.get_bind().dialect.name
    for name in ("audit_event_no_update", "audit_event_no_delete"):
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_event")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_event_refuse_change()")


def downgrade() -> None:
    _drop_audit_guards()
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_visa_category"))
        batch_op.drop_index(batch_op.f("ix_participant_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_participant_activity_id"))

    op.drop_table("participant")
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_change_partnership_id"))

    op.drop_table("status_change")
    with op.batch_alter_table("oversight_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_action_status"))
        batch_op.drop_index(batch_op.f("ix_oversight_action_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_oversight_action_due_on"))
        batch_op.drop_index(batch_op.f("ix_oversight_action_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_oversight_action_action_on"))

    op.drop_table("oversight_action")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_deleted_at"))

    op.drop_table("agreement")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_starts_on"))
        batch_op.drop_index(batch_op.f("ix_activity_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_activity_deleted_at"))

    op.drop_table("activity")
    with op.batch_alter_table("response_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_answer_response_id"))

    op.drop_table("response_answer")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_status"))
        batch_op.drop_index(batch_op.f("ix_partnership_partner_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_last_reviewed_on"))
        batch_op.drop_index(batch_op.f("ix_partnership_jurisdiction_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_deleted_at"))

    op.drop_table("partnership")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_inquiry_id"))
        batch_op.drop_index(batch_op.f("ix_response_deleted_at"))

    op.drop_table("response")
    with op.batch_alter_table("jurisdiction", schema=None) as batch_op:
        batch_op.drop_index("ix_jurisdiction_name_state")
        batch_op.drop_index(batch_op.f("ix_jurisdiction_deleted_at"))

    op.drop_table("jurisdiction")
    with op.batch_alter_table("attachment_link", schema=None) as batch_op:
        batch_op.drop_index("ix_attachment_link_record")
        batch_op.drop_index(batch_op.f("ix_attachment_link_attachment_id"))

    op.drop_table("attachment_link")
    with op.batch_alter_table("inquiry_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_question_inquiry_id"))

    op.drop_table("inquiry_question")
    op.drop_table("blob_chunk")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index(batch_op.f("ix_attachment_deleted_at"))

    op.drop_table("attachment")
    op.drop_table("setting")
    with op.batch_alter_table("policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_deleted_at"))

    op.drop_table("policy")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_name_country")
        batch_op.drop_index(batch_op.f("ix_partner_deleted_at"))

    op.drop_table("partner")
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiry_deleted_at"))

    op.drop_table("inquiry")
    op.drop_table("blob")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_record")

    op.drop_table("audit_event")
